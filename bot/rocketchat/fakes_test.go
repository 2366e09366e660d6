package rocketchat

import (
	"context"
	"slices"
	"sync"

	"github.com/consentbot/consentbot/bot"
)

// handlerFunc adapts a function to bot.Handler and records every request.
type recordingHandler struct {
	mu   sync.Mutex
	reqs []bot.Request
	fn   func(bot.Request) bot.Response
}

func (h *recordingHandler) Handle(_ context.Context, r bot.Request) bot.Response {
	h.mu.Lock()
	h.reqs = append(h.reqs, r)
	fn := h.fn
	h.mu.Unlock()
	if fn == nil {
		return bot.Response{}
	}
	return fn(r)
}

func (h *recordingHandler) requests() []bot.Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.reqs)
}

// count returns how many requests had this text.
func (h *recordingHandler) count(text string) int {
	n := 0
	for _, r := range h.requests() {
		if r.Text == text {
			n++
		}
	}
	return n
}

// memOutbox is an in-memory bot.Outbox.
type memOutbox struct {
	mu     sync.Mutex
	seq    uint64
	msgs   []bot.Message
	notify chan struct{}
}

func newMemOutbox() *memOutbox { return &memOutbox{notify: make(chan struct{}, 1)} }

// add queues messages, as a committed command would, and signals.
func (o *memOutbox) add(ms ...bot.Message) {
	o.mu.Lock()
	for _, m := range ms {
		o.seq++
		m.ID = o.seq
		m.Platform = bot.PlatformRocketChat
		o.msgs = append(o.msgs, m)
	}
	o.mu.Unlock()
	select {
	case o.notify <- struct{}{}:
	default:
	}
}

func (o *memOutbox) Pending(platform string, max int) ([]bot.Message, error) {
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

func (o *memOutbox) Ack(platform string, id uint64) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.msgs = slices.DeleteFunc(o.msgs, func(m bot.Message) bool { return m.Platform == platform && m.ID == id })
	return nil
}

func (o *memOutbox) Notify() <-chan struct{} { return o.notify }

func (o *memOutbox) len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.msgs)
}

// memCards is an in-memory bot.CardStore.
type memCards struct {
	mu    sync.Mutex
	cards map[[3]string]string
}

func (c *memCards) Card(platform, channel, subject string) (string, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.cards[[3]string{platform, channel, subject}]
	return id, ok, nil
}

func (c *memCards) SetCard(platform, channel, subject, postID string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cards == nil {
		c.cards = make(map[[3]string]string)
	}
	c.cards[[3]string{platform, channel, subject}] = postID
	return nil
}

// memIdentities is an in-memory bot.IdentityStore: member -> user id.
type memIdentities map[string]string

func (m memIdentities) UserOf(platform, member string) (string, bool, error) {
	id, ok := m[member]
	return id, ok && platform == bot.PlatformRocketChat, nil
}

var (
	_ bot.Handler       = (*recordingHandler)(nil)
	_ bot.Outbox        = (*memOutbox)(nil)
	_ bot.CardStore     = (*memCards)(nil)
	_ bot.IdentityStore = memIdentities(nil)
)
