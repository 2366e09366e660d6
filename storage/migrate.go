package storage

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the layout this code reads and writes.
const SchemaVersion = 2

// migrations[i] brings a file from version i to i+1. A file without a schema
// key is version 0 (a new file, or one from before versioning).
var migrations = []func(tx *bolt.Tx) error{
	// 0 → 1: the buckets of the first release.
	func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketMembers, bucketIdentities, bucketProposals, bucketCooptations, bucketLog, bucketOutbox, bucketCards} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		_, err = meta.CreateBucketIfNotExists(bucketSecrets)
		return err
	},
	// 1 → 2: the meeting (points, due jobs) and what members have seen.
	func(tx *bolt.Tx) error {
		m, err := tx.CreateBucketIfNotExists(bucketMeeting)
		if err != nil {
			return err
		}
		if _, err := m.CreateBucketIfNotExists(bucketDue); err != nil {
			return err
		}
		_, err = tx.CreateBucketIfNotExists(bucketSeen)
		return err
	},
}

func schemaVersion(tx *bolt.Tx) uint64 {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return 0
	}
	v := meta.Get(keySchema)
	if len(v) != 8 {
		return 0
	}
	return btoi(v)
}

func migrate(tx *bolt.Tx) error {
	v := schemaVersion(tx)
	if v > SchemaVersion {
		return fmt.Errorf("file has schema %d, newer than this program's %d: upgrade consentbot", v, SchemaVersion)
	}
	for ; v < SchemaVersion; v++ {
		if err := migrations[v](tx); err != nil {
			return fmt.Errorf("schema %d→%d: %w", v, v+1, err)
		}
		if err := tx.Bucket(bucketMeta).Put(keySchema, itob(v+1)); err != nil {
			return err
		}
	}
	return nil
}
