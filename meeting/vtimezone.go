package meeting

import (
	"fmt"
	"time"
)

// writeVTimezone describes loc between from and to as a VTIMEZONE, so a
// client that does not know the TZID (or knows an older version of it)
// still places the events right.
//
// Rather than hand-writing rules for a few zones, it walks Go's zone data:
// one observance per period in effect in the window, each starting at its
// transition. One-off observances without RRULE are valid RFC 5545 and are
// exact for whatever zone is configured, including zones that changed rules.
func writeVTimezone(w *icalWriter, loc *time.Location, from, to time.Time) {
	w.line("BEGIN", "VTIMEZONE")
	w.line("TZID", loc.String())
	for t := from; ; {
		lt := t.In(loc)
		name, off := lt.Zone()
		start, end := lt.ZoneBounds()
		prevOff := off
		// DTSTART is the local time of the onset, read in the offset in force
		// just before it (TZOFFSETFROM). A zone with no known start is given
		// the conventional 1970 epoch.
		onset := "19700101T000000"
		if !start.IsZero() {
			_, prevOff = start.Add(-time.Second).In(loc).Zone()
			onset = start.UTC().Add(time.Duration(prevOff) * time.Second).Format(icalLocal)
		}
		kind := "STANDARD"
		if lt.IsDST() {
			kind = "DAYLIGHT"
		}
		w.line("BEGIN", kind)
		w.line("DTSTART", onset)
		w.line("TZOFFSETFROM", icalOffset(prevOff))
		w.line("TZOFFSETTO", icalOffset(off))
		w.text("TZNAME", name)
		w.line("END", kind)
		if end.IsZero() || end.After(to) {
			break
		}
		t = end
	}
	w.line("END", "VTIMEZONE")
}

// icalOffset formats a UTC offset in seconds as RFC 5545 UTC-OFFSET (+0100).
func icalOffset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	s := fmt.Sprintf("%c%02d%02d", sign, sec/3600, sec/60%60)
	if sec%60 != 0 {
		s += fmt.Sprintf("%02d", sec%60)
	}
	return s
}
