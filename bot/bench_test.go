package bot_test

import (
	"strconv"
	"testing"

	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/storage"
)

// BenchmarkProposeTwoValidations is a proposal's whole life to approval
// through Handle, on a real file: three commands, three commits.
func BenchmarkProposeTwoValidations(b *testing.B) {
	h := newHarness(b, "en")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := "P" + strconv.Itoa(i+1)
		for _, c := range [][2]string{{"alice", "propose migrate Nextcloud on Saturday"}, {"bob", "validate " + id}, {"carol", "validate " + id}} {
			if r := h.do(c[0], c[1]); !r.Changed {
				b.Fatalf("%s: %s", c[1], r.Private)
			}
		}
		if i%10 == 9 {
			b.StopTimer()
			h.drain() // adapters deliver: the outbox does not grow forever
			b.StartTimer()
		}
	}
}

// BenchmarkBaselineCommit is the floor under it: three bare commits of one
// log entry each on the same kind of file.
func BenchmarkBaselineCommit(b *testing.B) {
	h := newHarness(b, "en")
	ev := domain.Event{Actor: "alice", Kind: domain.ProposalOpened, Subject: "P1", Text: "migrate Nextcloud on Saturday"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := 0; j < 3; j++ {
			if err := h.db.Update(func(tx *storage.Tx) error { return tx.Append(ev) }); err != nil {
				b.Fatal(err)
			}
		}
	}
}
