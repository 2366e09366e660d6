package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const examplePath = "../deploy/consentbot.example.yaml"

// mustLoad loads and fails the test on any problem.
func mustLoad(tb testing.TB, path string, env ...string) Config {
	tb.Helper()
	c, err := Load(path, env)
	if err != nil {
		tb.Fatalf("Load: %v", err)
	}
	return c
}

// mustProblems loads and returns the problems, failing if there are none.
func mustProblems(tb testing.TB, path string, env ...string) Problems {
	tb.Helper()
	_, err := Load(path, env)
	var ps Problems
	if !errors.As(err, &ps) {
		tb.Fatalf("Load: got %v, want Problems", err)
	}
	return ps
}

// writeFile writes a configuration file in a temporary directory.
func writeFile(tb testing.TB, text string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "consentbot.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// hasProblem reports whether one problem contains every part.
func hasProblem(ps Problems, parts ...string) bool {
next:
	for _, p := range ps {
		for _, part := range parts {
			if !strings.Contains(p, part) {
				continue next
			}
		}
		return true
	}
	return false
}

var cmpOpts = cmp.Comparer(func(a, b *time.Location) bool { return a.String() == b.String() })

func TestDefault(t *testing.T) {
	c := mustLoad(t, "")
	want := Config{
		Language: "fr",
		Timezone: "Europe/Paris",
		Location: mustLoadLocation("Europe/Paris"),
		Database: "consentbot.db",
		Rules:    Rules{ValidationsRequired: 2, ObjectionMinChars: 20, ProposalDeadline: 7 * 24 * time.Hour, CooptationDeadline: 14 * 24 * time.Hour},
		HTTP:     HTTP{Listen: "127.0.0.1:8080", PublicURL: "http://127.0.0.1:8080"},
		Meeting: Meeting{
			Schedule:  "0 10 * * MON",
			VideoURL:  "https://meet.jit.si/coop-hebdo",
			Reminders: []time.Duration{24 * time.Hour, 15 * time.Minute},
			Grace:     30 * time.Minute,
		},
	}
	if diff := cmp.Diff(want, c, cmpOpts); diff != "" {
		t.Errorf("Load(\"\", nil) (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, Default(), cmpOpts); diff != "" {
		t.Errorf("Default() (-want +got):\n%s", diff)
	}
}

func TestExampleFile(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		c := mustLoad(t, examplePath)
		want := Default()
		want.SocialCodeURL = "https://example.org/code-social"
		if diff := cmp.Diff(want, c, cmpOpts); diff != "" {
			t.Errorf("example differs from the defaults (-want +got):\n%s", diff)
		}
	})
	t.Run("DocumentsEveryKey", func(t *testing.T) {
		data, err := os.ReadFile(examplePath)
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		for _, k := range keys {
			name := k.path[strings.LastIndexByte(k.path, '.')+1:]
			if !strings.Contains(text, name+":") {
				t.Errorf("example lacks key %s", k.path)
			}
		}
		for _, s := range secrets {
			if !strings.Contains(text, s.env) {
				t.Errorf("example does not mention secret %s", s.env)
			}
		}
	})
	t.Run("PlatformsUncommented", func(t *testing.T) {
		// The commented sections, once uncommented, are valid given secrets.
		data, err := os.ReadFile(examplePath)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		in := false
		for i, line := range lines {
			switch {
			case line == "#mattermost:" || line == "#rocketchat:":
				in = true
			case line == "":
				in = false
			}
			if in {
				lines[i] = line[1:]
			}
		}
		c := mustLoad(t, writeFile(t, strings.Join(lines, "\n")),
			"CONSENTBOT_MATTERMOST_BOT_TOKEN=bot",
			"CONSENTBOT_ROCKETCHAT_USER_ID=uid",
			"CONSENTBOT_ROCKETCHAT_TOKEN=tok")
		if c.Mattermost == nil || c.Mattermost.Team != "coop" || c.RocketChat == nil || c.RocketChat.URL != "http://127.0.0.1:3000" {
			t.Errorf("platform sections: %+v %+v", c.Mattermost, c.RocketChat)
		}
	})
}

func TestFile(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		path := writeFile(t, `
language: en
timezone: America/Montreal
rules:
  validations_required: 3
  proposal_deadline: 1d12h
meeting:
  reminders: [2d, 1h]
mattermost:
  url: https://chat.example.org
  team: coop
  channel: gov
`)
		c := mustLoad(t, path, "CONSENTBOT_MATTERMOST_BOT_TOKEN=x")
		if c.Language != "en" || c.Location.String() != "America/Montreal" {
			t.Errorf("language, zone = %q, %v", c.Language, c.Location)
		}
		if c.Rules.ValidationsRequired != 3 || c.Rules.ObjectionMinChars != 20 {
			t.Errorf("rules = %+v; unset keys must keep their default", c.Rules)
		}
		if c.Rules.ProposalDeadline != 36*time.Hour {
			t.Errorf("proposal_deadline = %v, want 36h", c.Rules.ProposalDeadline)
		}
		if diff := cmp.Diff([]time.Duration{48 * time.Hour, time.Hour}, c.Meeting.Reminders); diff != "" {
			t.Errorf("reminders (-want +got):\n%s", diff)
		}
		if c.Mattermost == nil || c.Mattermost.BotToken != "x" || c.RocketChat != nil {
			t.Errorf("platforms = %+v, %+v", c.Mattermost, c.RocketChat)
		}
	})
	t.Run("EmptyFile", func(t *testing.T) {
		mustLoad(t, writeFile(t, ""))
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		ps := mustProblems(t, filepath.Join(t.TempDir(), "nope.yaml"))
		if !hasProblem(ps, "nope.yaml", "not found") {
			t.Errorf("problems = %q", ps)
		}
	})
	t.Run("ErrUnknownKey", func(t *testing.T) {
		ps := mustProblems(t, writeFile(t, "languge: en\nrules:\n  validation_required: 3\n"))
		if len(ps) != 2 || !hasProblem(ps, "line 1", "unknown key languge") || !hasProblem(ps, "line 3", "unknown key rules.validation_required") {
			t.Errorf("problems = %q", ps)
		}
	})
	t.Run("ErrSecretInFile", func(t *testing.T) {
		ps := mustProblems(t, writeFile(t, "mattermost:\n  url: http://mm\n  team: t\n  channel: c\n  bot_token: s3cret\n"),
			"CONSENTBOT_MATTERMOST_BOT_TOKEN=x")
		if len(ps) != 1 || !hasProblem(ps, "mattermost.bot_token", "CONSENTBOT_MATTERMOST_BOT_TOKEN") || hasProblem(ps, "s3cret") {
			t.Errorf("problems = %q", ps)
		}
	})
	t.Run("ErrSyntax", func(t *testing.T) {
		ps := mustProblems(t, writeFile(t, "language: [fr\n"))
		if len(ps) != 1 {
			t.Errorf("problems = %q", ps)
		}
	})
	t.Run("ErrTwoDocuments", func(t *testing.T) {
		ps := mustProblems(t, writeFile(t, "language: en\n---\nlanguage: fr\n"))
		if !hasProblem(ps, "one YAML document") {
			t.Errorf("problems = %q", ps)
		}
	})
}
