package bot

import (
	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/proposals"
	"github.com/consentbot/consentbot/storage"
)

var handlers = map[string]handler{
	"propose":         {run: (*exec).propose, change: true},
	"validate":        {run: (*exec).validate, change: true},
	"object":          {run: (*exec).object, change: true},
	"concern":         {run: (*exec).concern, change: true},
	"lift":            {run: (*exec).lift, change: true},
	"amend":           {run: (*exec).amend, change: true},
	"done":            {run: (*exec).done, change: true},
	"withdraw":        {run: (*exec).withdraw, change: true},
	"coopt":           {run: (*exec).coopt, change: true},
	"vote":            {run: (*exec).vote, change: true},
	"welcome":         {run: (*exec).welcome, change: true},
	"meeting_add":     {run: (*exec).meetingAdd, change: true},
	"meeting_done":    {run: (*exec).meetingDone, change: true},
	"meeting_skip":    {run: (*exec).meetingSkip, change: true},
	"meeting_minutes": {run: (*exec).meetingMinutes, change: true},
	"status":          {run: (*exec).status, marks: true},
	"list":            {run: (*exec).list},
	"todo":            {run: (*exec).todo},
	"members":         {run: (*exec).members},
	"meeting":         {run: (*exec).meeting},
	"log":             {run: (*exec).logQuery},
	"help":            {run: (*exec).help},
}

func (x *exec) propose() error {
	if err := x.needMember(); err != nil {
		return err
	}
	deadline := addLocal(x.now, x.b.cfg.ProposalDeadline, x.b.cfg.Location)
	if x.cmd.By != "" {
		d, err := ParseDeadline(x.cmd.By, x.now, x.b.cfg.Location)
		if err != nil {
			return err
		}
		deadline = d
	}
	// Validate before reserving a number, so a refusal burns none.
	if _, _, err := proposals.New(0, x.actor, x.cmd.Topic, x.cmd.Text, deadline, x.now); err != nil {
		return err
	}
	id, err := x.tx.NewProposalID()
	if err != nil {
		return err
	}
	p, events, err := proposals.New(id, x.actor, x.cmd.Topic, x.cmd.Text, deadline, x.now)
	if err != nil {
		return err
	}
	if err := x.saveProposal(p, events); err != nil {
		return err
	}
	if err := x.tx.SetHome(p.Subject(), storage.Home{Platform: x.req.Platform, Channel: x.req.Channel}); err != nil {
		return err
	}
	x.reply("ok.proposed", map[string]any{"ID": p.Subject()})
	if err := x.card(p.Subject()); err != nil {
		return err
	}
	// Stigmergy: the whole cooperative hears of it, also when it was
	// typed in a direct conversation or another channel.
	return x.governance(p.Subject(), x.b.eventText(events[0], p))
}

// saveProposal stores p, logs events, refreshes its card and announces the
// events in its thread.
func (x *exec) saveProposal(p *proposals.Proposal, events []domain.Event) error {
	if err := x.tx.PutProposal(p); err != nil {
		return err
	}
	return x.record(events...)
}

// changed finishes a change on Pn: save, log, announce each event, card.
func (x *exec) proposalChanged(p *proposals.Proposal, events []domain.Event) error {
	if err := x.saveProposal(p, events); err != nil {
		return err
	}
	for _, ev := range events {
		if err := x.announce(p.Subject(), x.b.eventText(ev, p)); err != nil {
			return err
		}
	}
	return x.card(p.Subject())
}

func (x *exec) validate() error {
	p, err := x.proposal(x.cmd.Ref)
	if err != nil {
		return err
	}
	events, err := p.Validate(x.actor, x.b.cfg.Rules, x.now)
	if err != nil {
		return err
	}
	return x.proposalChanged(p, events)
}

func (x *exec) object() error {
	p, err := x.proposal(x.cmd.Ref)
	if err != nil {
		return err
	}
	events, asConcern, err := p.Object(x.actor, x.cmd.Text, x.b.cfg.Rules, x.now)
	if err != nil {
		return err
	}
	if asConcern {
		// R5: the reply says the objection was kept as a concern.
		x.reply("ok.objection_as_concern", map[string]any{"ID": p.Subject()})
	}
	return x.proposalChanged(p, events)
}

func (x *exec) concern() error {
	p, err := x.proposal(x.cmd.Ref)
	if err != nil {
		return err
	}
	events, err := p.Concern(x.actor.Name, x.cmd.Text, x.now)
	if err != nil {
		return err
	}
	return x.proposalChanged(p, events)
}

func (x *exec) lift() error {
	p, err := x.proposal(x.cmd.Ref)
	if err != nil {
		return err
	}
	events, err := p.Lift(x.actor, x.b.cfg.Rules, x.now)
	if err != nil {
		return err
	}
	return x.proposalChanged(p, events)
}

func (x *exec) amend() error {
	p, err := x.proposal(x.cmd.Ref)
	if err != nil {
		return err
	}
	events, err := p.Amend(x.actor, x.cmd.Text, x.b.cfg.Rules, x.now)
	if err != nil {
		return err
	}
	return x.proposalChanged(p, events)
}

func (x *exec) done() error {
	p, err := x.proposal(x.cmd.Ref)
	if err != nil {
		return err
	}
	events, err := p.MarkDone(x.actor, x.cmd.Text, x.b.cfg.Rules, x.now)
	if err != nil {
		return err
	}
	if err := x.proposalChanged(p, events); err != nil {
		return err
	}
	// R8: the governance channel hears that the documentation exists.
	return x.governance(p.Subject(), x.b.eventText(events[0], p))
}

func (x *exec) withdraw() error {
	p, err := x.proposal(x.cmd.Ref)
	if err != nil {
		return err
	}
	events, err := p.Withdraw(x.actor, x.now)
	if err != nil {
		return err
	}
	return x.proposalChanged(p, events)
}
