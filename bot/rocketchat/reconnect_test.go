package rocketchat

import (
	"testing"
)

func TestR27_DroppedSocket_NewSessionLogsInAndSubscribesAgain(t *testing.T) {
	e := newAnnouncingEnv(t)
	e.waitReady(t)
	e.srv.Say(aliceID, general, "!consent before")
	e.waitHandled(t, "before")

	e.srv.DropConnections()
	waitFor(t, "second session subscribed", func() bool {
		cs := e.srv.Connections()
		return len(cs) >= 2 && len(cs[len(cs)-1].Subs) > 0
	})
	cs := e.srv.Connections()
	first, last := cs[0], cs[len(cs)-1]
	if last.Session == first.Session {
		t.Errorf("session %q reused", last.Session)
	}
	if last.LoggedInAs != botID {
		t.Errorf("new session logged in as %q, want %q: subscribing without login goes deaf", last.LoggedInAs, botID)
	}

	e.srv.Say(aliceID, general, "!consent after")
	e.waitHandled(t, "after")
	if n := e.handler.Count("before"); n != 1 {
		t.Errorf("command before the drop handled %d times", n)
	}
}

func TestR27_CommandsSaidWhileDisconnectedAreCaughtUpOnce(t *testing.T) {
	e := newAnnouncingEnv(t)
	e.waitReady(t)
	e.srv.Say(aliceID, general, "!consent before")
	e.waitHandled(t, "before")

	e.srv.SetOffline(true)
	waitFor(t, "adapter notices", func() bool { return e.a.Ready(t.Context()) != nil })
	e.srv.Say(aliceID, general, "!consent during the gap")
	e.srv.Say(bobID, general, "!consent second during the gap")
	e.srv.SetOffline(false)

	e.waitHandled(t, "second during the gap")
	e.srv.Say(aliceID, general, "!consent after")
	e.waitHandled(t, "after")

	var texts []string
	for _, r := range e.handler.Requests() {
		texts = append(texts, r.Text)
	}
	want := []string{"before", "during the gap", "second during the gap", "after"}
	if len(texts) != len(want) {
		t.Fatalf("handled %q, want %q", texts, want)
	}
	for i := range want {
		if texts[i] != want[i] {
			t.Fatalf("handled %q, want %q", texts, want)
		}
	}
}

func TestDeadSocketDetectedByMissingPong(t *testing.T) {
	e := newAnnouncingEnv(t)
	e.waitReady(t)

	e.srv.SetSilent(true) // half-open: no close, no answer
	waitFor(t, "adapter notices the silence", func() bool { return e.a.Ready(t.Context()) != nil })
	e.srv.SetSilent(false)
	e.waitReady(t)

	e.srv.Say(aliceID, general, "!consent still here")
	e.waitHandled(t, "still here")
}
