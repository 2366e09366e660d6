package ddp_test

import (
	"context"
	"errors"
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
