package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/consentbot/consentbot/config"
	"github.com/consentbot/consentbot/storage"
)

// The control socket lets the operator's commands (members, export, verify,
// backup) work while `serve` holds the database: bbolt allows one process per
// file, so those commands, finding the file locked, ask the running server to
// run them on its open database. The socket is a Unix socket beside the file
// that only its owner may use: whoever may read the database, nobody else.

// controlPath is the socket of the server holding database.
func controlPath(database string) string { return database + ".sock" }

type sharedDBKey struct{}

// operate runs fn on the database: the server's own when running inside the
// control socket, else the file; when the file is held by a running server,
// the whole command is sent to it instead.
func operate(ctx context.Context, cfg config.Config, args []string, stdout io.Writer, fn func(*storage.DB) error) error {
	if db, ok := ctx.Value(sharedDBKey{}).(*storage.DB); ok {
		return fn(db)
	}
	db, err := storage.Open(cfg.Database, nil)
	if errors.Is(err, storage.ErrLocked) {
		return forward(ctx, controlPath(cfg.Database), args, stdout)
	}
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db)
}

// controlRequest is a command line sent to the server.
type controlRequest struct {
	Args []string `json:"args"`
}

type controlResponse struct {
	Output string `json:"output"`
	Error  string `json:"error,omitempty"`
}

func socketClient(path string) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		},
	}}
}

// forward sends a command to the running server and prints its output.
func forward(ctx context.Context, sock string, args []string, stdout io.Writer) error {
	body, _ := json.Marshal(controlRequest{Args: stripFileFlags(args)})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://consentbot/run", bytes.NewReader(body))
	if err != nil {
		return err
	}
	resp, err := socketClient(sock).Do(req)
	if err != nil {
		return fmt.Errorf("%w, and its control socket %s does not answer: %v", storage.ErrLocked, sock, err)
	}
	defer resp.Body.Close()
	var out controlResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return fmt.Errorf("control socket: %w", err)
	}
	io.WriteString(stdout, out.Output)
	if out.Error != "" {
		return errors.New(out.Error)
	}
	return nil
}

// stripFileFlags removes --db and --config: the server uses its own.
func stripFileFlags(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := strings.TrimLeft(args[i], "-")
		switch {
		case args[i] == a: // not a flag
		case a == "db" || a == "config":
			i++
			continue
		case strings.HasPrefix(a, "db=") || strings.HasPrefix(a, "config="):
			continue
		}
		out = append(out, args[i])
	}
	return out
}

// backupRemote streams a backup from the running server into file.
func backupRemote(ctx context.Context, sock, file string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://consentbot/backup", nil)
	if err != nil {
		return err
	}
	resp, err := socketClient(sock).Do(req)
	if err != nil {
		return fmt.Errorf("%w, and its control socket %s does not answer: %v", storage.ErrLocked, sock, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("backup through the server: %s", resp.Status)
	}
	f, err := os.OpenFile(file, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	n, err := io.Copy(f, resp.Body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && resp.ContentLength >= 0 && n != resp.ContentLength {
		err = fmt.Errorf("backup truncated: %d of %d bytes", n, resp.ContentLength)
	}
	if err != nil {
		os.Remove(file)
	}
	return err
}

// serveControl answers the control socket until ctx ends. configArgs are the
// server's own --config flag, reused for the commands it runs.
func serveControl(ctx context.Context, db *storage.DB, env, configArgs []string, log *slog.Logger) (stop func(), err error) {
	path := controlPath(db.Path())
	os.Remove(path) // a socket left by a crash; the bbolt lock says we own the file
	// The socket is created 0600 from the start (no window with the
	// umask's mode): whoever may read the database may use it, nobody else.
	old := syscall.Umask(0o077)
	ln, err := net.Listen("unix", path)
	syscall.Umask(old)
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /run", func(w http.ResponseWriter, r *http.Request) {
		var req controlRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Args) == 0 {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		switch req.Args[0] {
		case "members", "export", "verify", "outbox":
		default:
			http.Error(w, "not allowed", http.StatusForbidden)
			return
		}
		var out bytes.Buffer
		// The server's own files, whatever the client sent.
		args := append(stripFileFlags(req.Args), configArgs...)
		err := run(context.WithValue(r.Context(), sharedDBKey{}, db), args, env, nil, &out, &out)
		resp := controlResponse{Output: out.String()}
		if err != nil {
			resp.Error = err.Error()
		}
		log.Info("control command", "command", req.Args[0], "ok", err == nil)
		json.NewEncoder(w).Encode(resp)
	})
	mux.HandleFunc("GET /backup", func(w http.ResponseWriter, r *http.Request) {
		// Copy to a file beside the database first, then stream that: a
		// slow or stopped client must not hold a read transaction open
		// (bbolt writers can wait on one), so the bot never freezes.
		tmp, err := os.CreateTemp(filepath.Dir(db.Path()), ".backup-*")
		if err != nil {
			log.Error("backup through the control socket failed", "err", err)
			http.Error(w, "backup failed", http.StatusInternalServerError)
			return
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		n, err := db.WriteBackup(tmp, nil)
		if err == nil {
			_, err = tmp.Seek(0, io.SeekStart)
		}
		if err != nil {
			log.Error("backup through the control socket failed", "err", err)
			http.Error(w, "backup failed", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
		w.Header().Set("Content-Type", "application/octet-stream")
		io.Copy(w, tmp)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return func() { srv.Close(); os.Remove(path) }, nil
}
