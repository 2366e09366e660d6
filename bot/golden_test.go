package bot_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
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
	h.bot.Handle(context.Background(), imposter)
	if e := h.entries(); e[len(e)-1].Actor == "bob" {
		t.Errorf("a concern from another account is logged as bob's")
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
