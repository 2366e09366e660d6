package ddp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Options tune a Conn. The zero value is usable.
type Options struct {
	// PingInterval is how often the client pings the server (default 25s).
	PingInterval time.Duration
	// PongTimeout is how long after a ping the socket may stay silent before
	// it is declared dead (default 10s). Any frame counts as a sign of life.
	PongTimeout time.Duration
	// Dialer defaults to websocket.DefaultDialer.
	Dialer *websocket.Dialer
	// Header is sent with the upgrade request.
	Header http.Header
	// CallTimeout bounds how long Call and Subscribe wait for the server's
	// answer (default 30s). A server that accepts a method and never answers
	// (while still answering pings) would otherwise leave the caller waiting
	// for ever: on timeout the connection is dropped, so that the client
	// starts over with a new one.
	CallTimeout time.Duration
	// MaxEvents bounds the queue of collection events not read yet by Next
	// (default 10000). When a slow reader lets it fill up, the connection is
	// dropped (Err wraps ErrQueueFull) rather than the queue growing without
	// limit; a client catches up on what it missed after reconnecting.
	MaxEvents int
}

func (o Options) withDefaults() Options {
	if o.PingInterval <= 0 {
		o.PingInterval = 25 * time.Second
	}
	if o.PongTimeout <= 0 {
		o.PongTimeout = 10 * time.Second
	}
	if o.Dialer == nil {
		o.Dialer = websocket.DefaultDialer
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = 30 * time.Second
	}
	if o.MaxEvents <= 0 {
		o.MaxEvents = 10000
	}
	return o
}

// ErrClosed is returned by calls on a Conn whose socket is gone.
var ErrClosed = errors.New("ddp: connection closed")

// ErrTimeout is wrapped by the error of a Call or Subscribe the server did
// not answer within Options.CallTimeout; the connection is then dropped.
var ErrTimeout = errors.New("ddp: no answer from the server")

// ErrQueueFull is wrapped by the error of a connection dropped because its
// reader fell Options.MaxEvents events behind.
var ErrQueueFull = errors.New("ddp: event queue full")

// Conn is one DDP session over one websocket.
type Conn struct {
	ws      *websocket.Conn
	opts    Options
	session string
	events  *eventQueue

	writeMu sync.Mutex // gorilla allows one writer at a time

	mu      sync.Mutex
	nextID  uint64
	calls   map[string]chan frame // method id -> result
	subs    map[string]chan frame // sub id -> ready or nosub
	err     error                 // why the connection ended
	done    chan struct{}
	closing sync.Once
}

// Dial opens a websocket to url (ws:// or wss://, path included) and performs
// the DDP connect handshake. It never resumes a previous session: Rocket.Chat
// does not support it, so a new Conn needs a new login.
func Dial(ctx context.Context, url string, opts Options) (*Conn, error) {
	opts = opts.withDefaults()
	ws, _, err := opts.Dialer.DialContext(ctx, url, opts.Header)
	if err != nil {
		return nil, fmt.Errorf("ddp: dial: %w", err)
	}
	c := &Conn{
		ws:     ws,
		opts:   opts,
		events: newEventQueue(opts.MaxEvents),
		calls:  make(map[string]chan frame),
		subs:   make(map[string]chan frame),
		done:   make(chan struct{}),
	}
	if err := c.handshake(ctx); err != nil {
		ws.Close()
		return nil, err
	}
	go c.readLoop()
	go c.pingLoop()
	return c, nil
}

func (c *Conn) handshake(ctx context.Context) error {
	// Interrupt the blocking read if ctx ends first.
	stop := context.AfterFunc(ctx, func() { c.ws.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	if err := c.ws.SetReadDeadline(time.Now().Add(c.opts.PingInterval + c.opts.PongTimeout)); err != nil {
		return fmt.Errorf("ddp: handshake: %w", err)
	}
	if err := c.write(frame{Msg: "connect", Version: "1", Support: []string{"1"}}); err != nil {
		return fmt.Errorf("ddp: handshake: %w", err)
	}
	for {
		var f frame
		if err := c.ws.ReadJSON(&f); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("ddp: handshake: %w", err)
		}
		switch f.Msg {
		case "connected":
			c.session = f.Session
			return nil
		case "failed":
			return fmt.Errorf("ddp: server refused protocol version (wants %q)", f.Version)
		case "ping":
			if err := c.write(frame{Msg: "pong", ID: f.ID}); err != nil {
				return fmt.Errorf("ddp: handshake: %w", err)
			}
		default: // {"server_id":"0"} and anything else before "connected"
		}
	}
}

// Session is the session id the server gave this connection.
func (c *Conn) Session() string { return c.session }

// Done is closed when the connection is over; Err then says why.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Err returns why the connection ended, or nil while it is alive.
func (c *Conn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close ends the connection. It is safe to call more than once.
func (c *Conn) Close() error {
	c.fail(ErrClosed)
	return nil
}

// fail records the first reason the connection ended and wakes every waiter.
func (c *Conn) fail(err error) {
	c.closing.Do(func() {
		c.mu.Lock()
		c.err = err
		c.mu.Unlock()
		c.writeMu.Lock()
		c.ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		c.writeMu.Unlock()
		c.ws.Close()
		close(c.done)
	})
}

func (c *Conn) write(f frame) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	c.ws.SetWriteDeadline(time.Now().Add(c.opts.PongTimeout))
	return c.ws.WriteJSON(f)
}

func (c *Conn) newID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	id := strconv.FormatUint(c.nextID, 10)
	c.nextID++
	return id
}

// Call invokes a method and returns its raw result. A method error comes back
// as *Error.
func (c *Conn) Call(ctx context.Context, method string, params ...any) (json.RawMessage, error) {
	if params == nil {
		params = []any{}
	}
	id := c.newID()
	f, err := c.roundTrip(ctx, c.calls, frame{Msg: "method", ID: id, Method: method, Params: params}, "method "+method)
	if err != nil {
		return nil, err
	}
	if f.Error != nil {
		return nil, f.Error
	}
	return f.Result, nil
}

// Subscribe starts a subscription and waits for "ready" (nil) or "nosub"
// (the server's error). Events of the subscription are read with Next.
func (c *Conn) Subscribe(ctx context.Context, name string, params ...any) error {
	if params == nil {
		params = []any{}
	}
	id := c.newID()
	f, err := c.roundTrip(ctx, c.subs, frame{Msg: "sub", ID: id, Name: name, Params: params}, "subscription "+name)
	if err != nil {
		return err
	}
	if f.Msg == "nosub" {
		if f.Error != nil {
			return f.Error
		}
		return fmt.Errorf("ddp: subscription %s refused", name)
	}
	return nil
}

// roundTrip sends req and waits for the frame the reader files under req.ID
// in pending (c.calls or c.subs), bounded by the call timeout.
func (c *Conn) roundTrip(ctx context.Context, pending map[string]chan frame, req frame, what string) (frame, error) {
	ch := make(chan frame, 1)
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return frame{}, c.err
	}
	pending[req.ID] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(pending, req.ID)
		c.mu.Unlock()
	}()
	wctx, cancel := context.WithTimeoutCause(ctx, c.opts.CallTimeout, ErrTimeout)
	defer cancel()
	if err := c.write(req); err != nil {
		c.fail(fmt.Errorf("ddp: write: %w", err))
		return frame{}, c.Err()
	}
	select {
	case f := <-ch:
		return f, nil
	case <-c.done:
		return frame{}, c.Err()
	case <-wctx.Done():
		return frame{}, c.expired(ctx, wctx, what)
	}
}

// expired is the error of a wait that ended with wctx, which is ctx bounded
// by the call timeout: the caller's own error when ctx ended, else a timeout
// that also drops the connection (an unanswered call means the session can
// no longer be trusted).
func (c *Conn) expired(ctx, wctx context.Context, what string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := fmt.Errorf("ddp: %s: %w after %v", what, context.Cause(wctx), c.opts.CallTimeout)
	c.fail(err)
	return err
}

// Next returns the next collection event, in arrival order. Events received
// before the connection died are still returned; then Next returns Err.
func (c *Conn) Next(ctx context.Context) (Event, error) {
	for {
		if e, ok := c.events.pop(); ok {
			return e, nil
		}
		select {
		case <-c.events.signal:
		case <-c.done:
			if e, ok := c.events.pop(); ok {
				return e, nil
			}
			return Event{}, c.Err()
		case <-ctx.Done():
			return Event{}, ctx.Err()
		}
	}
}

func (c *Conn) readLoop() {
	for {
		c.ws.SetReadDeadline(time.Now().Add(c.opts.PingInterval + c.opts.PongTimeout))
		var f frame
		if err := c.ws.ReadJSON(&f); err != nil {
			c.fail(fmt.Errorf("ddp: read: %w", err))
			return
		}
		c.dispatch(f)
	}
}

func (c *Conn) dispatch(f frame) {
	switch f.Msg {
	case "ping":
		if err := c.write(frame{Msg: "pong", ID: f.ID}); err != nil {
			c.fail(fmt.Errorf("ddp: write pong: %w", err))
		}
	case "result":
		c.mu.Lock()
		ch := c.calls[f.ID]
		c.mu.Unlock()
		if ch != nil {
			ch <- f // buffered, and each id gets one result
		}
	case "ready":
		for _, id := range f.Subs {
			c.deliverSub(id, f)
		}
	case "nosub":
		c.deliverSub(f.ID, f)
	case "added", "changed", "removed":
		if !c.events.push(Event{Msg: f.Msg, Collection: f.Collection, ID: f.ID, Fields: f.Fields}) {
			c.fail(fmt.Errorf("%w: %d events not read", ErrQueueFull, c.opts.MaxEvents))
		}
	default: // pong, updated, addedBefore, movedBefore, server_id: nothing to do
	}
}

func (c *Conn) deliverSub(id string, f frame) {
	c.mu.Lock()
	ch := c.subs[id]
	c.mu.Unlock()
	if ch != nil {
		select {
		case ch <- f:
		default:
		}
	}
}

// pingLoop pings the server so that a silent, half-open socket is noticed:
// the read deadline expires when not even the pong comes back.
func (c *Conn) pingLoop() {
	t := time.NewTicker(c.opts.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
			if err := c.write(frame{Msg: "ping", ID: "p" + c.newID()}); err != nil {
				c.fail(fmt.Errorf("ddp: write ping: %w", err))
				return
			}
		}
	}
}
