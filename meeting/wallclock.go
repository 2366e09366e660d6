package meeting

import "time"

// wallClock returns t's wall-clock reading as a UTC time with the same
// fields: a "floating" time that has no gaps or repeats.
func wallClock(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// resolve returns the instant at which the clocks in loc read f (a floating
// time from wallClock), in UTC.
//
// time.Date leaves the choice unspecified when the reading is ambiguous or
// does not exist, so resolve decides: in an overlap it returns the first
// instant (the meeting happens once, before the clocks go back); in a gap it
// returns the transition that ends the gap, the first instant that exists
// after the reading (the meeting is moved later, never skipped).
func resolve(f time.Time, loc *time.Location) time.Time {
	var first, gapEnd time.Time
	// Any instant whose clock reads f lies within f±14h; scan every zone
	// period that touches a slightly wider window, whatever the zone's rules.
	t, end := f.Add(-26*time.Hour), f.Add(26*time.Hour)
	for {
		lt := t.In(loc)
		_, off := lt.Zone()
		if c := f.Add(-time.Duration(off) * time.Second); wallClock(c.In(loc)).Equal(f) {
			if first.IsZero() || c.Before(first) {
				first = c
			}
		}
		_, next := lt.ZoneBounds()
		if next.IsZero() || !next.Before(end) {
			break
		}
		if gapEnd.IsZero() &&
			wallClock(next.Add(-time.Nanosecond).In(loc)).Before(f) &&
			wallClock(next.In(loc)).After(f) {
			gapEnd = next
		}
		t = next
	}
	switch {
	case !first.IsZero():
		return first.UTC()
	case !gapEnd.IsZero():
		return gapEnd.UTC()
	}
	// Unreachable with consistent zone data; fall back to Go's choice.
	return time.Date(f.Year(), f.Month(), f.Day(), f.Hour(), f.Minute(), f.Second(), f.Nanosecond(), loc).UTC()
}
