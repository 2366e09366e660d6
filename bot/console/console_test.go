package console_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/bot/console"
	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/meeting"
	"github.com/consentbot/consentbot/storage"
)

var start = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)

// newConsole is a console on a fresh file with alice, bob, carol and dave.
func newConsole(t *testing.T, platforms ...string) (*console.Console, *bytes.Buffer, *storage.DB) {
	t.Helper()
	clock := console.NewClock(start)
	db, err := storage.Open(filepath.Join(t.TempDir(), "c.db"), clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	err = db.Update(func(tx *storage.Tx) error {
		for _, m := range []domain.Member{
			{Name: "alice", Type: domain.Societaire, Council: true},
			{Name: "bob", Type: domain.Societaire, Council: true},
			{Name: "carol", Type: domain.Societaire},
			{Name: "dave", Type: domain.Operationnel},
		} {
			if err := tx.PutMember(m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Europe/Paris")
	sched, err := meeting.NewSchedule("", loc)
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(db, bot.Config{
		Language: "en", Location: loc, SocialCodeURL: "https://example.org/code-social", Platforms: platforms,
		Meeting: bot.MeetingConfig{Schedule: sched, VideoURL: "https://meet.jit.si/coop", Reminders: sched.Reminders},
	}, clock.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := &bytes.Buffer{}
	return &console.Console{Bot: b, Outbox: db, Clock: clock, User: "alice", Out: out}, out, db
}

func TestLine(t *testing.T) {
	c, out, db := newConsole(t)
	script := strings.Join([]string{
		"# a comment",
		"",
		"/consent help",
		"/consent propose migrate Nextcloud",
		"/consentfoo",
		"hello",
		":as",
		":as @Bob",
		"/consent validate P1",
		":wait soon",
		":wait 1h",
	}, "\n")
	if err := c.Run(context.Background(), strings.NewReader(script)); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"(only you) consentbot — we decide by consent",
		"\n    • /consent propose", // multi-line replies are indented
		"(only you) P1 is open",
		"[card P1] 📝 P1 by alice — open",
		"(only you) commands start with /consent",
		"usage: :as NAME",
		"— you are now bob",
		"bob validated P1 (1/2).",
		"usage: :wait DURATION",
		"— it is now 2026-12-02T10:00:00Z",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "(only you) commands start with") != 2 || strings.Contains(got, "a comment") {
		t.Errorf("comments, blank lines and other text:\n%s", got)
	}
	if c.User != "bob" || !c.Clock.Now().Equal(start.Add(time.Hour)) {
		t.Errorf("user %q, clock %v", c.User, c.Clock.Now())
	}
	if msgs, _ := db.Pending(bot.PlatformConsole, 100); len(msgs) != 0 {
		t.Errorf("printed messages not acknowledged: %+v", msgs)
	}
}

func TestWaitRunsWhatCameDue(t *testing.T) {
	c, out, _ := newConsole(t)
	ctx := context.Background()
	for _, l := range []string{"/consent coopt @frank operationnel", ":as bob", "/consent vote C1 yes", ":as carol", "/consent vote C1 yes"} {
		if err := c.Line(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	out.Reset()
	// Through the meeting's two reminders (Sunday 09:00 and Monday 08:45
	// UTC) to the cooptation's reminder to dave, 48 hours before its end.
	if err := c.Line(ctx, ":wait 12d"); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if n := strings.Count(got, "📅"); n != 4 {
		t.Errorf("%d meeting reminders over 12 days, want 4:\n%s", n, got)
	}
	if !strings.Contains(got, "(dm to dave) Reminder: the cooptation C1") || strings.Count(got, "(dm to") != 1 {
		t.Errorf("cooptation reminder:\n%s", got)
	}
	if !strings.Contains(got, "— it is now 2026-12-14T09:00:00Z") {
		t.Errorf("clock:\n%s", got)
	}
	out.Reset()
	if err := c.Line(ctx, ":as dave"); err != nil {
		t.Fatal(err)
	}
	if err := c.Line(ctx, "/consent vote C1 yes"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "(dm to frank) Welcome to the cooperative, frank!") {
		t.Errorf("welcome DM:\n%s", out.String())
	}
}

func TestDeliverShowsGovernanceOnce(t *testing.T) {
	// done announces in the channel and in the governance channel; the
	// console is both, so it prints the documentation once.
	c, out, _ := newConsole(t)
	ctx := context.Background()
	for _, l := range []string{"/consent propose stickers", ":as bob", "/consent validate P1", ":as carol", "/consent validate P1", ":as alice"} {
		if err := c.Line(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	out.Reset()
	if err := c.Line(ctx, "/consent done P1 https://wiki.example.org/stickers"); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "alice marked P1 done"); n != 1 {
		t.Errorf("documentation shown %d times:\n%s", n, out.String())
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	c, _, _ := newConsole(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Run(ctx, strings.NewReader("/consent help\n")); err != context.Canceled {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
}

func TestClock(t *testing.T) {
	c := console.NewClock(start)
	c.Advance(90 * time.Minute)
	if !c.Now().Equal(start.Add(90 * time.Minute)) {
		t.Errorf("Now = %v", c.Now())
	}
}
