package bot_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Paris on hosts without zone files

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/bot/console"
	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/meeting"
	"github.com/consentbot/consentbot/storage"
)

// start is the tests' fixed clock: a Wednesday; the next meeting is Monday
// 7 December 2026 at 10:00 in Paris (09:00 UTC).
var start = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)

const (
	channel       = "coop"
	socialCodeURL = "https://example.org/code-social"
	videoURL      = "https://meet.jit.si/coop-hebdo"
)

// demoRoster is SPEC §4's demo roster.
var demoRoster = console.DemoRoster()

func paris(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

// harness is a bot on a real bbolt file with the demo roster and a movable
// clock, driven through Handle and Tick as adapters do.
type harness struct {
	tb    testing.TB
	path  string
	db    *storage.DB
	bot   *bot.Bot
	clock *console.Clock
	cfg   bot.Config
}

type option func(*harnessOptions)

type harnessOptions struct {
	start time.Time
	cfg   func(*bot.Config)
}

// at starts the clock elsewhere.
func at(t time.Time) option { return func(o *harnessOptions) { o.start = t } }

// withConfig changes the bot's configuration.
func withConfig(f func(*bot.Config)) option { return func(o *harnessOptions) { o.cfg = f } }

// newHarness opens a fresh file in tb.TempDir() with the demo roster (logged
// as operator entries, like `consentbot members add`) and builds the bot in
// lang ("en" or "fr").
func newHarness(tb testing.TB, lang string, opts ...option) *harness {
	tb.Helper()
	o := harnessOptions{start: start}
	for _, f := range opts {
		f(&o)
	}
	loc := paris(tb)
	sched, err := meeting.NewSchedule("0 10 * * MON", loc)
	if err != nil {
		tb.Fatal(err)
	}
	cfg := bot.Config{
		Language:      lang,
		Location:      loc,
		SocialCodeURL: socialCodeURL,
		Meeting: bot.MeetingConfig{
			Schedule: sched, VideoURL: videoURL,
			Reminders: sched.Reminders, Grace: 30 * time.Minute,
		},
	}
	if o.cfg != nil {
		o.cfg(&cfg)
	}
	h := &harness{tb: tb, path: filepath.Join(tb.TempDir(), "consentbot.db"), clock: console.NewClock(o.start), cfg: cfg}
	h.open()
	tb.Cleanup(func() { h.db.Close() })
	err = h.db.Update(func(tx *storage.Tx) error {
		for _, m := range demoRoster {
			m.Since = tx.Now()
			if err := tx.PutMember(m); err != nil {
				return err
			}
			text := string(m.Type)
			if m.Council {
				text += ", council"
			}
			if err := tx.Append(domain.Event{Actor: domain.ActorOperator, Kind: domain.MemberAdded, Subject: m.Name, Text: text}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

func (h *harness) open() {
	h.tb.Helper()
	db, err := storage.Open(h.path, h.clock.Now)
	if err != nil {
		h.tb.Fatal(err)
	}
	b, err := bot.New(db, h.cfg, h.clock.Now, nil)
	if err != nil {
		h.tb.Fatal(err)
	}
	h.db, h.bot = db, b
}

// restart is a process restart: the file is closed and a new Bot opens it.
func (h *harness) restart() {
	h.tb.Helper()
	if err := h.db.Close(); err != nil {
		h.tb.Fatal(err)
	}
	h.open()
}

func request(user, text string) bot.Request {
	return bot.Request{Platform: bot.PlatformConsole, Channel: channel, UserID: "id-" + user, UserName: user, Text: text}
}

// do runs one command typed by user.
func (h *harness) do(user, text string) bot.Response {
	h.tb.Helper()
	return h.bot.Handle(context.Background(), request(user, text))
}

// must runs a command that has to change state.
func (h *harness) must(user, text string) bot.Response {
	h.tb.Helper()
	r := h.do(user, text)
	if r.Refused || !r.Changed {
		h.tb.Fatalf("%s: %q: refused=%v changed=%v: %s", user, text, r.Refused, r.Changed, r.Private)
	}
	return r
}

// query runs a command that must be answered privately without refusal.
func (h *harness) query(user, text string) string {
	h.tb.Helper()
	r := h.do(user, text)
	if r.Refused || r.Changed || r.Private == "" {
		h.tb.Fatalf("%s: %q: refused=%v changed=%v: %q", user, text, r.Refused, r.Changed, r.Private)
	}
	return r.Private
}

// refused runs a command that must be refused and returns the reply.
func (h *harness) refused(user, text string) string {
	h.tb.Helper()
	r := h.do(user, text)
	if !r.Refused || r.Changed {
		h.tb.Fatalf("%s: %q: want refused, got refused=%v changed=%v: %s", user, text, r.Refused, r.Changed, r.Private)
	}
	return r.Private
}

// tick runs the scheduled jobs now.
func (h *harness) tick() int {
	h.tb.Helper()
	n, err := h.bot.Tick(h.clock.Now())
	if err != nil {
		h.tb.Fatal(err)
	}
	return n
}

// wait moves the clock in ticks of at most step (as the scheduler's ticks
// would) and returns the number of late reminders skipped.
func (h *harness) wait(d, step time.Duration) int {
	h.tb.Helper()
	skipped := 0
	for d > 0 {
		s := min(d, step)
		h.clock.Advance(s)
		d -= s
		skipped += h.tick()
	}
	return skipped
}

// setClock moves the clock to t without ticking.
func (h *harness) setClock(t time.Time) {
	h.tb.Helper()
	if d := t.Sub(h.clock.Now()); d < 0 {
		h.tb.Fatalf("clock cannot go back from %v to %v", h.clock.Now(), t)
	} else {
		h.clock.Advance(d)
	}
}

// outbox is what waits for delivery on the console platform.
func (h *harness) outbox() []bot.Message { return h.pending(bot.PlatformConsole) }

func (h *harness) pending(platform string) []bot.Message {
	h.tb.Helper()
	msgs, err := h.db.Pending(platform, 100000)
	if err != nil {
		h.tb.Fatal(err)
	}
	return msgs
}

// drain delivers (acknowledges) everything queued for the console.
func (h *harness) drain() []bot.Message {
	h.tb.Helper()
	msgs := h.outbox()
	for _, m := range msgs {
		if err := h.db.Ack(bot.PlatformConsole, m.ID); err != nil {
			h.tb.Fatal(err)
		}
	}
	return msgs
}

// entries is the whole decision log, oldest first.
func (h *harness) entries() []storage.Entry {
	h.tb.Helper()
	var out []storage.Entry
	err := h.db.View(func(tx *storage.Tx) error {
		return tx.Entries(func(e storage.Entry) error {
			out = append(out, e)
			return nil
		})
	})
	if err != nil {
		h.tb.Fatal(err)
	}
	return out
}

// entriesSince returns the entries after the first n.
func (h *harness) entriesSince(n int) []storage.Entry { return h.entries()[n:] }

// kinds lists the kinds of entries.
func kinds(es []storage.Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Kind)
	}
	return out
}

// snapshot is everything a refused command must leave as it was.
type snapshot struct {
	LogCount int
	Head     string
	Outbox   []bot.Message
	Items    string // JSON of proposals, cooptations, members, meeting
}

func (h *harness) snapshot() snapshot {
	h.tb.Helper()
	var s snapshot
	err := h.db.View(func(tx *storage.Tx) error {
		ps, err := tx.Proposals()
		if err != nil {
			return err
		}
		cs, err := tx.Cooptations()
		if err != nil {
			return err
		}
		ms, err := tx.Members()
		if err != nil {
			return err
		}
		mt, err := tx.Meeting()
		if err != nil {
			return err
		}
		data, err := json.Marshal(map[string]any{"proposals": ps, "cooptations": cs, "members": ms, "meeting": mt})
		s.Items = string(data)
		return err
	})
	if err != nil {
		h.tb.Fatal(err)
	}
	es := h.entries()
	s.LogCount = len(es)
	if len(es) > 0 {
		s.Head = es[len(es)-1].Hash
	}
	s.Outbox = h.outbox()
	return s
}

// member returns a roster entry.
func (h *harness) member(name string) (domain.Member, bool) {
	h.tb.Helper()
	var m domain.Member
	var ok bool
	err := h.db.View(func(tx *storage.Tx) error {
		var err error
		m, ok, err = tx.Member(name)
		return err
	})
	if err != nil {
		h.tb.Fatal(err)
	}
	return m, ok
}

// texts returns the texts of messages of a kind ("" for any).
func texts(msgs []bot.Message, kind string) []string {
	var out []string
	for _, m := range msgs {
		if kind == "" || m.Kind == kind {
			out = append(out, m.Text)
		}
	}
	return out
}

// anyContains reports whether one of ss contains every part.
func anyContains(ss []string, parts ...string) bool {
	return slices.ContainsFunc(ss, func(s string) bool {
		for _, p := range parts {
			if !strings.Contains(s, p) {
				return false
			}
		}
		return true
	})
}

// wantContains fails unless s contains every part.
func wantContains(tb testing.TB, what, s string, parts ...string) {
	tb.Helper()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			tb.Errorf("%s lacks %q:\n%s", what, p, s)
		}
	}
}

// wantNotContains fails if s contains any part.
func wantNotContains(tb testing.TB, what, s string, parts ...string) {
	tb.Helper()
	for _, p := range parts {
		if strings.Contains(s, p) {
			tb.Errorf("%s contains %q:\n%s", what, p, s)
		}
	}
}
