package bot

import (
	"github.com/consentbot/consentbot/cooptation"
	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/storage"
)

func (x *exec) coopt() error {
	if err := x.needMember(); err != nil {
		return err
	}
	typ, ok := domain.ParseMemberType(x.cmd.Type)
	if !ok {
		return domain.E("err.bad_type", "Type", x.cmd.Type)
	}
	candidate, _, err := x.tx.Member(x.cmd.Name)
	if err != nil {
		return err
	}
	candidate.Name = x.cmd.Name
	roster, err := x.tx.Members()
	if err != nil {
		return err
	}
	cs, err := x.tx.Cooptations()
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.Candidate == candidate.Name && c.State == cooptation.Open && !x.now.After(c.Deadline) {
			return domain.E("err.coopt_pending", "Name", candidate.Name, "ID", c.Subject())
		}
	}
	deadline := addLocal(x.now, x.b.cfg.CooptationDeadline, x.b.cfg.Location)
	if _, _, err := cooptation.New(0, x.actor, candidate, typ, x.cmd.Text, roster, deadline, x.now); err != nil {
		return err
	}
	id, err := x.tx.NewCooptationID()
	if err != nil {
		return err
	}
	c, events, err := cooptation.New(id, x.actor, candidate, typ, x.cmd.Text, roster, deadline, x.now)
	if err != nil {
		return err
	}
	if err := x.tx.SetHome(c.Subject(), storage.Home{Platform: x.req.Platform, Channel: x.req.Channel}); err != nil {
		return err
	}
	x.reply("ok.coopted", map[string]any{"ID": c.Subject()})
	if c.State == cooptation.Accepted {
		x.reply("ok.coopted_accepted", map[string]any{"ID": c.Subject()})
	}
	// The electors hear of it wherever it was typed.
	if err := x.governance(c.Subject(), x.b.cooptationEventText(events[0], c)); err != nil {
		return err
	}
	// The proposer's own yes may already decide it (a sole elector).
	return x.cooptationChanged(c, events[1:], events[:1])
}

// cooptationChanged saves Cn, logs, announces and refreshes its card; on
// acceptance it changes the roster and welcomes the newcomer (R17).
// silent events are logged but not announced (the card says it).
func (x *exec) cooptationChanged(c *cooptation.Cooptation, events, silent []domain.Event) error {
	if err := x.tx.PutCooptation(c); err != nil {
		return err
	}
	if err := x.record(append(silent, events...)...); err != nil {
		return err
	}
	for _, ev := range events {
		if err := x.announce(c.Subject(), x.b.cooptationEventText(ev, c)); err != nil {
			return err
		}
	}
	if c.State == cooptation.Accepted {
		if err := x.b.admit(x.tx, c, x.b.platforms(x.req.Platform)); err != nil {
			return err
		}
	}
	return x.card(c.Subject())
}

// admit is R17: the roster changes, the proposer welcomes, the newcomer gets
// a direct message with the social code.
func (b *Bot) admit(tx *storage.Tx, c *cooptation.Cooptation, platforms []string) error {
	existing, _, err := tx.Member(c.Candidate)
	if err != nil {
		return err
	}
	m, ev := c.Admit(existing, tx.Now())
	if err := tx.PutMember(m); err != nil {
		return err
	}
	if err := tx.Append(ev); err != nil {
		return err
	}
	welcome := b.T("dm.welcome", map[string]any{
		"Name": m.Name, "Type": b.typeName(m.Type), "Welcomer": m.Welcomer,
		"SocialCode": b.cfg.SocialCodeURL, "Trigger": b.cfg.Trigger,
	})
	if existing.IsMember() {
		welcome = b.T("dm.type_changed", map[string]any{"Name": m.Name, "Type": b.typeName(m.Type), "Trigger": b.cfg.Trigger})
	}
	return queueDM(tx, platforms, m.Name, welcome)
}

func (x *exec) vote() error {
	c, err := x.cooptation(x.cmd.Ref)
	if err != nil {
		return err
	}
	events, err := c.CastVote(x.actor.Name, x.cmd.Yes, x.cmd.Text, x.now)
	if err != nil {
		return err
	}
	return x.cooptationChanged(c, events, nil)
}

func (x *exec) welcome() error {
	newcomer, _, err := x.tx.Member(x.cmd.Name)
	if err != nil {
		return err
	}
	newcomer.Name = x.cmd.Name
	m, events, err := cooptation.TakeWelcome(x.actor, newcomer)
	if err != nil {
		return err
	}
	if err := x.tx.PutMember(m); err != nil {
		return err
	}
	if err := x.record(events...); err != nil {
		return err
	}
	return x.announce("", x.b.eventText(events[0], nil))
}
