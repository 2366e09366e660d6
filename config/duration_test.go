package config

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	const day = 24 * time.Hour
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"7d", 7 * day, true},
		{"14d", 14 * day, true},
		{"36h", 36 * time.Hour, true},
		{"15m", 15 * time.Minute, true},
		{"1h30m", 90 * time.Minute, true},
		{"1d12h", 36 * time.Hour, true},
		{"0d", 0, true},
		{" 2d ", 2 * day, true},
		{"-1d", -day, true},
		{"+3d", 3 * day, true},
		{"", 0, false},
		{"d", 0, false},
		{"7", 0, false},
		{"7days", 0, false},
		{"1.5d", 0, false},
		{"1d-2h", 0, false},
		{"--1d", 0, false},
		{"99999999999d", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestDurationYAML(t *testing.T) {
	path := writeFile(t, "rules:\n  proposal_deadline: 3d\n  cooptation_deadline: 90m\nmeeting:\n  reminders: [1d, 2h, 10m]\n  grace: 0d\n")
	c := mustLoad(t, path)
	if c.Rules.ProposalDeadline != 72*time.Hour || c.Rules.CooptationDeadline != 90*time.Minute || c.Meeting.Grace != 0 {
		t.Errorf("rules = %+v, grace = %v", c.Rules, c.Meeting.Grace)
	}
	if len(c.Meeting.Reminders) != 3 || c.Meeting.Reminders[0] != 24*time.Hour {
		t.Errorf("reminders = %v", c.Meeting.Reminders)
	}
	ps := mustProblems(t, writeFile(t, "meeting:\n  reminders: {a: 1}\n  grace: [1m]\n"))
	if len(ps) != 2 {
		t.Errorf("problems = %q", ps)
	}
}
