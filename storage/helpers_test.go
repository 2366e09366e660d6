package storage_test

import (
	"encoding/binary"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/storage"
)

// t0 is the fixed clock's start.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// clock is a settable clock for the DB.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *clock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

// mustOpen opens a new file in a temporary directory with a fixed clock; it
// is closed when the test ends.
func mustOpen(tb testing.TB) (*storage.DB, *clock) {
	tb.Helper()
	c := newClock()
	return mustOpenPath(tb, filepath.Join(tb.TempDir(), "consentbot.db"), c), c
}

// mustOpenPath opens path with clock c; it is closed when the test ends.
func mustOpenPath(tb testing.TB, path string, c *clock) *storage.DB {
	tb.Helper()
	db, err := storage.Open(path, c.Now)
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func mustClose(tb testing.TB, db *storage.DB) {
	tb.Helper()
	if err := db.Close(); err != nil {
		tb.Fatalf("close: %v", err)
	}
}

// mustAppend appends events in one Update.
func mustAppend(tb testing.TB, db *storage.DB, events ...domain.Event) {
	tb.Helper()
	if err := db.Update(func(tx *storage.Tx) error { return tx.Append(events...) }); err != nil {
		tb.Fatalf("append: %v", err)
	}
}

// mustEntries reads the whole log, oldest first.
func mustEntries(tb testing.TB, db *storage.DB) []storage.Entry {
	tb.Helper()
	var out []storage.Entry
	err := db.View(func(tx *storage.Tx) error {
		return tx.Entries(func(e storage.Entry) error {
			out = append(out, e)
			return nil
		})
	})
	if err != nil {
		tb.Fatalf("entries: %v", err)
	}
	return out
}

// event is a proposal event numbered n, for filling the log.
func event(n int) domain.Event {
	return domain.Event{Actor: "alice", Kind: domain.ProposalValidated, Subject: "P1", Text: "text " + string(rune('a'+n%26))}
}

// rawUpdate runs fn on the closed file with bbolt itself, as someone
// tampering with the file would.
func rawUpdate(tb testing.TB, path string, fn func(tx *bolt.Tx) error) {
	tb.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		tb.Fatalf("raw open: %v", err)
	}
	defer b.Close()
	if err := b.Update(fn); err != nil {
		tb.Fatalf("raw update: %v", err)
	}
}

func rawView(tb testing.TB, path string, fn func(tx *bolt.Tx) error) {
	tb.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		tb.Fatalf("raw open: %v", err)
	}
	defer b.Close()
	if err := b.View(fn); err != nil {
		tb.Fatalf("raw view: %v", err)
	}
}

func key(seq uint64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, seq)
	return k
}
