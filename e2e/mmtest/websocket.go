package mmtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

// ListenWebSocket opens a websocket as user and returns its events (after the server's
// "hello", which is consumed: once this returns, every later event for the user is seen).
// The channel is closed when ctx ends (the socket is then closed) or the connection drops,
// e.g. when the server is stopped. Events are buffered (1000); if the reader falls that far
// behind, the forwarding blocks until ctx ends.
func (env *Env) ListenWebSocket(ctx context.Context, user string) (<-chan *model.WebSocketEvent, error) {
	u, err := env.lookup(user)
	if err != nil {
		return nil, err
	}
	wsURL := "ws" + strings.TrimPrefix(env.URL, "http") // http→ws, https→wss
	ws, err := model.NewWebSocketClient4(wsURL, u.Token)
	if err != nil {
		return nil, fmt.Errorf("mmtest: websocket for %s: %w", user, err)
	}
	ws.Listen()

	// Wait for the authentication reply and the hello event.
	hctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for hello := false; !hello; {
		select {
		case ev, ok := <-ws.EventChannel:
			if !ok {
				return nil, fmt.Errorf("mmtest: websocket for %s closed before hello: %v", user, ws.ListenError)
			}
			hello = ev.EventType() == model.WebsocketEventHello
		case r := <-ws.ResponseChannel:
			if r != nil && r.Status != model.StatusOk {
				ws.Close()
				return nil, fmt.Errorf("mmtest: websocket authentication of %s: %s %v", user, r.Status, r.Error)
			}
		case <-hctx.Done():
			ws.Close()
			return nil, fmt.Errorf("mmtest: websocket for %s: no hello: %w", user, hctx.Err())
		}
	}

	out := make(chan *model.WebSocketEvent, 1000)
	go func() {
		defer close(out)
		closed := false
		closeWS := func() {
			if !closed {
				closed = true
				ws.Close()
			}
		}
		defer closeWS()
		done := ctx.Done()
		for {
			select {
			case ev, ok := <-ws.EventChannel:
				if !ok {
					return
				}
				select {
				case out <- ev:
				case <-done:
					closeWS()
					done = nil
				}
			case <-ws.ResponseChannel:
			case <-ws.PingTimeoutChannel: // must be drained, or the reader blocks
			case <-done:
				closeWS() // the reader then closes EventChannel
				done = nil
			}
		}
	}()
	return out, nil
}

// WaitEvent returns the first event of type typ (e.g. model.WebsocketEventPosted) that
// satisfies match (nil matches all), skipping the others, or an error when ctx ends or the
// channel closes.
func WaitEvent(ctx context.Context, events <-chan *model.WebSocketEvent, typ model.WebsocketEventType, match func(*model.WebSocketEvent) bool) (*model.WebSocketEvent, error) {
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return nil, fmt.Errorf("mmtest: websocket closed while waiting for %s", typ)
			}
			if ev.EventType() == typ && (match == nil || match(ev)) {
				return ev, nil
			}
		case <-ctx.Done():
			return nil, fmt.Errorf("mmtest: waiting for websocket event %s: %w", typ, ctx.Err())
		}
	}
}

// WaitDialog waits for an open_dialog event and decodes it.
func WaitDialog(ctx context.Context, events <-chan *model.WebSocketEvent) (*model.OpenDialogRequest, error) {
	ev, err := WaitEvent(ctx, events, model.WebsocketEventOpenDialog, nil)
	if err != nil {
		return nil, err
	}
	return DialogFromEvent(ev)
}

// DialogFromEvent decodes an open_dialog event: data.dialog is a JSON string holding the
// OpenDialogRequest (trigger_id, url, dialog{callback_id, state, elements, ...}).
func DialogFromEvent(ev *model.WebSocketEvent) (*model.OpenDialogRequest, error) {
	if ev.EventType() != model.WebsocketEventOpenDialog {
		return nil, fmt.Errorf("mmtest: event %s is not %s", ev.EventType(), model.WebsocketEventOpenDialog)
	}
	s, ok := ev.GetData()["dialog"].(string)
	if !ok {
		return nil, errors.New("mmtest: open_dialog event without a dialog string")
	}
	var req model.OpenDialogRequest
	if err := json.Unmarshal([]byte(s), &req); err != nil {
		return nil, fmt.Errorf("mmtest: decode dialog: %w", err)
	}
	return &req, nil
}

// PostFromEvent decodes the post of a posted / post_edited event (data.post is a JSON string).
func PostFromEvent(ev *model.WebSocketEvent) (*model.Post, error) {
	s, ok := ev.GetData()["post"].(string)
	if !ok {
		return nil, fmt.Errorf("mmtest: event %s has no post", ev.EventType())
	}
	var p model.Post
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return nil, fmt.Errorf("mmtest: decode post: %w", err)
	}
	return &p, nil
}

// SubmitOpenedDialog submits a dialog received by WaitDialog as user, in channelID.
func (env *Env) SubmitOpenedDialog(ctx context.Context, user string, d *model.OpenDialogRequest, channelID string, submission map[string]string) (*model.SubmitDialogResponse, error) {
	return env.SubmitDialog(ctx, user, d.URL, d.Dialog.CallbackId, d.Dialog.State, channelID, submission)
}
