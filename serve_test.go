package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consentbot/consentbot/bot/rocketchat/rcfake"
	"github.com/consentbot/consentbot/e2e/mmtest"
	"github.com/mattermost/mattermost/server/public/model"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServe runs `consentbot serve` in-process until the returned stop is
// called; it waits for /healthz.
func startServe(t *testing.T, args, env []string, addr string) (stop func() string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"serve"}, args...), env, nil, out, out) }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve never became healthy:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return func() string {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop within 20 s of its signal")
		}
		return out.String()
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestServeWithoutPlatforms: serve with neither platform still runs the
// scheduler and the HTTP server (SPEC §6), and the operator's commands work
// while it holds the database, through its control socket.
func TestServeWithoutPlatforms(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	addr := freeAddr(t)
	env := []string{"CONSENTBOT_HTTP_LISTEN=" + addr, "CONSENTBOT_HTTP_PUBLIC_URL=http://" + addr, "CONSENTBOT_DATABASE=" + db}
	stop := startServe(t, nil, env, addr)

	if code, body := get(t, "http://"+addr+"/readyz"); code != 200 || !strings.Contains(body, "storage: ok") {
		t.Errorf("/readyz = %d %q", code, body)
	}
	if code, body := get(t, "http://"+addr+"/metrics"); code != 200 || !strings.Contains(body, "consentbot_log_entries") {
		t.Errorf("/metrics = %d, lacks consentbot_log_entries", code)
	}
	code, ics := get(t, "http://"+addr+"/meeting.ics")
	if code != 200 || !strings.Contains(ics, "BEGIN:VCALENDAR") || !strings.Contains(ics, "TZID=Europe/Paris") {
		t.Errorf("/meeting.ics = %d %q", code, ics)
	}

	if fi, err := os.Stat(db + ".sock"); err != nil || fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("control socket: %v, mode %v: only its owner may use it", err, fi.Mode().Perm())
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"members", "add", "alice", "--type", "full", "--council"}, env, nil, &out, &out); err != nil {
		t.Fatalf("members add while serve runs: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"members", "list"}, env, nil, &out, &out); err != nil || !strings.Contains(out.String(), "alice") {
		t.Fatalf("members list while serve runs: %v %q", err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"outbox"}, env, nil, &out, &out); err != nil || !strings.Contains(out.String(), "message(s) waiting") {
		t.Fatalf("outbox while serve runs: %v %q", err, out.String())
	}
	backup := filepath.Join(dir, "backup.db")
	if err := run(context.Background(), []string{"backup", backup}, env, nil, &out, &out); err != nil {
		t.Fatalf("backup while serve runs: %v", err)
	}
	stop()
	out.Reset()
	if err := run(context.Background(), []string{"verify", "--db", backup}, nil, nil, &out, &out); err != nil || !strings.Contains(out.String(), "ok: 1 entries") {
		t.Fatalf("the hot backup does not verify: %v %q", err, out.String())
	}
}

// TestServeMattermost runs the real program against a real Mattermost, with a
// Rocket.Chat (the wire-faithful fake) side by side on the same database:
// register, serve, a command through each server, an account linked by the
// operator while serve runs, a SIGTERM-like stop and a restart that posts
// nothing twice.
func TestServeMattermost(t *testing.T) {
	url := mmtest.URLFromEnv()
	if url == "" {
		if os.Getenv("CONSENTBOT_E2E_REQUIRED") != "" {
			t.Fatal("CONSENTBOT_E2E_REQUIRED is set but CONSENTBOT_E2E_MATTERMOST_URL is not")
		}
		t.Skip("no real Mattermost (see README: Tests)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// Its own team: the e2e package registers /consent on "coop" in parallel.
	mm, err := mmtest.ProvisionWith(ctx, url, mmtest.Options{Team: "coop-serve", Channel: "gouvernance"})
	if err != nil {
		t.Fatal(err)
	}
	if err := mm.DeleteCommands(ctx, "consent"); err != nil {
		t.Fatal(err)
	}
	rc := rcfake.New()
	defer rc.Close()
	rc.AddUser(rcfake.User{ID: "u-bot", Username: "consentbot", Token: "bot-token"})
	rc.AddUser(rcfake.User{ID: "u-alice", Username: "alice", Token: "alice-token"})
	rc.AddRoom(rcfake.Room{ID: "r-general", Name: "general", Type: "c", Members: []string{"u-bot", "u-alice"}})
	rc.AddRoom(rcfake.Room{ID: "r-gov", Name: "gouvernance", Type: "c", Members: []string{"u-bot", "u-alice"}})

	dir := t.TempDir()
	addr := freeAddr(t)
	cfgFile := filepath.Join(dir, "consentbot.yaml")
	os.WriteFile(cfgFile, []byte(fmt.Sprintf(`language: en
database: %s
http:
  listen: %s
  public_url: http://%s
mattermost:
  url: %s
  team: %s
  channel: %s
rocketchat:
  url: %s
  channel: gouvernance
`, filepath.Join(dir, "c.db"), addr, addr, url, mm.TeamName, mm.ChannelName, rc.URL)), 0o600)
	env := []string{"CONSENTBOT_MATTERMOST_BOT_TOKEN=" + mm.BotToken,
		"CONSENTBOT_ROCKETCHAT_USER_ID=u-bot", "CONSENTBOT_ROCKETCHAT_TOKEN=bot-token"}
	var out bytes.Buffer
	for _, who := range []string{"alice", "bob", "dave"} {
		if err := run(ctx, []string{"members", "add", who, "--type", "full", "--config", cfgFile}, env, nil, &out, &out); err != nil {
			t.Fatalf("members add: %v %s", err, out.String())
		}
	}
	if err := run(ctx, []string{"mattermost", "register", "--config", cfgFile}, env, nil, &out, &out); err != nil {
		t.Fatalf("register: %v\n%s", err, out.String())
	}
	m := regexp.MustCompile(`CONSENTBOT_MATTERMOST_COMMAND_TOKEN=(\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("register printed no token: %q", out.String())
	}
	env = append(env, "CONSENTBOT_MATTERMOST_COMMAND_TOKEN="+m[1])

	stop := startServe(t, []string{"--config", cfgFile}, env, addr)
	if code, body := get(t, "http://"+addr+"/readyz"); code != 200 || !strings.Contains(body, "mattermost: ok") {
		t.Errorf("/readyz = %d %q", code, body)
	}
	since := time.Now().Add(-time.Second)
	text := fmt.Sprintf("Serve test proposal %d", time.Now().UnixNano())
	resp, err := mm.ExecuteCommand(ctx, "alice", mm.ChannelID, "/consent propose "+text)
	if err != nil {
		t.Fatal(err)
	}
	if resp.ResponseType != "ephemeral" {
		t.Errorf("R25: reply is %q, not ephemeral", resp.ResponseType)
	}
	if _, err := mm.WaitPost(ctx, mm.ChannelID, since, func(p *model.Post) bool { return strings.Contains(p.Message, text) }); err != nil {
		t.Fatalf("the card never appeared: %v", err)
	}

	// alice is bound on Mattermost now: her Rocket.Chat account acts as
	// her only once the operator links it, here while serve runs.
	rcText := fmt.Sprintf("Rocket.Chat proposal %d", time.Now().UnixNano())
	rc.Say("u-alice", "r-general", "!consent propose "+rcText)
	waitFor(t, "the link instruction by direct message", func() bool {
		for _, m := range rc.MessagesBy("u-bot") {
			if strings.Contains(m.Text, "members link alice --platform rocketchat --user u-alice") {
				return true
			}
		}
		return false
	})
	if err := run(ctx, []string{"members", "link", "alice", "--platform", "rocketchat", "--user", "u-alice", "--config", cfgFile}, env, nil, &out, &out); err != nil {
		t.Fatalf("members link while serve runs: %v\n%s", err, out.String())
	}
	rc.Say("u-alice", "r-general", "!consent propose "+rcText)
	waitFor(t, "the Rocket.Chat card", func() bool {
		for _, m := range rc.Messages("r-general") {
			if m.UserID == "u-bot" && strings.Contains(m.Text, rcText) {
				return true
			}
		}
		return false
	})
	// Both platforms' governance channels hear of it.
	if _, err := mm.WaitPost(ctx, mm.ChannelID, since, func(p *model.Post) bool { return strings.Contains(p.Message, rcText) }); err != nil {
		t.Fatalf("the Mattermost governance channel never heard of the Rocket.Chat proposal: %v", err)
	}
	waitFor(t, "the Rocket.Chat governance post", func() bool {
		for _, m := range rc.Messages("r-gov") {
			if strings.Contains(m.Text, rcText) {
				return true
			}
		}
		return false
	})
	stop()

	// Restart: nothing already delivered is posted again.
	stop = startServe(t, []string{"--config", cfgFile}, env, addr)
	time.Sleep(2 * time.Second)
	stop()
	posts, err := mm.Posts(ctx, mm.ChannelID, since)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range posts {
		if strings.Contains(p.Message, text) && p.UserId == mm.BotUserID {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("R27: the card was posted %d times across a restart, want once", n)
	}
}

// waitFor polls cond for up to 20 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never saw %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
