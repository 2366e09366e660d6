package storage_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"

	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/storage"
)

var genesis = strings.Repeat("0", 64)

// TestAppend is R23: every change is appended with who, when, what, on which
// item and the text, each entry chained to the previous one.
func TestAppend(t *testing.T) {
	t.Run("R23_entries_carry_who_when_what_and_chain_hashes", func(t *testing.T) {
		db, clk := mustOpen(t)
		paris := time.FixedZone("CET", 3600)
		clk.Set(time.Date(2026, 3, 2, 10, 0, 0, 987654321, paris)) // 09:00:00.98 UTC
		evs := []domain.Event{
			{Actor: "alice", Kind: domain.ProposalOpened, Subject: "P1", Text: "I'll migrate Nextcloud"},
			{Actor: "bob", Kind: domain.ProposalValidated, Subject: "P1", Text: "I'll migrate Nextcloud"},
		}
		mustAppend(t, db, evs...)
		clk.Add(time.Hour)
		mustAppend(t, db, domain.Event{Actor: "operator", Kind: domain.MemberAdded, Subject: "frank", Text: "operationnel"})

		got := mustEntries(t, db)
		if len(got) != 3 {
			t.Fatalf("%d entries, want 3", len(got))
		}
		wantAt := []time.Time{t0, t0, t0.Add(time.Hour)}
		wantEv := append(evs, domain.Event{Actor: "operator", Kind: domain.MemberAdded, Subject: "frank", Text: "operationnel"})
		prev := genesis
		for i, e := range got {
			if e.Seq != uint64(i+1) {
				t.Errorf("entry %d: seq %d", i, e.Seq)
			}
			if !e.At.Equal(wantAt[i]) || e.At.Location() != time.UTC {
				t.Errorf("entry %d: at %v, want %v in UTC, whole seconds", i, e.At, wantAt[i])
			}
			if ev := (domain.Event{Actor: e.Actor, Kind: e.Kind, Subject: e.Subject, Text: e.Text}); ev != wantEv[i] {
				t.Errorf("entry %d: %+v, want %+v", i, ev, wantEv[i])
			}
			if e.Prev != prev {
				t.Errorf("entry %d: prev %s, want %s", i, e.Prev, prev)
			}
			if e.Hash != storage.ComputeHash(e) || len(e.Hash) != 64 {
				t.Errorf("entry %d: hash %s does not match its content", i, e.Hash)
			}
			prev = e.Hash
		}
		if got[0].Prev != genesis {
			t.Errorf("first prev = %q, want 64 zeros", got[0].Prev)
		}
		last, ok, err := lastEntry(db)
		if err != nil || !ok || last != got[2] {
			t.Errorf("LastEntry = %+v, %v, %v", last, ok, err)
		}
	})
	t.Run("R23_log_time_never_goes_back_when_the_clock_does", func(t *testing.T) {
		db, clk := mustOpen(t)
		mustAppend(t, db, event(1))
		clk.Add(-2 * time.Hour)
		mustAppend(t, db, event(2))
		clk.Add(3 * time.Hour)
		mustAppend(t, db, event(3))
		got := mustEntries(t, db)
		want := []time.Time{t0, t0, t0.Add(time.Hour)}
		for i, e := range got {
			if !e.At.Equal(want[i]) {
				t.Errorf("entry %d at %v, want %v", e.Seq, e.At, want[i])
			}
		}
		if _, problems, _ := db.Verify(); len(problems) != 0 {
			t.Errorf("Verify: %v", problems)
		}
	})
	t.Run("R23_hash_covers_every_field", func(t *testing.T) {
		e := storage.Entry{Seq: 1, At: t0, Actor: "alice", Kind: "proposal.opened", Subject: "P1", Text: "x", Prev: genesis}
		h := storage.ComputeHash(e)
		changes := []func(*storage.Entry){
			func(e *storage.Entry) { e.Seq = 2 },
			func(e *storage.Entry) { e.At = e.At.Add(time.Second) },
			func(e *storage.Entry) { e.Actor = "bob" },
			func(e *storage.Entry) { e.Kind = "proposal.done" },
			func(e *storage.Entry) { e.Subject = "P2" },
			func(e *storage.Entry) { e.Text = "y" },
			func(e *storage.Entry) { e.Prev = strings.Repeat("1", 64) },
			// Moving bytes between fields changes the hash too.
			func(e *storage.Entry) { e.Subject, e.Text = "P1x", "" },
		}
		for i, change := range changes {
			c := e
			change(&c)
			if storage.ComputeHash(c) == h {
				t.Errorf("change %d leaves the hash unchanged", i)
			}
		}
		// The zone of At does not matter: the hash is over UTC.
		c := e
		c.At = e.At.In(time.FixedZone("CET", 3600))
		if storage.ComputeHash(c) != h {
			t.Error("hash depends on the time zone of At")
		}
	})
	t.Run("R23_refused_command_writes_nothing", func(t *testing.T) {
		db, _ := mustOpen(t)
		mustAppend(t, db) // no events
		if got := mustEntries(t, db); len(got) != 0 {
			t.Errorf("entries = %v", got)
		}
	})
}

func lastEntry(db *storage.DB) (e storage.Entry, ok bool, err error) {
	err = db.View(func(tx *storage.Tx) error {
		e, ok, err = tx.LastEntry()
		return err
	})
	return e, ok, err
}

// tamperedLog builds a log of five entries, closes the file, lets tamper
// change it with bbolt and reopens it.
func tamperedLog(t *testing.T, tamper func(t *testing.T, log *bolt.Bucket, entries []storage.Entry)) *storage.DB {
	t.Helper()
	clk := newClock()
	path := filepath.Join(t.TempDir(), "consentbot.db")
	db := mustOpenPath(t, path, clk)
	for i := 1; i <= 5; i++ {
		mustAppend(t, db, domain.Event{Actor: "alice", Kind: domain.ProposalOpened, Subject: fmt.Sprintf("P%d", i), Text: fmt.Sprintf("proposal %d", i)})
		clk.Add(time.Minute)
	}
	entries := mustEntries(t, db)
	mustClose(t, db)
	rawUpdate(t, path, func(tx *bolt.Tx) error {
		tamper(t, tx.Bucket([]byte("log")), entries)
		return nil
	})
	return mustOpenPath(t, path, clk)
}

func putEntry(t *testing.T, b *bolt.Bucket, k uint64, e storage.Entry) {
	t.Helper()
	data, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Put(key(k), data); err != nil {
		t.Fatal(err)
	}
}

// wantProblem checks that Verify found a problem at seq whose message
// contains word.
func wantProblem(t *testing.T, problems []storage.Problem, seq uint64, word string) {
	t.Helper()
	for _, p := range problems {
		if p.Seq == seq && strings.Contains(p.Message, word) {
			return
		}
	}
	t.Errorf("no problem %q at entry %d in %v", word, seq, problems)
}

// TestVerify is R23's `consentbot verify`: any edit of the file is found.
func TestVerify(t *testing.T) {
	t.Run("R23_intact_log_verifies", func(t *testing.T) {
		db := tamperedLog(t, func(*testing.T, *bolt.Bucket, []storage.Entry) {})
		n, problems, err := db.Verify()
		if err != nil || n != 5 || len(problems) != 0 {
			t.Errorf("Verify = %d, %v, %v; want 5 entries, no problem", n, problems, err)
		}
	})
	t.Run("R23_empty_log_verifies", func(t *testing.T) {
		db, _ := mustOpen(t)
		n, problems, err := db.Verify()
		if err != nil || n != 0 || len(problems) != 0 {
			t.Errorf("Verify = %d, %v, %v", n, problems, err)
		}
	})
	t.Run("R23_verify_detects_an_edited_entry", func(t *testing.T) {
		db := tamperedLog(t, func(t *testing.T, b *bolt.Bucket, es []storage.Entry) {
			e := es[2]
			e.Text = "proposal 3, but nicer"
			putEntry(t, b, 3, e)
		})
		n, problems, err := db.Verify()
		if err != nil || n != 5 {
			t.Fatalf("Verify = %d, %v", n, err)
		}
		wantProblem(t, problems, 3, "(edited)")
	})
	t.Run("R23_verify_detects_an_edited_and_rehashed_entry", func(t *testing.T) {
		db := tamperedLog(t, func(t *testing.T, b *bolt.Bucket, es []storage.Entry) {
			e := es[2]
			e.Actor = "bob"
			e.Hash = storage.ComputeHash(e)
			putEntry(t, b, 3, e)
		})
		_, problems, _ := db.Verify()
		wantProblem(t, problems, 4, "does not follow")
	})
	t.Run("R23_verify_detects_a_removed_entry", func(t *testing.T) {
		db := tamperedLog(t, func(t *testing.T, b *bolt.Bucket, _ []storage.Entry) {
			if err := b.Delete(key(3)); err != nil {
				t.Fatal(err)
			}
		})
		n, problems, _ := db.Verify()
		if n != 4 {
			t.Errorf("n = %d, want 4", n)
		}
		wantProblem(t, problems, 4, "(removed)")
		wantProblem(t, problems, 4, "does not follow")
	})
	t.Run("R23_verify_detects_an_inserted_entry", func(t *testing.T) {
		// A forged entry slipped in after entry 2, correctly chained to it
		// and numbered 3; the later entries moved one key up.
		db := tamperedLog(t, func(t *testing.T, b *bolt.Bucket, es []storage.Entry) {
			for i := len(es) - 1; i >= 2; i-- {
				putEntry(t, b, es[i].Seq+1, es[i])
			}
			forged := storage.Entry{Seq: 3, At: es[1].At, Actor: "alice", Kind: domain.ProposalWithdrawn, Subject: "P1", Text: "forged", Prev: es[1].Hash}
			forged.Hash = storage.ComputeHash(forged)
			putEntry(t, b, 3, forged)
			if err := b.SetSequence(6); err != nil {
				t.Fatal(err)
			}
		})
		n, problems, _ := db.Verify()
		if n != 6 {
			t.Errorf("n = %d, want 6", n)
		}
		wantProblem(t, problems, 3, "out of order")
		wantProblem(t, problems, 4, "(moved)") // the real entry 3, now under key 4
	})
	t.Run("R23_verify_detects_reordered_entries", func(t *testing.T) {
		db := tamperedLog(t, func(t *testing.T, b *bolt.Bucket, es []storage.Entry) {
			putEntry(t, b, 2, es[2])
			putEntry(t, b, 3, es[1])
		})
		_, problems, _ := db.Verify()
		wantProblem(t, problems, 3, "(moved)")
		wantProblem(t, problems, 2, "out of order")
	})
	t.Run("R23_verify_detects_a_truncated_end", func(t *testing.T) {
		db := tamperedLog(t, func(t *testing.T, b *bolt.Bucket, _ []storage.Entry) {
			for _, k := range []uint64{4, 5} {
				if err := b.Delete(key(k)); err != nil {
					t.Fatal(err)
				}
			}
		})
		n, problems, _ := db.Verify()
		if n != 3 {
			t.Errorf("n = %d, want 3", n)
		}
		wantProblem(t, problems, 3, "truncated")
	})
	t.Run("R23_verify_detects_an_emptied_log", func(t *testing.T) {
		db := tamperedLog(t, func(t *testing.T, b *bolt.Bucket, _ []storage.Entry) {
			for k := uint64(1); k <= 5; k++ {
				if err := b.Delete(key(k)); err != nil {
					t.Fatal(err)
				}
			}
		})
		_, problems, _ := db.Verify()
		wantProblem(t, problems, 0, "missing")
	})
	t.Run("R23_verify_reports_an_unreadable_entry", func(t *testing.T) {
		db := tamperedLog(t, func(t *testing.T, b *bolt.Bucket, _ []storage.Entry) {
			if err := b.Put(key(2), []byte("{not json")); err != nil {
				t.Fatal(err)
			}
		})
		_, problems, err := db.Verify()
		if err != nil {
			t.Fatal(err)
		}
		wantProblem(t, problems, 2, "unreadable")
	})
}

// exportJSON writes the log as `consentbot export --format json` does: one
// object per line, oldest first (SPEC §5).
func exportJSON(t *testing.T, db *storage.DB) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, e := range mustEntries(t, db) {
		if err := enc.Encode(e); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func decodeJSON(t *testing.T, data []byte) []storage.Entry {
	t.Helper()
	var out []storage.Entry
	dec := json.NewDecoder(bytes.NewReader(data))
	for dec.More() {
		var e storage.Entry
		if err := dec.Decode(&e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

func TestVerifyEntries(t *testing.T) {
	db := tamperedLog(t, func(*testing.T, *bolt.Bucket, []storage.Entry) {})
	export := exportJSON(t, db)

	t.Run("R23_export_has_the_SPEC_fields", func(t *testing.T) {
		line, _, _ := bytes.Cut(export, []byte("\n"))
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"seq", "at", "actor", "kind", "subject", "text", "prev", "hash"} {
			if _, ok := m[f]; !ok {
				t.Errorf("field %q missing in %s", f, line)
			}
		}
		if m["at"] != "2026-03-02T09:00:00Z" || m["seq"] != 1.0 || m["prev"] != genesis {
			t.Errorf("first line = %s", line)
		}
	})
	t.Run("R23_intact_export_verifies", func(t *testing.T) {
		if problems := storage.VerifyEntries(decodeJSON(t, export)); len(problems) != 0 {
			t.Errorf("problems: %v", problems)
		}
	})
	t.Run("R23_verify_entries_detects_an_edit_of_the_export", func(t *testing.T) {
		edited := bytes.Replace(export, []byte(`"text":"proposal 4"`), []byte(`"text":"proposal 44"`), 1)
		if bytes.Equal(edited, export) {
			t.Fatal("nothing to edit in the export")
		}
		problems := storage.VerifyEntries(decodeJSON(t, edited))
		wantProblem(t, problems, 4, "(edited)")
	})
	t.Run("R23_verify_entries_detects_a_removed_line", func(t *testing.T) {
		entries := decodeJSON(t, export)
		entries = slices.Delete(entries, 1, 2)
		wantProblem(t, storage.VerifyEntries(entries), 3, "(removed)")
	})
}

// logFixture is a log with one entry a day, from t0:
//
//	1 alice    proposal.opened       P1          migrate Nextcloud
//	2 bob      proposal.validated    P1          migrate Nextcloud
//	3 dave     objection.raised      P1          Saturday is the assembly
//	4 alice    cooptation.opened     C1          frank → societaire
//	5 operator member.added          frank       societaire
//	6 bot      proposal.stalled      P1          migrate Nextcloud
//	7 bob      meeting.point_added   2026-03-09  Budget review
func logFixture(t *testing.T) *storage.DB {
	t.Helper()
	db, clk := mustOpen(t)
	for _, ev := range []domain.Event{
		{Actor: "alice", Kind: domain.ProposalOpened, Subject: "P1", Text: "migrate Nextcloud"},
		{Actor: "bob", Kind: domain.ProposalValidated, Subject: "P1", Text: "migrate Nextcloud"},
		{Actor: "dave", Kind: domain.ObjectionRaised, Subject: "P1", Text: "Saturday is the assembly"},
		{Actor: "alice", Kind: domain.CooptationOpened, Subject: "C1", Text: "frank → societaire"},
		{Actor: "operator", Kind: domain.MemberAdded, Subject: "frank", Text: "societaire"},
		{Actor: "bot", Kind: domain.ProposalStalled, Subject: "P1", Text: "migrate Nextcloud"},
		{Actor: "bob", Kind: domain.MeetingPointAdded, Subject: "2026-03-09", Text: "Budget review"},
	} {
		mustAppend(t, db, ev)
		clk.Add(24 * time.Hour)
	}
	return db
}

func logPage(t *testing.T, db *storage.DB, f storage.LogFilter, page, size int) (seqs []uint64, more bool) {
	t.Helper()
	err := db.View(func(tx *storage.Tx) error {
		entries, m, err := tx.LogPage(f, page, size)
		for _, e := range entries {
			seqs = append(seqs, e.Seq)
		}
		more = m
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return seqs, more
}

func seqRange(from, to uint64) []uint64 { // from down to to
	var out []uint64
	for s := from; s >= to && s > 0; s-- {
		out = append(out, s)
	}
	return out
}

// TestLogPage is R24's query: newest first, 10 a page, and the filters of
// `log`.
func TestLogPage(t *testing.T) {
	t.Run("R24_paging_newest_first_10_a_page", func(t *testing.T) {
		for _, total := range []int{0, 7, 20, 25} {
			db, clk := mustOpen(t)
			for i := range total {
				mustAppend(t, db, event(i))
				clk.Add(time.Minute)
			}
			n := uint64(total)
			pages := []struct {
				want []uint64
				more bool
			}{
				{seqRange(n, max(n, 10)-9), total > 10},
				{seqRange(n-min(n, 10), max(n, 20)-19), total > 20},
				{seqRange(n-min(n, 20), 1), false},
				{nil, false},
			}
			for i, p := range pages {
				got, more := logPage(t, db, storage.LogFilter{}, i+1, 10)
				if total <= i*10 {
					p.want = nil
				}
				if !slices.Equal(got, p.want) || more != p.more {
					t.Errorf("%d entries, page %d = %v, more %v; want %v, more %v", total, i+1, got, more, p.want, p.more)
				}
			}
		}
	})
	db := logFixture(t)
	day := func(n int) time.Time { return t0.Add(time.Duration(n) * 24 * time.Hour) }
	tests := []struct {
		name string
		f    storage.LogFilter
		want []uint64
	}{
		{"R24_no_filter", storage.LogFilter{}, []uint64{7, 6, 5, 4, 3, 2, 1}},
		{"R24_since", storage.LogFilter{Since: day(3)}, []uint64{7, 6, 5, 4}},
		{"R24_until_is_exclusive", storage.LogFilter{Until: day(2)}, []uint64{2, 1}},
		{"R24_since_and_until", storage.LogFilter{Since: day(1), Until: day(4)}, []uint64{4, 3, 2}},
		{"R24_since_after_everything", storage.LogFilter{Since: day(10)}, nil},
		{"R24_actor", storage.LogFilter{Actor: "alice"}, []uint64{4, 1}},
		{"R24_actor_operator", storage.LogFilter{Actor: "operator"}, []uint64{5}},
		{"R24_kind_family", storage.LogFilter{Kind: "proposal"}, []uint64{6, 2, 1}},
		{"R24_kind_family_member", storage.LogFilter{Kind: "member"}, []uint64{5}},
		{"R24_exact_kind", storage.LogFilter{Kind: "proposal.opened"}, []uint64{1}},
		{"R24_kind_prefix_is_not_a_family", storage.LogFilter{Kind: "prop"}, nil},
		{"R24_subject_any_case", storage.LogFilter{Subject: "p1"}, []uint64{6, 3, 2, 1}},
		{"R24_word_any_case", storage.LogFilter{Words: []string{"NEXTCLOUD"}}, []uint64{6, 2, 1}},
		{"R24_words_all_must_match", storage.LogFilter{Words: []string{"migrate", "nextcloud"}}, []uint64{6, 2, 1}},
		{"R24_words_none_match_together", storage.LogFilter{Words: []string{"nextcloud", "saturday"}}, nil},
		{"R24_word_in_subject_or_text", storage.LogFilter{Words: []string{"frank"}}, []uint64{5, 4}},
		{"R24_combined", storage.LogFilter{Actor: "bob", Kind: "meeting", Words: []string{"budget"}}, []uint64{7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, more := logPage(t, db, tt.f, 1, 10)
			if !slices.Equal(got, tt.want) || more {
				t.Errorf("LogPage = %v, more %v; want %v", got, more, tt.want)
			}
			// Match agrees with LogPage.
			var matched []uint64
			for _, e := range mustEntries(t, db) {
				if tt.f.Match(e) {
					matched = append([]uint64{e.Seq}, matched...)
				}
			}
			if !slices.Equal(matched, tt.want) {
				t.Errorf("Match selects %v, want %v", matched, tt.want)
			}
		})
	}
	t.Run("R24_filtered_paging", func(t *testing.T) {
		db, _ := mustOpen(t)
		// 30 entries; every third is an objection.
		for i := 1; i <= 30; i++ {
			ev := event(i)
			if i%3 == 0 {
				ev.Kind = domain.ObjectionRaised
			}
			mustAppend(t, db, ev)
		}
		f := storage.LogFilter{Kind: "objection"}
		got, more := logPage(t, db, f, 1, 4)
		if want := []uint64{30, 27, 24, 21}; !slices.Equal(got, want) || !more {
			t.Errorf("page 1 = %v, %v; want %v, true", got, more, want)
		}
		got, more = logPage(t, db, f, 3, 4)
		if want := []uint64{6, 3}; !slices.Equal(got, want) || more {
			t.Errorf("page 3 = %v, %v; want %v, false", got, more, want)
		}
	})
	t.Run("R24_entries_come_back_whole", func(t *testing.T) {
		var page []storage.Entry
		db.View(func(tx *storage.Tx) error {
			var err error
			page, _, err = tx.LogPage(storage.LogFilter{Kind: "member"}, 1, 10)
			return err
		})
		all := mustEntries(t, db)
		if diff := cmp.Diff([]storage.Entry{all[4]}, page); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
}
