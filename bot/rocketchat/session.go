package rocketchat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/bot/rocketchat/ddp"
)

// A session lasting this long resets the reconnect backoff.
const stableSession = time.Minute

// runInbound keeps a DDP session alive until ctx ends: dial, log in,
// subscribe, catch up, read; on any failure wait and start over. Logging in
// again on every new socket is the point: the SDK's DDP client re-subscribes
// without it and silently stops receiving.
func (a *Adapter) runInbound(ctx context.Context) {
	failures := 0
	for {
		start := a.deps.Now()
		err := a.session(ctx)
		if ctx.Err() != nil {
			a.setState(ctx.Err())
			return
		}
		a.setState(err)
		if a.deps.Now().Sub(start) > stableSession {
			failures = 0
		}
		wait := a.reconnect.delay(failures)
		failures++
		a.log.Warn("rocketchat_disconnected", "err", err, "retry_in", wait)
		if sleep(ctx, wait) != nil {
			a.setState(ctx.Err())
			return
		}
	}
}

// session runs one DDP connection to its end and returns why it ended.
func (a *Adapter) session(ctx context.Context) error {
	conn, err := ddp.Dial(ctx, a.wsURL, a.ddpOpts)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := a.login(ctx, conn); err != nil {
		return err
	}
	// useCollection=true: the server only streams events after an "added".
	if err := conn.Subscribe(ctx, "stream-room-messages", "__my_messages__", true); err != nil {
		return fmt.Errorf("rocketchat: subscribe: %w", err)
	}
	a.mu.Lock()
	since, catchUp, initial := a.planCatchUp(a.deps.Now())
	a.mu.Unlock()
	if initial != "" {
		a.saveMark(initial)
	}
	if catchUp {
		// Subscribed first, then caught up: nothing falls between the two,
		// and the overlap is removed by the seen set.
		if err := a.catchUp(ctx, conn, since); err != nil {
			return err
		}
	}
	a.mu.Lock()
	a.pending = time.Time{}
	a.sessions++
	a.mu.Unlock()
	a.setState(nil)
	a.log.Info("rocketchat_subscribed", "session", conn.Session())
	for {
		ev, err := conn.Next(ctx)
		if err != nil {
			return err
		}
		a.onEvent(ctx, ev)
	}
}

// planCatchUp decides what a newly subscribed session catches up on: what
// was said since the previous session's last message (minus a margin for
// clock skew), or, on the first session of a restarted bot, since the saved
// mark. A catch-up that failed is done again from the same point. initial,
// when not empty, is a first mark to save: a bot that never handled a
// command yet still catches up after a restart. Callers hold a.mu.
func (a *Adapter) planCatchUp(now time.Time) (since time.Time, catchUp bool, initial string) {
	if !a.pending.IsZero() {
		return a.pending, true, ""
	}
	switch {
	case a.sessions > 0:
		since = a.cursor.Add(-a.catchUpMargin)
	case a.resume != nil:
		since = a.resume.catchUpFrom(now)
		a.log.Info("rocketchat_catching_up", "since", since)
	default:
		if a.cursor.IsZero() {
			a.cursor = now
		}
		if a.deps.Marks != nil && a.mark == nil {
			// The millisecond the bot subscribed in counts as before it:
			// "newer than" catch-ups would otherwise take a message stamped
			// in it for one said while the bot was stopped.
			ms := now.UnixMilli() + 1
			a.mark = &inboundMark{Last: ms, Floor: ms}
			initial = a.mark.encode()
		}
		return time.Time{}, false, initial
	}
	if a.cursor.IsZero() {
		a.cursor = now
	}
	a.pending = since
	return since, true, ""
}

// login logs the new socket in with the token, getting one first (or again)
// from the password when needed.
func (a *Adapter) login(ctx context.Context, conn *ddp.Conn) error {
	if _, tok := a.rest.credentials(); tok == "" {
		if err := a.rest.login(ctx); err != nil {
			return err
		}
	}
	_, tok := a.rest.credentials()
	res, err := conn.LoginResume(ctx, tok)
	var derr *ddp.Error
	if err != nil && errors.As(err, &derr) && a.cfg.User != "" {
		if lerr := a.rest.login(ctx); lerr != nil {
			return fmt.Errorf("%w (password login: %v)", err, lerr)
		}
		_, tok = a.rest.credentials()
		res, err = conn.LoginResume(ctx, tok)
	}
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.botID = res.UserID
	a.rest.mu.Lock()
	a.rest.userID = cmpOr(a.rest.userID, res.UserID)
	a.rest.mu.Unlock()
	name := a.botName
	a.mu.Unlock()
	if name == "" {
		var me rcUser
		if err := a.rest.get(ctx, "me", nil, &me); err != nil {
			return fmt.Errorf("rocketchat: who am I: %w", err)
		}
		a.mu.Lock()
		a.botName = me.Username
		a.mu.Unlock()
	}
	return nil
}

// catchUp handles what was said in the bot's rooms since a time, oldest
// first, before any event received after the new subscription.
func (a *Adapter) catchUp(ctx context.Context, conn *ddp.Conn, since time.Time) error {
	raw, err := conn.Call(ctx, "rooms/get")
	if err != nil {
		return fmt.Errorf("rocketchat: catch up: rooms: %w", err)
	}
	var rooms []rcRoom
	if err := json.Unmarshal(raw, &rooms); err != nil {
		return fmt.Errorf("rocketchat: catch up: rooms: %w", err)
	}
	for _, r := range rooms {
		a.learnRoom(r)
	}
	type missed struct {
		m    rcMessage
		room roomContext
	}
	var all []missed
	participant := true
	for _, r := range rooms {
		raw, err := conn.Call(ctx, "loadMissedMessages", r.ID, ejson(since))
		if err != nil {
			return fmt.Errorf("rocketchat: catch up %s: %w", r.ID, err)
		}
		var msgs []rcMessage
		if json.Unmarshal(raw, &msgs) != nil {
			continue // false: no access any more
		}
		for _, m := range msgs {
			all = append(all, missed{m, roomContext{RoomParticipant: &participant, RoomType: r.Type, RoomName: r.Name}})
		}
	}
	// In the order they were said, across rooms: a validation typed in a
	// direct room after a proposal in the channel comes after it.
	slices.SortStableFunc(all, func(x, y missed) int { return x.m.TS.Compare(y.m.TS.Time) })
	for _, x := range all {
		if err := ctx.Err(); err != nil {
			return err
		}
		a.consider(ctx, x.m, x.room)
	}
	return nil
}

// onEvent handles one stream event from the subscription.
func (a *Adapter) onEvent(ctx context.Context, ev ddp.Event) {
	if ev.Msg != "changed" || ev.Collection != "stream-room-messages" {
		return
	}
	var f streamFields
	if err := json.Unmarshal(ev.Fields, &f); err != nil || f.EventName != "__my_messages__" || len(f.Args) == 0 {
		return
	}
	var m rcMessage
	if err := json.Unmarshal(f.Args[0], &m); err != nil {
		a.log.Warn("rocketchat_bad_message", "err", err)
		return
	}
	var room roomContext
	if len(f.Args) > 1 {
		json.Unmarshal(f.Args[1], &room)
	}
	a.consider(ctx, m, room)
}

// consider handles a message once: dedupe, decide, ask the bot, answer.
func (a *Adapter) consider(ctx context.Context, m rcMessage, room roomContext) {
	if m.ID == "" {
		return
	}
	a.mu.Lock()
	if m.TS.After(a.cursor) {
		a.cursor = m.TS.Time
	}
	a.mu.Unlock()
	if !a.seen.add(m.ID) {
		return
	}
	if a.resume != nil && a.resume.handled(m.ID, m.TS.Time) {
		return // handled by the previous process
	}
	a.mu.Lock()
	again := a.done != nil && a.done.handled(m.ID, m.TS.Time)
	a.mu.Unlock()
	if again {
		// Streamed again (a reaction, a thread reply) after the seen set
		// forgot it: this process handled it, or it is older than the
		// commands it handled by more than the margin.
		return
	}
	botID, botName := a.identity()
	if room.RoomType == "d" && m.User.ID != botID && m.Type == "" && m.EditedAt == nil {
		room.OneToOne = a.isOneToOne(ctx, m, botID)
	}
	text, ok := command(m, room, botID, botName)
	if !ok {
		return
	}
	a.log.Debug("rocketchat_command", "room", m.RoomID, "user", m.User.ID, "message", m.ID)
	resp := a.deps.Handler.Handle(ctx, bot.Request{
		Platform: bot.PlatformRocketChat,
		Channel:  m.RoomID,
		UserID:   m.User.ID,
		UserName: m.User.Username,
		Text:     text,
		ID:       m.ID,
	})
	a.remember(m)
	if resp.Private != "" {
		a.replyPrivately(ctx, m, room, resp.Private)
	}
}

// isOneToOne reports whether the direct room of m is the bot's 1:1 room with
// its author, rather than a group DM (also "d" since Rocket.Chat 3). A 1:1
// room's id is the two user ids put together; other rooms are looked up
// (rooms.info) once. When that fails the room is taken as shared: a command
// then needs the prefix or a mention, and its reply goes to the 1:1 room.
func (a *Adapter) isOneToOne(ctx context.Context, m rcMessage, botID string) bool {
	if botID != "" && m.User.ID != "" && (m.RoomID == botID+m.User.ID || m.RoomID == m.User.ID+botID) {
		return true
	}
	a.mu.Lock()
	one, known := a.oneToOne[m.RoomID]
	a.mu.Unlock()
	if known {
		return one
	}
	var out struct {
		Room rcRoom `json:"room"`
	}
	if err := a.rest.get(ctx, "rooms.info", url.Values{"roomId": {m.RoomID}}, &out); err != nil {
		a.log.Warn("rocketchat_room_info_failed", "room", m.RoomID, "err", err)
		return false
	}
	out.Room.ID = cmpOr(out.Room.ID, m.RoomID)
	a.learnRoom(out.Room)
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.oneToOne[m.RoomID]
}

// learnRoom caches whether a direct room is 1:1 or a group DM.
func (a *Adapter) learnRoom(r rcRoom) {
	if r.Type != "d" || r.ID == "" || r.members() == 0 {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.oneToOne[r.ID] = r.members() <= 2
}
