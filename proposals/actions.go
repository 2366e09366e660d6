package proposals

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/consentbot/consentbot/domain"
)

// MinDocChars is R8's minimum for documentation that is not a URL.
const MinDocChars = 20

// New opens a proposal (R1): any member may, non-members are told how to
// become one.
func New(id int, author domain.Member, topic, text string, deadline, now time.Time) (*Proposal, []domain.Event, error) {
	if !author.IsMember() {
		return nil, nil, domain.E("err.not_member")
	}
	topic = NormalizeTopic(topic)
	if topic != "" && !ValidTopic(topic) {
		return nil, nil, domain.E("err.bad_topic", "Topic", topic)
	}
	if strings.TrimSpace(text) == "" {
		return nil, nil, domain.E("err.missing_text")
	}
	if !deadline.After(now) {
		return nil, nil, domain.E("err.deadline_past")
	}
	p := &Proposal{
		ID: id, Author: author.Name, Topic: topic,
		Versions: []Version{{Text: text, At: now}},
		OpenedAt: now, Deadline: deadline,
	}
	return p, []domain.Event{{Actor: author.Name, Kind: domain.ProposalOpened, Subject: p.Subject(), Text: text}}, nil
}

// change runs f and appends the approved/blocked events that its effect on
// the derived state calls for.
func (p *Proposal) change(r Rules, actor string, f func() []domain.Event) []domain.Event {
	before := p.State(r)
	events := f()
	after := p.State(r)
	if after != before {
		switch after {
		case Approved:
			events = append(events, domain.Event{Actor: actor, Kind: domain.ProposalApproved, Subject: p.Subject(), Text: p.Text()})
		case Blocked:
			events = append(events, domain.Event{Actor: actor, Kind: domain.ProposalBlocked, Subject: p.Subject(), Text: p.lastObjectionReason()})
		}
	}
	return events
}

func (p *Proposal) lastObjectionReason() string {
	open := p.OpenObjections()
	return open[len(open)-1].Reason
}

// checkLive refuses actions on a proposal that is done or withdrawn.
func (p *Proposal) checkLive() error {
	switch {
	case !p.DoneAt.IsZero():
		return domain.E("err.proposal_closed", "ID", p.Subject(), "State", string(Done))
	case !p.WithdrawnAt.IsZero():
		return domain.E("err.proposal_closed", "ID", p.Subject(), "State", string(Withdrawn))
	}
	return nil
}

// Validate adds m's validation (R2, R3, R5, R11).
func (p *Proposal) Validate(m domain.Member, r Rules, now time.Time) ([]domain.Event, error) {
	if err := p.checkLive(); err != nil {
		return nil, err
	}
	switch {
	case !m.IsMember():
		return nil, domain.E("err.not_member")
	case !m.Votes():
		return nil, domain.E("err.validate_needs_vote", "Type", string(m.Type))
	case m.Name == p.Author:
		return nil, domain.E("err.own_proposal", "ID", p.Subject())
	case p.ValidatedBy(m.Name):
		return nil, domain.NoOp("noop.already_validated", "ID", p.Subject())
	case p.HasOpenObjectionBy(m.Name):
		// One cannot say "go ahead" and "this would harm us" at once:
		// lifting the objection comes first.
		return nil, domain.E("err.validate_while_objecting", "ID", p.Subject())
	}
	return p.change(r, m.Name, func() []domain.Event {
		p.Validations = append(p.Validations, Validation{By: m.Name, Council: m.Council, At: now})
		return []domain.Event{{Actor: m.Name, Kind: domain.ProposalValidated, Subject: p.Subject(), Text: p.Text()}}
	}), nil
}

// Object raises m's objection (R4, R5, R6). A non-voter's objection is kept
// as a concern: the returned bool reports that, so the reply can say so.
func (p *Proposal) Object(m domain.Member, reason string, r Rules, now time.Time) (events []domain.Event, asConcern bool, err error) {
	if err := p.checkLive(); err != nil {
		return nil, false, err
	}
	reason = strings.TrimSpace(reason)
	if m.Name == p.Author {
		return nil, false, domain.E("err.own_proposal", "ID", p.Subject())
	}
	if utf8.RuneCountInString(reason) < r.ObjectionMinChars {
		return nil, false, domain.E("err.reason_too_short", "Min", r.ObjectionMinChars, "Got", utf8.RuneCountInString(reason))
	}
	if !m.Votes() {
		p.Concerns = append(p.Concerns, Concern{By: m.Name, Text: reason, At: now, FromObjection: true})
		return []domain.Event{{Actor: m.Name, Kind: domain.ConcernAdded, Subject: p.Subject(), Text: reason}}, true, nil
	}
	if p.HasOpenObjectionBy(m.Name) {
		return nil, false, domain.NoOp("noop.already_objecting", "ID", p.Subject())
	}
	return p.change(r, m.Name, func() []domain.Event {
		// An objection withdraws the objector's own validation: lifting it
		// later must not silently count as a "go ahead".
		p.Validations = slices.DeleteFunc(p.Validations, func(v Validation) bool { return v.By == m.Name })
		p.Objections = append(p.Objections, Objection{By: m.Name, Reason: reason, At: now})
		return []domain.Event{{Actor: m.Name, Kind: domain.ObjectionRaised, Subject: p.Subject(), Text: reason}}
	}), false, nil
}

// Concern attaches a non-blocking remark; anyone may.
func (p *Proposal) Concern(by, text string, now time.Time) ([]domain.Event, error) {
	if err := p.checkLive(); err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, domain.E("err.missing_text")
	}
	for _, c := range p.Concerns {
		if c.By == by && c.Text == text {
			return nil, domain.NoOp("noop.same_concern", "ID", p.Subject())
		}
	}
	p.Concerns = append(p.Concerns, Concern{By: by, Text: text, At: now})
	return []domain.Event{{Actor: by, Kind: domain.ConcernAdded, Subject: p.Subject(), Text: text}}, nil
}

// Lift lifts m's own open objection (R6, R11).
func (p *Proposal) Lift(m domain.Member, r Rules, now time.Time) ([]domain.Event, error) {
	if err := p.checkLive(); err != nil {
		return nil, err
	}
	i := p.openObjectionBy(m.Name)
	if i < 0 {
		for _, o := range p.Objections {
			if o.By == m.Name {
				return nil, domain.NoOp("noop.already_lifted", "ID", p.Subject())
			}
		}
		return nil, domain.E("err.no_objection", "ID", p.Subject())
	}
	return p.change(r, m.Name, func() []domain.Event {
		p.Objections[i].LiftedAt = now
		return []domain.Event{{Actor: m.Name, Kind: domain.ObjectionLifted, Subject: p.Subject(), Text: p.Objections[i].Reason}}
	}), nil
}

// Amend adds a new version (R7): the validations were given to another text,
// so they are cleared; objections stay open.
func (p *Proposal) Amend(m domain.Member, text string, r Rules, now time.Time) ([]domain.Event, error) {
	if err := p.checkLive(); err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	switch {
	case m.Name != p.Author:
		return nil, domain.E("err.author_only", "ID", p.Subject(), "Author", p.Author)
	case text == "":
		return nil, domain.E("err.missing_text")
	case text == p.Text():
		return nil, domain.NoOp("noop.same_text", "ID", p.Subject())
	}
	return p.change(r, m.Name, func() []domain.Event {
		p.Versions = append(p.Versions, Version{Text: text, At: now})
		p.Validations = nil
		// A new text past the deadline must still reach consent in time:
		// R10 is decided again (at once, if the deadline is past).
		if p.StalledAt.IsZero() {
			p.DeadlineChecked = false
		}
		return []domain.Event{{Actor: m.Name, Kind: domain.ProposalAmended, Subject: p.Subject(), Text: text}}
	}), nil
}

// MarkDone is R8: only the author, only once approved, with documentation.
func (p *Proposal) MarkDone(m domain.Member, doc string, r Rules, now time.Time) ([]domain.Event, error) {
	if !p.DoneAt.IsZero() && m.Name == p.Author {
		return nil, domain.NoOp("noop.already_done", "ID", p.Subject())
	}
	if err := p.checkLive(); err != nil {
		return nil, err
	}
	doc = strings.TrimSpace(doc)
	switch {
	case m.Name != p.Author:
		return nil, domain.E("err.author_only", "ID", p.Subject(), "Author", p.Author)
	case p.State(r) != Approved:
		return nil, domain.E("err.not_approved", "ID", p.Subject(), "State", string(p.State(r)))
	case !IsDocumentation(doc):
		return nil, domain.E("err.doc_too_short", "Min", MinDocChars)
	}
	p.Doc, p.DoneAt = doc, now
	return []domain.Event{{Actor: m.Name, Kind: domain.ProposalDone, Subject: p.Subject(), Text: doc}}, nil
}

// IsDocumentation is R8's test: an absolute URL, or at least MinDocChars
// characters of text.
func IsDocumentation(doc string) bool {
	if u, err := url.Parse(doc); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(doc, " \t\n") {
		return true
	}
	return utf8.RuneCountInString(doc) >= MinDocChars
}

// Withdraw is R9: the author may withdraw a proposal that is not done.
func (p *Proposal) Withdraw(m domain.Member, now time.Time) ([]domain.Event, error) {
	if m.Name != p.Author {
		return nil, domain.E("err.author_only", "ID", p.Subject(), "Author", p.Author)
	}
	if !p.WithdrawnAt.IsZero() {
		return nil, domain.NoOp("noop.already_withdrawn", "ID", p.Subject())
	}
	if err := p.checkLive(); err != nil {
		return nil, err
	}
	p.WithdrawnAt = now
	return []domain.Event{{Actor: m.Name, Kind: domain.ProposalWithdrawn, Subject: p.Subject(), Text: p.Text()}}, nil
}

// DeadlineDue reports whether CheckDeadline has something to decide at now,
// so that callers can leave untouched what it would not change.
func (p *Proposal) DeadlineDue(now time.Time) bool {
	return !p.DeadlineChecked && !now.Before(p.Deadline)
}

// CheckDeadline is R10, applied whenever the proposal is touched and by the
// scheduler: at its deadline a proposal that is not approved (nor closed) is
// stalled, once. The deadline never changes the state itself.
func (p *Proposal) CheckDeadline(r Rules, now time.Time) []domain.Event {
	if p.DeadlineChecked || now.Before(p.Deadline) {
		return nil
	}
	p.DeadlineChecked = true
	if p.Closed() || p.State(r) == Approved {
		return nil
	}
	p.StalledAt = now
	return []domain.Event{{Actor: domain.ActorBot, Kind: domain.ProposalStalled, Subject: p.Subject(), Text: p.Text()}}
}
