package cooptation

import (
	"sort"
	"strings"
	"time"

	"github.com/consentbot/consentbot/domain"
)

// New is R12 and R13. candidate is the roster entry of the person when they
// are already a member (a change of type), else a zero Member with the name.
// roster is the whole roster, from which the electorate is fixed now.
func New(id int, proposer, candidate domain.Member, typ domain.MemberType, why string, roster []domain.Member, deadline, now time.Time) (*Cooptation, []domain.Event, error) {
	switch {
	case !proposer.IsMember():
		return nil, nil, domain.E("err.not_member")
	case !proposer.Votes():
		return nil, nil, domain.E("err.coopt_needs_vote")
	case typ == domain.Societaire && proposer.Type != domain.Societaire:
		return nil, nil, domain.E("err.coopt_societaire_only")
	case !domain.ValidName(candidate.Name):
		return nil, nil, domain.E("err.bad_name", "Name", candidate.Name)
	case candidate.Name == proposer.Name:
		return nil, nil, domain.E("err.coopt_self")
	case candidate.Type == typ:
		return nil, nil, domain.E("err.already_type", "Name", candidate.Name, "Type", string(typ))
	case !deadline.After(now):
		return nil, nil, domain.E("err.deadline_past")
	}
	c := &Cooptation{
		ID: id, Proposer: proposer.Name, Candidate: candidate.Name, Type: typ, From: candidate.Type,
		Why: strings.TrimSpace(why), Electorate: Electorate(typ, candidate.Name, roster),
		OpenedAt: now, Deadline: deadline, State: Open,
	}
	events := []domain.Event{{Actor: proposer.Name, Kind: domain.CooptationOpened, Subject: c.Subject(), Text: c.describe()}}
	// The proposer's opening counts as their yes (R13).
	if c.IsElector(proposer.Name) {
		c.Votes = append(c.Votes, Vote{By: proposer.Name, Yes: true, At: now})
	}
	return c, append(events, c.settle(proposer.Name, now)...), nil
}

func (c *Cooptation) describe() string {
	s := c.Candidate + " → " + string(c.Type)
	if c.Why != "" {
		s += ": " + c.Why
	}
	return s
}

// Electorate is R13: all societaires for a societaire cooptation, all voting
// members otherwise; never the candidate. Sorted, so it reads the same
// everywhere.
func Electorate(typ domain.MemberType, candidate string, roster []domain.Member) []string {
	var out []string
	for _, m := range roster {
		if m.Name == candidate || !m.Votes() {
			continue
		}
		if typ == domain.Societaire && m.Type != domain.Societaire {
			continue
		}
		out = append(out, m.Name)
	}
	sort.Strings(out)
	return out
}

// CastVote is R14 and R15: a yes may become a no while open; one no rejects
// at once; all yes accepts.
func (c *Cooptation) CastVote(by string, yes bool, why string, now time.Time) ([]domain.Event, error) {
	if c.State != Open {
		return nil, domain.E("err.cooptation_closed", "ID", c.Subject(), "State", string(c.State))
	}
	if !c.IsElector(by) {
		return nil, domain.E("err.not_elector", "ID", c.Subject())
	}
	why = strings.TrimSpace(why)
	if prev, ok := c.VoteOf(by); ok {
		if prev.Yes == yes {
			return nil, domain.NoOp("noop.same_vote", "ID", c.Subject())
		}
		for i := range c.Votes {
			if c.Votes[i].By == by {
				c.Votes[i] = Vote{By: by, Yes: yes, Why: why, At: now}
			}
		}
	} else {
		c.Votes = append(c.Votes, Vote{By: by, Yes: yes, Why: why, At: now})
	}
	text := "yes"
	if !yes {
		text = "no"
	}
	if why != "" {
		text += ": " + why
	}
	events := []domain.Event{{Actor: by, Kind: domain.CooptationVoted, Subject: c.Subject(), Text: text}}
	return append(events, c.settle(by, now)...), nil
}

// settle closes the vote when unanimity or a single no decides it.
func (c *Cooptation) settle(actor string, now time.Time) []domain.Event {
	yes := 0
	for _, v := range c.Votes {
		if !v.Yes {
			c.State, c.ClosedAt = Rejected, now
			return []domain.Event{{Actor: actor, Kind: domain.CooptationReject, Subject: c.Subject(), Text: c.describe()}}
		}
		yes++
	}
	if yes == len(c.Electorate) {
		c.State, c.ClosedAt = Accepted, now
		return []domain.Event{{Actor: actor, Kind: domain.CooptationAccept, Subject: c.Subject(), Text: c.describe()}}
	}
	return nil
}

// CheckDeadline is R14's "silence is not consent": an open cooptation past its
// deadline expires.
func (c *Cooptation) CheckDeadline(now time.Time) []domain.Event {
	if c.State != Open || now.Before(c.Deadline) {
		return nil
	}
	c.State, c.ClosedAt = Expired, now
	return []domain.Event{{Actor: domain.ActorBot, Kind: domain.CooptationExpired, Subject: c.Subject(), Text: c.describe()}}
}

// DeadlineDue reports whether CheckDeadline or DueReminder has something to
// do at now (R14, R16).
func (c *Cooptation) DeadlineDue(now time.Time) bool {
	remind := c.RemindedAt.IsZero() && !now.Before(c.Deadline.Add(-ReminderBefore))
	return c.State == Open && (remind || !now.Before(c.Deadline))
}

// DueReminder is R16: once, from 48 hours before the deadline, the electors
// who have not voted. It marks the reminder as sent; the caller queues the
// direct messages in the same transaction.
func (c *Cooptation) DueReminder(now time.Time) []string {
	if c.State != Open || !c.RemindedAt.IsZero() || now.Before(c.Deadline.Add(-ReminderBefore)) || !now.Before(c.Deadline) {
		return nil
	}
	c.RemindedAt = now
	return c.Missing()
}

// Admit is R17's roster change: the member the cooptation makes, with the
// proposer as welcomer. It is only defined for an accepted cooptation.
func (c *Cooptation) Admit(existing domain.Member, now time.Time) (domain.Member, domain.Event) {
	m := existing
	m.Name, m.Type = c.Candidate, c.Type
	if !existing.IsMember() {
		m.Since, m.Welcomer = now, c.Proposer
		return m, domain.Event{Actor: c.Proposer, Kind: domain.MemberAdded, Subject: m.Name, Text: string(m.Type) + " (" + c.Subject() + ")"}
	}
	text := string(existing.Type) + " → " + string(m.Type) + " (" + c.Subject() + ")"
	if m.Type != domain.Societaire && m.Council {
		m.Council = false // the council is a subset of the societaires
		text += ", council seat ends"
	}
	return m, domain.Event{Actor: c.Proposer, Kind: domain.MemberChanged, Subject: m.Name, Text: text}
}

// TakeWelcome is R17's `welcome`: a member becomes the newcomer's welcomer.
func TakeWelcome(by, newcomer domain.Member) (domain.Member, []domain.Event, error) {
	switch {
	case !by.IsMember():
		return newcomer, nil, domain.E("err.not_member")
	case !newcomer.IsMember():
		return newcomer, nil, domain.E("err.unknown_member", "Name", newcomer.Name)
	case by.Name == newcomer.Name:
		return newcomer, nil, domain.E("err.welcome_self")
	case newcomer.Welcomer == by.Name:
		return newcomer, nil, domain.NoOp("noop.already_welcomer", "Name", newcomer.Name)
	}
	newcomer.Welcomer = by.Name
	return newcomer, []domain.Event{{Actor: by.Name, Kind: domain.MemberWelcomer, Subject: newcomer.Name, Text: by.Name}}, nil
}
