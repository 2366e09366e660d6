package rocketchat

import (
	"context"
	"time"

	"github.com/consentbot/consentbot/bot"
)

// batchSize is how many outbox messages are read at a time.
const batchSize = 50

// channelState is the retry state of one destination.
type channelState struct {
	failures int
	retryAt  time.Time
}

// runDelivery posts the outbox until ctx ends. Messages are delivered in
// order per destination and acknowledged only once Rocket.Chat accepted them
// (R27): a message that fails stays in the outbox and is tried again later,
// with backoff, while other destinations go on.
func (a *Adapter) runDelivery(ctx context.Context) {
	states := make(map[string]*channelState)
	poll := time.NewTicker(a.pollEvery)
	defer poll.Stop()
	for {
		again, next := a.deliverBatch(ctx, states)
		if ctx.Err() != nil {
			return
		}
		if again {
			continue
		}
		a.waitForWork(ctx, poll.C, next)
	}
}

// waitForWork returns when the outbox signals new messages, at the next poll,
// at next (when set) or when ctx ends.
func (a *Adapter) waitForWork(ctx context.Context, poll <-chan time.Time, next time.Time) {
	var timer <-chan time.Time
	if !next.IsZero() {
		t := time.NewTimer(max(next.Sub(a.deps.Now()), 0))
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-ctx.Done():
	case <-a.deps.Outbox.Notify():
	case <-poll:
	case <-timer:
	}
}

// destination names the ordered stream a message belongs to.
func destination(m bot.Message) string {
	if m.Kind == bot.KindDM {
		return "@" + m.Member
	}
	return "#" + m.Channel
}

// deliverBatch delivers one batch of pending messages. again is true when the
// whole batch went through and more may be waiting; next is the earliest
// time a failed destination may be retried.
func (a *Adapter) deliverBatch(ctx context.Context, states map[string]*channelState) (again bool, next time.Time) {
	msgs, err := a.deps.Outbox.Pending(bot.PlatformRocketChat, batchSize)
	if err != nil {
		a.log.Error("rocketchat_outbox_read_failed", "err", err)
		return false, a.deps.Now().Add(a.redeliver.delay(0))
	}
	held := make(map[string]bool) // destinations stopped in this batch, to keep order
	delivered := 0
	for _, m := range msgs {
		if ctx.Err() != nil {
			return false, time.Time{}
		}
		dest := destination(m)
		if held[dest] {
			continue
		}
		st := states[dest]
		if st != nil && a.deps.Now().Before(st.retryAt) {
			held[dest] = true
			next = earliest(next, st.retryAt)
			continue
		}
		if err := a.deliver(ctx, m); err != nil {
			if ctx.Err() != nil {
				return false, time.Time{}
			}
			if st == nil {
				st = &channelState{}
				states[dest] = st
			}
			st.retryAt = a.deps.Now().Add(a.redeliver.delay(st.failures))
			st.failures++
			held[dest] = true
			next = earliest(next, st.retryAt)
			a.log.Error("rocketchat_delivery_failed", "outbox_id", m.ID, "kind", m.Kind,
				"failures", st.failures, "retry_at", st.retryAt, "err", err)
			continue
		}
		delete(states, dest)
		if err := a.deps.Outbox.Ack(bot.PlatformRocketChat, m.ID); err != nil {
			// Delivered but still queued: the retry will be recognised by its
			// message id and acknowledged then.
			a.log.Error("rocketchat_outbox_ack_failed", "outbox_id", m.ID, "err", err)
			return false, a.deps.Now().Add(a.redeliver.delay(0))
		}
		delivered++
	}
	return len(msgs) == batchSize && delivered == len(msgs), next
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// deliver carries out one outbox message.
func (a *Adapter) deliver(ctx context.Context, m bot.Message) error {
	if m.Kind != bot.KindDM && m.Channel == "" && m.Except != "" {
		gov, err := a.governanceRoom(ctx)
		if err != nil {
			return err
		}
		if gov == m.Except {
			return nil // typed in the governance channel: announced there already
		}
	}
	switch m.Kind {
	case bot.KindCard:
		return a.deliverCard(ctx, m)
	case bot.KindDM:
		rid, err := a.memberRoom(ctx, m.Member)
		if err != nil {
			return err
		}
		return a.sendMessage(ctx, a.outboxID(m), rid, "", m.Text)
	default: // KindPost, and any kind unknown to this version, as a plain post
		rid, err := a.room(ctx, m.Channel)
		if err != nil {
			return err
		}
		tmid := ""
		if m.Subject != "" {
			if id, ok, err := a.deps.Cards.Card(bot.PlatformRocketChat, rid, m.Subject); err != nil {
				return err
			} else if ok {
				tmid = id // announcements about an item go into its card's thread
			}
		}
		return a.sendMessage(ctx, a.outboxID(m), rid, tmid, m.Text)
	}
}

// deliverCard posts the card of an item, or edits it in place if it exists.
func (a *Adapter) deliverCard(ctx context.Context, m bot.Message) error {
	rid, err := a.room(ctx, m.Channel)
	if err != nil {
		return err
	}
	text := cardText(m)
	postID, ok, err := a.deps.Cards.Card(bot.PlatformRocketChat, rid, m.Subject)
	if err != nil {
		return err
	}
	if ok {
		err := a.updateMessage(ctx, rid, postID, text)
		if err == nil || transient(err) {
			return err
		}
		// The card was deleted (or is no longer ours): post a new one.
		a.log.Warn("rocketchat_card_update_refused", "subject", m.Subject, "err", err)
	}
	id := a.outboxID(m)
	if err := a.sendMessage(ctx, id, rid, "", text); err != nil {
		return err
	}
	return a.deps.Cards.SetCard(bot.PlatformRocketChat, rid, m.Subject, id)
}

// room resolves a Message channel: "" is the governance channel.
func (a *Adapter) room(ctx context.Context, channel string) (string, error) {
	if channel != "" {
		return channel, nil
	}
	return a.governanceRoom(ctx)
}

// memberRoom is the direct room with a member: the account bound to the
// member if there is one, else the account whose username is the member name.
func (a *Adapter) memberRoom(ctx context.Context, member string) (string, error) {
	username := member
	if a.deps.Identities != nil {
		uid, ok, err := a.deps.Identities.UserOf(bot.PlatformRocketChat, member)
		if err != nil {
			return "", err
		}
		if ok {
			if username, err = a.usernameOf(ctx, uid); err != nil {
				return "", err
			}
		}
	}
	return a.directRoom(ctx, username)
}
