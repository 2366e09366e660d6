package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The public server bounds how long a client may take: reading a request
// (headers and body), writing the answer, and idling between requests.
func TestPublicServerTimeouts(t *testing.T) {
	srv := publicServer(http.NotFoundHandler())
	for name, d := range map[string]time.Duration{
		"ReadHeaderTimeout": srv.ReadHeaderTimeout, "ReadTimeout": srv.ReadTimeout,
		"WriteTimeout": srv.WriteTimeout, "IdleTimeout": srv.IdleTimeout,
	} {
		if d <= 0 || d > 2*time.Minute {
			t.Errorf("%s = %v, want a bound of at most 2 min", name, d)
		}
	}
	// Mattermost waits 30 s for a slash command: a shorter write bound
	// could cut an answer it would still take.
	if srv.WriteTimeout < 30*time.Second {
		t.Errorf("WriteTimeout = %v, below Mattermost's 30 s", srv.WriteTimeout)
	}
}

// Mattermost configured without the command token refuses every /consent:
// serve says so, and how to fix it, at start.
func TestServeWarnsWithoutMattermostCommandToken(t *testing.T) {
	for _, token := range []string{"", "sqsqqxghjff85n9p33babe6bfa"} {
		addr := freeAddr(t)
		env := []string{"CONSENTBOT_HTTP_LISTEN=" + addr, "CONSENTBOT_HTTP_PUBLIC_URL=http://" + addr,
			"CONSENTBOT_DATABASE=" + filepath.Join(t.TempDir(), "c.db"),
			"CONSENTBOT_MATTERMOST_URL=http://127.0.0.1:1", "CONSENTBOT_MATTERMOST_TEAM=coop",
			"CONSENTBOT_MATTERMOST_CHANNEL=gouvernance", "CONSENTBOT_MATTERMOST_BOT_TOKEN=bot-token"}
		if token != "" {
			env = append(env, "CONSENTBOT_MATTERMOST_COMMAND_TOKEN="+token)
		}
		out := startServe(t, nil, env, addr)()
		warned := strings.Contains(out, `"level":"WARN"`) && strings.Contains(out, "consentbot mattermost register")
		if warned != (token == "") {
			t.Errorf("command token %q: warned = %v, want %v; output:\n%s", token, warned, token == "", out)
		}
	}
}
