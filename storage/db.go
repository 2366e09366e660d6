package storage

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

var (
	bucketMeta        = []byte("meta")
	bucketSecrets     = []byte("secrets")
	bucketMembers     = []byte("members")
	bucketIdentities  = []byte("identities")
	bucketProposals   = []byte("proposals")
	bucketCooptations = []byte("cooptations")
	bucketSeen        = []byte("seen")
	bucketHomes       = []byte("homes")
	bucketMeeting     = []byte("meeting")
	bucketDue         = []byte("due")
	bucketLog         = []byte("log")
	bucketOutbox      = []byte("outbox")
	bucketCards       = []byte("cards")
	keySchema         = []byte("schema")
)

// ErrLocked is returned by Open when another process holds the file.
var ErrLocked = errors.New("the database is used by another process (is `consentbot serve` running?)")

// DB is the open bbolt file. One process holds it (bbolt locks the file).
type DB struct {
	bolt   *bolt.DB
	now    func() time.Time
	notify chan struct{}
}

// Open opens or creates the file and brings its schema up to date. now is the
// clock used for log times; tests and the console pass their own.
func Open(path string, now func() time.Time) (*DB, error) {
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("storage: %s: %w", path, ErrLocked)
		}
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	if now == nil {
		now = time.Now
	}
	db := &DB{bolt: b, now: now, notify: make(chan struct{}, 1)}
	if err := b.Update(migrate); err != nil {
		b.Close()
		return nil, fmt.Errorf("storage: migrate %s: %w", path, err)
	}
	return db, nil
}

// Close closes the file.
func (db *DB) Close() error { return db.bolt.Close() }

// Path is the file's path.
func (db *DB) Path() string { return db.bolt.Path() }

// Now is the storage's clock.
func (db *DB) Now() time.Time { return db.now() }

// Update runs fn in one read-write transaction. When fn queued messages, the
// adapters are woken after the commit, never before (R27).
func (db *DB) Update(fn func(tx *Tx) error) error {
	var queued bool
	err := db.bolt.Update(func(btx *bolt.Tx) error {
		tx := &Tx{tx: btx, now: db.now().UTC()}
		if err := fn(tx); err != nil {
			return err
		}
		queued = tx.queued > 0
		return nil
	})
	if err == nil && queued {
		select {
		case db.notify <- struct{}{}:
		default:
		}
	}
	return err
}

// View runs fn in one read-only transaction.
func (db *DB) View(fn func(tx *Tx) error) error {
	return db.bolt.View(func(btx *bolt.Tx) error {
		return fn(&Tx{tx: btx, now: db.now().UTC()})
	})
}

// Backup writes a consistent copy of the whole file while the bot runs. It
// refuses to overwrite an existing file.
func (db *DB) Backup(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("storage: backup: %w", err)
	}
	_, err = db.WriteBackup(f, nil)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("storage: backup: %w", err)
	}
	return nil
}

// WriteBackup writes a consistent copy to w from one read transaction; size,
// when not nil, is told the copy's length before it is written.
func (db *DB) WriteBackup(w io.Writer, size func(int64)) (int64, error) {
	var n int64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		if size != nil {
			size(tx.Size())
		}
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// Secret returns the named random key, creating it on first use.
func (db *DB) Secret(name string) ([]byte, error) {
	var out []byte
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMeta).Bucket(bucketSecrets)
		if v := b.Get([]byte(name)); v != nil {
			out = append([]byte(nil), v...)
			return nil
		}
		out = make([]byte, 32)
		if _, err := rand.Read(out); err != nil {
			return err
		}
		return b.Put([]byte(name), out)
	})
	return out, err
}

// Tx is one transaction with the typed accessors of the bucket tree.
type Tx struct {
	tx     *bolt.Tx
	now    time.Time
	queued int
}

// Now is the time of the transaction (UTC).
func (tx *Tx) Now() time.Time { return tx.now }

func itob(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func btoi(b []byte) uint64 { return binary.BigEndian.Uint64(b) }
