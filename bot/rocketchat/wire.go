package rocketchat

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// rcTime reads both date encodings of Rocket.Chat: {"$date":ms} on DDP and
// ISO-8601 strings on REST.
type rcTime struct{ time.Time }

func (t *rcTime) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		p, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return fmt.Errorf("rocketchat: date %q: %w", s, err)
		}
		t.Time = p
		return nil
	}
	var d struct {
		Date int64 `json:"$date"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		return fmt.Errorf("rocketchat: date %s: %w", b, err)
	}
	t.Time = time.UnixMilli(d.Date).UTC()
	return nil
}

// ejson renders a time for a DDP method parameter.
func ejson(t time.Time) map[string]int64 { return map[string]int64{"$date": t.UnixMilli()} }

// rcUser is the part of a user object the adapter needs.
type rcUser struct {
	ID       string `json:"_id"`
	Username string `json:"username"`
}

// rcMessage is the part of IMessage the adapter needs. The SDK's model drops
// tmid, editedAt and mentions, and mistypes editedBy, so it is not used.
type rcMessage struct {
	ID       string   `json:"_id"`
	RoomID   string   `json:"rid"`
	Msg      string   `json:"msg"`
	Type     string   `json:"t"`
	ThreadID string   `json:"tmid"`
	TS       rcTime   `json:"ts"`
	EditedAt *rcTime  `json:"editedAt"`
	User     rcUser   `json:"u"`
	Mentions []rcUser `json:"mentions"`
}

// roomContext is the second argument of a __my_messages__ event.
type roomContext struct {
	RoomParticipant *bool  `json:"roomParticipant"`
	RoomType        string `json:"roomType"`
	RoomName        string `json:"roomName"`
	// OneToOne is set by the adapter, not the server: the room is a direct
	// room ("d") between the bot and the author alone. A group DM is also
	// "d", but it is not private (R25).
	OneToOne bool `json:"-"`
}

// streamFields is the "fields" of a stream-room-messages event.
type streamFields struct {
	EventName string            `json:"eventName"`
	Args      []json.RawMessage `json:"args"`
}

// rcRoom is a room as rooms/get and rooms.info return it. Direct rooms
// list their members in UIDs and Usernames.
type rcRoom struct {
	ID         string   `json:"_id"`
	Name       string   `json:"name"`
	Type       string   `json:"t"`
	UIDs       []string `json:"uids"`
	Usernames  []string `json:"usernames"`
	UsersCount int      `json:"usersCount"`
}

// members is how many people are in the room, as far as the room data
// says (0 when it says nothing).
func (r rcRoom) members() int {
	return max(len(r.UIDs), len(r.Usernames), r.UsersCount)
}
