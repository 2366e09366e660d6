package rocketchat

import (
	"context"
	"errors"
	"fmt"
	"net/url"
)

// sendMessage posts text into a room (in a thread when tmid is set) with an
// explicit message id. Rocket.Chat refuses a second message with the same id,
// so when a retry is refused we look the id up: if it exists, the first
// attempt worked and the message is delivered, once.
func (a *Adapter) sendMessage(ctx context.Context, id, rid, tmid, text string) error {
	msg := map[string]string{"_id": id, "rid": rid, "msg": text}
	if tmid != "" {
		msg["tmid"] = tmid
	}
	err := a.rest.post(ctx, "chat.sendMessage", map[string]any{"message": msg}, nil)
	if err == nil || transient(err) {
		return err
	}
	if ok, lerr := a.messageExists(ctx, id); lerr == nil && ok {
		a.log.Debug("rocketchat_already_posted", "message", id)
		return nil
	}
	return err
}

func (a *Adapter) messageExists(ctx context.Context, id string) (bool, error) {
	var out struct {
		Message struct {
			ID string `json:"_id"`
		} `json:"message"`
	}
	err := a.rest.get(ctx, "chat.getMessage", url.Values{"msgId": {id}}, &out)
	var ae *apiError
	if errors.As(err, &ae) && !transient(err) {
		return false, nil
	}
	return err == nil && out.Message.ID == id, err
}

// updateMessage replaces the text of one of the bot's messages.
func (a *Adapter) updateMessage(ctx context.Context, rid, msgID, text string) error {
	return a.rest.post(ctx, "chat.update", map[string]string{"roomId": rid, "msgId": msgID, "text": text}, nil)
}

// directRoom returns the id of the direct room with a user, creating it if
// needed (im.create is idempotent).
func (a *Adapter) directRoom(ctx context.Context, username string) (string, error) {
	a.mu.Lock()
	rid, ok := a.dmRooms[username]
	a.mu.Unlock()
	if ok {
		return rid, nil
	}
	var out struct {
		Room struct {
			ID  string `json:"_id"`
			RID string `json:"rid"`
		} `json:"room"`
	}
	if err := a.rest.post(ctx, "im.create", map[string]string{"username": username}, &out); err != nil {
		return "", err
	}
	rid = cmpOr(out.Room.RID, out.Room.ID)
	if rid == "" {
		return "", fmt.Errorf("rocketchat: im.create %s: no room id", username)
	}
	a.mu.Lock()
	a.dmRooms[username] = rid
	a.mu.Unlock()
	return rid, nil
}

// governanceRoom resolves the configured channel name to its room id.
func (a *Adapter) governanceRoom(ctx context.Context) (string, error) {
	a.mu.Lock()
	rid := a.govRoom
	a.mu.Unlock()
	if rid != "" {
		return rid, nil
	}
	if a.cfg.Channel == "" {
		return "", errors.New("rocketchat: no governance channel configured")
	}
	var out struct {
		Room rcRoom `json:"room"`
	}
	if err := a.rest.get(ctx, "rooms.info", url.Values{"roomName": {a.cfg.Channel}}, &out); err != nil {
		return "", fmt.Errorf("rocketchat: governance channel %q: %w", a.cfg.Channel, err)
	}
	a.mu.Lock()
	a.govRoom = out.Room.ID
	a.mu.Unlock()
	return out.Room.ID, nil
}

// usernameOf returns the username of a user id.
func (a *Adapter) usernameOf(ctx context.Context, userID string) (string, error) {
	var out struct {
		User rcUser `json:"user"`
	}
	if err := a.rest.get(ctx, "users.info", url.Values{"userId": {userID}}, &out); err != nil {
		return "", err
	}
	return out.User.Username, nil
}
