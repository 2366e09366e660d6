package mattermost

import (
	"sync"
	"time"
)

// replaySet remembers the dialog states already answered, so that a state is
// accepted once. It lives in memory: after a restart a state still within its
// 15 minutes could be submitted a second time. That is harmless, because the
// bot treats a repeated objection, concern or vote as a no-op (R11); the set
// only spares it the work and gives the user a clear answer.
type replaySet struct {
	mu   sync.Mutex
	used map[string]time.Time // state token → its expiry
	busy map[string]bool      // states being handled right now
}

func newReplaySet() *replaySet {
	return &replaySet{used: map[string]time.Time{}, busy: map[string]bool{}}
}

// begin reserves a state for handling; false if it was used or is in flight.
func (r *replaySet) begin(state string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.used[state]; ok || r.busy[state] {
		return false
	}
	r.busy[state] = true
	return true
}

// end releases the reservation; if consumed, the state can never be used again
// (until it expires, after which decodeState refuses it anyway).
func (r *replaySet) end(state string, consumed bool, exp, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.busy, state)
	if consumed {
		r.used[state] = exp
	}
	for s, e := range r.used {
		if !now.Before(e) {
			delete(r.used, s)
		}
	}
}
