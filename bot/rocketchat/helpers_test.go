package rocketchat

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/bot/bottest"
	"github.com/consentbot/consentbot/bot/rocketchat/ddp"
	"github.com/consentbot/consentbot/bot/rocketchat/rcfake"
)

// Fixture ids on the fake server.
const (
	botID   = "botid"
	botName = "consentbot"
	aliceID = "u-alice"
	bobID   = "u-bob"
	general = "GENERAL"
	govRoom = "GOV"
	noBot   = "NOBOT" // a room the bot is not in
)

// env is an adapter running against a fake Rocket.Chat.
type env struct {
	srv     *rcfake.Server
	a       *Adapter
	handler *bottest.Handler
	outbox  *bottest.Outbox
	cards   *bottest.Cards
}

// newEnv starts a fake server and an adapter with short timings; opts may
// change the configuration or the adapter before it runs.
// handler, when not nil, builds the bot's behaviour from the outbox it
// queues announcements in.
func newEnv(t *testing.T, handler func(*bottest.Outbox) func(bot.Request) bot.Response, opts ...func(*Config, *Adapter)) *env {
	t.Helper()
	srv := rcfake.New()
	t.Cleanup(srv.Close)
	srv.AddUser(rcfake.User{ID: botID, Username: botName, Token: "bot-token", Password: "bot-secret"})
	srv.AddUser(rcfake.User{ID: aliceID, Username: "alice", Token: "alice-token"})
	srv.AddUser(rcfake.User{ID: bobID, Username: "bob", Token: "bob-token"})
	srv.AddRoom(rcfake.Room{ID: general, Name: "general", Type: "c", Members: []string{botID, aliceID, bobID}})
	srv.AddRoom(rcfake.Room{ID: govRoom, Name: "gouvernance", Type: "c", Members: []string{botID, aliceID, bobID}})
	srv.AddRoom(rcfake.Room{ID: noBot, Name: "private", Type: "p", Members: []string{aliceID, bobID}})

	e := &env{srv: srv, handler: &bottest.Handler{}, outbox: bottest.NewOutbox(bot.PlatformRocketChat), cards: &bottest.Cards{}}
	if handler != nil {
		e.handler.Reply = handler(e.outbox)
	}
	cfg := Config{URL: srv.URL, Channel: "gouvernance", UserID: botID, Token: "bot-token", BotName: botName}
	level := slog.LevelError + 4 // silent: failures are part of the tests
	if testing.Verbose() {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	a := New(cfg, Deps{Handler: e.handler, Outbox: e.outbox, Cards: e.cards, Identities: bottest.NewIdentities(bot.PlatformRocketChat, map[string]string{"Bob": bobID}), Logger: log})
	a.ddpOpts = ddp.Options{PingInterval: 100 * time.Millisecond, PongTimeout: 200 * time.Millisecond}
	a.reconnect = backoff{Base: 5 * time.Millisecond, Max: 50 * time.Millisecond}
	a.redeliver = backoff{Base: 5 * time.Millisecond, Max: 50 * time.Millisecond}
	a.rest.retry = backoff{Base: time.Millisecond, Max: 5 * time.Millisecond}
	for _, o := range opts {
		o(&cfg, a)
	}
	if a.cfg != cfg { // an option changed the configuration: rebuild
		b := New(cfg, a.deps)
		b.ddpOpts, b.reconnect, b.redeliver, b.rest.retry, b.rest.sleep = a.ddpOpts, a.reconnect, a.redeliver, a.rest.retry, a.rest.sleep
		a = b
	}
	e.a = a

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
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
	return e
}

// waitFor polls cond until it holds, failing the test after a deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// waitReady waits until the adapter is logged in and subscribed.
func (e *env) waitReady(t *testing.T) {
	t.Helper()
	waitFor(t, "adapter ready", func() bool { return e.a.Ready(context.Background()) == nil })
}

// waitHandled waits until the handler saw a request with this text.
func (e *env) waitHandled(t *testing.T, text string) {
	t.Helper()
	waitFor(t, "command "+text, func() bool { return e.handler.Count(text) > 0 })
}

// botTexts returns the texts the bot posted in a room, oldest first.
func (e *env) botTexts(room string) []string {
	var out []string
	for _, m := range e.srv.Messages(room) {
		if m.UserID == botID {
			out = append(out, m.Text)
		}
	}
	return out
}

// dmRoom waits for the direct room between the bot and a user.
func (e *env) dmRoom(t *testing.T, userID string) string {
	t.Helper()
	var rid string
	waitFor(t, "direct room with "+userID, func() bool {
		var ok bool
		rid, ok = e.srv.DirectRoom(botID, userID)
		return ok
	})
	return rid
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
