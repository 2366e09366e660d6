package meeting

import (
	"errors"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

// R19, R22: a whole year of the default schedule stays at 10:00 in Paris
// across both DST changes, one meeting per Monday, none skipped or doubled.
func TestNextWholeYearParis(t *testing.T) {
	paris := mustLoc(t, "Europe/Paris")
	s, err := NewSchedule("", paris)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		year int
		want int
	}{
		{2027, 52}, // 2027 starts on a Friday
		{2029, 53}, // 2029 starts on a Monday
	} {
		start := time.Date(tt.year, 1, 1, 0, 0, 0, 0, paris)
		end := start.AddDate(1, 0, 0)
		var got []time.Time
		for occ := s.Next(start); occ.Before(end); occ = s.Next(occ) {
			if occ.Location() != time.UTC {
				t.Fatalf("Next returned %v, want UTC", occ.Location())
			}
			got = append(got, occ)
		}
		if len(got) != tt.want {
			t.Errorf("%d: %d occurrences, want %d", tt.year, len(got), tt.want)
		}
		for i, occ := range got {
			local := occ.In(paris)
			if local.Weekday() != time.Monday || local.Hour() != 10 || local.Minute() != 0 {
				t.Errorf("%d: occurrence %d at %v, want Monday 10:00 Paris", tt.year, i, local)
			}
			if i > 0 && got[i-1].In(paris).AddDate(0, 0, 7) != local {
				t.Errorf("%d: occurrence %d at %v is not a week after %v", tt.year, i, local, got[i-1].In(paris))
			}
		}
	}
	// The Mondays next to the 2027 changes move in UTC, not in Paris.
	for _, tt := range []struct{ after, want string }{
		{"2027-03-27T00:00:00Z", "2027-03-29T08:00:00Z"}, // first Monday of summer time
		{"2027-03-20T00:00:00Z", "2027-03-22T09:00:00Z"}, // last Monday of winter time
		{"2027-10-30T00:00:00Z", "2027-11-01T09:00:00Z"}, // first Monday after fall back
		{"2027-10-23T00:00:00Z", "2027-10-25T08:00:00Z"},
	} {
		if got := s.Next(utc(t, tt.after)); !got.Equal(utc(t, tt.want)) {
			t.Errorf("Next(%s) = %v, want %s", tt.after, got, tt.want)
		}
	}
}

// R22: schedules whose wall-clock time falls in a DST gap are moved to the
// first instant after the gap, and those in an overlap are held once, at the
// first instant.
func TestNextDSTGapAndOverlap(t *testing.T) {
	tests := []struct {
		name, spec, zone, after string
		want                    []string // successive Next
	}{
		{"GapMovedToEndOfGap", "30 2 * * *", "Europe/Paris", "2027-03-27T12:00:00Z",
			[]string{"2027-03-28T01:00:00Z", "2027-03-29T00:30:00Z"}},
		{"GapSeveralReadingsHeldOnce", "*/30 2 * * *", "Europe/Paris", "2027-03-27T23:00:00Z",
			[]string{"2027-03-28T01:00:00Z", "2027-03-29T00:00:00Z", "2027-03-29T00:30:00Z"}},
		{"GapAtExactStart", "0 2 * * *", "Europe/Paris", "2027-03-27T12:00:00Z",
			[]string{"2027-03-28T01:00:00Z", "2027-03-29T00:00:00Z"}},
		{"OverlapHeldOnceAtFirstInstant", "30 2 * * *", "Europe/Paris", "2027-10-30T12:00:00Z",
			[]string{"2027-10-31T00:30:00Z", "2027-11-01T01:30:00Z"}},
		{"OverlapEveryHalfHour", "*/30 2 * * *", "Europe/Paris", "2027-10-30T12:00:00Z",
			[]string{"2027-10-31T00:00:00Z", "2027-10-31T00:30:00Z", "2027-11-01T01:00:00Z"}},
		{"AfterInSecondPassOfOverlap", "30 2 * * *", "Europe/Paris", "2027-10-31T01:15:00Z",
			[]string{"2027-11-01T01:30:00Z"}},
		{"NewYorkGap", "30 2 * * SUN", "America/New_York", "2027-03-13T00:00:00Z",
			[]string{"2027-03-14T07:00:00Z", "2027-03-21T06:30:00Z"}},
		{"LordHoweHalfHourGap", "15 2 * * *", "Australia/Lord_Howe", "2027-10-02T00:00:00Z",
			[]string{"2027-10-02T15:30:00Z", "2027-10-03T15:15:00Z"}},
		{"NoDSTZone", "0 10 * * MON", "Asia/Tokyo", "2027-03-27T00:00:00Z",
			[]string{"2027-03-29T01:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustSchedule(t, tt.spec, tt.zone)
			at := utc(t, tt.after)
			for i, w := range tt.want {
				at = s.Next(at)
				if !at.Equal(utc(t, w)) {
					t.Fatalf("Next #%d = %v, want %s", i+1, at, w)
				}
			}
		})
	}
}

// TestCronV3Traps pins the behaviour of cron/v3 that Schedule works around:
// walking instants in the zone, it skips a time in the spring gap for the
// whole day and fires twice in the autumn overlap. If this test fails, cron
// changed and the workaround in Next may be revisited.
func TestCronV3Traps(t *testing.T) {
	paris := mustLoc(t, "Europe/Paris")
	raw, err := cron.ParseStandard("CRON_TZ=Europe/Paris 30 2 * * *")
	if err != nil {
		t.Fatal(err)
	}
	if got := raw.Next(time.Date(2027, 3, 27, 12, 0, 0, 0, paris)); got.Day() != 29 {
		t.Errorf("cron/v3 after the spring gap: %v; it used to skip the 28th", got)
	}
	first := raw.Next(time.Date(2027, 10, 30, 12, 0, 0, 0, paris))
	if second := raw.Next(first); second.Day() != 31 {
		t.Errorf("cron/v3 in the autumn overlap: %v then %v; it used to fire twice on the 31st", first, second)
	}
}

func TestNewSchedule(t *testing.T) {
	paris := mustLoc(t, "Europe/Paris")
	tests := []struct {
		name     string
		spec     string
		loc      *time.Location
		wantCode string
	}{
		{"OKDefaults", "", nil, ""},
		{"OKDescriptor", "@weekly", paris, ""},
		{"OKLeapDay", "0 10 29 2 *", paris, ""},
		{"ErrSyntax", "every monday", paris, CodeScheduleInvalid},
		{"ErrEvery", "@every 168h", paris, CodeScheduleInvalid},
		{"ErrOwnZone", "CRON_TZ=UTC 0 10 * * MON", paris, CodeScheduleInvalid},
		{"ErrNever", "0 10 30 2 *", paris, CodeScheduleNever},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSchedule(tt.spec, tt.loc)
			if tt.wantCode == "" {
				if err != nil {
					t.Fatal(err)
				}
				if s.Location() == nil || s.Spec() == "" || s.Duration != DefaultDuration || len(s.Reminders) != 2 {
					t.Errorf("defaults not applied: %+v", s)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != tt.wantCode {
				t.Fatalf("err = %v, want code %s", err, tt.wantCode)
			}
		})
	}
	t.Run("DefaultZoneIsParis", func(t *testing.T) {
		s, err := NewSchedule("", nil)
		if err != nil {
			t.Fatal(err)
		}
		if s.Location().String() != DefaultZone || s.Spec() != DefaultSpec {
			t.Errorf("got %s %q", s.Location(), s.Spec())
		}
	})
	t.Run("ZeroScheduleHasNoOccurrence", func(t *testing.T) {
		if got := (Schedule{}).Next(time.Unix(0, 0)); !got.IsZero() {
			t.Errorf("Next = %v", got)
		}
	})
}
