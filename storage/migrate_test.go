package storage_test

import (
	"encoding/binary"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/storage"
)

// allBuckets is the bucket tree of schema 2 (storage/doc.go); nested buckets
// as "parent/child". Buckets created on first use (homes, outbox/<platform>…)
// are not listed.
var allBuckets = []string{
	"meta", "meta/secrets", "members", "identities", "proposals", "cooptations",
	"log", "outbox", "cards", "meeting", "meeting/due", "seen",
}

// checkSchema reads the closed file with bbolt and checks it is at the
// current schema with every bucket.
func checkSchema(t *testing.T, path string) {
	t.Helper()
	rawView(t, path, func(tx *bolt.Tx) error {
		v := tx.Bucket([]byte("meta")).Get([]byte("schema"))
		if len(v) != 8 || binary.BigEndian.Uint64(v) != storage.SchemaVersion {
			t.Errorf("schema = %x, want %d", v, storage.SchemaVersion)
		}
		for _, name := range allBuckets {
			parent, child, nested := strings.Cut(name, "/")
			b := tx.Bucket([]byte(parent))
			if b != nil && nested {
				b = b.Bucket([]byte(child))
			}
			if b == nil {
				t.Errorf("bucket %s missing", name)
			}
		}
		return nil
	})
}

// useAll touches every part of the bucket tree through the API.
func useAll(t *testing.T, db *storage.DB) {
	t.Helper()
	err := db.Update(func(tx *storage.Tx) error {
		if err := tx.PutMember(domain.Member{Name: "alice", Type: domain.Societaire}); err != nil {
			return err
		}
		if err := tx.MarkSeen("alice", "P1"); err != nil {
			return err
		}
		if _, err := tx.DueDone("reminder-1"); err != nil {
			return err
		}
		s, err := tx.Meeting()
		if err != nil {
			return err
		}
		if err := tx.PutMeeting(s); err != nil {
			return err
		}
		if err := tx.Queue(storage.Message{Platform: "console", Text: "hi"}); err != nil {
			return err
		}
		return tx.Append(domain.Event{Actor: "operator", Kind: domain.MemberAdded, Subject: "alice", Text: "societaire"})
	})
	if err != nil {
		t.Fatalf("using the migrated file: %v", err)
	}
	if _, err := db.Secret("k"); err != nil {
		t.Fatalf("secret: %v", err)
	}
}

func TestMigrate(t *testing.T) {
	t.Run("new_file_gets_the_current_schema", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "new.db")
		db := mustOpenPath(t, path, newClock())
		useAll(t, db)
		mustClose(t, db)
		checkSchema(t, path)
	})
	t.Run("schema_0_file_migrates_to_2", func(t *testing.T) {
		// A bbolt file without any bucket: schema 0.
		path := filepath.Join(t.TempDir(), "v0.db")
		rawUpdate(t, path, func(tx *bolt.Tx) error { return nil })
		db := mustOpenPath(t, path, newClock())
		useAll(t, db)
		mustClose(t, db)
		checkSchema(t, path)
	})
	t.Run("schema_1_file_migrates_to_2_and_keeps_its_data", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "v1.db")
		first := storage.Entry{Seq: 1, At: t0, Actor: "operator", Kind: domain.MemberAdded, Subject: "alice", Text: "societaire", Prev: genesis}
		first.Hash = storage.ComputeHash(first)
		rawUpdate(t, path, func(tx *bolt.Tx) error {
			for _, name := range []string{"members", "identities", "proposals", "cooptations", "log", "outbox", "cards"} {
				if _, err := tx.CreateBucket([]byte(name)); err != nil {
					return err
				}
			}
			meta, err := tx.CreateBucket([]byte("meta"))
			if err != nil {
				return err
			}
			if _, err := meta.CreateBucket([]byte("secrets")); err != nil {
				return err
			}
			if err := meta.Put([]byte("schema"), key(1)); err != nil {
				return err
			}
			log := tx.Bucket([]byte("log"))
			data, _ := json.Marshal(first)
			if err := log.Put(key(1), data); err != nil {
				return err
			}
			return log.SetSequence(1)
		})
		db := mustOpenPath(t, path, newClock())
		n, problems, err := db.Verify()
		if err != nil || n != 1 || len(problems) != 0 {
			t.Errorf("Verify after migration = %d, %v, %v", n, problems, err)
		}
		useAll(t, db)
		if got := mustEntries(t, db); len(got) != 2 || got[0] != first || got[1].Prev != first.Hash {
			t.Errorf("log after migration = %+v", got)
		}
		mustClose(t, db)
		checkSchema(t, path)
	})
	t.Run("newer_schema_refused", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "v9.db")
		rawUpdate(t, path, func(tx *bolt.Tx) error {
			meta, err := tx.CreateBucket([]byte("meta"))
			if err != nil {
				return err
			}
			return meta.Put([]byte("schema"), key(storage.SchemaVersion+1))
		})
		db, err := storage.Open(path, newClock().Now)
		if err == nil {
			db.Close()
			t.Fatal("Open accepted a file of a newer schema")
		}
		if !strings.Contains(err.Error(), "newer") {
			t.Errorf("err = %v, want it to say the file is newer", err)
		}
		// The file is left as it was, and not locked.
		rawView(t, path, func(tx *bolt.Tx) error {
			if v := tx.Bucket([]byte("meta")).Get([]byte("schema")); binary.BigEndian.Uint64(v) != storage.SchemaVersion+1 {
				t.Errorf("schema rewritten to %x", v)
			}
			if tx.Bucket([]byte("log")) != nil {
				t.Error("buckets created in a refused file")
			}
			return nil
		})
	})
	t.Run("reopen_is_idempotent", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "c.db")
		db := mustOpenPath(t, path, newClock())
		mustAppend(t, db, event(1))
		mustClose(t, db)
		db = mustOpenPath(t, path, newClock())
		if got := mustEntries(t, db); len(got) != 1 {
			t.Errorf("entries after reopen = %v", got)
		}
		mustClose(t, db)
		checkSchema(t, path)
	})
}
