package rocketchat

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/bot/console"
	"github.com/consentbot/consentbot/bot/rocketchat/ddp"
	"github.com/consentbot/consentbot/bot/rocketchat/rcfake"
	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/storage"
	"github.com/google/go-cmp/cmp"
)

// More fixture ids on the fake server, for the real bot's demo roster.
const (
	carolID    = "u-carol"
	daveID     = "u-dave"
	erinID     = "u-erin"
	frankID    = "u-frank" // not on the roster: the newcomer
	socialCode = "https://example.org/code-social"
)

// realEnv is the real bot, on a real database file, behind adapters talking
// to a fake Rocket.Chat. Adapters are started and stopped like processes.
type realEnv struct {
	srv *rcfake.Server
	db  *storage.DB
	bot *bot.Bot
}

func newRealEnv(t *testing.T) *realEnv {
	t.Helper()
	srv := rcfake.New()
	t.Cleanup(srv.Close)
	srv.AddUser(rcfake.User{ID: botID, Username: botName, Token: "bot-token"})
	people := []string{aliceID, bobID, carolID, daveID, erinID}
	for _, id := range append(people, frankID) {
		srv.AddUser(rcfake.User{ID: id, Username: strings.TrimPrefix(id, "u-"), Token: id + "-token"})
	}
	members := append([]string{botID}, people...)
	srv.AddRoom(rcfake.Room{ID: general, Name: "general", Type: "c", Members: members})
	srv.AddRoom(rcfake.Room{ID: govRoom, Name: "gouvernance", Type: "c", Members: members})

	db, err := storage.Open(filepath.Join(t.TempDir(), "consentbot.db"), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	err = db.Update(func(tx *storage.Tx) error {
		for _, m := range console.DemoRoster() {
			m.Since = tx.Now()
			if err := tx.PutMember(m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(db, bot.Config{
		Language:      "en",
		Platforms:     []string{bot.PlatformRocketChat},
		SocialCodeURL: socialCode,
		Trigger:       Prefix,
	}, time.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &realEnv{srv: srv, db: db, bot: b}
}

// afterHandler records each request once the bot has handled it (committed
// its change), so that a test waiting for a request sees its effects.
type afterHandler struct {
	bot  bot.Handler
	mu   sync.Mutex
	reqs []bot.Request
}

func (h *afterHandler) Handle(ctx context.Context, r bot.Request) bot.Response {
	resp := h.bot.Handle(ctx, r)
	h.mu.Lock()
	h.reqs = append(h.reqs, r)
	h.mu.Unlock()
	return resp
}

func (h *afterHandler) requests() []bot.Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.reqs)
}

// process is one running adapter, as one bot process would run it.
type process struct {
	a *Adapter
	h *afterHandler // every request this process handed to the bot

	mu    sync.Mutex
	waits []time.Duration // what the REST client was asked to wait
	stop  func()
}

// start runs a new adapter on the environment's database until stop (or the
// end of the test).
func (e *realEnv) start(t *testing.T) *process {
	t.Helper()
	p := &process{h: &afterHandler{bot: e.bot}}
	level := slog.LevelError + 4
	if testing.Verbose() {
		level = slog.LevelDebug
	}
	p.a = New(Config{URL: e.srv.URL, Channel: "gouvernance", UserID: botID, Token: "bot-token", BotName: botName},
		Deps{Handler: p.h, Outbox: e.db, Cards: e.db, Identities: e.db, Marks: e.db,
			Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))})
	p.a.ddpOpts = ddp.Options{PingInterval: 100 * time.Millisecond, PongTimeout: 200 * time.Millisecond}
	p.a.reconnect = backoff{Base: 5 * time.Millisecond, Max: 50 * time.Millisecond}
	p.a.redeliver = backoff{Base: 5 * time.Millisecond, Max: 50 * time.Millisecond}
	p.a.rest.retry = backoff{Base: time.Millisecond, Max: 5 * time.Millisecond}
	p.a.rest.sleep = func(ctx context.Context, d time.Duration) error {
		p.mu.Lock()
		p.waits = append(p.waits, d)
		p.mu.Unlock()
		return sleep(ctx, min(d, 5*time.Millisecond)) // a 429's wait is recorded, not served
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.a.Run(ctx) }()
	p.stop = sync.OnceFunc(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
	t.Cleanup(p.stop)
	waitFor(t, "adapter ready", func() bool { return p.a.Ready(context.Background()) == nil })
	return p
}

// handled counts the requests of a user with this text.
func (p *process) handled(userID, text string) int {
	n := 0
	for _, r := range p.h.requests() {
		if r.UserID == userID && r.Text == text {
			n++
		}
	}
	return n
}

// do types "!consent TEXT" as a user in #general and waits until the bot has
// handled it. It returns the message id.
func (e *realEnv) do(t *testing.T, p *process, userID, text string) string {
	t.Helper()
	before := p.handled(userID, text)
	id := e.srv.Say(userID, general, Prefix+" "+text)
	waitFor(t, userID+": "+text, func() bool { return p.handled(userID, text) > before })
	return id
}

// waitDelivered waits until the Rocket.Chat outbox is empty.
func (e *realEnv) waitDelivered(t *testing.T) {
	t.Helper()
	waitFor(t, "outbox drained", func() bool {
		msgs, err := e.db.Pending(bot.PlatformRocketChat, 100)
		return err == nil && len(msgs) == 0
	})
}

// card returns the post id of an item's card in #general.
func (e *realEnv) card(t *testing.T, subject string) string {
	t.Helper()
	var id string
	waitFor(t, "card of "+subject, func() bool {
		var ok bool
		var err error
		id, ok, err = e.db.Card(bot.PlatformRocketChat, general, subject)
		return err == nil && ok
	})
	return id
}

// botPosts returns the texts the bot posted in a room; with thread set, only
// those in that thread; with thread "", only those in no thread.
func (e *realEnv) botPosts(room, thread string) []string {
	var out []string
	for _, m := range e.srv.Messages(room) {
		if m.UserID == botID && m.ThreadID == thread {
			out = append(out, m.Text)
		}
	}
	return out
}

// directTexts returns what the bot said in its direct room with a user.
func (e *realEnv) directTexts(userID string) []string {
	rid, ok := e.srv.DirectRoom(botID, userID)
	if !ok {
		return nil
	}
	return e.botPosts(rid, "")
}

// logKinds returns the kinds of the decision log, oldest first, from entry
// number from (1-based) on.
func (e *realEnv) logKinds(t *testing.T, from int) []string {
	t.Helper()
	var kinds []string
	err := e.db.View(func(tx *storage.Tx) error {
		return tx.Entries(func(en storage.Entry) error {
			if int(en.Seq) >= from {
				kinds = append(kinds, en.Kind+" "+en.Subject+" "+en.Actor)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return kinds
}

func TestIntegration_ProposalCycleWithRealBotAndStorage(t *testing.T) {
	e := newRealEnv(t)
	p := e.start(t)

	const (
		text     = "migrate Nextcloud to the new server on Saturday"
		amended  = "migrate Nextcloud to the new server on Sunday"
		reason   = "Saturday is the general assembly, nobody can watch the migration"
		docURL   = "https://wiki.example.org/nextcloud-migration"
		bareNo   = "object P1 no"
		approved = "P1 is approved: "
	)
	e.do(t, p, aliceID, "propose "+text)
	cardID := e.card(t, "P1")
	e.do(t, p, bobID, "validate P1")

	// REST trouble in the middle: a 500, a 429 asking for 7 s, and a 500
	// whose request was carried out before its answer was lost.
	e.srv.FailREST(
		rcfake.Failure{Status: http.StatusInternalServerError},
		rcfake.Failure{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"7"}}},
		rcfake.Failure{Status: http.StatusInternalServerError, AfterCommit: true},
	)
	e.do(t, p, carolID, "validate P1")
	e.do(t, p, daveID, bareNo) // refused (R4): told privately
	e.do(t, p, daveID, "object P1 "+reason)
	e.waitDelivered(t)

	// A dropped socket, and the amendment said before the adapter is back:
	// it is caught up after the new session logs in and subscribes.
	e.srv.SetOffline(true)
	waitFor(t, "adapter notices the drop", func() bool { return p.a.Ready(context.Background()) != nil })
	e.srv.Say(aliceID, general, Prefix+" amend P1 "+amended)
	e.srv.SetOffline(false)
	waitFor(t, "amendment caught up", func() bool { return p.handled(aliceID, "amend P1 "+amended) == 1 })
	e.do(t, p, daveID, "lift P1")
	e.do(t, p, bobID, "validate P1")
	e.do(t, p, carolID, "validate P1")
	e.do(t, p, aliceID, "done P1 "+docURL)
	e.waitDelivered(t)

	// Each command was handed to the bot once, in the order it was said.
	var got []string
	for _, r := range p.h.requests() {
		got = append(got, r.UserName+": "+r.Text)
	}
	want := []string{
		"alice: propose " + text, "bob: validate P1", "carol: validate P1", "dave: " + bareNo,
		"dave: object P1 " + reason, "alice: amend P1 " + amended, "dave: lift P1",
		"bob: validate P1", "carol: validate P1", "alice: done P1 " + docURL,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("commands handled (-want +got):\n%s", diff)
	}

	// #general: one card, edited in place, and the announcements in its thread.
	if got := e.botPosts(general, ""); len(got) != 1 {
		t.Errorf("bot posts outside threads in #general = %q, want only the card", got)
	}
	card, _ := e.srv.Message(cardID)
	if card.EditedAt.IsZero() || !strings.Contains(card.Text, "P1") || !strings.Contains(card.Text, "done") ||
		!strings.Contains(card.Text, amended) || strings.Contains(card.Text, Prefix+" validate") {
		t.Errorf("card after done = %q (edited %v): want the done, amended card without commands", card.Text, card.EditedAt)
	}
	if n := countCalls(e.srv, "POST chat.update 200"); n < 8 {
		t.Errorf("%d card updates, want one per change (8)", n)
	}
	thread := e.botPosts(general, cardID)
	wantThread := []string{
		"bob validated P1 (1/2).",
		"carol validated P1 (2/2).",
		approved,
		"dave objects to P1: " + reason,
		"P1 is blocked by an objection.",
		"alice amended P1; validations start again: " + amended,
		"dave lifted their objection on P1.",
		"bob validated P1 (1/2).",
		"carol validated P1 (2/2).",
		approved,
		"alice marked P1 done. The documentation is here: " + docURL,
	}
	if len(thread) != len(wantThread) {
		t.Fatalf("thread of the card:\n%s\nwant %d posts", strings.Join(thread, "\n"), len(wantThread))
	}
	for i, w := range wantThread {
		if !strings.HasPrefix(thread[i], w) {
			t.Errorf("thread post %d = %q, want %q…", i, thread[i], w)
		}
	}
	// The governance channel hears of the proposal typed in #general, and
	// (R8) where its documentation is.
	if diff := cmp.Diff([]string{"alice opened P1: migrate Nextcloud to the new server on Saturday", "alice marked P1 done. The documentation is here: " + docURL},
		e.botPosts(govRoom, "")); diff != "" {
		t.Errorf("#gouvernance (-want +got):\n%s", diff)
	}

	// R25: private replies went by direct message, each once.
	if got := e.directTexts(aliceID); len(got) != 1 || !strings.HasPrefix(got[0], "P1 is open.") {
		t.Errorf("alice's direct messages = %q, want the confirmation of P1", got)
	}
	if got := e.directTexts(daveID); len(got) != 1 || !strings.Contains(got[0], "20") {
		t.Errorf("dave's direct messages = %q, want the refusal of a bare no (20 characters)", got)
	}

	// The failures happened and were survived.
	calls := strings.Join(e.srv.Calls(), "\n")
	for _, status := range []string{" 500", " 429"} {
		if !strings.Contains(calls, status) {
			t.Errorf("no REST call failed with%s:\n%s", status, calls)
		}
	}
	p.mu.Lock()
	waits := slices.Clone(p.waits)
	p.mu.Unlock()
	if !slices.Contains(waits, 7*time.Second) {
		t.Errorf("REST waits %v: the 429's Retry-After (7s) was not honoured", waits)
	}
	if cs := e.srv.Connections(); len(cs) < 2 || cs[len(cs)-1].LoggedInAs != botID {
		t.Errorf("connections %+v: want a second session, logged in", cs)
	}

	wantLog := []string{
		"proposal.opened P1 alice",
		"proposal.validated P1 bob",
		"proposal.validated P1 carol",
		"proposal.approved P1 carol",
		"objection.raised P1 dave",
		"proposal.blocked P1 dave",
		"proposal.amended P1 alice",
		"objection.lifted P1 dave",
		"proposal.validated P1 bob",
		"proposal.validated P1 carol",
		"proposal.approved P1 carol",
		"proposal.done P1 alice",
	}
	if diff := cmp.Diff(wantLog, e.logKinds(t, 1)); diff != "" {
		t.Errorf("decision log (-want +got):\n%s", diff)
	}

	// Then a cooptation, to acceptance, and the newcomer's welcome (R17).
	e.do(t, p, aliceID, "coopt @frank operationnel runs our backups since January")
	coopCard := e.card(t, "C1")
	e.do(t, p, bobID, "vote C1 yes")
	e.do(t, p, carolID, "vote C1 yes")
	e.do(t, p, daveID, "vote C1 yes")
	e.waitDelivered(t)

	welcome := e.directTexts(frankID)
	if len(welcome) != 1 || !strings.Contains(welcome[0], "frank") || !strings.Contains(welcome[0], socialCode) ||
		!strings.Contains(welcome[0], "alice") {
		t.Errorf("frank's direct messages = %q, want one welcome naming alice and the social code", welcome)
	}
	err := e.db.View(func(tx *storage.Tx) error {
		m, ok, err := tx.Member("frank")
		if err != nil {
			return err
		}
		if !ok || m.Type != domain.Operationnel || m.Welcomer != "alice" {
			t.Errorf("frank on the roster = %+v (%v), want operationnel welcomed by alice", m, ok)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := e.srv.Message(coopCard); c.EditedAt.IsZero() || !strings.Contains(c.Text, "accepted") {
		t.Errorf("cooptation card = %q, want it edited to accepted", c.Text)
	}
	if got := e.botPosts(general, coopCard); len(got) < 4 {
		t.Errorf("cooptation thread = %q, want the votes and the acceptance", got)
	}
	wantCoopt := []string{
		"cooptation.opened C1 alice", // the opening counts as alice's yes (R13)
		"cooptation.voted C1 bob",
		"cooptation.voted C1 carol",
		"cooptation.voted C1 dave",
		"cooptation.accepted C1 dave",
		"member.added frank alice",
	}
	if diff := cmp.Diff(wantCoopt, e.logKinds(t, len(wantLog)+1)); diff != "" {
		t.Errorf("decision log after the cooptation (-want +got):\n%s", diff)
	}
	if got := e.botPosts(general, ""); len(got) != 2 {
		t.Errorf("bot posts outside threads in #general = %q, want the two cards", got)
	}
}
