package mattermost

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/bot/bottest"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

const publicURL = "https://bot.example.org"

// env is one adapter wired to fakes on both sides.
type env struct {
	a      *Adapter
	mm     *mmFake
	h      *bottest.Handler
	out    *bottest.Outbox
	cards  *bottest.Cards
	ids    *bottest.Identities
	clock  *bottest.Clock
	logs   *logBuffer   // what the adapter logged (text handler, debug level)
	routes http.Handler // Handler() mounted as the lead will mount it
}

// logBuffer collects log lines; safe for the adapter's goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{
		mm:    newMMFake(t),
		h:     &bottest.Handler{},
		out:   bottest.NewOutbox(bot.PlatformMattermost),
		cards: &bottest.Cards{},
		ids:   bottest.NewIdentities(bot.PlatformMattermost, map[string]string{"alice": aliceID}),
		clock: bottest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)),
		logs:  &logBuffer{},
	}
	e.a = New(Config{
		URL:               e.mm.srv.URL,
		Team:              "coop",
		Channel:           "gouvernance",
		PublicURL:         publicURL + "/",
		BotToken:          botToken,
		CommandToken:      cmdToken,
		ObjectionMinChars: 20,
		Language:          "en",
		Secret:            testSecret,
	}, Deps{
		Handler:    e.h,
		Outbox:     e.out,
		Cards:      e.cards,
		Identities: e.ids,
		Logger:     slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:        e.clock.Now,
	})
	mux := http.NewServeMux()
	mux.Handle(Prefix+"/", http.StripPrefix(Prefix, e.a.Handler()))
	e.routes = mux
	return e
}

// do sends a request through the mounted handler.
func (e *env) do(t *testing.T, method, path, contentType, body string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	e.routes.ServeHTTP(w, r)
	return w
}

func body(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	b, err := io.ReadAll(w.Result().Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func msg(id uint64, kind, channel, subject, text string) bot.Message {
	return bot.Message{ID: id, Platform: bot.PlatformMattermost, Kind: kind, Channel: channel, Subject: subject, Text: text}
}
