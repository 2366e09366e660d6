package storage_test

import (
	"testing"
	"time"

	"github.com/consentbot/consentbot/storage"
)

func TestHandledRemembersForHandledDaysOnly(t *testing.T) {
	db, clock := mustOpen(t)
	mark := func(id string) {
		t.Helper()
		if err := db.Update(func(tx *storage.Tx) error { return tx.MarkHandled("rocketchat", id) }); err != nil {
			t.Fatal(err)
		}
	}
	handled := func(platform, id string) (ok bool) {
		db.View(func(tx *storage.Tx) error { ok = tx.Handled(platform, id); return nil })
		return ok
	}
	mark("a")
	if !handled("rocketchat", "a") || handled("rocketchat", "b") {
		t.Fatal("a should be handled, b not")
	}
	if handled("mattermost", "a") {
		t.Error("ids are per platform")
	}
	clock.Add(time.Duration(storage.HandledDays-1) * 24 * time.Hour)
	if !handled("rocketchat", "a") {
		t.Error("forgotten within HandledDays")
	}
	clock.Add(24 * time.Hour)
	mark("b") // prunes the days before the window
	if handled("rocketchat", "a") || !handled("rocketchat", "b") {
		t.Error("a should be forgotten after HandledDays, b remembered")
	}
}
