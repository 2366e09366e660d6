package meeting

import (
	"fmt"
	"time"

	"github.com/robfig/cron/v3"
)

// Defaults from SPEC R19 and R20.
const (
	DefaultSpec     = "0 10 * * MON"
	DefaultZone     = "Europe/Paris"
	DefaultDuration = time.Hour
	DefaultGrace    = 30 * time.Minute
)

// DefaultReminders returns the reminder offsets of SPEC R20, a fresh slice
// each time so no caller can change another's defaults.
func DefaultReminders() []time.Duration {
	return []time.Duration{24 * time.Hour, 15 * time.Minute}
}

// Schedule is the weekly meeting's recurrence: a cron spec read as wall-clock
// time in a zone. The zero Schedule has no occurrences; use NewSchedule.
type Schedule struct {
	// Reminders are how long before each occurrence a reminder is due.
	// Negative offsets are ignored: after the start, the occurrence is
	// reported as held instead.
	Reminders []time.Duration
	// Duration is the length of a meeting, used by the calendar feed.
	Duration time.Duration

	spec string
	loc  *time.Location
	// wall matches wall-clock readings, not instants: it is evaluated in UTC
	// on times whose fields are the local wall clock (see Next).
	wall *cron.SpecSchedule
}

// NewSchedule parses a standard five-field cron spec (or a descriptor such as
// @weekly) to be read in loc. An empty spec means DefaultSpec and a nil loc
// means DefaultZone. Reminders and Duration get their defaults.
//
// Specs that name their own zone (CRON_TZ=…) are refused: the configured
// timezone is the single source of truth, for the schedule as for display.
// @every is refused too: it counts from whenever the process started, which
// no member can predict.
func NewSchedule(spec string, loc *time.Location) (Schedule, error) {
	if spec == "" {
		spec = DefaultSpec
	}
	if loc == nil {
		var err error
		loc, err = time.LoadLocation(DefaultZone)
		if err != nil {
			return Schedule{}, fmt.Errorf("meeting: load default zone: %w", err)
		}
	}
	parsed, err := cron.ParseStandard(spec)
	if err != nil {
		return Schedule{}, errorf(CodeScheduleInvalid, "spec", spec, "reason", err.Error())
	}
	ss, ok := parsed.(*cron.SpecSchedule)
	if !ok {
		return Schedule{}, errorf(CodeScheduleInvalid, "spec", spec, "reason", "@every is not a calendar schedule")
	}
	if ss.Location != time.Local {
		return Schedule{}, errorf(CodeScheduleInvalid, "spec", spec, "reason", "the time zone comes from the timezone setting, not the spec")
	}
	ss.Location = time.UTC
	// cron gives up after five years; a spec like "0 10 30 2 *" would make
	// every Next return the zero time, so refuse it up front.
	if ss.Next(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)).IsZero() {
		return Schedule{}, errorf(CodeScheduleNever, "spec", spec)
	}
	return Schedule{
		Reminders: DefaultReminders(),
		Duration:  DefaultDuration,
		spec:      spec,
		loc:       loc,
		wall:      ss,
	}, nil
}

// Spec returns the cron spec the schedule was built from.
func (s Schedule) Spec() string { return s.spec }

// Location returns the zone the spec is read in.
func (s Schedule) Location() *time.Location { return s.loc }

// Next returns the first occurrence strictly after after, in UTC, or the zero
// time if there is none.
//
// cron/v3 walks real instants in the zone, which goes wrong around DST
// changes: a time inside the spring-forward gap is skipped for that day, and
// stepping hour by hour through the autumn overlap can match the repeated
// hour twice. Next avoids both by letting cron match wall-clock readings in
// UTC, where no hour is missing or repeated, and then resolving the reading
// in the zone (see resolve): a reading in a gap moves to the instant the gap
// ends (02:30 on the spring-forward day in Paris is held at 03:00 CEST),
// and a reading in an overlap is held once, at its first instant.
func (s Schedule) Next(after time.Time) time.Time {
	if s.wall == nil {
		return time.Time{}
	}
	f := wallClock(after.In(s.loc))
	// Readings that resolve to an instant not after after are skipped: that
	// happens only while after is in the second pass of an overlap. The bound
	// is a safety net far above the 60 readings an hour can hold.
	for range 10000 {
		f = s.wall.Next(f)
		if f.IsZero() {
			return time.Time{}
		}
		if t := resolve(f, s.loc); t.After(after) {
			return t
		}
	}
	return time.Time{}
}
