package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/consentbot/consentbot/domain"
)

// Entry is one line of the decision log, as SPEC §5 exports it.
type Entry struct {
	Seq     uint64    `json:"seq"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Kind    string    `json:"kind"`
	Subject string    `json:"subject"`
	Text    string    `json:"text"`
	Prev    string    `json:"prev"`
	Hash    string    `json:"hash"`
}

// genesis is the prev of the first entry: 64 zeros.
var genesis = strings.Repeat("0", 64)

// ComputeHash is the chain's hash: SHA-256 over the length-prefixed fields,
// so that no choice of texts can make two entries encode alike. It can be
// recomputed from the JSON export alone.
func ComputeHash(e Entry) string {
	h := sha256.New()
	field := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	field(fmt.Sprint(e.Seq))
	field(e.At.UTC().Format(time.RFC3339))
	field(e.Actor)
	field(e.Kind)
	field(e.Subject)
	field(e.Text)
	field(e.Prev)
	return hex.EncodeToString(h.Sum(nil))
}

// Append writes events to the log in order, chained to the last entry. The
// log's time never goes back, even if the clock does.
func (tx *Tx) Append(events ...domain.Event) error {
	b := tx.tx.Bucket(bucketLog)
	prev, at := genesis, tx.now.Truncate(time.Second)
	if k, v := b.Cursor().Last(); k != nil {
		var last Entry
		if err := json.Unmarshal(v, &last); err != nil {
			return fmt.Errorf("storage: last log entry: %w", err)
		}
		prev = last.Hash
		if last.At.After(at) {
			at = last.At
		}
	}
	for _, ev := range events {
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		e := Entry{Seq: seq, At: at, Actor: ev.Actor, Kind: ev.Kind, Subject: ev.Subject, Text: ev.Text, Prev: prev}
		e.Hash = ComputeHash(e)
		data, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if err := b.Put(itob(seq), data); err != nil {
			return err
		}
		prev = e.Hash
	}
	return nil
}

// LogFilter selects entries of `log` and `export`.
type LogFilter struct {
	Since, Until time.Time // Until is exclusive; zero = no bound
	Actor        string
	Kind         string // a kind ("proposal.done") or a family ("proposal")
	Subject      string
	Words        []string // all must appear in subject or text, any case
}

func (f LogFilter) isZero() bool {
	return f.Since.IsZero() && f.Until.IsZero() && f.Actor == "" && f.Kind == "" && f.Subject == "" && len(f.Words) == 0
}

// mayMatch is a cheap test on the stored JSON, before decoding it: a word
// that appears nowhere in the record, in any case, cannot match. Words with
// characters that JSON escapes are left to Match.
func (f LogFilter) mayMatch(raw []byte) bool {
	if len(f.Words) == 0 && f.Actor == "" {
		return true
	}
	lower := bytes.ToLower(raw)
	for _, w := range append([]string{f.Actor}, f.Words...) {
		if w == "" || strings.ContainsAny(w, "\"<>&\\") || !isPrintableASCII(w) {
			continue
		}
		if !bytes.Contains(lower, []byte(strings.ToLower(w))) {
			return false
		}
	}
	return true
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// Match reports whether e passes the filter.
func (f LogFilter) Match(e Entry) bool {
	switch {
	case !f.Since.IsZero() && e.At.Before(f.Since),
		!f.Until.IsZero() && !e.At.Before(f.Until),
		f.Actor != "" && e.Actor != f.Actor,
		f.Subject != "" && !strings.EqualFold(e.Subject, f.Subject),
		f.Kind != "" && e.Kind != f.Kind && !strings.HasPrefix(e.Kind, f.Kind+"."):
		return false
	}
	hay := strings.ToLower(e.Subject + " " + e.Text)
	for _, w := range f.Words {
		if !strings.Contains(hay, strings.ToLower(w)) {
			return false
		}
	}
	return true
}

// LogPage returns page n (1-based) of the matching entries, newest first,
// size per page, and whether more pages follow.
func (tx *Tx) LogPage(f LogFilter, page, size int) (entries []Entry, more bool, err error) {
	skip := (page - 1) * size
	c := tx.tx.Bucket(bucketLog).Cursor()
	k, v := c.Last()
	if f.isZero() && k != nil {
		// Unfiltered: sequence numbers are dense, so page n starts at a
		// known key; no need to read the pages before it.
		last := btoi(k)
		if uint64(skip) >= last {
			return nil, false, nil
		}
		k, v = c.Seek(itob(last - uint64(skip)))
		skip = 0
	}
	for ; k != nil; k, v = c.Prev() {
		if !f.mayMatch(v) {
			continue
		}
		var e Entry
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, false, fmt.Errorf("storage: log %d: %w", btoi(k), err)
		}
		// Times never go back along the log, so nothing older can match.
		if !f.Since.IsZero() && e.At.Before(f.Since) {
			break
		}
		if !f.Match(e) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		if len(entries) == size {
			return entries, true, nil
		}
		entries = append(entries, e)
	}
	return entries, false, nil
}

// Entries calls fn for every entry, oldest first, until fn returns an error.
func (tx *Tx) Entries(fn func(Entry) error) error {
	return tx.tx.Bucket(bucketLog).ForEach(func(k, v []byte) error {
		var e Entry
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("storage: log %d: %w", btoi(k), err)
		}
		return fn(e)
	})
}

// LastEntry returns the newest entry, if any.
func (tx *Tx) LastEntry() (Entry, bool, error) {
	var e Entry
	k, v := tx.tx.Bucket(bucketLog).Cursor().Last()
	if k == nil {
		return e, false, nil
	}
	err := json.Unmarshal(v, &e)
	return e, err == nil, err
}
