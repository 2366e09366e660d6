package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/consentbot/consentbot/storage"
)

// runOutbox shows what waits for delivery, and lets the operator drop a
// message that can never go (e.g. to a channel deleted for good). Nothing
// else removes a message without delivering it (R27).
func runOutbox(ctx context.Context, args, env []string, _ io.Reader, stdout, stderr io.Writer) error {
	verb := "list"
	rest := args
	if len(args) > 0 && (args[0] == "list" || args[0] == "drop") {
		verb, rest = args[0], args[1:]
	}
	var platform string
	var id uint64
	if verb == "drop" {
		if len(rest) < 2 {
			return usageError{"outbox drop PLATFORM ID"}
		}
		n, err := strconv.ParseUint(rest[1], 10, 64)
		if err != nil || n == 0 {
			return usageError{"outbox drop: ID is a message number from `consentbot outbox`"}
		}
		platform, id, rest = rest[0], n, rest[2:]
	}
	fs, c := newFlags("outbox "+verb, stderr)
	if err := fs.Parse(rest); err != nil {
		return usageError{err.Error()}
	}
	cfg, err := c.load(env)
	if err != nil {
		return err
	}
	return operate(ctx, cfg, append([]string{"outbox"}, args...), stdout, func(db *storage.DB) error {
		if verb == "drop" {
			msgs, err := db.PendingAfter(platform, id-1, 1)
			if err != nil {
				return err
			}
			if len(msgs) == 0 || msgs[0].ID != id {
				return fmt.Errorf("no message %d waits for %s", id, platform)
			}
			if err := db.Ack(platform, id); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "dropped %s message %d (%s %s): %s\n", platform, id, msgs[0].Kind, msgs[0].Subject, firstLine(msgs[0].Text))
			return nil
		}
		return listOutbox(db, stdout)
	})
}

func listOutbox(db *storage.DB, w io.Writer) error {
	platforms, err := db.Platforms()
	if err != nil {
		return err
	}
	total := 0
	for _, p := range platforms {
		var after uint64
		for {
			msgs, err := db.PendingAfter(p, after, 500)
			if err != nil {
				return err
			}
			for _, m := range msgs {
				to := m.Channel
				switch {
				case m.Kind == "dm":
					to = "@" + m.Member
				case to == "":
					to = "(governance)"
				}
				fmt.Fprintf(w, "%-10s %6d  %-4s %-22s %-4s %s  %s\n", p, m.ID, m.Kind, to, m.Subject, m.Queued.Format(time.RFC3339), firstLine(m.Text))
				after = m.ID
			}
			total += len(msgs)
			if len(msgs) < 500 {
				break
			}
		}
	}
	fmt.Fprintf(w, "%d message(s) waiting\n", total)
	return nil
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' || i > 60 {
			return s[:i] + "…"
		}
	}
	return s
}
