package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentbot/consentbot/storage"
	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const demoClock = "2026-12-02T09:00:00Z"

// runCmd runs the program and returns its output and error.
func runCmd(t *testing.T, env []string, stdin io.Reader, args ...string) (string, error) {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, env, stdin, &stdout, &stderr)
	if stderr.Len() > 0 {
		t.Logf("%v: stderr: %s", args, stderr.String())
	}
	return stdout.String(), err
}

// mustRun runs the program and fails the test on error.
func mustRun(t *testing.T, env []string, stdin io.Reader, args ...string) string {
	t.Helper()
	out, err := runCmd(t, env, stdin, args...)
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	return out
}

// runConsoleScript runs a console script on db at clock.
func runConsoleScript(t *testing.T, db, clock, script string, env ...string) string {
	t.Helper()
	return mustRun(t, env, strings.NewReader(script), "console", "--demo", "--clock", clock, "--db", db)
}

// exportJSON reads the log of db through `export --format json`.
func exportJSON(t *testing.T, args ...string) (raw string, entries []storage.Entry) {
	t.Helper()
	raw = mustRun(t, nil, nil, append([]string{"export", "--format", "json"}, args...)...)
	dec := json.NewDecoder(strings.NewReader(raw))
	for dec.More() {
		var e storage.Entry
		if err := dec.Decode(&e); err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e)
	}
	return raw, entries
}

func TestWalkthrough(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		t.Run(lang, func(t *testing.T) {
			script, err := os.ReadFile(filepath.Join("docs", "walkthrough."+lang+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			db := filepath.Join(t.TempDir(), "walk.db")
			env := []string{"CONSENTBOT_LANGUAGE=" + lang, "CONSENTBOT_SOCIAL_CODE_URL=https://example.org/code-social"}
			out := mustRun(t, env, bytes.NewReader(script), "console", "--demo", "--clock", demoClock, "--db", db)
			for _, bad := range []string{"Internal error", "Erreur interne", "commands start with", "usage:", "<no value>"} {
				if strings.Contains(out, bad) {
					t.Errorf("console output contains %q:\n%s", bad, out)
				}
			}
			if want := map[string]string{"en": "Welcome to the cooperative, frank", "fr": "Bienvenue dans la coopérative, frank"}[lang]; !strings.Contains(out, want) || !strings.Contains(out, "https://example.org/code-social") {
				t.Errorf("no welcome DM in the output:\n%s", out)
			}

			raw, entries := exportJSON(t, "--db", db)
			golden := filepath.Join("testdata", "walkthrough."+lang+".export.jsonl")
			if *update {
				if err := os.WriteFile(golden, []byte(raw), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), raw); diff != "" {
				t.Errorf("export differs from %s (-want +got):\n%s", golden, diff)
			}

			// What the walk-through shows, whatever the golden file says.
			has := func(kind, subject string) bool {
				return slices.ContainsFunc(entries, func(e storage.Entry) bool { return e.Kind == kind && e.Subject == subject })
			}
			for _, k := range [][2]string{
				{"proposal.approved", "P1"}, {"proposal.done", "P1"},
				{"objection.raised", "P2"}, {"proposal.amended", "P2"}, {"objection.lifted", "P2"}, {"proposal.approved", "P2"},
				{"concern.added", "P3"}, {"proposal.stalled", "P3"}, {"proposal.approved", "P3"},
				{"cooptation.opened", "C1"}, {"cooptation.accepted", "C1"}, {"member.added", "frank"},
				{"meeting.point_added", "2026-12-07"}, {"meeting.reminded", "2026-12-07"},
			} {
				if !has(k[0], k[1]) {
					t.Errorf("the walk-through does not log %s %s", k[0], k[1])
				}
			}
			if problems := storage.VerifyEntries(entries); len(problems) != 0 {
				t.Errorf("exported chain: %v", problems)
			}
		})
	}
}

func TestMembers(t *testing.T) {
	db := filepath.Join(t.TempDir(), "m.db")
	mustRun(t, nil, nil, "members", "add", "@Henri", "--type", "full", "--council", "--db", db)
	mustRun(t, nil, nil, "members", "add", "ines", "--type", "operational", "--db", db)
	mustRun(t, nil, nil, "members", "add", "jo", "--db", db, "--type", "bienfaiteur")
	list := mustRun(t, nil, nil, "members", "list", "--db", db)
	for _, want := range []string{"henri", "societaire, council", "ines", "operationnel", "jo", "bienfaiteur"} {
		if !strings.Contains(list, want) {
			t.Errorf("list lacks %q:\n%s", want, list)
		}
	}
	mustRun(t, nil, nil, "members", "set", "ines", "--type", "societaire", "--council", "--db", db)
	mustRun(t, nil, nil, "members", "set", "henri", "--council=false", "--db", db)
	_, before := exportJSON(t, "--db", db)

	failures := []struct {
		name  string
		args  []string
		usage bool
	}{
		{"AddExisting", []string{"add", "henri", "--type", "full"}, false},
		{"AddNoType", []string{"add", "kim"}, true},
		{"AddBadType", []string{"add", "kim", "--type", "wizard"}, true},
		{"AddBadName", []string{"add", "kim!", "--type", "full"}, true},
		{"AddNoName", []string{"add", "--type", "full"}, true},
		{"CouncilNotSocietaire", []string{"add", "kim", "--type", "operationnel", "--council"}, false},
		{"SetUnknown", []string{"set", "nobody", "--type", "full"}, false},
		{"SetNothing", []string{"set", "henri", "--type", "societaire"}, false},
		{"SetCouncilOperationnel", []string{"set", "jo", "--council"}, false},
		{"UnknownVerb", []string{"remove", "jo"}, true},
		{"AddReservedName", []string{"add", "bot", "--type", "full"}, true},
		{"LinkNoPlatform", []string{"link", "henri", "--user", "u1"}, true},
		{"LinkNoUser", []string{"link", "henri", "--platform", "mattermost"}, true},
		{"LinkNonMember", []string{"link", "nobody", "--platform", "mattermost", "--user", "u1"}, false},
	}
	for _, f := range failures {
		t.Run(f.name, func(t *testing.T) {
			_, err := runCmd(t, nil, nil, append(append([]string{"members"}, f.args...), "--db", db)...)
			var u usageError
			if err == nil || errors.As(err, &u) != f.usage {
				t.Errorf("err = %v, usage error %v", err, f.usage)
			}
		})
	}

	_, entries := exportJSON(t, "--db", db)
	if !cmp.Equal(before, entries) {
		t.Errorf("failed commands changed the log: %v", entries[len(before):])
	}
	want := [][3]string{
		{"member.added", "henri", "societaire, council"},
		{"member.added", "ines", "operationnel"},
		{"member.added", "jo", "bienfaiteur"},
		{"member.changed", "ines", "operationnel → societaire, council"},
		{"member.changed", "henri", "societaire, council → societaire"},
	}
	if len(entries) != len(want) {
		t.Fatalf("%d entries, want %d: %+v", len(entries), len(want), entries)
	}
	for i, e := range entries {
		if e.Actor != "operator" || e.Kind != want[i][0] || e.Subject != want[i][1] || e.Text != want[i][2] {
			t.Errorf("entry %d = %s %s %s %q, want operator %v", i+1, e.Actor, e.Kind, e.Subject, e.Text, want[i])
		}
	}
	list = mustRun(t, nil, nil, "members", "list", "--db", db)
	if !strings.Contains(list, "ines                 societaire, council") || strings.Contains(list, "henri                societaire, council") {
		t.Errorf("list after set:\n%s", list)
	}

	// Linking a second chat account is an operator entry too.
	mustRun(t, nil, nil, "members", "link", "henri", "--platform", "rocketchat", "--user", "rc-henri", "--db", db)
	_, entries = exportJSON(t, "--db", db)
	if e := entries[len(entries)-1]; e.Actor != "operator" || e.Kind != "member.changed" || e.Subject != "henri" || !strings.Contains(e.Text, "rc-henri") {
		t.Errorf("link entry = %+v", e)
	}
}

// exportFixture is a log with awkward texts, written on two days: the second
// run is at 23:30 UTC on 4 December, already 5 December in Paris.
func exportFixture(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "x.db")
	runConsoleScript(t, db, demoClock, `/consent propose pipes | and "quotes", commas; <b>tags</b> & more
:as bob
/consent validate P1
:as carol
/consent object P1 a reason, with a comma | and a pipe "quoted"
`)
	runConsoleScript(t, db, "2026-12-04T23:30:00Z", `:as carol
/consent lift P1
`)
	return db
}

// jsonKeys returns the keys of a JSON object in order.
func jsonKeys(t *testing.T, line string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(line))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", line)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestExport(t *testing.T) {
	db := exportFixture(t)
	raw, entries := exportJSON(t, "--db", db)
	fields := []string{"seq", "at", "actor", "kind", "subject", "text", "prev", "hash"}

	t.Run("JSON", func(t *testing.T) {
		lines := strings.Split(strings.TrimSuffix(raw, "\n"), "\n")
		if len(lines) != len(entries) || len(entries) < 10 {
			t.Fatalf("%d lines, %d entries", len(lines), len(entries))
		}
		prev := strings.Repeat("0", 64)
		for i, line := range lines {
			if keys := jsonKeys(t, line); !slices.Equal(keys[:min(len(keys), len(fields))], fields) {
				t.Errorf("line %d keys %v, want %v first", i+1, keys, fields)
			}
			var m map[string]any
			json.Unmarshal([]byte(line), &m)
			at, _ := m["at"].(string)
			if ts, err := time.Parse(time.RFC3339, at); err != nil || !strings.HasSuffix(at, "Z") || ts.Location() != time.UTC {
				t.Errorf("line %d: at %q is not RFC 3339 UTC", i+1, at)
			}
			e := entries[i]
			if e.Seq != uint64(i+1) || e.Prev != prev || e.Hash != storage.ComputeHash(e) {
				t.Errorf("line %d: seq %d, chain broken", i+1, e.Seq)
			}
			prev = e.Hash
			if !slices.Contains([]string{"operator", "bot", "alice", "bob", "carol", "dave", "erin"}, e.Actor) {
				t.Errorf("line %d: actor %q", i+1, e.Actor)
			}
		}
		if !strings.Contains(raw, `<b>tags</b> & more`) {
			t.Error("JSON export escapes HTML")
		}
	})

	t.Run("CSV", func(t *testing.T) {
		out := mustRun(t, nil, nil, "export", "--format", "csv", "--db", db)
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rows[0], fields) {
			t.Errorf("header %v", rows[0])
		}
		if len(rows)-1 != len(entries) {
			t.Fatalf("%d rows, %d entries", len(rows)-1, len(entries))
		}
		for i, e := range entries {
			if want := entryRow(e); !slices.Equal(rows[i+1], want) {
				t.Errorf("row %d = %q, want %q", i+1, rows[i+1], want)
			}
		}
	})

	t.Run("Markdown", func(t *testing.T) {
		out := mustRun(t, nil, nil, "export", "--format", "md", "--db", db)
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if lines[0] != "| "+strings.Join(fields, " | ")+" |" || !strings.HasPrefix(lines[1], "|---") {
			t.Errorf("header %q %q", lines[0], lines[1])
		}
		if len(lines)-2 != len(entries) {
			t.Fatalf("%d rows, %d entries", len(lines)-2, len(entries))
		}
		for i, e := range entries {
			line := strings.TrimSuffix(strings.TrimPrefix(lines[i+2], "| "), " |")
			cells := strings.Split(strings.ReplaceAll(line, `\|`, "\x00"), " | ")
			for j := range cells {
				cells[j] = strings.ReplaceAll(cells[j], "\x00", "|")
			}
			if want := entryRow(e); !slices.Equal(cells, want) {
				t.Errorf("row %d = %q, want %q", i+1, cells, want)
			}
		}
	})

	t.Run("Since", func(t *testing.T) {
		cut := time.Date(2026, 12, 4, 23, 0, 0, 0, time.UTC) // 5 December in Paris
		_, since := exportJSON(t, "--db", db, "--since", "2026-12-05")
		var want []storage.Entry
		for _, e := range entries {
			if !e.At.Before(cut) {
				want = append(want, e)
			}
		}
		if len(want) == 0 || len(want) == len(entries) {
			t.Fatalf("fixture: %d of %d entries after the cut", len(want), len(entries))
		}
		if diff := cmp.Diff(want, since); diff != "" {
			t.Errorf("--since (-want +got):\n%s", diff)
		}
		for _, format := range []string{"csv", "md"} {
			out := mustRun(t, nil, nil, "export", "--format", format, "--since", "2026-12-05", "--db", db)
			if n := strings.Count(out, "\n"); n-1 != len(want) && n-2 != len(want) {
				t.Errorf("%s --since: %d lines for %d entries", format, n, len(want))
			}
		}
	})

	t.Run("BadFlags", func(t *testing.T) {
		for _, args := range [][]string{{"--format", "xml"}, {"--since", "yesterday"}} {
			_, err := runCmd(t, nil, nil, append(append([]string{"export"}, args...), "--db", db)...)
			var u usageError
			if !errors.As(err, &u) {
				t.Errorf("%v: err = %v, want a usage error", args, err)
			}
		}
	})
}

func entryRow(e storage.Entry) []string {
	return []string{fmtUint(e.Seq), e.At.UTC().Format(time.RFC3339), e.Actor, e.Kind, e.Subject, e.Text, e.Prev, e.Hash}
}

func fmtUint(n uint64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// tamper changes the stored log of a closed database file.
func tamper(t *testing.T, path string, f func(log *bolt.Bucket) error) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Update(func(tx *bolt.Tx) error { return f(tx.Bucket([]byte("log"))) }); err != nil {
		t.Fatal(err)
	}
}

func key(seq uint64) []byte {
	k := make([]byte, 8)
	for i := 7; i >= 0; i-- {
		k[i] = byte(seq)
		seq >>= 8
	}
	return k
}

func TestVerify(t *testing.T) {
	db := exportFixture(t)
	_, entries := exportJSON(t, "--db", db)
	out := mustRun(t, nil, nil, "verify", "--db", db)
	if !strings.HasPrefix(out, "ok: ") || !strings.Contains(out, fmtUint(uint64(len(entries)))+" entries") {
		t.Errorf("verify: %q", out)
	}

	t.Run("Edited", func(t *testing.T) {
		tamper(t, db, func(log *bolt.Bucket) error {
			var e storage.Entry
			if err := json.Unmarshal(log.Get(key(7)), &e); err != nil {
				return err
			}
			e.Text = "something nobody said"
			data, _ := json.Marshal(e)
			return log.Put(key(7), data)
		})
		out, err := runCmd(t, nil, nil, "verify", "--db", db)
		if err == nil || !strings.Contains(out, "entry 7") || !strings.Contains(out, "edited") {
			t.Errorf("verify after an edit: %v\n%s", err, out)
		}
	})
	t.Run("Truncated", func(t *testing.T) {
		db := exportFixture(t)
		tamper(t, db, func(log *bolt.Bucket) error { return log.Delete(key(uint64(len(entries)))) })
		out, err := runCmd(t, nil, nil, "verify", "--db", db)
		if err == nil || !strings.Contains(out, "missing at the end") {
			t.Errorf("verify after truncation: %v\n%s", err, out)
		}
	})
	t.Run("Removed", func(t *testing.T) {
		db := exportFixture(t)
		tamper(t, db, func(log *bolt.Bucket) error { return log.Delete(key(3)) })
		out, err := runCmd(t, nil, nil, "verify", "--db", db)
		if err == nil || !strings.Contains(out, "missing") {
			t.Errorf("verify after a removal: %v\n%s", err, out)
		}
	})
}

func TestBackup(t *testing.T) {
	db := exportFixture(t)
	backup := filepath.Join(t.TempDir(), "backup.db")
	out := mustRun(t, nil, nil, "backup", backup, "--db", db)
	if !strings.Contains(out, backup) {
		t.Errorf("backup: %q", out)
	}
	if out := mustRun(t, nil, nil, "verify", "--db", backup); !strings.HasPrefix(out, "ok: ") {
		t.Errorf("verify backup: %q", out)
	}
	orig, _ := exportJSON(t, "--db", db)
	copied, _ := exportJSON(t, "--db", backup)
	if orig != copied {
		t.Error("the backup's log differs from the original's")
	}
	if _, err := runCmd(t, nil, nil, "backup", backup, "--db", db); err == nil {
		t.Error("backup overwrote an existing file")
	}
	var u usageError
	if _, err := runCmd(t, nil, nil, "backup", "--db", db); !errors.As(err, &u) {
		t.Errorf("backup without FILE: %v", err)
	}
	if _, err := runCmd(t, nil, nil, "backup", "a.db", "b.db", "--db", db); !errors.As(err, &u) {
		t.Errorf("backup with two FILEs: %v", err)
	}
	// Flags first works too.
	other := filepath.Join(t.TempDir(), "other.db")
	mustRun(t, nil, nil, "backup", "--db", db, other)
	if out := mustRun(t, nil, nil, "verify", "--db", other); !strings.HasPrefix(out, "ok: ") {
		t.Errorf("verify backup: %q", out)
	}
}

func TestRunUsage(t *testing.T) {
	var u usageError
	for _, args := range [][]string{nil, {"frobnicate"}, {"console", "--clock", "tomorrow"}} {
		if _, err := runCmd(t, nil, nil, args...); !errors.As(err, &u) {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
	}
	if out := mustRun(t, nil, nil, "help"); !strings.Contains(out, "usage: consentbot") {
		t.Errorf("help: %q", out)
	}
}

func TestConsoleDemo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	out := runConsoleScript(t, db, demoClock, "/consent members\n:as erin\n/consent validate P1\nhello\n", "CONSENTBOT_LANGUAGE=en")
	for _, want := range []string{"you are alice", "(only you) societaire (3): alice ★, bob ★, carol", "operationnel (1): dave", "bienfaiteur (1): erin", "you are now erin", "(only you) P1 does not exist", "(only you) commands start with /consent"} {
		if !strings.Contains(out, want) {
			t.Errorf("console output lacks %q:\n%s", want, out)
		}
	}
	// --demo on a file that already has a roster adds nobody twice.
	runConsoleScript(t, db, demoClock, "")
	_, entries := exportJSON(t, "--db", db)
	if len(entries) != 5 {
		t.Errorf("%d entries after two demo runs, want the 5 roster entries", len(entries))
	}
}
