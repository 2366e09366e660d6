package storage

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Message is one thing to deliver (see bot.Message, an alias of this type,
// for the meaning of each field). It is queued in the transaction of the
// change it announces.
type Message struct {
	ID       uint64   `json:"id"`
	Platform string   `json:"platform"`
	Kind     string   `json:"kind"`
	Channel  string   `json:"channel,omitempty"`
	Member   string   `json:"member,omitempty"`
	Subject  string   `json:"subject,omitempty"`
	Live     bool     `json:"live,omitempty"`
	Actions  []string `json:"actions,omitempty"`
	Text     string   `json:"text"`
	// Except names a channel where this governance-channel message is not
	// needed (it was already announced there).
	Except string `json:"except,omitempty"`
	// Queued is when the change that made it was committed.
	Queued time.Time `json:"queued,omitzero"`
}

// Queue adds messages to their platform's outbox.
func (tx *Tx) Queue(msgs ...Message) error {
	for _, m := range msgs {
		b, err := nested(tx.tx, true, bucketOutbox, []byte(m.Platform))
		if err != nil {
			return err
		}
		if m.ID, err = b.NextSequence(); err != nil {
			return err
		}
		m.Queued = tx.now
		data, err := json.Marshal(m)
		if err != nil {
			return err
		}
		if err := b.Put(itob(m.ID), data); err != nil {
			return err
		}
		tx.queued++
	}
	return nil
}

// Pending returns up to max undelivered messages of platform, oldest first.
func (db *DB) Pending(platform string, max int) ([]Message, error) {
	return db.PendingAfter(platform, 0, max)
}

// PendingAfter is Pending from the first message whose ID is above after,
// so that an adapter can read past destinations it is holding back.
func (db *DB) PendingAfter(platform string, after uint64, max int) ([]Message, error) {
	var out []Message
	err := db.View(func(tx *Tx) error {
		b, _ := nested(tx.tx, false, bucketOutbox, []byte(platform))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(itob(after + 1)); k != nil && len(out) < max; k, v = c.Next() {
			var m Message
			if err := json.Unmarshal(v, &m); err != nil {
				return fmt.Errorf("storage: outbox %s/%d: %w", platform, btoi(k), err)
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// Platforms lists the platforms that have an outbox, in name order.
func (db *DB) Platforms() ([]string, error) {
	var out []string
	err := db.View(func(tx *Tx) error {
		return tx.tx.Bucket(bucketOutbox).ForEachBucket(func(k []byte) error {
			out = append(out, string(k))
			return nil
		})
	})
	return out, err
}

// Ack removes a delivered message.
func (db *DB) Ack(platform string, id uint64) error {
	return db.bolt.Update(func(btx *bolt.Tx) error {
		b, _ := nested(btx, false, bucketOutbox, []byte(platform))
		if b == nil {
			return nil
		}
		return b.Delete(itob(id))
	})
}

// Notify is signalled after each commit that queued messages.
func (db *DB) Notify() <-chan struct{} { return db.notify }

// Card returns the platform post that shows subject in channel.
func (db *DB) Card(platform, channel, subject string) (postID string, ok bool, err error) {
	err = db.View(func(tx *Tx) error {
		b, _ := nested(tx.tx, false, bucketCards, []byte(platform))
		if b == nil {
			return nil
		}
		if v := b.Get(cardKey(channel, subject)); v != nil {
			postID, ok = string(v), true
		}
		return nil
	})
	return postID, ok, err
}

// SetCard remembers the platform post that shows subject in channel.
func (db *DB) SetCard(platform, channel, subject, postID string) error {
	return db.bolt.Update(func(btx *bolt.Tx) error {
		b, err := nested(btx, true, bucketCards, []byte(platform))
		if err != nil {
			return err
		}
		return b.Put(cardKey(channel, subject), []byte(postID))
	})
}

func cardKey(channel, subject string) []byte { return []byte(channel + "\x00" + subject) }

var keyMarks = []byte("marks")

// Mark returns a value an adapter remembers across restarts (e.g. the time of
// the last chat message it handled, to catch up from there).
func (db *DB) Mark(name string) (string, error) {
	var out string
	err := db.View(func(tx *Tx) error {
		if b := tx.tx.Bucket(bucketMeta).Bucket(keyMarks); b != nil {
			out = string(b.Get([]byte(name)))
		}
		return nil
	})
	return out, err
}

// SetMark stores a value for Mark.
func (db *DB) SetMark(name, value string) error {
	return db.bolt.Update(func(btx *bolt.Tx) error {
		b, err := btx.Bucket(bucketMeta).CreateBucketIfNotExists(keyMarks)
		if err != nil {
			return err
		}
		return b.Put([]byte(name), []byte(value))
	})
}
