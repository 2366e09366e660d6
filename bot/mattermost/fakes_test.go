package mattermost

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/consentbot/consentbot/bot"
)

// Bot-side fakes, in memory.

type fakeHandler struct {
	mu    sync.Mutex
	reqs  []bot.Request
	reply func(bot.Request) bot.Response
}

func (h *fakeHandler) Handle(_ context.Context, r bot.Request) bot.Response {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.reqs = append(h.reqs, r)
	if h.reply == nil {
		return bot.Response{}
	}
	return h.reply(r)
}

func (h *fakeHandler) requests() []bot.Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]bot.Request(nil), h.reqs...)
}

type fakeOutbox struct {
	mu     sync.Mutex
	msgs   []bot.Message // pending, in order
	acked  []uint64
	notify chan struct{}
	// ackFails makes the next Acks fail, as a storage error would.
	ackFails int
}

func newFakeOutbox(msgs ...bot.Message) *fakeOutbox {
	o := &fakeOutbox{notify: make(chan struct{}, 1)}
	o.add(msgs...)
	return o
}

func (o *fakeOutbox) add(msgs ...bot.Message) {
	o.mu.Lock()
	for _, m := range msgs {
		if m.Platform == "" {
			m.Platform = bot.PlatformMattermost
		}
		o.msgs = append(o.msgs, m)
	}
	o.mu.Unlock()
	select {
	case o.notify <- struct{}{}:
	default:
	}
}

func (o *fakeOutbox) Pending(platform string, max int) ([]bot.Message, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []bot.Message
	for _, m := range o.msgs {
		if m.Platform == platform && len(out) < max {
			out = append(out, m)
		}
	}
	return out, nil
}

func (o *fakeOutbox) Ack(platform string, id uint64) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ackFails > 0 {
		o.ackFails--
		return errors.New("disk full")
	}
	for i, m := range o.msgs {
		if m.Platform == platform && m.ID == id {
			o.msgs = append(o.msgs[:i], o.msgs[i+1:]...)
			o.acked = append(o.acked, id)
			return nil
		}
	}
	return nil
}

func (o *fakeOutbox) Notify() <-chan struct{} { return o.notify }

func (o *fakeOutbox) state() (pending int, acked []uint64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.msgs), append([]uint64(nil), o.acked...)
}

type fakeCards struct {
	mu    sync.Mutex
	cards map[string]string // platform|channel|subject → post id
}

func newFakeCards() *fakeCards { return &fakeCards{cards: map[string]string{}} }

func (c *fakeCards) Card(platform, channel, subject string) (string, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.cards[platform+"|"+channel+"|"+subject]
	return id, ok, nil
}

func (c *fakeCards) SetCard(platform, channel, subject, postID string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cards[platform+"|"+channel+"|"+subject] = postID
	return nil
}

type fakeIdentities map[string]string // member → user id

func (f fakeIdentities) UserOf(platform, member string) (string, bool, error) {
	id, ok := f[member]
	return id, ok && platform == bot.PlatformMattermost, nil
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
