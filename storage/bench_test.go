package storage_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/storage"
)

// benchKinds cycles through the kinds of a busy log; one entry in ten is an
// objection.
var benchKinds = []string{
	domain.ProposalOpened, domain.ProposalValidated, domain.ProposalValidated, domain.ProposalApproved,
	domain.ConcernAdded, domain.ObjectionRaised, domain.ProposalDone, domain.CooptationVoted,
	domain.MeetingPointAdded, domain.ProposalAmended,
}

// fillLog appends n entries in batches of 10,000 per transaction, an hour of
// the clock per batch.
func fillLog(b *testing.B, db *storage.DB, clk *clock, n int) {
	b.Helper()
	const batch = 10_000
	actors := []string{"alice", "bob", "carol", "dave", "erin"}
	for start := 0; start < n; start += batch {
		events := make([]domain.Event, 0, batch)
		for i := start; i < min(start+batch, n); i++ {
			events = append(events, domain.Event{
				Actor:   actors[i%len(actors)],
				Kind:    benchKinds[i%len(benchKinds)],
				Subject: fmt.Sprintf("P%d", i/10+1),
				Text:    fmt.Sprintf("proposal %d: migrate the service number %d to the new server", i/10+1, i),
			})
		}
		mustAppend(b, db, events...)
		clk.Add(time.Hour)
	}
}

// BenchmarkLogPage is `log` on a file of 100,000 entries.
func BenchmarkLogPage(b *testing.B) {
	const n = 100_000
	db, clk := mustOpen(b)
	fillLog(b, db, clk, n)
	cases := []struct {
		name string
		f    storage.LogFilter
		page int
	}{
		{"first_page", storage.LogFilter{}, 1},
		{"page_100", storage.LogFilter{}, 100},
		{"filtered_kind_objection_page_1", storage.LogFilter{Kind: "objection"}, 1},
		{"filtered_actor_words_page_1", storage.LogFilter{Actor: "carol", Words: []string{"number 5"}}, 1},
		{"filtered_no_match_full_scan", storage.LogFilter{Words: []string{"nowhere"}}, 1},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				err := db.View(func(tx *storage.Tx) error {
					_, _, err := tx.LogPage(tc.f, tc.page, 10)
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAppendCommit is the baseline of every command: one Update with
// one Append, committed (and synced) to the file.
func BenchmarkAppendCommit(b *testing.B) {
	db, _ := mustOpen(b)
	ev := domain.Event{Actor: "alice", Kind: domain.ProposalValidated, Subject: "P1", Text: "migrate Nextcloud on Saturday"}
	for b.Loop() {
		mustAppend(b, db, ev)
	}
}
