package mmtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// The server is shared by every test process of `go test ./...` (packages run in parallel).
// An outage (StopServer) must not hit another package's tests in flight, so:
//   - Provision takes a shared lock on $CACHE/server/outage.lock for the rest of the process;
//   - StopServer converts it to an exclusive lock, waiting until every other process that
//     provisioned has exited (or ctx ends), and StartServer converts it back.
// The lock is an flock(2): it disappears with the process, whatever happens to it.

var procLock struct {
	mu        sync.Mutex
	f         *os.File
	shared    bool // this process provisioned: keep a shared lock when not in an outage
	exclusive bool
}

func lockPath() string {
	dir := os.Getenv("CONSENTBOT_E2E_CACHE")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".cache", "consentbot-e2e")
	}
	return filepath.Join(dir, "server", "outage.lock")
}

func lockFile() (*os.File, error) {
	if procLock.f != nil {
		return procLock.f, nil
	}
	p := lockPath()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	procLock.f = f
	return f, nil
}

// holdShared marks this process as a user of the server (called by Provision).
func holdShared(ctx context.Context) error {
	procLock.mu.Lock()
	defer procLock.mu.Unlock()
	if procLock.shared {
		return nil
	}
	procLock.shared = true
	if procLock.exclusive { // in our own outage: StartServer will downgrade
		return nil
	}
	f, err := lockFile()
	if err != nil {
		return nil // best effort: no lock file, no coordination
	}
	return waitFlock(ctx, f, false)
}

// beginOutage takes the exclusive lock before stopping the server.
func beginOutage(ctx context.Context) error {
	procLock.mu.Lock()
	defer procLock.mu.Unlock()
	if procLock.exclusive {
		return nil
	}
	f, err := lockFile()
	if err != nil {
		return nil
	}
	if err := waitFlock(ctx, f, true); err != nil {
		if procLock.shared { // the conversion may have dropped our shared lock
			_ = flockTry(f, false)
		}
		return fmt.Errorf("mmtest: waiting for other test processes to finish with the server before an outage: %w", err)
	}
	procLock.exclusive = true
	return nil
}

// endOutage goes back to shared (or no) lock once the server is up again.
func endOutage() {
	procLock.mu.Lock()
	defer procLock.mu.Unlock()
	if !procLock.exclusive {
		return
	}
	procLock.exclusive = false
	if procLock.shared {
		_ = flockTry(procLock.f, false) // a downgrade never blocks
	} else {
		_ = flockUnlock(procLock.f)
	}
}

func waitFlock(ctx context.Context, f *os.File, exclusive bool) error {
	for {
		err := flockTry(f, exclusive)
		if err == nil {
			return nil
		}
		if err != errWouldBlock {
			return nil // unsupported: no coordination
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
