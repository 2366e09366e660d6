package bottest

import (
	"context"
	"slices"
	"sync"

	"github.com/consentbot/consentbot/bot"
)

// Handler is a bot.Handler that records every request and answers with
// Reply, or with an empty Response while Reply is nil.
type Handler struct {
	// Reply builds the answers; set it before the adapter calls Handle.
	Reply func(bot.Request) bot.Response

	mu   sync.Mutex
	reqs []bot.Request
}

// Handle records r and answers it.
func (h *Handler) Handle(_ context.Context, r bot.Request) bot.Response {
	h.mu.Lock()
	h.reqs = append(h.reqs, r)
	reply := h.Reply
	h.mu.Unlock()
	if reply == nil {
		return bot.Response{}
	}
	return reply(r)
}

// Requests returns the requests handled so far, oldest first.
func (h *Handler) Requests() []bot.Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.reqs)
}

// Count returns how many requests had this text.
func (h *Handler) Count(text string) int {
	n := 0
	for _, r := range h.Requests() {
		if r.Text == text {
			n++
		}
	}
	return n
}

var _ bot.Handler = (*Handler)(nil)
