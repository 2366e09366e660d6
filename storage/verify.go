package storage

import (
	"encoding/json"
	"fmt"
)

// Problem is one break of the log's chain found by Verify.
type Problem struct {
	Seq     uint64 // the entry where the break shows
	Message string
}

func (p Problem) String() string { return fmt.Sprintf("entry %d: %s", p.Seq, p.Message) }

// VerifyEntries checks a log read in order (from the file or from a JSON
// export): numbering without gaps, each entry's hash, each prev. It reports
// every break, naming what it looks like: an edited entry (its hash no longer
// matches its content), a removed one (a gap), an inserted or reordered one
// (a seq out of order, or a prev that is not the hash before).
func VerifyEntries(entries []Entry) []Problem {
	var out []Problem
	prev, want := genesis, uint64(1)
	for _, e := range entries {
		switch {
		case e.Seq > want:
			out = append(out, Problem{e.Seq, fmt.Sprintf("entries %d to %d are missing (removed)", want, e.Seq-1)})
		case e.Seq < want:
			out = append(out, Problem{e.Seq, fmt.Sprintf("out of order after entry %d (inserted or reordered)", want-1)})
		}
		if h := ComputeHash(e); h != e.Hash {
			out = append(out, Problem{e.Seq, "content does not match its hash (edited)"})
		}
		if e.Prev != prev {
			out = append(out, Problem{e.Seq, "does not follow the entry before it (inserted, removed or reordered)"})
		}
		prev, want = e.Hash, e.Seq+1
	}
	return out
}

// Verify reads the whole log of the file and checks its chain. It also
// compares with the log's sequence counter, so that entries removed at the
// end are found.
func (db *DB) Verify() (n int, problems []Problem, err error) {
	var entries []Entry
	var counter uint64
	err = db.View(func(tx *Tx) error {
		b := tx.tx.Bucket(bucketLog)
		counter = b.Sequence()
		return b.ForEach(func(k, v []byte) error {
			var e Entry
			if err := json.Unmarshal(v, &e); err != nil {
				problems = append(problems, Problem{btoi(k), "unreadable: " + err.Error()})
				return nil
			}
			if e.Seq != btoi(k) {
				problems = append(problems, Problem{btoi(k), fmt.Sprintf("stored under %d but says %d (moved)", btoi(k), e.Seq)})
			}
			entries = append(entries, e)
			return nil
		})
	})
	if err != nil {
		return 0, nil, err
	}
	problems = append(problems, VerifyEntries(entries)...)
	if len(entries) > 0 {
		last := entries[len(entries)-1].Seq
		switch {
		case counter > last:
			problems = append(problems, Problem{last, fmt.Sprintf("entries %d to %d are missing at the end (truncated)", last+1, counter)})
		case counter < last:
			// consentbot numbers entries from the bucket's sequence: an
			// entry beyond it was written by something else.
			problems = append(problems, Problem{last, fmt.Sprintf("entries after %d were not written by consentbot (appended)", counter)})
		}
	} else if counter > 0 {
		problems = append(problems, Problem{0, fmt.Sprintf("all %d entries are missing", counter)})
	}
	return len(entries), problems, nil
}
