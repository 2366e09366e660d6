package meeting

import (
	"slices"
	"strings"
	"time"
)

// Due is something that came due for the scheduler: a reminder before an
// occurrence, or the occurrence itself becoming past (Held).
type Due struct {
	// Key identifies this reminder of this occurrence for good, e.g.
	// "2027-03-29T08:00:00Z/24h0m0s" or "2027-03-29T08:00:00Z/held". The
	// caller records it with what it posts, in the same transaction, and
	// drops a Due whose key it already holds: that makes overlapping ticks
	// and restarts harmless.
	Key        string
	Occurrence time.Time     // the meeting, UTC
	Offset     time.Duration // how long before Occurrence; 0 when Held
	At         time.Time     // Occurrence - Offset, UTC
	// Late is set when now is more than the grace period after At: a
	// reminder for a meeting that has already started, or that comes hours
	// after it should have, does more harm than good. The caller logs it and
	// records its key instead of posting it.
	Late bool
	// Held marks the occurrence itself, reported once it has started, so the
	// caller can roll the agenda (SPEC R21). It is never Late: rolling must
	// happen however late the tick.
	Held bool
}

// maxCatchUp bounds how far back Due looks, so a last from years ago does
// not enumerate every week since: beyond a year everything would be Late
// anyway.
const maxCatchUp = 366 * 24 * time.Hour

// Due returns what came due in (last, now]: each reminder whose instant
// falls in the interval, then each occurrence that started in it, ordered by
// instant. last is the now of the caller's previous tick; a zero last means
// there was none, and only what is still within grace is reported. A grace
// of zero or less means DefaultGrace. Occurrences for which skipped returns
// true (cancelled meetings) yield nothing, neither reminders nor held: a
// cancelled meeting is not held, so its agenda carries over whole. skipped
// may be nil.
func (s Schedule) Due(last, now time.Time, grace time.Duration, skipped func(occ time.Time) bool) []Due {
	if grace <= 0 {
		grace = DefaultGrace
	}
	switch {
	case last.IsZero():
		last = now.Add(-grace)
	case now.Sub(last) > maxCatchUp:
		last = now.Add(-maxCatchUp)
	}
	if !now.After(last) {
		return nil
	}
	var lead time.Duration // the longest reminder offset
	for _, off := range s.Reminders {
		lead = max(lead, off)
	}
	var out []Due
	// A reminder at occ-off lies in (last, now] only if occ lies in
	// (last+off, now+off], so occurrences after last and up to now+lead
	// cover every case.
	for occ := s.Next(last); !occ.IsZero() && !occ.After(now.Add(lead)); occ = s.Next(occ) {
		if skipped != nil && skipped(occ) {
			continue
		}
		for _, off := range s.Reminders {
			if off < 0 {
				continue
			}
			if at := occ.Add(-off); at.After(last) && !at.After(now) {
				out = append(out, Due{
					Key:        dueKey(occ, off.String()),
					Occurrence: occ,
					Offset:     off,
					At:         at,
					Late:       now.Sub(at) > grace,
				})
			}
		}
		if occ.After(last) && !occ.After(now) {
			out = append(out, Due{Key: dueKey(occ, "held"), Occurrence: occ, At: occ, Held: true})
		}
	}
	// Two equal offsets in the configuration would produce the same key
	// twice; the caller must see each key once.
	slices.SortFunc(out, func(a, b Due) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		if a.Held != b.Held { // reminders before the meeting they announce
			if a.Held {
				return 1
			}
			return -1
		}
		return strings.Compare(a.Key, b.Key)
	})
	return slices.CompactFunc(out, func(a, b Due) bool { return a.Key == b.Key })
}

func dueKey(occ time.Time, suffix string) string {
	return occ.UTC().Format(time.RFC3339) + "/" + suffix
}
