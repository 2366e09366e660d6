package bot

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/consentbot/consentbot/cooptation"
	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/meeting"
	"github.com/consentbot/consentbot/proposals"
	"github.com/consentbot/consentbot/storage"
)

// date shows a UTC time in the configured zone and language (R22).
func (b *Bot) date(t time.Time) string {
	return meeting.FormatDate(t, b.cfg.Location, b.cfg.Language)
}

// day shows a local date without its time ("lundi 7 décembre 2026").
func (b *Bot) day(d time.Time) string {
	full := meeting.FormatDate(time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, b.cfg.Location), b.cfg.Location, b.cfg.Language)
	for _, sep := range []string{" à ", " at "} {
		if i := strings.LastIndex(full, sep); i > 0 {
			return full[:i]
		}
	}
	return full
}

// topicName shows a topic in the reply language: the council topics have
// French names ("facturation"), others are shown as typed.
func (b *Bot) topicName(topic string) string {
	if t := b.T("topic."+topic, nil); t != "topic."+topic {
		return t
	}
	return topic
}

func (b *Bot) typeName(t domain.MemberType) string { return b.T("type."+string(t), nil) }

func (b *Bot) stateName(s string) string { return b.T("state."+s, nil) }

// eventText is the announcement of a logged event. p, when given, adds the
// proposal's progress.
func (b *Bot) eventText(ev domain.Event, p *proposals.Proposal) string {
	data := map[string]any{"Actor": ev.Actor, "ID": ev.Subject, "Text": ev.Text}
	if ev.Kind == domain.CooptationVoted {
		// The log says "yes" or "no: WHY"; the announcement says it in
		// the configured language.
		answer, why, found := strings.Cut(ev.Text, ": ")
		if answer == "yes" || answer == "no" {
			data["Text"] = b.T("vote."+answer, nil)
			if found {
				data["Text"] = b.T("vote.with_reason", map[string]any{"Answer": data["Text"], "Why": why})
			}
		}
	}
	if strings.HasPrefix(ev.Kind, "meeting.") {
		// The log's subject is the meeting's ISO date; prose says the day.
		if d, err := time.ParseInLocation("2006-01-02", ev.Subject, b.cfg.Location); err == nil {
			data["ID"] = b.day(d)
		}
	}
	if p != nil {
		data["Count"] = len(p.Validations)
		data["Required"] = b.cfg.Rules.ValidationsRequired
		data["State"] = b.stateName(string(p.State(b.cfg.Rules)))
	}
	return b.T("event."+ev.Kind, data)
}

// cooptationEventText is eventText for Cn: the log keeps the candidate and
// type as data ("frank → operationnel: why"); the announcement says it in the
// configured language.
func (b *Bot) cooptationEventText(ev domain.Event, c *cooptation.Cooptation) string {
	if ev.Kind == domain.CooptationVoted {
		return b.eventText(ev, nil)
	}
	desc := b.T("coopt.describe", map[string]any{"Candidate": c.Candidate, "Type": b.typeName(c.Type), "Why": c.Why})
	return b.eventText(domain.Event{Actor: ev.Actor, Kind: ev.Kind, Subject: ev.Subject, Text: desc}, nil)
}

// queueCard renders the card of subject and queues it at the item's home.
func (b *Bot) queueCard(tx *storage.Tx, subject string) error {
	home, ok, err := tx.Home(subject)
	if err != nil || !ok {
		return err
	}
	if b.cfg.Platforms != nil && !slices.Contains(b.cfg.Platforms, home.Platform) {
		return nil // its platform is not served any more: nobody would deliver it
	}
	ref, _ := ParseRef(subject)
	m := Message{Platform: home.Platform, Kind: KindCard, Channel: home.Channel, Subject: subject}
	if ref.Kind == 'P' {
		p, err := tx.Proposal(ref.N)
		if err != nil {
			return err
		}
		m.Text, m.Live = b.proposalCard(p), !p.Closed()
		if m.Live {
			m.Actions = []string{"validate", "object", "concern", "lift"}
		}
	} else {
		c, err := tx.Cooptation(ref.N)
		if err != nil {
			return err
		}
		m.Text, m.Live = b.cooptationCard(c), c.State == cooptation.Open
		if m.Live {
			m.Actions = []string{"vote_yes", "vote_no"}
		}
	}
	return enqueue(tx, m)
}

func (b *Bot) proposalCard(p *proposals.Proposal) string {
	r := b.cfg.Rules
	var s strings.Builder
	topic := ""
	if p.Topic != "" {
		topic = " [" + b.topicName(p.Topic) + "]"
	}
	fmt.Fprintf(&s, "%s%s — %s\n", b.T("card.proposal_title", map[string]any{"ID": p.Subject(), "Author": p.Author}), topic, b.stateName(string(p.State(r))))
	fmt.Fprintf(&s, "> %s\n", strings.ReplaceAll(p.Text(), "\n", "\n> "))
	if len(p.Versions) > 1 {
		s.WriteString(b.T("card.version", map[string]any{"N": len(p.Versions)}) + "\n")
	}
	var names []string
	for _, v := range p.Validations {
		n := v.By
		if v.Council {
			n += " ★"
		}
		names = append(names, n)
	}
	s.WriteString(b.T("card.validations", map[string]any{"Count": len(p.Validations), "Required": r.ValidationsRequired, "Names": strings.Join(names, ", ")}) + "\n")
	if proposals.NeedsCouncil(p.Topic) {
		key := "card.council_missing"
		if p.HasCouncilValidation() {
			key = "card.council_ok"
		}
		s.WriteString(b.T(key, nil) + "\n")
	}
	for _, o := range p.OpenObjections() {
		s.WriteString(b.T("card.objection", map[string]any{"By": o.By, "Reason": o.Reason}) + "\n")
	}
	for _, c := range p.Concerns {
		s.WriteString(b.T("card.concern", map[string]any{"By": c.By, "Text": c.Text}) + "\n")
	}
	switch {
	case !p.DoneAt.IsZero():
		s.WriteString(b.T("card.doc", map[string]any{"Doc": p.Doc}) + "\n")
	case p.WithdrawnAt.IsZero():
		key := "card.deadline"
		if p.Stalled(r) {
			key = "card.stalled"
		}
		s.WriteString(b.T(key, map[string]any{"Deadline": b.date(p.Deadline)}) + "\n")
	}
	return strings.TrimRight(s.String(), "\n")
}

func (b *Bot) cooptationCard(c *cooptation.Cooptation) string {
	var s strings.Builder
	s.WriteString(b.T("card.cooptation_title", map[string]any{"ID": c.Subject(), "Proposer": c.Proposer, "Candidate": c.Candidate, "Type": b.typeName(c.Type), "State": b.stateName(string(c.State))}) + "\n")
	if c.Why != "" {
		fmt.Fprintf(&s, "> %s\n", strings.ReplaceAll(c.Why, "\n", "\n> "))
	}
	var yes, no []string
	for _, v := range c.Votes {
		if v.Yes {
			yes = append(yes, v.By)
		} else {
			no = append(no, v.By)
		}
	}
	s.WriteString(b.T("card.votes", map[string]any{"Yes": len(yes), "Electors": len(c.Electorate), "Names": strings.Join(yes, ", ")}) + "\n")
	if len(no) > 0 {
		s.WriteString(b.T("card.votes_no", map[string]any{"Names": strings.Join(no, ", ")}) + "\n")
	}
	if c.State == cooptation.Open {
		s.WriteString(b.T("card.missing_votes", map[string]any{"Names": strings.Join(c.Missing(), ", "), "Deadline": b.date(c.Deadline)}) + "\n")
	}
	return strings.TrimRight(s.String(), "\n")
}

// pendingReason says exactly why a proposal is not approved yet: missing
// validations, a missing council validation and who could give it, open
// objections and by whom.
func (b *Bot) pendingReason(tx *storage.Tx, p *proposals.Proposal) string {
	r := b.cfg.Rules
	var why []string
	if n := p.MissingValidations(r); n > 0 {
		why = append(why, b.T("why.validations", map[string]any{"Count": n}))
	}
	if proposals.NeedsCouncil(p.Topic) && !p.HasCouncilValidation() {
		why = append(why, b.T("why.council", map[string]any{"Topic": b.topicName(p.Topic), "Names": strings.Join(councillors(tx, p), ", ")}))
	}
	for _, o := range p.OpenObjections() {
		why = append(why, b.T("why.objection", map[string]any{"By": o.By, "Reason": o.Reason}))
	}
	return strings.Join(why, "\n")
}

// councillors are the council members who could still give R3's validation.
func councillors(tx *storage.Tx, p *proposals.Proposal) []string {
	roster, _ := tx.Members()
	var out []string
	for _, m := range roster {
		if m.Council && m.Votes() && m.Name != p.Author && !p.ValidatedBy(m.Name) {
			out = append(out, m.Name)
		}
	}
	return out
}
