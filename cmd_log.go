package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/consentbot/consentbot/storage"
)

func runExport(ctx context.Context, args, env []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs, c := newFlags("export", stderr)
	format := fs.String("format", "json", "md, csv or json")
	since := fs.String("since", "", "only entries from this date (2026-01-01, configured zone)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	cfg, err := c.load(env)
	if err != nil {
		return err
	}
	var from time.Time
	if *since != "" {
		if from, err = time.ParseInLocation("2006-01-02", *since, cfg.Location); err != nil {
			return usageError{"--since: expected a date such as 2026-01-01"}
		}
	}
	write, ok := exporters[*format]
	if !ok {
		return usageError{"--format: md, csv or json"}
	}
	return operate(ctx, cfg, append([]string{"export"}, args...), stdout, func(db *storage.DB) error {
		var entries []storage.Entry
		err := db.View(func(tx *storage.Tx) error {
			return tx.Entries(func(e storage.Entry) error {
				if !e.At.Before(from) {
					entries = append(entries, e)
				}
				return nil
			})
		})
		if err != nil {
			return err
		}
		return write(stdout, entries)
	})
}

// exporters write SPEC §5's rows, oldest first, in each format.
var exporters = map[string]func(io.Writer, []storage.Entry) error{
	"json": func(w io.Writer, entries []storage.Entry) error {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, e := range entries {
			if err := enc.Encode(e); err != nil {
				return err
			}
		}
		return nil
	},
	"csv": func(w io.Writer, entries []storage.Entry) error {
		cw := csv.NewWriter(w)
		cw.Write([]string{"seq", "at", "actor", "kind", "subject", "text", "prev", "hash"})
		for _, e := range entries {
			cw.Write(row(e))
		}
		cw.Flush()
		return cw.Error()
	},
	"md": func(w io.Writer, entries []storage.Entry) error {
		fmt.Fprintln(w, "| seq | at | actor | kind | subject | text | prev | hash |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
		for _, e := range entries {
			cells := row(e)
			for i, c := range cells {
				c = strings.ReplaceAll(c, "|", `\|`)
				cells[i] = strings.ReplaceAll(c, "\n", "<br>")
			}
			fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
		}
		return nil
	},
}

func row(e storage.Entry) []string {
	return []string{strconv.FormatUint(e.Seq, 10), e.At.UTC().Format(time.RFC3339), e.Actor, e.Kind, e.Subject, e.Text, e.Prev, e.Hash}
}

func runVerify(ctx context.Context, args, env []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs, c := newFlags("verify", stderr)
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	cfg, err := c.load(env)
	if err != nil {
		return err
	}
	return operate(ctx, cfg, append([]string{"verify"}, args...), stdout, func(db *storage.DB) error {
		n, problems, err := db.Verify()
		if err != nil {
			return err
		}
		if len(problems) == 0 {
			fmt.Fprintf(stdout, "ok: %d entries, hash chain intact\n", n)
			return nil
		}
		for _, p := range problems {
			fmt.Fprintln(stdout, p)
		}
		return fmt.Errorf("the decision log was altered: %d problem(s) in %d entries", len(problems), n)
	})
}

func runBackup(ctx context.Context, args, env []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs, c := newFlags("backup", stderr)
	// FILE may come before the flags, as the usage line shows it
	// (`backup FILE --db X`), or after them.
	var file string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		if file != "" {
			return usageError{"backup: give one FILE to write"}
		}
		file, rest = fs.Arg(0), fs.Args()[1:]
	}
	if file == "" {
		return usageError{"backup: give the FILE to write"}
	}
	cfg, err := c.load(env)
	if err != nil {
		return err
	}
	db, err := open(cfg, nil)
	switch {
	case errors.Is(err, storage.ErrLocked):
		// serve holds the file: it streams a copy from its own transaction.
		err = backupRemote(ctx, controlPath(cfg.Database), file)
	case err == nil:
		err = db.Backup(file)
		db.Close()
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s\n", file)
	return nil
}
