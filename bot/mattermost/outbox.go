package mattermost

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/consentbot/consentbot/bot"
)

// Outbox delivery.
//
// Messages are grouped by destination: a channel ("ch:<id>"; "" is the
// governance channel) or a member's direct messages ("dm:<member>"). Within a
// destination they go out strictly in outbox order: after a failure the rest of
// that destination waits, with an exponential backoff (backoffMin doubling up
// to backoffMax, or the server's Retry-After), while other destinations go on.
// A pass reads the outbox once with a cursor (PendingAfter), so held
// destinations, however many messages they hold, never starve the others.
// Nothing is dropped (R27): a message leaves the outbox only by Ack, after
// Mattermost accepted it, with two exceptions where waiting could never end.
// A message for a channel other than the governance channel that the channel
// refuses for good (400, 403, 404: the bot is not a member, the channel is a
// DM between others, archived or gone) goes to the governance channel instead,
// with a warning (see inChannel). A direct message to a member with no
// Mattermost account (not bound, no such username) is dropped with a warning:
// the member may be on another platform only.
//
// Duplicates: every created post carries propMsg = "mattermost-<id>". Before
// creating a post, the adapter looks at the last recentWindow posts of the
// channel for that tag when the destination is "unsure": it is the first
// message of that destination since start (the process may have died between
// a create and its Ack), or the previous attempt may have created the post
// (network error, timeout or 5xx on create, or the Ack / SetCard after it
// failed). If found, that post counts as delivered. So delivery is at least
// once, and exactly once unless more than recentWindow posts landed in the
// channel between the lost acknowledgement and the retry, or the post was
// deleted meanwhile. Card updates are idempotent and need no check. A message
// redirected to the governance channel is looked for there every time.

const (
	batchSize    = 50  // messages read from the outbox at a time
	recentWindow = 100 // posts searched for an already-delivered message
)

// destState is the delivery state of one destination.
type destState struct {
	failures int
	next     time.Time // no attempt before
	unsure   bool      // look for an existing post before creating one
}

func (a *Adapter) dest(key string) *destState {
	d := a.dests[key]
	if d == nil {
		d = &destState{unsure: true}
		a.dests[key] = d
	}
	return d
}

// Run delivers the outbox until ctx is cancelled, then returns nil. It wakes
// on Outbox.Notify, when a backoff ends, and every pollInterval.
func (a *Adapter) Run(ctx context.Context) error {
	if !a.mu.TryLock() {
		return errors.New("mattermost: Run is already running")
	}
	defer a.mu.Unlock()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		wait := a.pass(ctx)
		if wait <= 0 || wait > a.pollInterval {
			wait = a.pollInterval
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return nil
		case <-a.deps.Outbox.Notify():
		case <-timer.C:
		}
	}
}

// pass delivers what can be delivered now and returns how long until the
// next backoff ends (0 if none). It reads the outbox once, from the oldest
// message on, batch after batch with a cursor: the messages of a held
// destination are read and passed over, never read again in the same pass, so
// however many they are, the others are reached, in one read of the outbox.
// A held destination stays held for the whole pass, which keeps its order.
func (a *Adapter) pass(ctx context.Context) time.Duration {
	stopped := map[string]bool{} // destinations that must not move in this pass
	holdChannels := false        // governance channel unknown: hold all channels
	var after uint64             // the cursor: the last message looked at
	for ctx.Err() == nil {
		msgs, err := a.deps.Outbox.PendingAfter(bot.PlatformMattermost, after, batchSize)
		if err != nil {
			a.log.Error("outbox pending", "err", err)
			return a.backoffMin
		}
		for _, m := range msgs {
			if ctx.Err() != nil {
				break
			}
			after = m.ID
			if m.Kind != bot.KindDM && m.Channel == "" && a.govID == "" && !stopped[govKey] {
				if !a.dest(govKey).next.After(a.now()) {
					a.govErr = a.resolveGovernance(ctx)
				}
				if a.govID == "" {
					stopped[govKey] = true
					// While the governance channel id is unknown, any other
					// channel might be it: hold them all, unless Mattermost
					// answered that the name does not exist.
					holdChannels = !isClientError(a.govErr)
				}
			}
			key := a.destKey(m)
			if stopped[key] || (holdChannels && strings.HasPrefix(key, "ch:")) || a.dest(key).next.After(a.now()) {
				stopped[key] = true
				continue
			}
			if err := a.deliverAndAck(ctx, m, key); err != nil {
				stopped[key] = true
			}
		}
		if len(msgs) < batchSize {
			break
		}
	}
	return a.nextWake()
}

const govKey = "gov"

// destKey names the destination of m: messages to one key keep their order.
func (a *Adapter) destKey(m bot.Message) string {
	switch {
	case m.Kind == bot.KindDM:
		return "dm:" + m.Member
	case m.Channel != "":
		return "ch:" + m.Channel
	case a.govID != "":
		return "ch:" + a.govID
	default:
		return govKey
	}
}

// nextWake is the time until the earliest backoff ends.
func (a *Adapter) nextWake() time.Duration {
	now := a.now()
	var wait time.Duration
	for _, d := range a.dests {
		if w := d.next.Sub(now); w > 0 && (wait == 0 || w < wait) {
			wait = w
		}
	}
	return wait
}

// deliverAndAck delivers one message and acknowledges it, or records the
// failure and schedules the destination's retry.
func (a *Adapter) deliverAndAck(ctx context.Context, m bot.Message, key string) error {
	d := a.dest(key)
	callCtx, cancel := context.WithTimeout(ctx, a.callTimeout)
	err := a.deliver(callCtx, m, d)
	cancel()
	if err == nil {
		if err = a.deps.Outbox.Ack(bot.PlatformMattermost, m.ID); err != nil {
			d.unsure = true // delivered but still pending: the retry must find it
		}
	}
	if err != nil {
		a.failed(key, d, m, err)
		return err
	}
	*d = destState{}
	return nil
}

// failed schedules the next attempt of a destination.
func (a *Adapter) failed(key string, d *destState, m bot.Message, err error) {
	d.failures++
	delay := a.backoffMax
	if d.failures <= 20 {
		delay = min(a.backoffMin<<(d.failures-1), a.backoffMax)
	}
	var ae *apiError
	if errors.As(err, &ae) && ae.RetryAfter > delay {
		delay = min(ae.RetryAfter, a.backoffMax)
	}
	d.next = a.now().Add(delay)
	if d.failures <= 3 || d.failures%10 == 0 {
		a.log.Warn("delivery failed, will retry", "dest", key, "msg_id", m.ID, "kind", m.Kind,
			"attempt", d.failures, "retry_in", delay.String(), "err", err)
	}
}

// isClientError reports a 4xx answer other than 429: retrying the same call
// will not help.
func isClientError(err error) bool {
	s := statusOf(err)
	return s >= 400 && s < 500 && s != 429
}

// resolveGovernance looks up the governance channel id (team + name).
func (a *Adapter) resolveGovernance(ctx context.Context) error {
	callCtx, cancel := context.WithTimeout(ctx, a.callTimeout)
	defer cancel()
	id, err := a.api.channelByName(callCtx, a.cfg.Team, a.cfg.Channel)
	if err != nil {
		a.failed(govKey, a.dest(govKey), bot.Message{}, err)
		return err
	}
	a.govID = id
	a.dests[govKey] = &destState{}
	return nil
}
