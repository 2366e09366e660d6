package rocketchat

import (
	"testing"

	"github.com/consentbot/consentbot/bot"
)

// R27: a retry of the same outbox entry reuses its id (the server refuses the
// duplicate), but a fresh installation, whose outbox numbers start at 1 again,
// never reuses its predecessor's ids for the same text.
func TestR27_OutboxIDStableAndPerInstallation(t *testing.T) {
	m := bot.Message{ID: 1, Kind: bot.KindCard, Subject: "P1", Text: "**P1** open"}
	a := &Adapter{cfg: Config{InstallID: "aaaaaa"}}
	b := &Adapter{cfg: Config{InstallID: "bbbbbb"}}
	if first, retry := a.outboxID(m), a.outboxID(m); first != retry {
		t.Fatal("the id of one entry changes between tries")
	}
	if a.outboxID(m) == b.outboxID(m) {
		t.Fatalf("two installations give the same id %q to their first card", a.outboxID(m))
	}
}
