package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentbot/consentbot/storage"
)

// R27: the operator sees what waits for delivery and may drop, by hand, what
// can never go; nothing else is dropped.
func TestOutboxCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "o.db")
	db, err := storage.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *storage.Tx) error {
		return tx.Queue(
			storage.Message{Platform: "mattermost", Kind: "card", Channel: "town-square", Subject: "P1", Text: "📝 P1 by alice"},
			storage.Message{Platform: "mattermost", Kind: "dm", Member: "frank", Text: "Welcome frank"},
			storage.Message{Platform: "rocketchat", Kind: "post", Text: "to the governance channel"},
		)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	run1 := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), append(args, "--db", path), nil, nil, &out, &out)
		return out.String(), err
	}
	list, err := run1("outbox")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"town-square", "P1", "@frank", "(governance)", "3 message(s) waiting"} {
		if !strings.Contains(list, want) {
			t.Errorf("list lacks %q:\n%s", want, list)
		}
	}
	if out, err := run1("outbox", "drop", "mattermost", "2"); err != nil || !strings.Contains(out, "Welcome frank") {
		t.Fatalf("drop: %v %q", err, out)
	}
	if _, err := run1("outbox", "drop", "mattermost", "2"); err == nil {
		t.Error("dropping a message twice succeeded")
	}
	if _, err := run1("outbox", "drop", "mattermost", "x"); err == nil {
		t.Error("a bad id was accepted")
	}
	if list, _ := run1("outbox", "list"); !strings.Contains(list, "2 message(s) waiting") || strings.Contains(list, "@frank") {
		t.Errorf("after drop:\n%s", list)
	}
}
