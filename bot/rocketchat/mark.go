package rocketchat

import (
	"cmp"
	"encoding/json"
	"slices"
	"time"
)

// markName is the MarkStore key of the inbound catch-up point.
const markName = "rocketchat.inbound"

// maxCatchUp bounds the catch-up after a restart: commands said longer ago
// than this while the bot was stopped are not run any more.
const maxCatchUp = 24 * time.Hour

// maxMarkIDs caps the ids kept in the mark (one bbolt value).
const maxMarkIDs = 256

// inboundMark is where the inbound stream stood, persisted after each handled
// command so that a new process catches up on what was said while the bot was
// stopped, and handles nothing twice.
//
// Handled lists every command handled with a timestamp in [Floor, Last]; Floor
// trails Last by the catch-up margin, so that a command that arrived late or
// shares its millisecond with another is still told apart by its id. A message
// older than Floor is taken as handled.
type inboundMark struct {
	Last    int64       `json:"last"`  // ms: newest handled command (server clock)
	Floor   int64       `json:"floor"` // ms
	Handled []markedMsg `json:"handled,omitempty"`
}

type markedMsg struct {
	ID string `json:"id"`
	TS int64  `json:"ts"` // ms
}

func decodeMark(s string) (*inboundMark, error) {
	if s == "" {
		return nil, nil
	}
	var m inboundMark
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, err
	}
	return &m, nil
}

func (m *inboundMark) encode() string {
	b, _ := json.Marshal(m) // plain ints and strings: cannot fail
	return string(b)
}

// clone returns a copy that shares nothing with m.
func (m *inboundMark) clone() *inboundMark {
	c := *m
	c.Handled = slices.Clone(m.Handled)
	return &c
}

// add records a handled command; window is how far Floor trails Last.
func (m *inboundMark) add(id string, ts time.Time, window time.Duration) {
	ms := ts.UnixMilli()
	if ts.IsZero() {
		ms = m.Last // no timestamp: keep the id, move nothing
	}
	if m.Last == 0 && m.Floor == 0 && len(m.Handled) == 0 {
		m.Last, m.Floor = ms, ms
	}
	m.Last = max(m.Last, ms)
	if !slices.ContainsFunc(m.Handled, func(h markedMsg) bool { return h.ID == id }) {
		m.Handled = append(m.Handled, markedMsg{ID: id, TS: ms})
	}
	m.Floor = max(m.Floor, m.Last-window.Milliseconds())
	if len(m.Handled) > maxMarkIDs {
		// Too many commands within the window: keep the newest ids and
		// raise Floor above the ones dropped, so the list stays complete.
		slices.SortStableFunc(m.Handled, func(a, b markedMsg) int { return cmp.Compare(a.TS, b.TS) })
		drop := len(m.Handled) - maxMarkIDs
		m.Floor = max(m.Floor, m.Handled[drop-1].TS+1)
	}
	m.Handled = slices.DeleteFunc(m.Handled, func(h markedMsg) bool { return h.TS < m.Floor })
}

// handled reports whether a message was handled before the mark was saved:
// it is listed, or older than Floor.
func (m *inboundMark) handled(id string, ts time.Time) bool {
	if slices.ContainsFunc(m.Handled, func(h markedMsg) bool { return h.ID == id }) {
		return true
	}
	return !ts.IsZero() && ts.UnixMilli() < m.Floor
}

// catchUpFrom is the time to catch up from after a restart: just before
// Floor, but not more than maxCatchUp before now.
func (m *inboundMark) catchUpFrom(now time.Time) time.Time {
	from := time.UnixMilli(m.Floor).UTC().Add(-time.Millisecond) // loadMissedMessages is "newer than"
	if bound := now.Add(-maxCatchUp); from.Before(bound) {
		return bound
	}
	return from
}
