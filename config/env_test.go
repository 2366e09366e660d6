package config

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestEnvOverrides(t *testing.T) {
	path := writeFile(t, "language: fr\nrules:\n  objection_min_chars: 30\n")
	c := mustLoad(t, path,
		"HOME=/root", // not ours: ignored
		"CONSENTBOT_LANGUAGE=en",
		"CONSENTBOT_TIMEZONE=UTC",
		"CONSENTBOT_DATABASE=/var/lib/consentbot/state.db",
		"CONSENTBOT_SOCIAL_CODE_URL=https://coop.example/code",
		"CONSENTBOT_RULES_VALIDATIONS_REQUIRED=3",
		"CONSENTBOT_RULES_OBJECTION_MIN_CHARS=40",
		"CONSENTBOT_RULES_PROPOSAL_DEADLINE=10d",
		"CONSENTBOT_RULES_COOPTATION_DEADLINE=36h",
		"CONSENTBOT_HTTP_LISTEN=:9090",
		"CONSENTBOT_HTTP_PUBLIC_URL=https://bot.coop.example",
		"CONSENTBOT_MEETING_SCHEDULE=0 18 * * THU",
		"CONSENTBOT_MEETING_VIDEO_URL=https://visio.coop.example/hebdo",
		"CONSENTBOT_MEETING_REMINDERS=2d, 1h ,5m",
		"CONSENTBOT_MEETING_GRACE=1h",
		"CONSENTBOT_DATABASE=", // empty: unset, the earlier entry is overridden by nothing
	)
	want := Config{
		Language:      "en",
		Timezone:      "UTC",
		Location:      time.UTC,
		Database:      "consentbot.db",
		SocialCodeURL: "https://coop.example/code",
		Rules:         Rules{ValidationsRequired: 3, ObjectionMinChars: 40, ProposalDeadline: 240 * time.Hour, CooptationDeadline: 36 * time.Hour},
		HTTP:          HTTP{Listen: ":9090", PublicURL: "https://bot.coop.example"},
		Meeting: Meeting{
			Schedule:  "0 18 * * THU",
			VideoURL:  "https://visio.coop.example/hebdo",
			Reminders: []time.Duration{48 * time.Hour, time.Hour, 5 * time.Minute},
			Grace:     time.Hour,
		},
	}
	if diff := cmp.Diff(want, c, cmpOpts); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEnvPlatformSections(t *testing.T) {
	t.Run("EnvTurnsMattermostOn", func(t *testing.T) {
		c := mustLoad(t, "",
			"CONSENTBOT_MATTERMOST_URL=https://chat.coop.example",
			"CONSENTBOT_MATTERMOST_TEAM=coop",
			"CONSENTBOT_MATTERMOST_CHANNEL=gouvernance",
			"CONSENTBOT_MATTERMOST_BOT_TOKEN=bot-token",
			"CONSENTBOT_MATTERMOST_COMMAND_TOKEN=cmd-token",
		)
		want := &Mattermost{URL: "https://chat.coop.example", Team: "coop", Channel: "gouvernance", BotToken: "bot-token", CommandToken: "cmd-token"}
		if diff := cmp.Diff(want, c.Mattermost); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		if c.RocketChat != nil {
			t.Errorf("rocketchat = %+v, want off", c.RocketChat)
		}
	})
	t.Run("EnvOverridesFileSection", func(t *testing.T) {
		path := writeFile(t, "rocketchat:\n  url: http://rc:3000\n  channel: gov\n")
		c := mustLoad(t, path,
			"CONSENTBOT_ROCKETCHAT_CHANNEL=general",
			"CONSENTBOT_ROCKETCHAT_USER=bot",
			"CONSENTBOT_ROCKETCHAT_PASSWORD=pw",
		)
		want := &RocketChat{URL: "http://rc:3000", Channel: "general", User: "bot", Password: "pw"}
		if diff := cmp.Diff(want, c.RocketChat); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("SecretAloneLeavesPlatformOff", func(t *testing.T) {
		c := mustLoad(t, "", "CONSENTBOT_ROCKETCHAT_TOKEN=t", "CONSENTBOT_MATTERMOST_BOT_TOKEN_FILE=/nonexistent")
		if c.RocketChat != nil || c.Mattermost != nil {
			t.Errorf("platforms = %+v, %+v; want both off", c.Mattermost, c.RocketChat)
		}
	})
	t.Run("ErrEnvTurnsOnIncompleteSection", func(t *testing.T) {
		ps := mustProblems(t, "", "CONSENTBOT_ROCKETCHAT_CHANNEL=gov")
		if len(ps) != 2 || !hasProblem(ps, "rocketchat.url") || !hasProblem(ps, "rocketchat", "credentials") {
			t.Errorf("problems = %q", ps)
		}
	})
}

func TestSecrets(t *testing.T) {
	dir := t.TempDir()
	secretFile := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	mm := []string{"CONSENTBOT_MATTERMOST_URL=http://mm:8065", "CONSENTBOT_MATTERMOST_TEAM=coop", "CONSENTBOT_MATTERMOST_CHANNEL=gov"}
	rc := []string{"CONSENTBOT_ROCKETCHAT_URL=http://rc:3000", "CONSENTBOT_ROCKETCHAT_CHANNEL=gov"}

	t.Run("FromEnv", func(t *testing.T) {
		c := mustLoad(t, "", append(append(mm, rc...),
			"CONSENTBOT_MATTERMOST_BOT_TOKEN=b",
			"CONSENTBOT_ROCKETCHAT_USER_ID=u",
			"CONSENTBOT_ROCKETCHAT_TOKEN=t",
		)...)
		if c.Mattermost.BotToken != "b" || c.Mattermost.CommandToken != "" || c.RocketChat.UserID != "u" || c.RocketChat.Token != "t" {
			t.Errorf("secrets = %+v, %+v", c.Mattermost, c.RocketChat)
		}
	})
	t.Run("FromFile", func(t *testing.T) {
		c := mustLoad(t, "", append(append(mm, rc...),
			"CONSENTBOT_MATTERMOST_BOT_TOKEN_FILE="+secretFile("bot", "bot-secret\n"),
			"CONSENTBOT_MATTERMOST_COMMAND_TOKEN_FILE="+secretFile("cmd", "cmd-secret\r\n"),
			"CONSENTBOT_ROCKETCHAT_USER_FILE="+secretFile("user", "bot"),
			"CONSENTBOT_ROCKETCHAT_PASSWORD_FILE="+secretFile("pw", "pass word \n"),
		)...)
		want := []string{"bot-secret", "cmd-secret", "bot", "pass word "}
		got := []string{c.Mattermost.BotToken, c.Mattermost.CommandToken, c.RocketChat.User, c.RocketChat.Password}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("ErrFileMissing", func(t *testing.T) {
		ps := mustProblems(t, "", append(mm, "CONSENTBOT_MATTERMOST_BOT_TOKEN_FILE="+filepath.Join(dir, "absent"))...)
		if !hasProblem(ps, "CONSENTBOT_MATTERMOST_BOT_TOKEN_FILE") {
			t.Errorf("problems = %q", ps)
		}
	})
	t.Run("ErrBothSet", func(t *testing.T) {
		ps := mustProblems(t, "", append(mm,
			"CONSENTBOT_MATTERMOST_BOT_TOKEN=a",
			"CONSENTBOT_MATTERMOST_BOT_TOKEN_FILE="+secretFile("b", "b"))...)
		if !hasProblem(ps, "both set") {
			t.Errorf("problems = %q", ps)
		}
	})
	t.Run("ErrMissing", func(t *testing.T) {
		ps := mustProblems(t, "", append(append(mm, rc...), "CONSENTBOT_ROCKETCHAT_USER_ID=u")...)
		if len(ps) != 2 || !hasProblem(ps, "CONSENTBOT_MATTERMOST_BOT_TOKEN") || !hasProblem(ps, "CONSENTBOT_ROCKETCHAT_TOKEN") {
			t.Errorf("problems = %q", ps)
		}
	})
}

func TestUnknownEnv(t *testing.T) {
	ps := mustProblems(t, "",
		"CONSENTBOT_LANGAGE=en",
		"CONSENTBOT_RULES_VALIDATION_REQUIRED=3",
		"CONSENTBOT_WHATEVER_ELSE=1",
		"CONSENTBOTTLE=1", // not the prefix: ignored
	)
	want := Problems{
		"CONSENTBOT_LANGAGE: unknown environment variable (did you mean CONSENTBOT_LANGUAGE?)",
		"CONSENTBOT_RULES_VALIDATION_REQUIRED: unknown environment variable (did you mean CONSENTBOT_RULES_VALIDATIONS_REQUIRED?)",
		"CONSENTBOT_WHATEVER_ELSE: unknown environment variable",
	}
	if diff := cmp.Diff(want, ps); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
