package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/bot/mattermost"
	"github.com/consentbot/consentbot/bot/rocketchat"
	"github.com/consentbot/consentbot/scheduler"
	"github.com/consentbot/consentbot/storage"
)

// platform is a running chat adapter.
type platform interface {
	Run(ctx context.Context) error
	Ready(ctx context.Context) error
}

func runServe(ctx context.Context, args, env []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs, c := newFlags("serve", stderr)
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	cfg, err := c.load(env)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	db, err := open(cfg, time.Now)
	if err != nil {
		return err
	}
	defer db.Close()

	names := []string{} // not nil: with no platform, nothing is queued
	if cfg.Mattermost != nil {
		names = append(names, bot.PlatformMattermost)
	}
	if cfg.RocketChat != nil {
		names = append(names, bot.PlatformRocketChat)
	}
	bcfg, err := botConfig(cfg, names, cfg.HTTP.PublicURL+"/meeting.ics")
	if err != nil {
		return err
	}
	b, err := bot.New(db, bcfg, time.Now, log)
	if err != nil {
		return err
	}
	b.SetRateLimit(5, 30)

	mux := http.NewServeMux()
	platforms := map[string]platform{}
	if m := cfg.Mattermost; m != nil {
		secret, err := db.Secret("mattermost-actions")
		if err != nil {
			return err
		}
		a := mattermost.New(mattermost.Config{
			URL: m.URL, Team: m.Team, Channel: m.Channel, PublicURL: cfg.HTTP.PublicURL,
			BotToken: m.BotToken, CommandToken: m.CommandToken,
			ObjectionMinChars: cfg.Rules.ObjectionMinChars, Language: cfg.Language, Secret: secret,
		}, mattermost.Deps{Handler: b, Outbox: db, Cards: db, Identities: db, Logger: log.With("platform", "mattermost")})
		mux.Handle("/mattermost/", http.StripPrefix("/mattermost", a.Handler()))
		platforms[bot.PlatformMattermost] = a
		if m.CommandToken == "" {
			log.Warn("mattermost: no command token configured, so every /consent will be refused: run `consentbot mattermost register` and set CONSENTBOT_MATTERMOST_COMMAND_TOKEN")
		}
	}
	if r := cfg.RocketChat; r != nil {
		nonce, err := db.Secret("rocketchat-ids")
		if err != nil {
			return err
		}
		a := rocketchat.New(rocketchat.Config{
			URL: r.URL, Channel: r.Channel, UserID: r.UserID, Token: r.Token, User: r.User, Password: r.Password,
			InstallID: hex.EncodeToString(nonce[:6]),
		}, rocketchat.Deps{Handler: b, Outbox: db, Cards: db, Identities: db, Marks: db, Logger: log.With("platform", "rocketchat")})
		platforms[bot.PlatformRocketChat] = a
	}
	addHTTPRoutes(mux, db, b, bcfg, platforms)

	var configArgs []string
	if c.config != "" {
		configArgs = []string{"--config", c.config}
	}
	stopControl, err := serveControl(ctx, db, env, configArgs, log)
	if err != nil {
		return err
	}
	defer stopControl()

	sched, err := scheduler.New(b, cfg.Location, time.Now, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.HTTP.Listen)
	if err != nil {
		return fmt.Errorf("http.listen: %w", err)
	}
	srv := publicServer(mux)
	log.Info("serving", "listen", ln.Addr().String(), "platforms", names, "database", cfg.Database)
	fmt.Fprintf(stdout, "consentbot serving on http://%s (platforms: %v)\n", ln.Addr(), names)

	var wg sync.WaitGroup
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	wg.Add(1)
	go func() { defer wg.Done(); sched.Run(runCtx) }()
	for name, p := range platforms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.Run(runCtx); err != nil && !errors.Is(err, context.Canceled) {
				log.Error("platform stopped", "platform", name, "err", err)
			}
		}()
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err = <-serveErr:
	}
	// Shut down in order: stop taking commands, then stop the platforms
	// and the scheduler, then close the database (deferred).
	shutCtx, done := context.WithTimeout(context.Background(), 10*time.Second)
	defer done()
	srv.Shutdown(shutCtx)
	cancel()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// publicServer is the HTTP server that Mattermost, calendar clients and
// monitoring reach, maybe from the internet. Its timeouts keep a slow client
// from holding a connection: a whole request must be read within 30 s, and
// answered within 30 s (Mattermost waits 30 s for a slash command anyway).
func publicServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
}

// compile-time checks that storage serves what adapters need.
var (
	_ bot.Outbox        = (*storage.DB)(nil)
	_ bot.CardStore     = (*storage.DB)(nil)
	_ bot.IdentityStore = (*storage.DB)(nil)
	_ bot.SecretStore   = (*storage.DB)(nil)
	_ platform          = (*mattermost.Adapter)(nil)
	_ platform          = (*rocketchat.Adapter)(nil)
)
