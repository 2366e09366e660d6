package meeting

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// dueKeys renders Due values compactly: key plus flags.
func dueKeys(ds []Due) []string {
	out := []string{}
	for _, d := range ds {
		k := d.Key
		if d.Late {
			k += " late"
		}
		out = append(out, k)
	}
	return out
}

// R20: reminders 24h and 15m before, reported once per window, late ones
// flagged, cancelled meetings silent. The meeting of Monday 29 March 2027,
// 10:00 Paris, is 08:00Z; the one before, 22 March, is 09:00Z (winter time).
func TestDue(t *testing.T) {
	const (
		occ    = "2027-03-29T08:00:00Z"
		r24    = occ + "/24h0m0s"
		r15    = occ + "/15m0s"
		held   = occ + "/held"
		prev   = "2027-03-22T09:00:00Z"
		prev24 = prev + "/24h0m0s"
		prev15 = prev + "/15m0s"
	)
	cancel29 := func(o time.Time) bool { return o.Equal(time.Date(2027, 3, 29, 8, 0, 0, 0, time.UTC)) }
	tests := []struct {
		name      string
		last, now string // "" last means zero
		grace     time.Duration
		skipped   func(time.Time) bool
		reminders []time.Duration
		want      []string
	}{
		{name: "NothingYet", last: "2027-03-27T00:00:00Z", now: "2027-03-28T07:59:59Z", want: []string{}},
		{name: "DayBeforeOnTime", last: "2027-03-28T07:59:00Z", now: "2027-03-28T08:00:00Z", want: []string{r24}},
		{name: "DuplicateTick", last: "2027-03-28T08:00:00Z", now: "2027-03-28T08:00:00Z", want: []string{}},
		{name: "NextTickSeesNothingNew", last: "2027-03-28T08:00:00Z", now: "2027-03-28T08:01:00Z", want: []string{}},
		{name: "WithinGrace", last: "2027-03-28T07:00:00Z", now: "2027-03-28T08:29:00Z", want: []string{r24}},
		{name: "GraceBoundaryIsOnTime", last: "2027-03-28T07:00:00Z", now: "2027-03-28T08:30:00Z", want: []string{r24}},
		{name: "PastGraceIsLate", last: "2027-03-28T07:00:00Z", now: "2027-03-28T08:30:01Z", want: []string{r24 + " late"}},
		{name: "CustomGrace", last: "2027-03-28T07:00:00Z", now: "2027-03-28T08:10:00Z", grace: 5 * time.Minute,
			want: []string{r24 + " late"}},
		{name: "QuarterHourAndHeld", last: "2027-03-29T07:40:00Z", now: "2027-03-29T08:00:00Z", want: []string{r15, held}},
		{name: "HeldIsNeverLate", last: "2027-03-29T07:50:00Z", now: "2027-03-29T12:00:00Z", want: []string{held}},
		{name: "RestartInTheMiddle", last: "2027-03-20T00:00:00Z", now: "2027-03-29T07:50:00Z",
			want: []string{prev24 + " late", prev15 + " late", prev + "/held", r24 + " late", r15}},
		{name: "FirstTickEver", last: "", now: "2027-03-29T07:50:00Z", want: []string{r15}},
		{name: "FirstTickEverTooLate", last: "", now: "2027-03-29T08:20:00Z", want: []string{held}},
		{name: "SkippedOccurrenceSilent", last: "2027-03-27T00:00:00Z", now: "2027-03-29T09:00:00Z",
			skipped: cancel29, want: []string{}},
		{name: "SkipOnlyThatOne", last: "2027-03-21T00:00:00Z", now: "2027-03-29T09:00:00Z", skipped: cancel29,
			want: []string{prev24 + " late", prev15 + " late", prev + "/held"}},
		{name: "DuplicateOffsetsOnce", last: "2027-03-29T07:40:00Z", now: "2027-03-29T07:50:00Z",
			reminders: []time.Duration{15 * time.Minute, 15 * time.Minute, -time.Hour}, want: []string{r15}},
		{name: "ClockWentBack", last: "2027-03-29T09:00:00Z", now: "2027-03-29T07:50:00Z", want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustSchedule(t, "", "Europe/Paris")
			if tt.reminders != nil {
				s.Reminders = tt.reminders
			}
			var last time.Time
			if tt.last != "" {
				last = utc(t, tt.last)
			}
			got := s.Due(last, utc(t, tt.now), tt.grace, tt.skipped)
			if diff := cmp.Diff(tt.want, dueKeys(got)); diff != "" {
				t.Errorf("Due keys (-want +got):\n%s", diff)
			}
		})
	}
}

// R20: the fields of a Due, not only its key.
func TestDueFields(t *testing.T) {
	s := mustSchedule(t, "", "Europe/Paris")
	got := s.Due(utc(t, "2027-03-29T07:40:00Z"), utc(t, "2027-03-29T08:00:00Z"), 0, nil)
	occ := utc(t, "2027-03-29T08:00:00Z")
	want := []Due{
		{Key: "2027-03-29T08:00:00Z/15m0s", Occurrence: occ, Offset: 15 * time.Minute, At: occ.Add(-15 * time.Minute)},
		{Key: "2027-03-29T08:00:00Z/held", Occurrence: occ, At: occ, Held: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Due (-want +got):\n%s", diff)
	}
}

// R20: ticks that overlap (two scheduler runs, or a retry after a crash
// before the caller committed) report the same keys, so the caller's record
// of sent keys makes each reminder go out once.
func TestDueOverlappingTicksIdempotent(t *testing.T) {
	s := mustSchedule(t, "", "Europe/Paris")
	sent, seen := map[string]int{}, map[string]int{}
	start := utc(t, "2027-03-27T00:00:00Z")
	last := start
	for now := start; now.Before(start.Add(72 * time.Hour)); now = now.Add(7 * time.Minute) {
		// Each tick looks back further than the previous one reached.
		for _, d := range s.Due(last.Add(-20*time.Minute), now, 0, nil) {
			seen[d.Key]++
			if sent[d.Key] == 0 && !d.Late {
				sent[d.Key]++
			}
		}
		last = now
	}
	want := map[string]int{
		"2027-03-29T08:00:00Z/24h0m0s": 1,
		"2027-03-29T08:00:00Z/15m0s":   1,
		"2027-03-29T08:00:00Z/held":    1,
	}
	if diff := cmp.Diff(want, sent); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
	for k, n := range seen {
		if n < 2 {
			t.Errorf("key %s reported %d times; the ticks were meant to overlap", k, n)
		}
	}
}

func TestDueLongOutageBounded(t *testing.T) {
	s := mustSchedule(t, "", "Europe/Paris")
	got := s.Due(utc(t, "2020-01-01T00:00:00Z"), utc(t, "2027-03-29T07:50:00Z"), 0, nil)
	if n := len(got); n < 150 || n > 160 { // about one year of 3 per week
		t.Errorf("%d items after a 7-year outage, want about a year's worth", n)
	}
}
