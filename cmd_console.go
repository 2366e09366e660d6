package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/bot/console"
	"github.com/consentbot/consentbot/storage"
)

func runConsole(ctx context.Context, args, env []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs, c := newFlags("console", stderr)
	as := fs.String("as", "alice", "the member you speak as")
	demo := fs.Bool("demo", false, "start with the demo roster (on a fresh file unless --db is given)")
	clockFlag := fs.String("clock", "", "start the console's clock at this RFC 3339 time (reproducible runs)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	cfg, err := c.load(env)
	if err != nil {
		return err
	}
	start := time.Now().UTC().Truncate(time.Second)
	if *clockFlag != "" {
		if start, err = time.Parse(time.RFC3339, *clockFlag); err != nil {
			return usageError{"--clock: " + err.Error()}
		}
	}
	if *demo && c.db == "" {
		dir, err := os.MkdirTemp("", "consentbot-demo")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.Database = filepath.Join(dir, "demo.db")
	}
	clock := console.NewClock(start)
	db, err := open(cfg, clock.Now)
	if err != nil {
		return err
	}
	defer db.Close()
	if *demo {
		if err := seedDemo(db); err != nil {
			return err
		}
	}
	bcfg, err := botConfig(cfg, nil, "")
	if err != nil {
		return err
	}
	b, err := bot.New(db, bcfg, clock.Now, textLogger(stderr))
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, b.T("console.welcome", map[string]any{"User": *as}))
	con := &console.Console{Bot: b, Outbox: db, Clock: clock, User: *as, Out: stdout}
	return con.Run(ctx, stdin)
}

// seedDemo puts the demo roster on an empty roster, logged as operator
// entries like any roster change (R18).
func seedDemo(db *storage.DB) error {
	return db.Update(func(tx *storage.Tx) error {
		roster, err := tx.Members()
		if err != nil || len(roster) > 0 {
			return err
		}
		for _, m := range console.DemoRoster() {
			m.Since = tx.Now()
			if err := addMember(tx, m); err != nil {
				return err
			}
		}
		return nil
	})
}
