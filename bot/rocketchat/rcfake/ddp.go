package rcfake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// conn is one DDP client connection. Its fields are guarded by Server.mu.
type conn struct {
	ws         *websocket.Conn
	wmu        sync.Mutex
	info       *ConnInfo
	user       string // logged-in user id
	myMessages bool   // subscribed to __my_messages__ and "added" sent
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// inbound is a DDP message from the client.
type inbound struct {
	Msg    string            `json:"msg"`
	ID     string            `json:"id"`
	Method string            `json:"method"`
	Name   string            `json:"name"`
	Params []json.RawMessage `json:"params"`
}

func (s *Server) serveWebsocket(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	off := s.offline
	s.mu.Unlock()
	if off {
		http.Error(w, "offline", http.StatusServiceUnavailable)
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &conn{ws: ws, info: &ConnInfo{}}
	s.mu.Lock()
	s.conns[c] = true
	s.history = append(s.history, c.info)
	c.send(map[string]any{"server_id": "0"})
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		c.info.Closed = true
		s.mu.Unlock()
		ws.Close()
	}()
	for {
		var m inbound
		if err := ws.ReadJSON(&m); err != nil {
			return
		}
		s.mu.Lock()
		if !s.silent {
			s.handle(c, m)
		}
		s.mu.Unlock()
	}
}

// send writes one frame. Callers hold s.mu.
func (c *conn) send(v any) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.ws.SetWriteDeadline(time.Now().Add(2 * time.Second))
	c.ws.WriteJSON(v)
}

// handle answers one client message. Callers hold s.mu.
func (s *Server) handle(c *conn, m inbound) {
	switch m.Msg {
	case "connect":
		// A "session" field asks to resume: Rocket.Chat never does, so every
		// socket gets a new session and starts logged out.
		c.info.Session = s.newID("sess")
		c.send(map[string]any{"msg": "connected", "session": c.info.Session})
	case "ping":
		out := map[string]any{"msg": "pong"}
		if m.ID != "" {
			out["id"] = m.ID
		}
		c.send(out)
	case "pong":
		c.info.Pongs++
	case "method":
		if s.held[m.Method] {
			return // accepted, never answered
		}
		result, derr := s.method(c, m)
		if derr != nil {
			c.send(map[string]any{"msg": "result", "id": m.ID, "error": derr})
		} else {
			c.send(map[string]any{"msg": "result", "id": m.ID, "result": result})
		}
		c.send(map[string]any{"msg": "updated", "methods": []string{m.ID}})
	case "sub":
		s.subscribe(c, m)
	case "unsub":
		c.myMessages = false
		c.send(map[string]any{"msg": "nosub", "id": m.ID})
	}
}

func ddpError(code any, reason string) map[string]any {
	return map[string]any{"isClientSafe": true, "error": code, "reason": reason,
		"message": reason, "errorType": "Meteor.Error"}
}

func (s *Server) subscribe(c *conn, m inbound) {
	var name string
	if len(m.Params) > 0 {
		json.Unmarshal(m.Params[0], &name)
	}
	if m.Name != "stream-room-messages" || name != "__my_messages__" {
		c.send(map[string]any{"msg": "nosub", "id": m.ID, "error": ddpError(404, "Subscription not found")})
		return
	}
	// params[1] is a bool or {"useCollection":bool,"args":[…]}.
	useCollection := false
	if len(m.Params) > 1 {
		if json.Unmarshal(m.Params[1], &useCollection) != nil {
			var opt struct {
				UseCollection bool `json:"useCollection"`
			}
			json.Unmarshal(m.Params[1], &opt)
			useCollection = opt.UseCollection
		}
	}
	if useCollection && s.rejectUseCollection {
		c.send(map[string]any{"msg": "nosub", "id": m.ID, "error": ddpError(500, "Internal server error")})
		return
	}
	c.info.Subs = append(c.info.Subs, m.Name+" "+name)
	if useCollection {
		c.send(map[string]any{"msg": "added", "collection": "stream-room-messages", "id": "id",
			"fields": map[string]any{"eventName": "__my_messages__"}})
		c.myMessages = true
	}
	c.send(map[string]any{"msg": "ready", "subs": []string{m.ID}})
}

// broadcast streams m to every connection allowed to see it: logged in, in
// the room, subscribed with an "added". Callers hold s.mu.
func (s *Server) broadcast(m *Message) {
	room := s.rooms[m.RoomID]
	if room == nil || s.silent {
		return
	}
	for c := range s.conns {
		if !c.myMessages || c.user == "" || !room.has(c.user) {
			continue
		}
		c.send(map[string]any{"msg": "changed", "collection": "stream-room-messages", "id": "id",
			"fields": map[string]any{"eventName": "__my_messages__", "args": []any{
				m.wire(s, ejsonDate),
				map[string]any{"roomParticipant": true, "roomType": room.Type, "roomName": room.Name},
			}}})
	}
}

func (s *Server) method(c *conn, m inbound) (any, map[string]any) {
	switch m.Method {
	case "login":
		return s.ddpLogin(c, m.Params)
	case "rooms/get":
		if c.user == "" {
			return nil, ddpError("error-invalid-user", "Invalid user")
		}
		var out []any
		ids := make([]string, 0, len(s.rooms))
		for id := range s.rooms {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			r := s.rooms[id]
			if r.has(c.user) {
				out = append(out, r.info(s))
			}
		}
		return out, nil
	case "loadMissedMessages":
		return s.loadMissed(c, m.Params)
	}
	return nil, ddpError(404, "Method '"+m.Method+"' not found")
}

func (s *Server) ddpLogin(c *conn, params []json.RawMessage) (any, map[string]any) {
	var p struct {
		Resume string `json:"resume"`
		User   struct {
			Username string `json:"username"`
		} `json:"user"`
		Password struct {
			Digest string `json:"digest"`
		} `json:"password"`
	}
	if len(params) > 0 {
		json.Unmarshal(params[0], &p)
	}
	var found *User
	for _, u := range s.users {
		if p.Resume != "" && u.Token == p.Resume {
			found = u
		}
		if p.User.Username != "" && u.Username == p.User.Username && u.Password != "" {
			sum := sha256.Sum256([]byte(u.Password))
			if hex.EncodeToString(sum[:]) == p.Password.Digest {
				found = u
			}
		}
	}
	if found == nil {
		if p.Resume != "" {
			return nil, ddpError(403, "You've been logged out by the server. Please log in again.")
		}
		return nil, ddpError(403, "User not found")
	}
	c.user = found.ID
	c.info.LoggedInAs = found.ID
	if found.Token == "" {
		found.Token = s.newID("tok")
	}
	return map[string]any{"id": found.ID, "token": found.Token,
		"tokenExpires": ejsonDate(time.Now().Add(90 * 24 * time.Hour)), "type": "resume"}, nil
}

// loadMissed returns the messages of a room newer than a date, newest first,
// or false when the user cannot access the room.
func (s *Server) loadMissed(c *conn, params []json.RawMessage) (any, map[string]any) {
	if c.user == "" {
		return nil, ddpError("error-invalid-user", "Invalid user")
	}
	var rid string
	var start struct {
		Date int64 `json:"$date"`
	}
	if len(params) != 2 || json.Unmarshal(params[0], &rid) != nil || json.Unmarshal(params[1], &start) != nil {
		return nil, ddpError(400, "Match failed")
	}
	room := s.rooms[rid]
	if room == nil || !room.has(c.user) {
		return false, nil
	}
	since := time.UnixMilli(start.Date)
	var out []*Message
	for _, m := range s.msgs {
		if m.RoomID == rid && m.TS.After(since) {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].TS.After(out[j].TS) })
	res := make([]any, 0, len(out))
	for _, m := range out {
		res = append(res, m.wire(s, ejsonDate))
	}
	return res, nil
}
