package rcfake

import "time"

// User is an account on the fake server.
type User struct {
	ID       string
	Username string
	Name     string
	Token    string // personal access token / resume token
	Password string
}

// Room is a channel ("c"), private group ("p") or direct room ("d").
type Room struct {
	ID      string
	Name    string
	Type    string
	Members []string // user ids
}

// Message is a stored message. Zero fields are left out on the wire.
type Message struct {
	ID        string
	RoomID    string
	Text      string
	UserID    string
	UserName  string
	Type      string // system message type ("uj", "ul", …); "" for a user message
	ThreadID  string // tmid
	Mentions  []string
	TS        time.Time
	UpdatedAt time.Time
	EditedAt  time.Time
	// ThreadCount and ThreadLast are tcount and tlm: the replies in this
	// message's thread, and when the last one was said.
	ThreadCount int
	ThreadLast  time.Time
}

func (r *Room) has(userID string) bool {
	if r == nil {
		return false
	}
	for _, m := range r.Members {
		if m == userID {
			return true
		}
	}
	return false
}

// wire renders m as Rocket.Chat does: date renders a time for the transport
// (EJSON on DDP, ISO strings on REST).
func (m *Message) wire(s *Server, date func(time.Time) any) map[string]any {
	out := map[string]any{
		"_id":        m.ID,
		"rid":        m.RoomID,
		"msg":        m.Text,
		"ts":         date(m.TS),
		"_updatedAt": date(m.UpdatedAt),
		"u":          map[string]any{"_id": m.UserID, "username": m.UserName, "name": s.nameOf(m.UserID)},
		"md":         []any{},
	}
	if m.Type != "" {
		out["t"] = m.Type
	}
	if m.ThreadID != "" {
		out["tmid"] = m.ThreadID
	}
	if !m.EditedAt.IsZero() {
		out["editedAt"] = date(m.EditedAt)
		out["editedBy"] = map[string]any{"_id": m.UserID, "username": m.UserName}
	}
	if m.ThreadCount > 0 {
		out["tcount"] = m.ThreadCount
		out["tlm"] = date(m.ThreadLast)
	}
	if len(m.Mentions) > 0 {
		var ms []any
		for _, name := range m.Mentions {
			ms = append(ms, map[string]any{"_id": s.idOf(name), "username": name, "type": "user"})
		}
		out["mentions"] = ms
	}
	return out
}

// info renders a room as rooms/get and rooms.info do. Direct rooms, 1:1 and
// group DMs alike (t "d"), list their members in uids and usernames.
func (r *Room) info(s *Server) map[string]any {
	out := map[string]any{"_id": r.ID, "t": r.Type, "usersCount": len(r.Members)}
	if r.Name != "" {
		out["name"] = r.Name
	}
	if r.Type == "d" {
		names := make([]string, 0, len(r.Members))
		for _, id := range r.Members {
			if u := s.users[id]; u != nil {
				names = append(names, u.Username)
			}
		}
		out["uids"] = append([]string(nil), r.Members...)
		out["usernames"] = names
	}
	return out
}

func ejsonDate(t time.Time) any { return map[string]any{"$date": t.UnixMilli()} }

func isoDate(t time.Time) any { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
