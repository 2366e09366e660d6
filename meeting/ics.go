package meeting

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

const (
	icalLocal = "20060102T150405"
	icalUTC   = "20060102T150405Z"
)

// ICS returns an RFC 5545 calendar of the next count occurrences after from,
// for members to subscribe to. from is normally now: it is also written as
// every event's DTSTAMP. A meeting under way at from is still listed, so it
// does not vanish from calendars while it runs. Occurrences for which
// cancelled returns true (meeting skip) are listed with STATUS:CANCELLED
// rather than left out, so calendars that already hold them update instead
// of keeping a stale event. cancelled may be nil. title is the SUMMARY and
// the calendar's name; videoURL goes to LOCATION and URL.
func ICS(s Schedule, from time.Time, count int, videoURL, title string, cancelled func(time.Time) bool) []byte {
	dur := s.Duration
	if dur <= 0 {
		dur = DefaultDuration
	}
	var occs []time.Time
	for occ := s.Next(from.Add(-dur)); !occ.IsZero() && len(occs) < count; occ = s.Next(occ) {
		occs = append(occs, occ)
	}

	w := &icalWriter{}
	w.line("BEGIN", "VCALENDAR")
	w.line("VERSION", "2.0")
	w.line("PRODID", "-//consentbot//meeting//EN")
	w.line("CALSCALE", "GREGORIAN")
	w.line("METHOD", "PUBLISH")
	if title != "" {
		w.text("X-WR-CALNAME", title)
	}
	// Ask subscribed clients to refresh hourly, so a cancellation reaches
	// them before the meeting rather than the next day.
	w.line("REFRESH-INTERVAL;VALUE=DURATION", "PT1H")
	w.line("X-PUBLISHED-TTL", "PT1H")

	loc := s.Location()
	zoned := loc != nil && loc != time.UTC
	if zoned && len(occs) > 0 {
		writeVTimezone(w, loc, occs[0], occs[len(occs)-1].Add(dur))
	}
	uidTail := uidSuffix(videoURL)
	for _, occ := range occs {
		w.line("BEGIN", "VEVENT")
		w.line("UID", occ.UTC().Format(icalUTC)+uidTail)
		w.line("DTSTAMP", from.UTC().Format(icalUTC))
		if zoned {
			w.line("DTSTART;TZID="+paramValue(loc.String()), occ.In(loc).Format(icalLocal))
		} else {
			w.line("DTSTART", occ.UTC().Format(icalUTC))
		}
		w.line("DURATION", icalDuration(dur))
		if title != "" {
			w.text("SUMMARY", title)
		}
		if videoURL != "" {
			w.text("LOCATION", videoURL)
			w.line("URL", videoURL) // a URI value: not TEXT, so not escaped
			desc := videoURL
			if title != "" {
				desc = title + "\n" + videoURL
			}
			w.text("DESCRIPTION", desc)
		}
		// SEQUENCE goes up with the cancellation so clients that compare
		// revisions take the new status.
		if cancelled != nil && cancelled(occ) {
			w.line("STATUS", "CANCELLED")
			w.line("SEQUENCE", "1")
		} else {
			w.line("STATUS", "CONFIRMED")
			w.line("SEQUENCE", "0")
		}
		w.line("END", "VEVENT")
	}
	w.line("END", "VCALENDAR")
	return w.buf.Bytes()
}

// uidSuffix makes UIDs unique to this cooperative as well as to the
// occurrence: two cooperatives meeting at the same hour must not merge in
// the calendar of someone subscribed to both. The video room is the most
// stable thing that tells them apart.
func uidSuffix(videoURL string) string {
	sum := sha256.Sum256([]byte(videoURL))
	return "-" + hex.EncodeToString(sum[:4]) + "@consentbot"
}

// icalDuration formats d (whole seconds) as an RFC 5545 DURATION, e.g. PT1H30M.
func icalDuration(d time.Duration) string {
	sec := int64(d / time.Second)
	h, m, s := sec/3600, sec/60%60, sec%60
	out := "PT"
	if h > 0 {
		out += fmt.Sprintf("%dH", h)
	}
	if m > 0 {
		out += fmt.Sprintf("%dM", m)
	}
	if s > 0 || out == "PT" {
		out += fmt.Sprintf("%dS", s)
	}
	return out
}
