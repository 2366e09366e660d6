package meeting

import (
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the host's zoneinfo
)

func mustLoc(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

func mustSchedule(tb testing.TB, spec, zone string) Schedule {
	tb.Helper()
	s, err := NewSchedule(spec, mustLoc(tb, zone))
	if err != nil {
		tb.Fatalf("NewSchedule(%q, %s): %v", spec, zone, err)
	}
	return s
}

func utc(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t.UTC()
}
