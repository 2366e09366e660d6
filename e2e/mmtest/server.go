package mmtest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"
)

// ScriptsDir is where build.sh/start.sh/stop.sh live: $CONSENTBOT_E2E_MATTERMOST_SCRIPTS, or
// e2e/mattermost-server next to this package's source.
func ScriptsDir() string {
	if d := os.Getenv("CONSENTBOT_E2E_MATTERMOST_SCRIPTS"); d != "" {
		return d
	}
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "mattermost-server")
}

func runScript(ctx context.Context, name string) error {
	path := filepath.Join(ScriptsDir(), name)
	cmd := exec.CommandContext(ctx, "bash", path)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("mmtest: %s: %w\n%s", path, err, out.Bytes())
	}
	return nil
}

// StopServer stops the Mattermost server (stop.sh) to simulate an outage; PostgreSQL keeps
// running. The server is shared by all test processes of `go test ./...`, so StopServer
// first waits (bounded by ctx) until every other process that called Provision has exited;
// see lock.go. Call StartServer afterwards, also on failure paths (t.Cleanup).
func StopServer(ctx context.Context) error {
	if err := beginOutage(ctx); err != nil {
		return err
	}
	return runScript(ctx, "stop.sh")
}

// StartServer starts it again (start.sh, 1-2 s when built; idempotent) and waits for the
// ping. Sessions and tokens survive a restart; websockets do not.
func StartServer(ctx context.Context) error {
	if err := runScript(ctx, "start.sh"); err != nil {
		return err
	}
	endOutage()
	return nil
}

// Stop is StopServer.
func (env *Env) Stop(ctx context.Context) error { return StopServer(ctx) }

// Start is StartServer, then waits until env.URL answers.
func (env *Env) Start(ctx context.Context) error {
	if err := StartServer(ctx); err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return WaitReady(wctx, env.URL)
}
