package storage

// Chat messages already handled as commands, so that a command replayed by an
// adapter (a catch-up after a crash between the command's commit and the
// adapter's own bookkeeping) changes nothing the second time. Message ids are
// kept per day and for HandledDays days: longer than any catch-up window.
//
//	handled/<platform>/<YYYY-MM-DD>/<message id> → empty

var bucketHandled = []byte("handled")

// HandledDays is how long a handled message id is remembered.
const HandledDays = 3

// Handled reports whether the platform message id was handled as a command.
func (tx *Tx) Handled(platform, id string) bool {
	b, _ := nested(tx.tx, false, bucketHandled, []byte(platform))
	if b == nil {
		return false
	}
	for d := 0; d < HandledDays; d++ {
		day := tx.now.AddDate(0, 0, -d).Format("2006-01-02")
		if db := b.Bucket([]byte(day)); db != nil && db.Get([]byte(id)) != nil {
			return true
		}
	}
	return false
}

// MarkHandled records the message id in this transaction, with the change it
// made, and forgets the days older than HandledDays.
func (tx *Tx) MarkHandled(platform, id string) error {
	day := tx.now.Format("2006-01-02")
	b, err := nested(tx.tx, true, bucketHandled, []byte(platform))
	if err != nil {
		return err
	}
	oldest := tx.now.AddDate(0, 0, -(HandledDays - 1)).Format("2006-01-02")
	var stale [][]byte
	b.ForEachBucket(func(k []byte) error {
		if string(k) < oldest {
			stale = append(stale, append([]byte(nil), k...))
		}
		return nil
	})
	for _, k := range stale {
		if err := b.DeleteBucket(k); err != nil {
			return err
		}
	}
	d, err := b.CreateBucketIfNotExists([]byte(day))
	if err != nil {
		return err
	}
	return d.Put([]byte(id), []byte{})
}
