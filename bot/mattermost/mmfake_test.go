package mattermost

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
)

// IDs as a real server makes them (26 characters), from the captures.
const (
	teamID   = "x5i61tm57pnb5nffunwis5y1kw"
	govID    = "1xr9h4z19inm9qd57a6yjnbf5h"
	otherCh  = "7dyhz3yk1jgqmx4bq9w6rrq1ya"
	aliceID  = "esuf1iyjwffqdm4cnpqdhdzayh"
	bobID    = "bm9isaytd7g4zq9h3dbcnawtfe"
	botID    = "ggh7u3xq4jbtfrp1k3t8h8nq5w"
	botToken = "bot-token-xyz"
	cmdToken = "sqsqqxghjff85n9p33babe6bfa"
)

// mmFake is a Mattermost server speaking the REST API the adapter uses. It
// checks every call strictly: the bot's token, the method and path, the JSON
// body; anything unexpected fails the test.
type mmFake struct {
	t   *testing.T
	srv *httptest.Server

	mu      sync.Mutex
	calls   []string             // "METHOD /path", in order
	fail    map[string][]failure // "METHOD /pattern" → scripted failures, consumed first
	posts   map[string]*model.Post
	order   []string          // post ids in creation order
	users   map[string]string // username → id
	dialogs []model.OpenDialogRequest
	cmds    []*model.Command
	down    map[string]int // channel id → status its posts get
	noRead  map[string]int // channel id → status reading its posts gets
}

type failure struct {
	status     int
	retryAfter int  // seconds, for 429
	afterWork  bool // do the work, then answer the error (a lost answer)
}

func newMMFake(t *testing.T) *mmFake {
	f := &mmFake{
		t:      t,
		fail:   map[string][]failure{},
		posts:  map[string]*model.Post{},
		users:  map[string]string{"alice": aliceID, "bob": bobID},
		down:   map[string]int{},
		noRead: map[string]int{},
	}
	mux := http.NewServeMux()
	route := func(pattern string, h func(w http.ResponseWriter, r *http.Request)) {
		mux.HandleFunc(pattern, f.guard(pattern, h))
	}
	route("GET /api/v4/system/ping", func(w http.ResponseWriter, r *http.Request) {
		f.reply(w, 200, map[string]any{"status": "OK"})
	})
	route("GET /api/v4/users/me", func(w http.ResponseWriter, r *http.Request) {
		f.reply(w, 200, model.User{Id: botID, Username: "consentbot", IsBot: true})
	})
	route("GET /api/v4/users/username/{name}", func(w http.ResponseWriter, r *http.Request) {
		id, ok := f.users[r.PathValue("name")]
		if !ok {
			f.appError(w, 404, 0)
			return
		}
		f.reply(w, 200, model.User{Id: id, Username: r.PathValue("name")})
	})
	route("GET /api/v4/teams/name/{team}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("team") != "coop" {
			f.appError(w, 404, 0)
			return
		}
		f.reply(w, 200, model.Team{Id: teamID, Name: "coop"})
	})
	route("GET /api/v4/teams/name/{team}/channels/name/{channel}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("team") != "coop" || r.PathValue("channel") != "gouvernance" {
			f.appError(w, 404, 0)
			return
		}
		f.reply(w, 200, model.Channel{Id: govID, TeamId: teamID, Name: "gouvernance", Type: model.ChannelTypeOpen})
	})
	route("POST /api/v4/channels/direct", func(w http.ResponseWriter, r *http.Request) {
		var ids []string
		f.decode(r, &ids)
		if len(ids) != 2 || ids[0] != botID || ids[1] == "" {
			f.t.Errorf("mmfake: direct channel members = %q, want [bot, user]", ids)
		}
		f.reply(w, 201, model.Channel{Id: dmChannelID(ids[1]), Type: model.ChannelTypeDirect, Name: ids[0] + "__" + ids[1]})
	})
	route("POST /api/v4/posts", func(w http.ResponseWriter, r *http.Request) {
		var p model.Post
		f.decode(r, &p)
		if p.ChannelId == "" || p.Message == "" || p.Id != "" || p.UserId != "" {
			f.t.Errorf("mmfake: create post: channel_id=%q message=%q id=%q user_id=%q", p.ChannelId, p.Message, p.Id, p.UserId)
		}
		if st := f.down[p.ChannelId]; st != 0 {
			f.appError(w, st, 0)
			return
		}
		if p.RootId != "" && f.posts[p.RootId] == nil {
			f.appError(w, 400, 0)
			return
		}
		f.store(&p)
		out := p.Clone()
		out.StripActionIntegrations() // as the real server does
		f.reply(w, 201, out)
	})
	route("PUT /api/v4/posts/{id}/patch", func(w http.ResponseWriter, r *http.Request) {
		var patch model.PostPatch
		f.decode(r, &patch)
		p := f.posts[r.PathValue("id")]
		if p == nil {
			f.appError(w, 404, 0)
			return
		}
		if st := f.down[p.ChannelId]; st != 0 {
			f.appError(w, st, 0)
			return
		}
		p.Patch(&patch)
		out := p.Clone()
		out.StripActionIntegrations()
		f.reply(w, 200, out)
	})
	route("GET /api/v4/channels/{id}/posts", func(w http.ResponseWriter, r *http.Request) {
		if st := f.noRead[r.PathValue("id")]; st != 0 {
			f.appError(w, st, 0)
			return
		}
		per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		list := model.NewPostList()
		for i := len(f.order) - 1; i >= 0 && len(list.Order) < per; i-- {
			if p := f.posts[f.order[i]]; p.ChannelId == r.PathValue("id") {
				c := p.Clone()
				c.StripActionIntegrations()
				list.AddPost(c)
				list.AddOrder(c.Id)
			}
		}
		f.reply(w, 200, list)
	})
	route("POST /api/v4/actions/dialogs/open", func(w http.ResponseWriter, r *http.Request) {
		var req model.OpenDialogRequest
		f.decode(r, &req)
		if err := req.Dialog.IsValid(); err != nil {
			f.t.Errorf("mmfake: invalid dialog: %v", err)
		}
		if req.TriggerId == "" || req.URL == "" {
			f.t.Errorf("mmfake: open dialog without trigger_id or url: %+v", req)
		}
		f.dialogs = append(f.dialogs, req)
		f.reply(w, 200, map[string]string{"status": "OK"})
	})
	route("GET /api/v4/commands", func(w http.ResponseWriter, r *http.Request) {
		if q := r.URL.Query(); q.Get("team_id") != teamID || q.Get("custom_only") != "true" {
			f.t.Errorf("mmfake: list commands query = %v", q)
		}
		f.reply(w, 200, f.cmds)
	})
	route("POST /api/v4/commands", func(w http.ResponseWriter, r *http.Request) {
		var c model.Command
		f.decode(r, &c)
		c.Id, c.Token = fmt.Sprintf("cmd%023d", len(f.cmds)+1), fmt.Sprintf("tok%023d", len(f.cmds)+1)
		f.cmds = append(f.cmds, &c)
		f.reply(w, 201, c)
	})
	route("PUT /api/v4/commands/{id}", func(w http.ResponseWriter, r *http.Request) {
		var c model.Command
		f.decode(r, &c)
		for i, old := range f.cmds {
			if old.Id == r.PathValue("id") && c.Id == old.Id && c.TeamId == old.TeamId {
				c.Token, c.CreatorId = old.Token, old.CreatorId
				f.cmds[i] = &c
				f.reply(w, 200, c)
				return
			}
		}
		f.appError(w, 404, 0)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		f.t.Errorf("mmfake: unexpected call %s %s", r.Method, r.URL.Path)
		f.appError(w, 404, 0)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func dmChannelID(userID string) string { return "dm" + userID[2:] }

// guard records the call, checks the bot's token and plays scripted failures.
func (f *mmFake) guard(pattern string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.calls = append(f.calls, r.Method+" "+r.URL.Path)
		if got := r.Header.Get("Authorization"); !strings.EqualFold(got, "bearer "+botToken) {
			f.t.Errorf("mmfake: %s %s: Authorization = %q, want the bot token", r.Method, r.URL.Path, got)
			f.appError(w, 401, 0)
			return
		}
		if q := f.fail[pattern]; len(q) > 0 {
			fl := q[0]
			f.fail[pattern] = q[1:]
			if fl.afterWork {
				h(httptest.NewRecorder(), r)
			}
			f.appError(w, fl.status, fl.retryAfter)
			return
		}
		h(w, r)
	}
}

func (f *mmFake) failNext(pattern string, fl ...failure) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[pattern] = append(f.fail[pattern], fl...)
}

func (f *mmFake) setDown(channelID string, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down[channelID] = status
}

// setUnreadable makes reading channelID's posts answer status (0: readable):
// a private channel or a DM between others, which a bot may still be
// allowed to post in (system_post_all) but not to read.
func (f *mmFake) setUnreadable(channelID string, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.noRead[channelID] = status
}

// addUser creates an account.
func (f *mmFake) addUser(name, id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[name] = id
}

// addPost stores a post as if an earlier process had created it.
func (f *mmFake) addPost(p *model.Post) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.store(p)
	return p.Id
}

func (f *mmFake) store(p *model.Post) {
	p.Id = fmt.Sprintf("post%022d", len(f.order)+1)
	p.UserId = botID
	p.CreateAt = int64(len(f.order) + 1)
	p.AddProp(model.PostPropsFromBot, "true")
	f.posts[p.Id] = p
	f.order = append(f.order, p.Id)
}

func (f *mmFake) decode(r *http.Request, v any) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		f.t.Errorf("mmfake: read body: %v", err)
		return
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if err := dec.Decode(v); err != nil {
		f.t.Errorf("mmfake: %s %s: bad JSON body %q: %v", r.Method, r.URL.Path, b, err)
	}
}

func (f *mmFake) reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// appError answers like Mattermost does on an error.
func (f *mmFake) appError(w http.ResponseWriter, status, retryAfter int) {
	if retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	}
	f.reply(w, status, model.AppError{Id: "mmfake.error", Message: http.StatusText(status), StatusCode: status})
}

// takeCalls returns the calls made since the last takeCalls.
func (f *mmFake) takeCalls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.calls
	f.calls = nil
	return c
}

// postsIn returns the posts of a channel, oldest first.
func (f *mmFake) postsIn(channelID string) []*model.Post {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*model.Post
	for _, id := range f.order {
		if p := f.posts[id]; p.ChannelId == channelID {
			out = append(out, p.Clone())
		}
	}
	return out
}

func (f *mmFake) post(id string) *model.Post {
	f.mu.Lock()
	defer f.mu.Unlock()
	if p := f.posts[id]; p != nil {
		return p.Clone()
	}
	return nil
}

func (f *mmFake) openedDialogs() []model.OpenDialogRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.dialogs)
}

func (f *mmFake) commands() []*model.Command {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.cmds)
}
