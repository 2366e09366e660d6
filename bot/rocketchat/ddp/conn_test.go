package ddp_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/consentbot/consentbot/bot/rocketchat/ddp"
	"github.com/consentbot/consentbot/bot/rocketchat/rcfake"
)

func dial(t *testing.T, opts ddp.Options) (*rcfake.Server, *ddp.Conn) {
	t.Helper()
	srv := rcfake.New()
	t.Cleanup(srv.Close)
	srv.AddUser(rcfake.User{ID: "bot", Username: "bot", Token: "tok", Password: "pw"})
	srv.AddRoom(rcfake.Room{ID: "R", Name: "general", Type: "c", Members: []string{"bot", "u1"}})
	srv.AddUser(rcfake.User{ID: "u1", Username: "alice"})
	c, err := ddp.Dial(t.Context(), "ws"+strings.TrimPrefix(srv.URL, "http")+"/websocket", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return srv, c
}

func TestLoginSubscribeReceive(t *testing.T) {
	srv, c := dial(t, ddp.Options{})
	if c.Session() == "" {
		t.Error("no session id")
	}
	if _, err := c.LoginResume(t.Context(), "wrong"); err == nil {
		t.Error("bad resume token accepted")
	}
	res, err := c.LoginPassword(t.Context(), "bot", "pw")
	if err != nil || res.UserID != "bot" {
		t.Fatalf("LoginPassword = %+v, %v", res, err)
	}
	if err := c.Subscribe(t.Context(), "stream-room-messages", "__my_messages__", true); err != nil {
		t.Fatal(err)
	}
	srv.Say("u1", "R", "hello")
	var got []string
	for len(got) < 2 {
		ev, err := c.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev.Msg)
	}
	if got[0] != "added" || got[1] != "changed" {
		t.Errorf("events %q, want added then changed", got)
	}
}

func TestErrors(t *testing.T) {
	srv, c := dial(t, ddp.Options{})
	_, err := c.Call(t.Context(), "nope")
	var derr *ddp.Error
	if !errors.As(err, &derr) || derr.CodeString() != "404" {
		t.Errorf("unknown method: %v, want a 404 ddp.Error", err)
	}
	if err := c.Subscribe(t.Context(), "no-such-sub"); err == nil {
		t.Error("unknown subscription accepted")
	}
	srv.RejectUseCollection(true)
	if err := c.Subscribe(t.Context(), "stream-room-messages", "__my_messages__", true); err == nil {
		t.Error("nosub not reported")
	}
}

func TestCancelAndClose(t *testing.T) {
	srv, c := dial(t, ddp.Options{})
	srv.SetSilent(true)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if _, err := c.Call(ctx, "rooms/get"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Call with an expired context = %v", err)
	}
	c.Close()
	<-c.Done()
	if _, err := c.Call(t.Context(), "rooms/get"); !errors.Is(err, ddp.ErrClosed) {
		t.Errorf("Call after Close = %v, want ErrClosed", err)
	}
	if _, err := c.Next(t.Context()); !errors.Is(err, ddp.ErrClosed) {
		t.Errorf("Next after Close = %v, want ErrClosed", err)
	}
}

func TestSilentServerIsDeclaredDead(t *testing.T) {
	srv, c := dial(t, ddp.Options{PingInterval: 20 * time.Millisecond, PongTimeout: 30 * time.Millisecond})
	srv.SetSilent(true)
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("silent socket not detected")
	}
	if c.Err() == nil {
		t.Error("Err is nil after death")
	}
}

// A server that takes a method and never answers it, while it still answers
// pings, must not keep the caller waiting for ever: the call times out and
// the connection is dropped, so that the client starts a new one.
func TestUnansweredCallTimesOutAndDropsTheConnection(t *testing.T) {
	srv, c := dial(t, ddp.Options{CallTimeout: 50 * time.Millisecond})
	srv.HoldMethod("loadMissedMessages", true)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, err := c.Call(ctx, "loadMissedMessages", "R", map[string]int64{"$date": 0})
	if !errors.Is(err, ddp.ErrTimeout) {
		t.Fatalf("unanswered call = %v, want ErrTimeout", err)
	}
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("connection still open after a call timed out")
	}
	if !errors.Is(c.Err(), ddp.ErrTimeout) {
		t.Errorf("Err = %v, want ErrTimeout", c.Err())
	}
	if _, err := c.Next(t.Context()); !errors.Is(err, ddp.ErrTimeout) {
		t.Errorf("Next = %v, want ErrTimeout: the reader learns why the session ended", err)
	}
}

// The caller's own deadline is reported as such, and leaves the connection
// alive: only the call timeout condemns it.
func TestCallerDeadlineDoesNotDropTheConnection(t *testing.T) {
	srv, c := dial(t, ddp.Options{CallTimeout: time.Minute})
	srv.HoldMethod("rooms/get", true)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if _, err := c.Call(ctx, "rooms/get"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Call = %v, want the caller's deadline", err)
	}
	if c.Err() != nil {
		t.Errorf("connection ended (%v) by the caller's deadline", c.Err())
	}
	if _, err := c.LoginResume(t.Context(), "tok"); err != nil {
		t.Errorf("connection unusable after the caller's deadline: %v", err)
	}
}

// Events nobody reads are bounded: past MaxEvents the connection is dropped
// instead of the queue growing without limit.
func TestEventQueueIsBounded(t *testing.T) {
	srv, c := dial(t, ddp.Options{MaxEvents: 5})
	if _, err := c.LoginResume(t.Context(), "tok"); err != nil {
		t.Fatal(err)
	}
	if err := c.Subscribe(t.Context(), "stream-room-messages", "__my_messages__", true); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		srv.Say("u1", "R", fmt.Sprint("message ", i))
	}
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("20 unread events kept with MaxEvents 5")
	}
	if !errors.Is(c.Err(), ddp.ErrQueueFull) {
		t.Errorf("Err = %v, want ErrQueueFull", c.Err())
	}
	// What was queued before is still read, then the reason.
	n := 0
	for {
		_, err := c.Next(t.Context())
		if err != nil {
			if !errors.Is(err, ddp.ErrQueueFull) {
				t.Errorf("Next = %v, want ErrQueueFull", err)
			}
			break
		}
		n++
	}
	if n != 5 {
		t.Errorf("%d events read after the drop, want the 5 queued", n)
	}
}
