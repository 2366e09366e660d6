package rcfake

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"
)

// Server is a fake Rocket.Chat. Create it with New; Close it when done.
type Server struct {
	URL string // http://127.0.0.1:port

	srv *httptest.Server

	mu                  sync.Mutex
	users               map[string]*User
	rooms               map[string]*Room
	msgs                []*Message
	byID                map[string]*Message
	conns               map[*conn]bool
	history             []*ConnInfo
	seq                 int
	last                time.Time
	offline             bool
	silent              bool
	rejectUseCollection bool
	failures            []Failure
	calls               []string
	held                map[string]bool // DDP methods left unanswered
	roomDown            map[string]int  // room id -> status of every post and edit there
	maxSize             int             // Message_MaxAllowedSize
}

// ConnInfo records what one websocket connection did, for assertions.
type ConnInfo struct {
	Session    string
	LoggedInAs string   // user id after a successful login
	Subs       []string // "stream-room-messages __my_messages__"
	Pongs      int      // pongs received for server pings
	Closed     bool
}

// Failure makes one REST call fail with Status. Header is added to the
// response (Retry-After, X-RateLimit-Reset). With AfterCommit the request is
// carried out first and only its response is lost: the client cannot know
// whether it worked.
type Failure struct {
	Status      int
	Header      http.Header
	AfterCommit bool
}

// New starts a fake server.
func New() *Server {
	s := &Server{
		users:    make(map[string]*User),
		rooms:    make(map[string]*Room),
		byID:     make(map[string]*Message),
		conns:    make(map[*conn]bool),
		held:     make(map[string]bool),
		roomDown: make(map[string]int),
		maxSize:  DefaultMaxMessageSize,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/websocket", s.serveWebsocket)
	mux.HandleFunc("/api/v1/", s.serveREST)
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	return s
}

// Close drops every connection and stops the server.
func (s *Server) Close() {
	s.DropConnections()
	s.srv.Close()
}

// AddUser registers a user.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.Name == "" {
		u.Name = u.Username
	}
	s.users[u.ID] = &u
}

// AddRoom registers a room with its members (user ids).
func (s *Server) AddRoom(r Room) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r.Members = slices.Clone(r.Members)
	s.rooms[r.ID] = &r
}

// RemoveMember takes a user out of a room, as a kick or a leave does.
func (s *Server) RemoveMember(roomID, userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.rooms[roomID]; r != nil {
		r.Members = slices.DeleteFunc(r.Members, func(m string) bool { return m == userID })
	}
}

// DeleteRoom deletes a room and its messages.
func (s *Server) DeleteRoom(roomID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.rooms, roomID)
	s.msgs = slices.DeleteFunc(s.msgs, func(m *Message) bool { return m.RoomID == roomID })
	for id, m := range s.byID {
		if m.RoomID == roomID {
			delete(s.byID, id)
		}
	}
}

// DefaultMaxMessageSize is Rocket.Chat's default Message_MaxAllowedSize.
const DefaultMaxMessageSize = 5000

// SetMaxMessageSize sets Message_MaxAllowedSize: a message whose text is
// longer (in UTF-16 code units, JavaScript's String length) is refused with
// error-message-size-exceeded.
func (s *Server) SetMaxMessageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxSize = n
}

// HoldMethod makes the server leave every call of a DDP method unanswered
// (true) while still answering pings, as an overloaded server or a stuck
// database query does; false answers them again (calls held meanwhile stay
// unanswered).
func (s *Server) HoldMethod(method string, hold bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.held[method] = hold
}

// SetRoomDown makes every post and edit in a room fail with status (a 5xx:
// a destination that cannot be delivered for now); 0 brings it back.
func (s *Server) SetRoomDown(roomID string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if status == 0 {
		delete(s.roomDown, roomID)
		return
	}
	s.roomDown[roomID] = status
}

// Say posts text as userID in roomID, as a person typing it, and returns the
// message id. Words starting with @ that name a user are recorded as mentions.
func (s *Server) Say(userID, roomID, text string) string {
	return s.Inject(Message{UserID: userID, RoomID: roomID, Text: text})
}

// Inject stores m (a new id and timestamps are filled in when empty) and
// streams it to the subscribers who may see it. Injecting an existing id
// replaces that message, as an update does.
func (s *Server) Inject(m Message) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m.UserName == "" {
		if u := s.users[m.UserID]; u != nil {
			m.UserName = u.Username
		}
	}
	if m.Mentions == nil {
		m.Mentions = s.mentionsIn(m.Text)
	}
	s.store(&m)
	return m.ID
}

// Edit changes the text of a message and streams the edit (editedAt set).
func (s *Server) Edit(id, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.byID[id]
	if m == nil {
		panic("rcfake: edit of unknown message " + id)
	}
	m.Text = text
	m.EditedAt = s.now()
	m.UpdatedAt = m.EditedAt
	s.broadcast(m)
}

// Touch streams a message again unchanged, as Rocket.Chat does after a
// reaction or a URL preview.
func (s *Server) Touch(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.byID[id]
	m.UpdatedAt = s.now()
	s.broadcast(m)
}

// DropConnections closes every websocket, as a network cut or a server
// restart would. Clients must dial, log in and subscribe again.
func (s *Server) DropConnections() {
	s.mu.Lock()
	cs := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		cs = append(cs, c)
	}
	s.mu.Unlock()
	for _, c := range cs {
		c.ws.Close()
	}
}

// SetOffline refuses (true) or accepts again (false) websocket connections;
// going offline drops the current ones. REST keeps working, so messages can
// be posted while the bot is away.
func (s *Server) SetOffline(off bool) {
	s.mu.Lock()
	s.offline = off
	s.mu.Unlock()
	if off {
		s.DropConnections()
	}
}

// SetSilent makes the server stop answering and sending anything on the
// existing sockets without closing them: a half-open connection.
func (s *Server) SetSilent(silent bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.silent = silent
}

// RejectUseCollection emulates Rocket.Chat 6.5–6.6 microservices, which
// answered a subscription with useCollection=true with an error.
func (s *Server) RejectUseCollection(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejectUseCollection = on
}

// PingClients sends a DDP ping to every connection; answers are counted in
// ConnInfo.Pongs.
func (s *Server) PingClients() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.send(map[string]any{"msg": "ping", "id": "srv"})
	}
}

// FailREST makes the next REST calls fail, one Failure per call, in order.
func (s *Server) FailREST(fs ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, fs...)
}

// Connections returns what each websocket connection did, oldest first.
func (s *Server) Connections() []ConnInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ConnInfo, len(s.history))
	for i, c := range s.history {
		out[i] = *c
		out[i].Subs = slices.Clone(c.Subs)
	}
	return out
}

// Calls returns the REST calls received, as "POST chat.sendMessage 500".
func (s *Server) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// Messages returns the messages of a room, oldest first.
func (s *Server) Messages(roomID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.msgs {
		if m.RoomID == roomID {
			out = append(out, *m)
		}
	}
	return out
}

// MessagesBy returns the messages userID posted, in every room, oldest first.
func (s *Server) MessagesBy(userID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.msgs {
		if m.UserID == userID {
			out = append(out, *m)
		}
	}
	return out
}

// Message returns one message by id.
func (s *Server) Message(id string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.byID[id]
	if m == nil {
		return Message{}, false
	}
	return *m, true
}

// DirectRoom returns the id of the direct room between two users, if any.
func (s *Server) DirectRoom(userA, userB string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := directID(userA, userB)
	_, ok := s.rooms[id]
	return id, ok
}

// now returns a strictly increasing clock, so message order is total.
func (s *Server) now() time.Time {
	t := time.Now().UTC().Truncate(time.Millisecond)
	if !t.After(s.last) {
		t = s.last.Add(time.Millisecond)
	}
	s.last = t
	return t
}

func (s *Server) newID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%d", prefix, s.seq)
}

// store inserts or replaces m and streams it. Callers hold s.mu.
func (s *Server) store(m *Message) {
	if m.ID == "" {
		m.ID = s.newID("m")
	}
	now := s.now()
	if m.TS.IsZero() {
		m.TS = now
	}
	m.UpdatedAt = now
	var parent *Message
	if old := s.byID[m.ID]; old != nil {
		*old = *m
		m = old
	} else {
		s.msgs = append(s.msgs, m)
		s.byID[m.ID] = m
		parent = s.byID[m.ThreadID]
	}
	s.broadcast(m)
	if parent != nil {
		// A thread reply updates its parent's counters, and Rocket.Chat
		// streams the whole parent again (without editedAt).
		parent.ThreadCount++
		parent.ThreadLast = m.TS
		parent.UpdatedAt = now
		s.broadcast(parent)
	}
}

func (s *Server) mentionsIn(text string) []string {
	var out []string
	for _, w := range strings.Fields(text) {
		name, ok := strings.CutPrefix(w, "@")
		name = strings.TrimRight(name, ",:;.!?")
		if ok && s.idOf(name) != "" {
			out = append(out, name)
		}
	}
	return out
}

func (s *Server) idOf(username string) string {
	for _, u := range s.users {
		if u.Username == username {
			return u.ID
		}
	}
	return ""
}

func (s *Server) nameOf(userID string) string {
	if u := s.users[userID]; u != nil {
		return u.Name
	}
	return ""
}

func directID(a, b string) string {
	ids := []string{a, b}
	slices.Sort(ids)
	return ids[0] + ids[1]
}
