package rcfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
)

// serveREST dispatches /api/v1/<endpoint>, applying queued failures first.
func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	endpoint := strings.TrimPrefix(r.URL.Path, "/api/v1/")
	s.mu.Lock()
	var f *Failure
	if len(s.failures) > 0 {
		f = &s.failures[0]
		s.failures = s.failures[1:]
	}
	s.mu.Unlock()

	if f != nil && f.AfterCommit {
		s.serveEndpoint(httptest.NewRecorder(), r, endpoint) // done, answer lost
	}
	if f != nil {
		s.record(r.Method, endpoint, f.Status)
		maps.Copy(w.Header(), f.Header)
		writeJSON(w, f.Status, map[string]any{"success": false, "error": http.StatusText(f.Status)})
		return
	}
	rec := httptest.NewRecorder()
	s.serveEndpoint(rec, r, endpoint)
	s.record(r.Method, endpoint, rec.Code)
	maps.Copy(w.Header(), rec.Header())
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

func (s *Server) record(method, endpoint string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, fmt.Sprintf("%s %s %d", method, endpoint, status))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, errorType, msg string) {
	writeJSON(w, http.StatusBadRequest, map[string]any{"success": false, "error": msg, "errorType": errorType})
}

func (s *Server) serveEndpoint(w http.ResponseWriter, r *http.Request, endpoint string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if endpoint == "login" && r.Method == http.MethodPost {
		s.restLogin(w, r)
		return
	}
	u := s.users[r.Header.Get("X-User-Id")]
	if u == nil || u.Token == "" || u.Token != r.Header.Get("X-Auth-Token") {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"status": "error", "message": "You must be logged in to do this."})
		return
	}
	switch r.Method + " " + endpoint {
	case "GET me":
		writeJSON(w, http.StatusOK, map[string]any{"_id": u.ID, "username": u.Username, "name": u.Name,
			"roles": []string{"bot"}, "active": true, "success": true})
	case "POST chat.sendMessage":
		s.sendMessage(w, r, u)
	case "POST chat.postMessage":
		s.postMessage(w, r, u)
	case "POST chat.update":
		s.update(w, r, u)
	case "GET chat.getMessage":
		m := s.byID[r.URL.Query().Get("msgId")]
		if m == nil || !s.rooms[m.RoomID].has(u.ID) {
			fail(w, "error-not-allowed", "Not allowed")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"message": m.wire(s, isoDate), "success": true})
	case "POST im.create":
		s.imCreate(w, r, u)
	case "GET users.info":
		s.usersInfo(w, r)
	case "GET rooms.info", "GET channels.info", "GET groups.info":
		s.roomInfo(w, r, endpoint)
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"success": false, "error": "Not found"})
	}
}

// decode reads a JSON body, refusing unknown fields as the server's AJV
// schemas (additionalProperties:false) do.
func decode(r *http.Request, v any) error {
	var buf bytes.Buffer
	buf.ReadFrom(r.Body)
	d := json.NewDecoder(&buf)
	d.DisallowUnknownFields()
	return d.Decode(v)
}

func (s *Server) restLogin(w http.ResponseWriter, r *http.Request) {
	var body struct {
		User     string `json:"user"`
		Password string `json:"password"`
		Resume   string `json:"resume"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		fail(w, "error-invalid-params", err.Error())
		return
	}
	for _, u := range s.users {
		if (body.Resume != "" && body.Resume == u.Token) ||
			(body.User != "" && body.User == u.Username && u.Password != "" && body.Password == u.Password) {
			if u.Token == "" {
				u.Token = s.newID("tok")
			}
			writeJSON(w, http.StatusOK, map[string]any{"status": "success", "data": map[string]any{
				"userId": u.ID, "authToken": u.Token, "me": map[string]any{"_id": u.ID, "username": u.Username}}})
			return
		}
	}
	writeJSON(w, http.StatusUnauthorized, map[string]any{"status": "error", "error": "Unauthorized", "message": "Unauthorized"})
}

func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request, u *User) {
	var body struct {
		Message struct {
			ID   string `json:"_id"`
			RID  string `json:"rid"`
			Msg  string `json:"msg"`
			TMID string `json:"tmid"`
		} `json:"message"`
	}
	if err := decode(r, &body); err != nil {
		fail(w, "error-invalid-params", err.Error())
		return
	}
	m := body.Message
	s.post(w, u, &Message{ID: m.ID, RoomID: m.RID, Text: m.Msg, ThreadID: m.TMID}, false)
}

func (s *Server) postMessage(w http.ResponseWriter, r *http.Request, u *User) {
	var body struct {
		RoomID string `json:"roomId"`
		Text   string `json:"text"`
		TMID   string `json:"tmid"`
	}
	if err := decode(r, &body); err != nil {
		fail(w, "error-invalid-params", err.Error())
		return
	}
	s.post(w, u, &Message{RoomID: body.RoomID, Text: body.Text, ThreadID: body.TMID}, true)
}

// writable checks that u may write text in a room, as Rocket.Chat's
// executeSendMessage and canSendMessage do. Callers hold s.mu.
func (s *Server) writable(w http.ResponseWriter, u *User, rid, text string) bool {
	room := s.rooms[rid]
	switch {
	case room == nil:
		fail(w, "error-invalid-room", "error-invalid-room")
	case !room.has(u.ID):
		fail(w, "error-not-allowed", "error-not-allowed")
	case s.roomDown[rid] != 0:
		writeJSON(w, s.roomDown[rid], map[string]any{"success": false, "error": http.StatusText(s.roomDown[rid])})
	case utf16Len(text) > s.maxSize:
		fail(w, "error-message-size-exceeded", "Message size exceeds Message_MaxAllowedSize")
	default:
		return true
	}
	return false
}

// utf16Len is the length of s in UTF-16 code units (JavaScript's).
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}

func (s *Server) post(w http.ResponseWriter, u *User, m *Message, withTS bool) {
	if !s.writable(w, u, m.RoomID, m.Text) {
		return
	}
	room := s.rooms[m.RoomID]
	if m.ID != "" && s.byID[m.ID] != nil {
		// What MongoDB says through Rocket.Chat when an _id is reused.
		fail(w, "", fmt.Sprintf("E11000 duplicate key error collection: rocketchat_message index: _id_ dup key: { _id: %q }", m.ID))
		return
	}
	if m.ThreadID != "" && s.byID[m.ThreadID] == nil {
		fail(w, "error-invalid-message", "Invalid thread")
		return
	}
	m.UserID, m.UserName = u.ID, u.Username
	m.Mentions = s.mentionsIn(m.Text)
	s.store(m)
	out := map[string]any{"message": m.wire(s, isoDate), "success": true}
	if withTS {
		out["ts"] = m.TS.UnixMilli()
		out["channel"] = room.Name
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) update(w http.ResponseWriter, r *http.Request, u *User) {
	var body struct {
		RoomID string `json:"roomId"`
		MsgID  string `json:"msgId"`
		Text   string `json:"text"`
	}
	if err := decode(r, &body); err != nil {
		fail(w, "error-invalid-params", err.Error())
		return
	}
	m := s.byID[body.MsgID]
	if m == nil || m.RoomID != body.RoomID {
		fail(w, "error-invalid-message", "The room id provided does not match where the message is from.")
		return
	}
	if m.UserID != u.ID {
		fail(w, "error-action-not-allowed", "Editing is not allowed")
		return
	}
	if !s.writable(w, u, m.RoomID, body.Text) {
		return
	}
	m.Text = body.Text
	m.EditedAt = s.now()
	m.UpdatedAt = m.EditedAt
	s.broadcast(m)
	writeJSON(w, http.StatusOK, map[string]any{"message": m.wire(s, isoDate), "success": true})
}

func (s *Server) imCreate(w http.ResponseWriter, r *http.Request, u *User) {
	var body struct {
		Username string `json:"username"`
	}
	if err := decode(r, &body); err != nil {
		fail(w, "error-invalid-params", err.Error())
		return
	}
	other := s.idOf(body.Username)
	if other == "" {
		fail(w, "error-invalid-user", "Invalid user")
		return
	}
	id := directID(u.ID, other)
	if s.rooms[id] == nil {
		s.rooms[id] = &Room{ID: id, Type: "d", Members: []string{u.ID, other}}
	}
	writeJSON(w, http.StatusOK, map[string]any{"room": map[string]any{"_id": id, "rid": id, "t": "d",
		"usernames": []string{u.Username, body.Username}}, "success": true})
}

func (s *Server) usersInfo(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var u *User
	if id := q.Get("userId"); id != "" {
		u = s.users[id]
	} else if id := s.idOf(q.Get("username")); id != "" {
		u = s.users[id]
	}
	if u == nil {
		fail(w, "error-invalid-user", "User not found.")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": map[string]any{"_id": u.ID, "username": u.Username,
		"name": u.Name, "active": true}, "success": true})
}

func (s *Server) roomInfo(w http.ResponseWriter, r *http.Request, endpoint string) {
	q := r.URL.Query()
	var room *Room
	for _, rm := range s.rooms {
		if rm.ID == q.Get("roomId") || (rm.Name != "" && rm.Name == q.Get("roomName")) {
			room = rm
		}
	}
	if room == nil {
		fail(w, "error-room-not-found", "The required \"roomId\" or \"roomName\" param provided does not match any channel")
		return
	}
	key := map[string]string{"rooms.info": "room", "channels.info": "channel", "groups.info": "group"}[endpoint]
	writeJSON(w, http.StatusOK, map[string]any{key: room.info(s), "success": true})
}
