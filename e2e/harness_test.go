package e2e

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/bot/console"
	"github.com/consentbot/consentbot/bot/mattermost"
	"github.com/consentbot/consentbot/e2e/mmtest"
	"github.com/consentbot/consentbot/meeting"
	"github.com/consentbot/consentbot/storage"
)

// harness is a provisioned Mattermost server and our bot, in-process, wired
// as `consentbot serve` wires it, reachable by the server on loopback.
type harness struct {
	t   *testing.T
	ctx context.Context
	env *mmtest.Env
	db  *storage.DB
	bot *bot.Bot
	// start is when this run began: the server keeps earlier runs' posts.
	start time.Time
	// public and token are where Mattermost reaches the bot, and how.
	public, token string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	url := mmtest.URLFromEnv()
	if url == "" {
		if os.Getenv("CONSENTBOT_E2E_REQUIRED") != "" {
			t.Fatal("CONSENTBOT_E2E_REQUIRED is set but CONSENTBOT_E2E_MATTERMOST_URL is not")
		}
		t.Skip("no real Mattermost: run `bash .ci/mattermost.sh` and set CONSENTBOT_E2E_MATTERMOST_URL=http://127.0.0.1:8065")
	}
	start := time.Now().Add(-time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	t.Cleanup(cancel)
	env, err := mmtest.Provision(ctx, url)
	if err != nil {
		t.Fatalf("provision: %v", err)
	}
	if err := env.DeleteCommands(ctx, mattermost.Trigger); err != nil {
		t.Fatalf("delete old commands: %v", err)
	}
	db, err := storage.Open(filepath.Join(t.TempDir(), "e2e.db"), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	roster := console.DemoRoster()
	if err := db.Update(func(tx *storage.Tx) error {
		for _, m := range roster {
			if err := tx.PutMember(m); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sched, err := meeting.NewSchedule("", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(db, bot.Config{Language: "en", Location: sched.Location(), Platforms: []string{bot.PlatformMattermost},
		SocialCodeURL: "https://example.org/social-code", Meeting: bot.MeetingConfig{Schedule: sched}}, time.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	public := "http://" + ln.Addr().String()
	secret, err := db.Secret("mattermost-actions")
	if err != nil {
		t.Fatal(err)
	}
	cfg := mattermost.Config{URL: url, Team: env.TeamName, Channel: env.ChannelName, PublicURL: public,
		BotToken: env.BotToken, ObjectionMinChars: 20, Language: "en", Secret: secret}
	token, err := mattermost.Register(ctx, cfg)
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	cfg.CommandToken = token
	a := mattermost.New(cfg, mattermost.Deps{Handler: b, Outbox: db, Cards: db, Identities: db})
	mux := http.NewServeMux()
	mux.Handle(mattermost.Prefix+"/", http.StripPrefix(mattermost.Prefix, a.Handler()))
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Run(runCtx); close(done) }()
	t.Cleanup(func() { stop(); <-done; srv.Close() })
	return &harness{t: t, ctx: ctx, env: env, db: db, bot: b, start: start, public: public, token: token}
}

// cmd runs `/consent text` as user in the governance channel, through the
// server, and returns the ephemeral reply.
func (h *harness) cmd(user, text string) string {
	h.t.Helper()
	resp, err := h.env.ExecuteCommand(h.ctx, user, h.env.ChannelID, "/consent "+text)
	if err != nil {
		h.t.Fatalf("%s: /consent %s: %v", user, text, err)
	}
	if resp.ResponseType != model.CommandResponseTypeEphemeral && resp.Text != "" {
		h.t.Fatalf("R25: reply to %q is %q, not ephemeral", text, resp.ResponseType)
	}
	return resp.Text
}

// card waits until the card of subject exists and its message contains want.
func (h *harness) card(subject, want string) *model.Post {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		id, ok, err := h.db.Card(bot.PlatformMattermost, h.env.ChannelID, subject)
		if err != nil {
			h.t.Fatal(err)
		}
		if ok {
			p, _, err := h.env.Admin.Client.GetPost(h.ctx, id, "")
			if err == nil {
				last = p.Message
				if strings.Contains(p.Message, want) {
					if p.UserId != h.env.BotUserID {
						h.t.Fatalf("card %s posted by %s, not the bot", subject, p.UserId)
					}
					return p
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	h.t.Fatalf("card %s never showed %q; last: %q", subject, want, last)
	return nil
}

// click presses a card's button as user (its ephemeral answer reaches the
// user's websocket, not the API response).
func (h *harness) click(user string, card *model.Post, action string) {
	h.t.Helper()
	if _, err := h.env.ClickButton(h.ctx, user, card.Id, action); err != nil {
		h.t.Fatalf("%s clicks %s on %s: %v", user, action, card.Id, err)
	}
}

// dialog presses a button that opens a dialog, and submits reason in it.
func (h *harness) dialog(user string, card *model.Post, action, reason string) *model.SubmitDialogResponse {
	h.t.Helper()
	events, err := h.env.ListenWebSocket(h.ctx, user)
	if err != nil {
		h.t.Fatal(err)
	}
	h.click(user, card, action)
	wctx, cancel := context.WithTimeout(h.ctx, 15*time.Second)
	defer cancel()
	d, err := mmtest.WaitDialog(wctx, events)
	if err != nil {
		h.t.Fatalf("no dialog opened for %s: %v", action, err)
	}
	resp, err := h.env.SubmitOpenedDialog(h.ctx, user, d, h.env.ChannelID, map[string]string{"reason": reason})
	if err != nil {
		h.t.Fatalf("submit dialog: %v", err)
	}
	return resp
}

// postsWith counts the channel's posts by the bot containing text, since
// this run began.
func (h *harness) postsWith(channelID, text string) int {
	h.t.Helper()
	posts, err := h.env.Posts(h.ctx, channelID, h.start)
	if err != nil {
		h.t.Fatal(err)
	}
	n := 0
	for _, p := range posts {
		if p.UserId == h.env.BotUserID && strings.Contains(p.Message, text) {
			n++
		}
	}
	return n
}

// waitPosts waits until the count of postsWith reaches n.
func (h *harness) waitPosts(channelID, text string, n int) {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if h.postsWith(channelID, text) >= n {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	h.t.Fatalf("expected %d bot post(s) with %q in %s, got %d", n, text, channelID, h.postsWith(channelID, text))
}
