package bot_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/consentbot/consentbot/bot"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// TestRenderedGolden keeps the long texts readers see: help and an agenda.
func TestRenderedGolden(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t, lang)
			golden(t, "help."+lang+".txt", h.query("zoe", "help")+"\n")
			h.must("alice", "propose migrate Nextcloud on Saturday")
			h.must("bob", "object P1 the backups are not tested yet")
			h.must("carol", "propose --by 48h repaint the office")
			h.must("alice", "coopt @frank societaire")
			h.must("dave", "propose --topic budget order stickers")
			h.must("alice", "validate P3")
			h.must("carol", "validate P3")
			h.must("dave", "done P3 https://wiki.example.org/stickers")
			h.must("erin", "meeting add choose the new bank")
			h.setClock(start.Add(48 * time.Hour))
			h.tick()
			golden(t, "agenda."+lang+".txt", h.query("zoe", "meeting")+"\n")
			golden(t, "status."+lang+".txt", h.query("zoe", "status P1")+"\n")
		})
	}
}

func TestIdentityBinding(t *testing.T) {
	h := newHarness(t, "en")
	h.must("alice", "propose migrate Nextcloud on Saturday") // binds id-alice to alice
	// Another account using the same name is not alice.
	imposter := bot.Request{Platform: bot.PlatformConsole, Channel: channel, UserID: "id-imposter", UserName: "alice", Text: "withdraw P1"}
	for _, text := range []string{"withdraw P1", "amend P1 something else", "validate P1"} {
		imposter.Text = text
		if r := h.bot.Handle(context.Background(), imposter); !r.Refused {
			t.Errorf("an account reusing alice's name could %q: %+v", text, r)
		}
	}
	h.must("bob", "object P1 the backups are not tested yet")
	imposter.UserName, imposter.UserID, imposter.Text = "bob", "id-bob2", "lift P1"
	if r := h.bot.Handle(context.Background(), imposter); !r.Refused {
		t.Errorf("an account reusing bob's name lifted his objection: %+v", r)
	}
	imposter.Text = "concern P1 I am not really bob"
	n := len(h.entries())
	if r := h.bot.Handle(context.Background(), imposter); !r.Refused || !strings.Contains(r.Private, "members link bob") {
		t.Errorf("an account reusing bob's name is not told how to get linked: %+v", r)
	}
	if len(h.entries()) != n {
		t.Errorf("a concern from another account using bob's name was logged")
	}
	h.must("bob", "lift P1")
	// The bound account keeps being alice after a rename.
	renamed := bot.Request{Platform: bot.PlatformConsole, Channel: channel, UserID: "id-alice", UserName: "alice2", Text: "withdraw P1"}
	if r := h.bot.Handle(context.Background(), renamed); !r.Changed {
		t.Errorf("renamed alice cannot withdraw: %+v", r)
	}
	if e := h.entries(); e[len(e)-1].Actor != "alice" {
		t.Errorf("actor %q", e[len(e)-1].Actor)
	}
}

// A member bound on one chat platform is not bound on another by username
// alone: anyone may register that name there.
func TestIdentityNotTakenOnAnotherPlatform(t *testing.T) {
	h := newHarness(t, "en")
	mm := bot.Request{Platform: bot.PlatformMattermost, Channel: "town", UserID: "mm-alice", UserName: "alice", Text: "propose migrate Nextcloud on Saturday"}
	if r := h.bot.Handle(context.Background(), mm); !r.Changed {
		t.Fatalf("alice on Mattermost: %+v", r)
	}
	rc := bot.Request{Platform: bot.PlatformRocketChat, Channel: "general", UserID: "rc-someone", UserName: "alice", Text: "withdraw P1"}
	n := len(h.entries())
	r := h.bot.Handle(context.Background(), rc)
	if !r.Refused || !strings.Contains(r.Private, "members link alice --platform rocketchat --user rc-someone") {
		t.Errorf("a Rocket.Chat account named alice acted as her: %+v", r)
	}
	if len(h.entries()) != n {
		t.Errorf("logged %v", h.entriesSince(n))
	}
	// Reading stays open to anyone.
	rc.Text = "status P1"
	if r := h.bot.Handle(context.Background(), rc); r.Refused {
		t.Errorf("status refused: %+v", r)
	}
}
