package config

import (
	"strings"
	"testing"
)

// TestManyProblems checks that every problem is reported at once.
func TestManyProblems(t *testing.T) {
	path := writeFile(t, `
language: de
timezone: Europe/Atlantis
database: ""
social_code_url: example.org/code
rules:
  validations_required: 0
  objection_min_chars: -1
  proposal_deadline: 0d
  cooptation_deadline: soon
http:
  listen: localhost
  public_url: ftp://bot
mattermost:
  url: http://mm
meeting:
  video_url: ""
  reminders: [24h, -15m]
  grace: -1m
`)
	ps := mustProblems(t, path,
		"CONSENTBOT_MEETING_SCHEDULE=every monday",
		"CONSENTBOT_RULES_VALIDATIONS_REQUIRED=two",
		"CONSENTBOT_ROCKETCHAT_URL=/relative",
	)
	wants := [][]string{
		{"language", `"de"`},
		{"timezone", "Europe/Atlantis"},
		{"database", "required"},
		{"social_code_url", "absolute"},
		{"rules.validations_required", "at least 1"},
		{"rules.validations_required (CONSENTBOT_RULES_VALIDATIONS_REQUIRED)", `"two"`},
		{"rules.objection_min_chars", "at least 1"},
		{"rules.proposal_deadline", "positive"},
		{"line 10: rules.cooptation_deadline", `"soon" is not a duration`},
		{"http.listen", "localhost"},
		{"http.public_url", "ftp://bot"},
		{"mattermost.team", "required"},
		{"mattermost.channel", "required"},
		{"mattermost", "CONSENTBOT_MATTERMOST_BOT_TOKEN"},
		{"rocketchat.url (CONSENTBOT_ROCKETCHAT_URL)", "/relative"},
		{"rocketchat.channel", "required"},
		{"rocketchat", "credentials"},
		{"meeting.schedule (CONSENTBOT_MEETING_SCHEDULE)", "every monday"},
		{"meeting.video_url", "required"},
		{"meeting.reminders", "-15m"},
		{"meeting.grace", "negative"},
	}
	for _, w := range wants {
		if !hasProblem(ps, w...) {
			t.Errorf("no problem with %q", w)
		}
	}
	if len(ps) != len(wants) {
		t.Errorf("got %d problems, want %d:\n%v", len(ps), len(wants), ps)
	}
	if msg := ps.Error(); !strings.HasPrefix(msg, "21 configuration problems:\n") || strings.Count(msg, "\n") != 21 {
		t.Errorf("Error() = %q", msg)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		want string // "" for OK, else a part of the only problem
	}{
		{"OK/ListenAllInterfaces", []string{"CONSENTBOT_HTTP_LISTEN=:8080"}, ""},
		{"OK/ListenIPv6", []string{"CONSENTBOT_HTTP_LISTEN=[::1]:8080"}, ""},
		{"OK/ScheduleDescriptor", []string{"CONSENTBOT_MEETING_SCHEDULE=@weekly"}, ""},
		{"OK/NoReminders", []string{"CONSENTBOT_MEETING_REMINDERS=15m"}, ""},
		{"ErrListenPort", []string{"CONSENTBOT_HTTP_LISTEN=127.0.0.1:http"}, "http.listen"},
		{"ErrListenPortRange", []string{"CONSENTBOT_HTTP_LISTEN=:70000"}, "http.listen"},
		{"ErrScheduleZone", []string{"CONSENTBOT_MEETING_SCHEDULE=CRON_TZ=UTC 0 10 * * MON"}, "set the zone with timezone"},
		{"ErrScheduleSixFields", []string{"CONSENTBOT_MEETING_SCHEDULE=0 0 10 * * MON"}, "meeting.schedule"},
		{"ErrTimezoneLocal", []string{"CONSENTBOT_TIMEZONE=Local"}, "Local"},
		{"ErrLanguage", []string{"CONSENTBOT_LANGUAGE=FR"}, "language (CONSENTBOT_LANGUAGE)"},
		{"ErrDuration", []string{"CONSENTBOT_RULES_PROPOSAL_DEADLINE=7days"}, "rules.proposal_deadline (CONSENTBOT_RULES_PROPOSAL_DEADLINE)"},
		{"ErrReminders", []string{"CONSENTBOT_MEETING_REMINDERS=24h,,15m"}, "meeting.reminders"},
		{"ErrRocketChatHalfPair", []string{"CONSENTBOT_ROCKETCHAT_URL=http://rc", "CONSENTBOT_ROCKETCHAT_CHANNEL=g", "CONSENTBOT_ROCKETCHAT_USER=bot"}, "without CONSENTBOT_ROCKETCHAT_PASSWORD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("", tt.env)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				return
			}
			ps := mustProblems(t, "", tt.env...)
			if len(ps) != 1 || !strings.Contains(ps[0], tt.want) {
				t.Errorf("problems = %q, want one containing %q", ps, tt.want)
			}
		})
	}
}
