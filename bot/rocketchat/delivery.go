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
		next := a.deliverRound(ctx, states)
		if ctx.Err() != nil {
			return
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

// deliverRound goes once through the whole outbox, a batch at a time, and
// delivers what it can. The batches are read from a cursor (PendingAfter),
// so the messages of held or failing destinations, however many, never stop
// the ones behind them. A destination that is waiting for a retry, or fails
// in this round, is held until the round ends: its later messages are
// skipped too, so that each destination's messages keep their order. next is
// the earliest time a held destination may be retried.
func (a *Adapter) deliverRound(ctx context.Context, states map[string]*channelState) (next time.Time) {
	held := make(map[string]bool)
	var after uint64
	for {
		msgs, err := a.deps.Outbox.PendingAfter(bot.PlatformRocketChat, after, batchSize)
		if err != nil {
			a.log.Error("rocketchat_outbox_read_failed", "err", err)
			return earliest(next, a.deps.Now().Add(a.redeliver.delay(0)))
		}
		for _, m := range msgs {
			if ctx.Err() != nil {
				return time.Time{}
			}
			after = m.ID
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
					return time.Time{}
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
				// message id and acknowledged then. Stop here, so that no later
				// message of this destination overtakes it.
				a.log.Error("rocketchat_outbox_ack_failed", "outbox_id", m.ID, "err", err)
				return earliest(next, a.deps.Now().Add(a.redeliver.delay(0)))
			}
		}
		if len(msgs) < batchSize {
			return next
		}
	}
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
		if noAccount(err) {
			// Retrying cannot help; the member may be reached on another
			// platform, where the bot queued the same message.
			a.log.Warn("rocketchat_dm_no_account", "outbox_id", m.ID, "member", m.Member, "err", err)
			return nil
		}
		if err != nil {
			return err
		}
		return a.sendMessage(ctx, a.outboxID(m), rid, "", a.fitText(m.Text, "dm", m.ID))
	default: // KindPost, and any kind unknown to this version, as a plain post
		rid, err := a.room(ctx, m.Channel)
		if err != nil {
			return err
		}
		text := a.fitText(m.Text, "post", m.ID)
		err = a.postIn(ctx, m, rid, rid, text)
		if gov, ok := a.redirect(ctx, m, rid, err); ok {
			return a.postIn(ctx, m, rid, gov, text)
		}
		return err
	}
}

// postIn posts m, whose destination is the room home, in the room where;
// a post about an item goes into the thread of its card when that card is
// in the same room.
func (a *Adapter) postIn(ctx context.Context, m bot.Message, home, where, text string) error {
	tmid := ""
	if m.Subject != "" {
		id, room, ok, err := a.cardOf(ctx, home, m.Subject)
		if err != nil {
			return err
		}
		if ok && room == where {
			tmid = id // announcements about an item go into its card's thread
		}
	}
	return a.sendMessage(ctx, a.outboxID(m), where, tmid, text)
}

// redirect decides where a message refused by its channel goes: when the
// channel refuses the bot for good (deleted, bot not a member, archived…)
// and is not the governance channel, the governance channel takes it, with
// the same message id, rather than the destination staying blocked for ever.
func (a *Adapter) redirect(ctx context.Context, m bot.Message, rid string, err error) (string, bool) {
	if m.Channel == "" || !roomRefused(err) {
		return "", false
	}
	gov, gerr := a.governanceRoom(ctx)
	if gerr != nil || gov == rid {
		return "", false
	}
	a.log.Warn("rocketchat_channel_refused_redirected", "outbox_id", m.ID, "kind", m.Kind,
		"subject", m.Subject, "channel", rid, "governance", gov, "err", err)
	return gov, true
}

// cardOf returns the post showing the card of subject for the room home, and
// the room that post is in: home, or the governance channel when the card
// was redirected there (both entries then name the same post).
func (a *Adapter) cardOf(ctx context.Context, home, subject string) (postID, room string, ok bool, err error) {
	postID, ok, err = a.deps.Cards.Card(bot.PlatformRocketChat, home, subject)
	if err != nil || !ok {
		return "", "", false, err
	}
	if gov, gerr := a.governanceRoom(ctx); gerr == nil && gov != home {
		gid, gok, err := a.deps.Cards.Card(bot.PlatformRocketChat, gov, subject)
		if err != nil {
			return "", "", false, err
		}
		if gok && gid == postID {
			return postID, gov, true, nil
		}
	}
	return postID, home, true, nil
}

// deliverCard posts the card of an item, or edits it in place if it exists.
func (a *Adapter) deliverCard(ctx context.Context, m bot.Message) error {
	rid, err := a.room(ctx, m.Channel)
	if err != nil {
		return err
	}
	text, cut := fitCard(m, a.maxSize())
	if cut {
		a.log.Warn("rocketchat_message_cut", "what", "card", "id", m.ID, "subject", m.Subject, "limit", a.maxSize())
	}
	postID, room, ok, err := a.cardOf(ctx, rid, m.Subject)
	if err != nil {
		return err
	}
	if ok {
		err := a.updateMessage(ctx, room, postID, text)
		if err == nil || transient(err) {
			return err
		}
		// The card was deleted (or is no longer ours, or the room refuses
		// the bot): post a new one.
		a.log.Warn("rocketchat_card_update_refused", "subject", m.Subject, "err", err)
	}
	id := a.outboxID(m)
	err = a.sendMessage(ctx, id, rid, "", text)
	if gov, ok := a.redirect(ctx, m, rid, err); ok {
		if err := a.sendMessage(ctx, id, gov, "", text); err != nil {
			return err
		}
		// Both entries name the post: later changes edit it in place,
		// and posts about the item go into its thread.
		if err := a.deps.Cards.SetCard(bot.PlatformRocketChat, gov, m.Subject, id); err != nil {
			return err
		}
	} else if err != nil {
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
