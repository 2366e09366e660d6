package rocketchat

import (
	"fmt"
	"testing"
	"time"

	"github.com/consentbot/consentbot/bot/rocketchat/rcfake"
	"github.com/google/go-cmp/cmp"
)

// texts lists the requests a process handed to the bot, as "user: text".
func (p *process) texts() []string {
	var out []string
	for _, r := range p.h.requests() {
		out = append(out, r.UserName+": "+r.Text)
	}
	return out
}

func TestRestart_CommandSaidWhileStoppedHandledOnce_NoneTwice(t *testing.T) {
	e := newRealEnv(t)
	first := e.start(t)
	proposeID := e.do(t, first, aliceID, "propose renew the domain name for three years")
	validateID := e.do(t, first, bobID, "validate P1")
	e.waitDelivered(t)
	first.stop()

	// While the bot is stopped: a command said in the very millisecond of
	// the last one handled, and one later.
	last, _ := e.srv.Message(validateID)
	e.srv.Inject(rcfake.Message{UserID: daveID, RoomID: general, TS: last.TS,
		Text: Prefix + " concern P1 the registrar raises its prices next year"})
	e.srv.Say(carolID, general, Prefix+" validate P1")

	second := e.start(t) // a new process on the same database
	// A reaction on a command the first process handled streams it again.
	e.srv.Touch(proposeID)
	e.srv.Touch(validateID)
	// Catching up comes before live events: once this is handled, all is.
	e.do(t, second, aliceID, "status P1")

	want := []string{
		"dave: concern P1 the registrar raises its prices next year",
		"carol: validate P1",
		"alice: status P1",
	}
	if diff := cmp.Diff(want, second.texts()); diff != "" {
		t.Errorf("handled by the restarted bot (-want +got):\n%s", diff)
	}
	e.waitDelivered(t)
	wantLog := []string{
		"proposal.opened P1 alice",
		"proposal.validated P1 bob",
		"concern.added P1 dave",
		"proposal.validated P1 carol",
		"proposal.approved P1 carol",
	}
	if diff := cmp.Diff(wantLog, e.logKinds(t, 1)); diff != "" {
		t.Errorf("decision log (-want +got):\n%s", diff)
	}
	// Private replies are sent after the request is handled: wait for them.
	waitFor(t, "alice's confirmation of P1 and status", func() bool { return len(e.directTexts(aliceID)) >= 2 })
	if got := e.directTexts(aliceID); len(got) != 2 {
		t.Errorf("alice's direct messages = %q: want the confirmation of P1 and the status, once each", got)
	}

	// A third process finds nothing left to do: what the second one handled
	// (and what the first one had) is in the saved mark.
	second.stop()
	third := e.start(t)
	e.do(t, third, bobID, "status P1")
	if diff := cmp.Diff([]string{"bob: status P1"}, third.texts()); diff != "" {
		t.Errorf("handled by the third process (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantLog, e.logKinds(t, 1)); diff != "" {
		t.Errorf("decision log after the second restart (-want +got):\n%s", diff)
	}
}

func TestRestart_BotThatNeverHandledACommandStillCatchesUp(t *testing.T) {
	e := newRealEnv(t)
	e.srv.Say(aliceID, general, Prefix+" propose said before the bot ever ran")
	first := e.start(t)
	first.stop()
	e.srv.Say(aliceID, general, Prefix+" propose said while the bot was stopped")

	second := e.start(t)
	e.do(t, second, bobID, "list")
	want := []string{"alice: propose said while the bot was stopped", "bob: list"}
	if diff := cmp.Diff(want, second.texts()); diff != "" {
		t.Errorf("handled after the restart (-want +got):\n%s", diff)
	}
	if got := first.texts(); len(got) != 0 {
		t.Errorf("first start handled %q: history from before the bot existed is not caught up", got)
	}
}

func TestRestart_CatchUpIsBoundedTo24Hours(t *testing.T) {
	e := newRealEnv(t)
	now := time.Now()
	mark := &inboundMark{Last: now.Add(-72 * time.Hour).UnixMilli(), Floor: now.Add(-72 * time.Hour).UnixMilli()}
	if err := e.db.SetMark(markName, mark.encode()); err != nil {
		t.Fatal(err)
	}
	e.srv.Inject(rcfake.Message{UserID: aliceID, RoomID: general, TS: now.Add(-48 * time.Hour).UTC(),
		Text: Prefix + " propose two days old"})
	e.srv.Inject(rcfake.Message{UserID: aliceID, RoomID: general, TS: now.Add(-time.Hour).UTC(),
		Text: Prefix + " propose one hour old"})

	p := e.start(t)
	e.do(t, p, bobID, "list")
	want := []string{"alice: propose one hour old", "bob: list"}
	if diff := cmp.Diff(want, p.texts()); diff != "" {
		t.Errorf("handled (-want +got):\n%s", diff)
	}
}

func TestInboundMark_WindowCapAndEqualTimestamps(t *testing.T) {
	base := time.UnixMilli(1_800_000_000_000)
	var m inboundMark
	m.add("a", base, 10*time.Second)
	m.add("b", base.Add(30*time.Second), 10*time.Second)
	m.add("c", base.Add(30*time.Second), 10*time.Second) // same millisecond as b
	m.add("late", base.Add(25*time.Second), 10*time.Second)

	back, err := decodeMark(m.encode())
	if err != nil {
		t.Fatal(err)
	}
	at := func(d time.Duration) time.Time { return base.Add(d) }
	for _, c := range []struct {
		id   string
		ts   time.Time
		want bool
	}{
		{"a", at(0), true},                // older than Floor
		{"x", at(19 * time.Second), true}, // older than Floor, never listed: taken as handled
		{"late", at(25 * time.Second), true},
		{"b", at(30 * time.Second), true},
		{"c", at(30 * time.Second), true},
		{"d", at(30 * time.Second), false}, // same millisecond, not handled
		{"e", at(27 * time.Second), false}, // within the window, not handled
		{"f", at(31 * time.Second), false},
	} {
		if got := back.handled(c.id, c.ts); got != c.want {
			t.Errorf("handled(%s at +%v) = %v, want %v (mark %+v)", c.id, c.ts.Sub(base), got, c.want, back)
		}
	}
	if from := back.catchUpFrom(at(time.Minute)); !from.Equal(at(20*time.Second - time.Millisecond)) {
		t.Errorf("catch up from +%v, want just before the floor (+20s)", from.Sub(base))
	}

	// More commands in the window than the cap: the oldest ids go, and the
	// floor rises above them so that the list stays complete.
	var big inboundMark
	for i := range maxMarkIDs + 10 {
		big.add(fmt.Sprint("m", i), base.Add(time.Duration(i)*time.Millisecond), time.Hour)
	}
	if len(big.Handled) != maxMarkIDs {
		t.Fatalf("%d ids kept, want %d", len(big.Handled), maxMarkIDs)
	}
	if want := base.Add(10 * time.Millisecond).UnixMilli(); big.Floor != want {
		t.Errorf("floor = %d, want %d (just above the dropped ids)", big.Floor, want)
	}
	if !big.handled("m3", base.Add(3*time.Millisecond)) || !big.handled("m100", base.Add(100*time.Millisecond)) {
		t.Error("a handled command, dropped or kept, is not recognised")
	}
}
