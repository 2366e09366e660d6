package storage

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// recordVersion is written with every record, so a later layout of one item
// type can be told apart and converted on read.
const recordVersion = 1

// envelope wraps a stored value with its record version. Domain types carry
// no tags; their JSON is their exported field names.
type envelope[T any] struct {
	V    int `json:"v"`
	Item T   `json:"item"`
}

func put[T any](b *bolt.Bucket, key []byte, item T) error {
	data, err := json.Marshal(envelope[T]{V: recordVersion, Item: item})
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

// get decodes the record at key; ok is false when there is none.
func get[T any](b *bolt.Bucket, key []byte) (item T, ok bool, err error) {
	data := b.Get(key)
	if data == nil {
		return item, false, nil
	}
	var e envelope[T]
	if err := json.Unmarshal(data, &e); err != nil {
		return item, false, fmt.Errorf("decode %s/%x: %w", "record", key, err)
	}
	if e.V > recordVersion {
		return item, false, fmt.Errorf("record %x has version %d, newer than %d", key, e.V, recordVersion)
	}
	return e.Item, true, nil
}

// all decodes every record of b in key order.
func all[T any](b *bolt.Bucket) ([]T, error) {
	var out []T
	err := b.ForEach(func(k, v []byte) error {
		if v == nil {
			return nil // a nested bucket
		}
		item, _, err := get[T](b, k)
		if err != nil {
			return err
		}
		out = append(out, item)
		return nil
	})
	return out, err
}

// nested returns the bucket at path under b, creating it when create is set;
// nil when it is absent and create is not set.
func nested(tx *bolt.Tx, create bool, path ...[]byte) (*bolt.Bucket, error) {
	var b *bolt.Bucket
	for i, name := range path {
		var next *bolt.Bucket
		if i == 0 {
			next = tx.Bucket(name)
		} else {
			next = b.Bucket(name)
		}
		if next == nil {
			if !create {
				return nil, nil
			}
			var err error
			if i == 0 {
				next, err = tx.CreateBucketIfNotExists(name)
			} else {
				next, err = b.CreateBucketIfNotExists(name)
			}
			if err != nil {
				return nil, err
			}
		}
		b = next
	}
	return b, nil
}
