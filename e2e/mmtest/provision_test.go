package mmtest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

func testURL(t *testing.T) string {
	t.Helper()
	u := URLFromEnv()
	if u == "" {
		t.Skip(SkipMessage)
	}
	return u
}

func provision(t *testing.T, ctx context.Context, url string) *Env {
	t.Helper()
	start := time.Now()
	env, err := Provision(ctx, url)
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	t.Logf("Provision took %v", time.Since(start).Round(time.Millisecond))
	return env
}

func TestProvision(t *testing.T) {
	url := testURL(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()

	env1 := provision(t, ctx, url)
	env := provision(t, ctx, url) // idempotent
	if env1.TeamID != env.TeamID || env1.ChannelID != env.ChannelID || env1.BotUserID != env.BotUserID ||
		env1.Admin.ID != env.Admin.ID {
		t.Fatalf("second Provision changed IDs: %+v vs %+v", env1, env)
	}
	for _, name := range UserNames {
		if env1.UserID(name) == "" || env1.UserID(name) != env.UserID(name) {
			t.Fatalf("user %s: IDs %q vs %q", name, env1.UserID(name), env.UserID(name))
		}
	}
	if env1.BotToken == env.BotToken || env.BotToken == "" {
		t.Fatalf("bot tokens: want two different non-empty tokens, got %q and %q", env1.BotToken, env.BotToken)
	}
	for _, tok := range []string{env1.BotToken, env.BotToken} { // the older token still works
		c := NewClient(url)
		c.SetToken(tok)
		me, _, err := c.GetMe(ctx, "")
		if err != nil || me.Id != env.BotUserID || !me.IsBot {
			t.Fatalf("GetMe with bot token: %v, %+v", err, me)
		}
	}
	if u := env.User("alice"); u == nil || u.Client == nil || env.Client("nobody") != nil {
		t.Fatal("User/Client lookups")
	}

	// Bob watches the channel over the websocket.
	wctx, wcancel := context.WithCancel(ctx)
	defer wcancel()
	events, err := env.ListenWebSocket(wctx, "bob")
	if err != nil {
		t.Fatal(err)
	}

	since := time.Now().Add(-time.Second)
	msg := "bot says hi " + time.Now().Format(time.RFC3339Nano)
	post, _, err := env.Bot.Client.CreatePost(ctx, &model.Post{ChannelId: env.ChannelID, Message: msg})
	if err != nil {
		t.Fatalf("bot CreatePost: %v", err)
	}
	if post.UserId != env.BotUserID {
		t.Fatalf("post user %s, want bot %s", post.UserId, env.BotUserID)
	}
	if _, err := env.WaitPost(ctx, env.ChannelID, since, func(p *model.Post) bool { return p.Id == post.Id }); err != nil {
		t.Fatal(err)
	}
	ev, err := WaitEvent(ctx, events, model.WebsocketEventPosted, func(ev *model.WebSocketEvent) bool {
		p, err := PostFromEvent(ev)
		return err == nil && p.Id == post.Id
	})
	if err != nil {
		t.Fatal(err)
	}
	if ev.GetBroadcast().ChannelId != env.ChannelID {
		t.Fatalf("posted event broadcast channel %q", ev.GetBroadcast().ChannelId)
	}

	// Built-in command as alice.
	since = time.Now().Add(-time.Second)
	if _, err := env.ExecuteCommand(ctx, "alice", env.ChannelID, "/me hello"); err != nil {
		t.Fatal(err)
	}
	me, err := env.WaitPost(ctx, env.ChannelID, since, func(p *model.Post) bool {
		return p.UserId == env.UserID("alice") && strings.Contains(p.Message, "hello")
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("/me post: type %q message %q", me.Type, me.Message)

	// Direct channel bot↔alice.
	dm, err := env.DirectChannel(ctx, BotUsername, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if dm.Type != model.ChannelTypeDirect {
		t.Fatalf("DM type %q", dm.Type)
	}
	dmPost, _, err := env.Bot.Client.CreatePost(ctx, &model.Post{ChannelId: dm.Id, Message: "psst"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.WaitPost(ctx, dm.Id, since, func(p *model.Post) bool { return p.Id == dmPost.Id }); err != nil {
		t.Fatal(err)
	}

	if _, err := env.Commands(ctx); err != nil {
		t.Fatal(err)
	}

	// Another team: same users and bot, different team and channel.
	other, err := ProvisionWith(ctx, url, Options{Team: "mmtest-other", Channel: "town"})
	if err != nil {
		t.Fatal(err)
	}
	if other.TeamID == env.TeamID || other.ChannelID == env.ChannelID || other.UserID("alice") != env.UserID("alice") ||
		other.BotUserID != env.BotUserID || other.TeamName != "mmtest-other" {
		t.Fatalf("ProvisionWith: %+v", other)
	}
	if _, _, err := other.Client("alice").CreatePost(ctx, &model.Post{ChannelId: other.ChannelID, Message: "hi"}); err != nil {
		t.Fatal(err)
	}
}

// integration is a tiny bot on loopback: a slash command, a button that opens a dialog, and
// the dialog's submission.
type integration struct {
	env *Env
	srv *httptest.Server

	mu      sync.Mutex
	cmd     url.Values
	action  *model.PostActionIntegrationRequest
	dialog  *model.SubmitDialogRequest
	openErr error
}

func newIntegration(t *testing.T, env *Env) *integration {
	in := &integration{env: env}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /cmd", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		in.mu.Lock()
		in.cmd = r.PostForm
		in.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(model.CommandResponse{ResponseType: model.CommandResponseTypeEphemeral,
			Text: "pong: " + r.PostForm.Get("text")})
	})
	mux.HandleFunc("POST /action", func(w http.ResponseWriter, r *http.Request) {
		var req model.PostActionIntegrationRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		_, err := env.Bot.Client.OpenInteractiveDialog(r.Context(), model.OpenDialogRequest{
			TriggerId: req.TriggerId, URL: in.srv.URL + "/dialog",
			Dialog: model.Dialog{CallbackId: "cb1", Title: "Propose", State: "state-1", SubmitLabel: "OK",
				Elements: []model.DialogElement{{DisplayName: "Title", Name: "title", Type: "text"}}},
		})
		in.mu.Lock()
		in.action, in.openErr = &req, err
		in.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(model.PostActionIntegrationResponse{EphemeralText: "clicked"})
	})
	mux.HandleFunc("POST /dialog", func(w http.ResponseWriter, r *http.Request) {
		var req model.SubmitDialogRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		in.mu.Lock()
		in.dialog = &req
		in.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	})
	in.srv = httptest.NewServer(mux) // 127.0.0.1: allowed by AllowedUntrustedInternalConnections
	t.Cleanup(in.srv.Close)
	return in
}

func TestCommandButtonDialog(t *testing.T) {
	url := testURL(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	env := provision(t, ctx, url)
	in := newIntegration(t, env)

	// The bot (team_admin) registers a command itself.
	const trigger = "mmtest-e2e"
	if err := env.DeleteCommands(ctx, trigger); err != nil {
		t.Fatal(err)
	}
	_, _, err := env.Bot.Client.CreateCommand(ctx, &model.Command{TeamId: env.TeamID, Trigger: trigger,
		Method: model.CommandMethodPost, URL: in.srv.URL + "/cmd", DisplayName: "mmtest"})
	if err != nil {
		t.Fatalf("bot CreateCommand: %v", err)
	}
	t.Cleanup(func() { _ = env.DeleteCommands(context.Background(), trigger) })
	if c, err := env.Command(ctx, trigger); err != nil || c == nil || c.CreatorId != env.BotUserID {
		t.Fatalf("Command(%q) = %+v, %v", trigger, c, err)
	}

	cr, err := env.ExecuteCommand(ctx, "carol", env.ChannelID, "/"+trigger+" ping")
	if err != nil {
		t.Fatal(err)
	}
	if cr.Text != "pong: ping" {
		t.Fatalf("command response %+v", cr)
	}
	in.mu.Lock()
	if in.cmd.Get("user_name") != "carol" || in.cmd.Get("channel_name") != ChannelName {
		t.Errorf("command request %v", in.cmd)
	}
	in.mu.Unlock()

	// A post with a button; dave clicks; the integration opens a dialog; dave submits it.
	post, _, err := env.Bot.Client.CreatePost(ctx, &model.Post{ChannelId: env.ChannelID, Message: "vote",
		Props: model.StringInterface{"attachments": []*model.MessageAttachment{{
			Text: "Do you consent?",
			Actions: []*model.PostAction{{Id: "consent", Name: "Consent", Type: model.PostActionTypeButton,
				Integration: &model.PostActionIntegration{URL: in.srv.URL + "/action",
					Context: map[string]any{"proposal": "P1"}}}},
		}}}})
	if err != nil {
		t.Fatal(err)
	}
	events, err := env.ListenWebSocket(ctx, "dave")
	if err != nil {
		t.Fatal(err)
	}
	ar, err := env.ClickButton(ctx, "dave", post.Id, "consent")
	if err != nil {
		t.Fatal(err)
	}
	if ar.TriggerId == "" {
		t.Errorf("no trigger_id in action response %+v", ar)
	}
	in.mu.Lock()
	act, openErr := in.action, in.openErr
	in.mu.Unlock()
	if act == nil || act.UserId != env.UserID("dave") || act.Context["proposal"] != "P1" {
		t.Fatalf("action request %+v", act)
	}
	if openErr != nil {
		t.Fatalf("OpenInteractiveDialog: %v", openErr)
	}
	dctx, dcancel := context.WithTimeout(ctx, 10*time.Second)
	defer dcancel()
	d, err := WaitDialog(dctx, events)
	if err != nil {
		t.Fatal(err)
	}
	if d.Dialog.CallbackId != "cb1" || d.Dialog.State != "state-1" || d.URL != in.srv.URL+"/dialog" {
		t.Fatalf("dialog %+v", d)
	}
	if _, err := env.SubmitOpenedDialog(ctx, "dave", d, env.ChannelID, map[string]string{"title": "Rules v2"}); err != nil {
		t.Fatal(err)
	}
	in.mu.Lock()
	sub := in.dialog
	in.mu.Unlock()
	if sub == nil || sub.UserId != env.UserID("dave") || sub.State != "state-1" || sub.Submission["title"] != "Rules v2" {
		t.Fatalf("dialog submission %+v", sub)
	}
}

// TestOutage stops and restarts the server. It is opt-in (CONSENTBOT_E2E_MATTERMOST_OUTAGE=1)
// because the server is shared with other packages' tests running in parallel.
func TestOutage(t *testing.T) {
	url := testURL(t)
	if os.Getenv("CONSENTBOT_E2E_MATTERMOST_OUTAGE") != "1" {
		t.Skip("set CONSENTBOT_E2E_MATTERMOST_OUTAGE=1 to stop/start the shared server")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	env := provision(t, ctx, url)
	events, err := env.ListenWebSocket(ctx, "erin")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := env.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("stop took %v", time.Since(start).Round(time.Millisecond))
	if _, _, err := env.Client("erin").GetMe(ctx, ""); err == nil {
		t.Fatal("server still answers after Stop")
	}
	for range events { // the websocket channel closes
	}
	start = time.Now()
	if err := env.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("start took %v", time.Since(start).Round(time.Millisecond))
	if _, _, err := env.Client("erin").GetMe(ctx, ""); err != nil {
		t.Fatalf("session lost across restart: %v", err)
	}
	if _, _, err := env.Bot.Client.GetMe(ctx, ""); err != nil {
		t.Fatalf("bot token lost across restart: %v", err)
	}
}
