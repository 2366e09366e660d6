package mattermost

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentbot/consentbot/bot"
	"github.com/google/go-cmp/cmp"
	"github.com/mattermost/mattermost/server/public/model"
)

var proposalActions = []string{"validate", "object", "concern", "lift"}

func card(id uint64, channel, subject, text string, live bool, actions ...string) bot.Message {
	m := msg(id, bot.KindCard, channel, subject, text)
	m.Live, m.Actions = live, actions
	return m
}

func dm(id uint64, member, text string) bot.Message {
	m := msg(id, bot.KindDM, "", "", text)
	m.Member = member
	return m
}

// pass runs one delivery pass and returns the Mattermost calls it made.
func (e *env) pass(t *testing.T) []string {
	t.Helper()
	e.a.pass(context.Background())
	return e.mm.takeCalls()
}

func wantCalls(t *testing.T, want, got []string) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Mattermost calls (-want +got):\n%s", diff)
	}
}

func wantAcked(t *testing.T, e *env, pending int, acked ...uint64) {
	t.Helper()
	p, a := e.out.State()
	if p != pending || !slices.Equal(a, acked) {
		t.Errorf("outbox: %d pending, acked %v; want %d pending, acked %v", p, a, pending, acked)
	}
}

func messages(posts []*model.Post) []string {
	var out []string
	for _, p := range posts {
		out = append(out, p.Message)
	}
	return out
}

// buttons returns the verbs of a stored post's buttons, checking that each
// one is a valid signed button pointing at the adapter.
func buttons(t *testing.T, e *env, p *model.Post, subject string) []string {
	t.Helper()
	var verbs []string
	for _, att := range p.Attachments() {
		for _, act := range att.Actions {
			if err := act.IsValid(); err != nil {
				t.Errorf("button %q: %v", act.Name, err)
			}
			v, _ := act.Integration.Context["verb"].(string)
			if act.Integration.URL != publicURL+"/mattermost/actions/"+e.a.secretPath+"/"+v {
				t.Errorf("button %q url = %q", act.Name, act.Integration.URL)
			}
			sig, _ := act.Integration.Context["sig"].(string)
			if act.Integration.Context["subject"] != subject || !validActionSig(testSecret, v, subject, sig) {
				t.Errorf("button %q context = %v", act.Name, act.Integration.Context)
			}
			verbs = append(verbs, v)
		}
	}
	return verbs
}

func TestOutbox_CardCreatedThenUpdatedInPlaceKeepsButtons(t *testing.T) {
	e := newEnv(t)
	e.out.Add(card(1, "", "P3", "**P3** Migrate Nextcloud — open", true, proposalActions...))
	wantCalls(t, []string{
		"GET /api/v4/teams/name/coop/channels/name/gouvernance",
		"GET /api/v4/channels/" + govID + "/posts", // first message since start: already there?
		"POST /api/v4/posts",
	}, e.pass(t))
	wantAcked(t, e, 0, 1)
	postID, ok, _ := e.cards.Card(bot.PlatformMattermost, govID, "P3")
	if !ok {
		t.Fatal("card not recorded")
	}
	p := e.mm.post(postID)
	if p.ChannelId != govID || p.Message != "**P3** Migrate Nextcloud — open" || p.GetProp(propMsg) != e.a.msgTag(bot.Message{ID: 1}) {
		t.Errorf("card post = %q in %s, tag %v", p.Message, p.ChannelId, p.GetProp(propMsg))
	}
	if got := buttons(t, e, p, "P3"); !slices.Equal(got, proposalActions) {
		t.Errorf("buttons = %v", got)
	}
	var names []string
	for _, act := range p.Attachments()[0].Actions {
		names = append(names, act.Name)
	}
	if want := []string{"Validate", "Object…", "Concern…", "Lift"}; !slices.Equal(names, want) {
		t.Errorf("labels = %v, want %v", names, want)
	}

	// The button works: its context, as Mattermost will send it back, passes.
	ctx := p.Attachments()[0].Actions[0].Integration.Context
	if code, _ := e.click(t, "validate", ctx); code != 200 || len(e.h.Requests()) != 1 || e.h.Requests()[0].Text != "validate P3" {
		t.Errorf("click on the rendered button: %d %v", code, e.h.Requests())
	}

	e.out.Add(card(2, "", "P3", "**P3** Migrate Nextcloud — 1 validation", true, proposalActions...))
	wantCalls(t, []string{"PUT /api/v4/posts/" + postID + "/patch"}, e.pass(t))
	p = e.mm.post(postID)
	if p.Message != "**P3** Migrate Nextcloud — 1 validation" {
		t.Errorf("updated message = %q", p.Message)
	}
	if got := buttons(t, e, p, "P3"); !slices.Equal(got, proposalActions) {
		t.Errorf("buttons after update = %v, want them kept", got)
	}

	e.out.Add(card(3, "", "P3", "**P3** Migrate Nextcloud — done", false))
	wantCalls(t, []string{"PUT /api/v4/posts/" + postID + "/patch"}, e.pass(t))
	p = e.mm.post(postID)
	if p.Message != "**P3** Migrate Nextcloud — done" || len(p.Attachments()) != 0 {
		t.Errorf("closed card = %q with %d attachments, want no buttons", p.Message, len(p.Attachments()))
	}
	if n := len(e.mm.postsIn(govID)); n != 1 {
		t.Errorf("%d posts in the channel, want the one card", n)
	}
	wantAcked(t, e, 0, 1, 2, 3)
}

func TestOutbox_CardPostDeletedIsPostedAgain(t *testing.T) {
	e := newEnv(t)
	_ = e.cards.SetCard(bot.PlatformMattermost, otherCh, "C1", "deletedpost000000000000000")
	e.out.Add(card(1, otherCh, "C1", "**C1** bob as operationnel", true, "vote_yes", "vote_no"))
	wantCalls(t, []string{
		"PUT /api/v4/posts/deletedpost000000000000000/patch",
		"GET /api/v4/channels/" + otherCh + "/posts",
		"POST /api/v4/posts",
	}, e.pass(t))
	id, _, _ := e.cards.Card(bot.PlatformMattermost, otherCh, "C1")
	if p := e.mm.post(id); p == nil || !slices.Equal(buttons(t, e, p, "C1"), []string{"vote_yes", "vote_no"}) {
		t.Errorf("new card %q not recorded or without its buttons", id)
	}
	wantAcked(t, e, 0, 1)
}

func TestOutbox_ThreadReplyUnderTheCard(t *testing.T) {
	e := newEnv(t)
	e.out.Add(
		card(1, "", "P3", "**P3** card", true, proposalActions...),
		msg(2, bot.KindPost, "", "P3", "P3 is approved."),
		msg(3, bot.KindPost, "", "P9", "P9 has no card here."),
		msg(4, bot.KindPost, "", "", "Meeting tomorrow."),
	)
	e.pass(t)
	wantAcked(t, e, 0, 1, 2, 3, 4)
	cardID, _, _ := e.cards.Card(bot.PlatformMattermost, govID, "P3")
	posts := e.mm.postsIn(govID)
	if diff := cmp.Diff([]string{"**P3** card", "P3 is approved.", "P9 has no card here.", "Meeting tomorrow."}, messages(posts)); diff != "" {
		t.Fatalf("posts (-want +got):\n%s", diff)
	}
	roots := []string{posts[1].RootId, posts[2].RootId, posts[3].RootId}
	if !slices.Equal(roots, []string{cardID, "", ""}) {
		t.Errorf("root ids = %q, want the card only for the P3 reply", roots)
	}
	for i, p := range posts {
		if want := e.a.msgTag(bot.Message{ID: uint64(i + 1)}); p.GetProp(propMsg) != want {
			t.Errorf("post %d tag = %v, want %s", i, p.GetProp(propMsg), want)
		}
	}
}

func TestOutbox_ExceptSkipsTheGovernanceCopy(t *testing.T) {
	e := newEnv(t)
	a := msg(1, bot.KindPost, "", "", "Already said here.")
	a.Except = govID
	b := msg(2, bot.KindPost, "", "", "Said in another channel.")
	b.Except = otherCh
	e.out.Add(a, b)
	e.pass(t)
	wantAcked(t, e, 0, 1, 2)
	if got := messages(e.mm.postsIn(govID)); !slices.Equal(got, []string{"Said in another channel."}) {
		t.Errorf("governance posts = %q", got)
	}
}

func TestOutbox_DirectMessages(t *testing.T) {
	e := newEnv(t)
	e.out.Add(
		dm(1, "alice", "Welcome, alice."),    // bound identity
		dm(2, "bob", "You have a vote due."), // unbound: looked up by username
		dm(3, "carol", "Hello carol."),       // no account anywhere yet
		dm(4, "alice", "Second."),
	)
	wantCalls(t, []string{
		"GET /api/v4/users/me",
		"POST /api/v4/channels/direct",
		"GET /api/v4/channels/" + dmChannelID(aliceID) + "/posts",
		"POST /api/v4/posts",
		"GET /api/v4/users/username/bob",
		"POST /api/v4/channels/direct",
		"GET /api/v4/channels/" + dmChannelID(bobID) + "/posts",
		"POST /api/v4/posts",
		"GET /api/v4/users/username/carol",
		"POST /api/v4/posts",
	}, e.pass(t))
	// carol's message is dropped with a warning: she has no account here (she
	// may be on another platform only), and it must not wait for ever.
	wantAcked(t, e, 0, 1, 2, 3, 4)
	if !strings.Contains(e.logs.String(), "member=carol") || !strings.Contains(e.logs.String(), "no Mattermost account") {
		t.Errorf("no warning about carol's dropped DM in the log:\n%s", e.logs.String())
	}
	if got := messages(e.mm.postsIn(dmChannelID(aliceID))); !slices.Equal(got, []string{"Welcome, alice.", "Second."}) {
		t.Errorf("alice's DMs = %q", got)
	}
	if got := messages(e.mm.postsIn(dmChannelID(bobID))); !slices.Equal(got, []string{"You have a vote due."}) {
		t.Errorf("bob's DMs = %q", got)
	}

	// Once she is bound to an account, her DMs go out.
	const carolID = "c4r0lc4r0lc4r0lc4r0lc4r0lc"
	e.ids.Bind("carol", carolID)
	e.out.Add(dm(5, "carol", "Hello again carol."))
	wantCalls(t, []string{"POST /api/v4/channels/direct", "POST /api/v4/posts"}, e.pass(t))
	wantAcked(t, e, 0, 1, 2, 3, 4, 5)
	if got := messages(e.mm.postsIn(dmChannelID(carolID))); !slices.Equal(got, []string{"Hello again carol."}) {
		t.Errorf("carol's DMs = %q", got)
	}
}

// waitDelivered runs until the outbox is empty or the deadline passes.
func waitDelivered(t *testing.T, e *env) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if p, _ := e.out.State(); p == 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	p, _ := e.out.State()
	t.Fatalf("%d messages still pending", p)
}

func TestOutbox_R27_ServerErrorThenOKDeliveredOnceInOrder(t *testing.T) {
	e := newEnv(t)
	e.a.now = time.Now // Run waits on real timers
	e.a.backoffMin = 10 * time.Millisecond
	e.mm.failNext("POST /api/v4/posts", failure{status: 500})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- e.a.Run(ctx) }()
	e.out.Add(msg(1, bot.KindPost, otherCh, "", "first"), msg(2, bot.KindPost, otherCh, "", "second"))
	waitDelivered(t, e)
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	wantCalls(t, []string{
		"GET /api/v4/channels/" + otherCh + "/posts",
		"POST /api/v4/posts", // 500: the second message must wait
		"GET /api/v4/channels/" + otherCh + "/posts",
		"POST /api/v4/posts",
		"POST /api/v4/posts",
	}, e.mm.takeCalls())
	if got := messages(e.mm.postsIn(otherCh)); !slices.Equal(got, []string{"first", "second"}) {
		t.Errorf("posts = %q, want first, second once each", got)
	}
	wantAcked(t, e, 0, 1, 2)
}

func TestOutbox_R27_LostAnswerIsNotPostedTwice(t *testing.T) {
	e := newEnv(t)
	// The post is created, but the answer is a 502 (a proxy timed out).
	e.mm.failNext("POST /api/v4/posts", failure{status: 502, afterWork: true})
	e.out.Add(msg(1, bot.KindPost, otherCh, "", "only once"))
	e.pass(t)
	wantAcked(t, e, 1)
	e.clock.Advance(time.Second)
	wantCalls(t, []string{"GET /api/v4/channels/" + otherCh + "/posts"}, e.pass(t))
	wantAcked(t, e, 0, 1)
	if got := messages(e.mm.postsIn(otherCh)); !slices.Equal(got, []string{"only once"}) {
		t.Errorf("posts = %q", got)
	}
}

func TestOutbox_R27_FailedAckIsNotPostedTwice(t *testing.T) {
	e := newEnv(t)
	e.out.FailAcks(1)
	e.out.Add(msg(1, bot.KindPost, otherCh, "", "once"), msg(2, bot.KindPost, otherCh, "", "twice"))
	e.pass(t)
	wantAcked(t, e, 2) // delivered, not acknowledged: the second one waits
	e.clock.Advance(time.Second)
	wantCalls(t, []string{"GET /api/v4/channels/" + otherCh + "/posts", "POST /api/v4/posts"}, e.pass(t))
	wantAcked(t, e, 0, 1, 2)
	if got := messages(e.mm.postsIn(otherCh)); !slices.Equal(got, []string{"once", "twice"}) {
		t.Errorf("posts = %q", got)
	}
}

func TestOutbox_TooLongTextIsCut(t *testing.T) {
	e := newEnv(t)
	e.out.Add(msg(1, bot.KindPost, otherCh, "", strings.Repeat("é", model.PostMessageMaxRunesV2+10)))
	e.pass(t)
	wantAcked(t, e, 0, 1)
	if got := []rune(e.mm.postsIn(otherCh)[0].Message); len(got) != model.PostMessageMaxRunesV2 || got[len(got)-1] != '…' {
		t.Errorf("post is %d runes", len(got))
	}
}

func TestOutbox_R27_RestartAfterCreateBeforeAck(t *testing.T) {
	e := newEnv(t)
	// A previous process created the card post of message 7, then died before
	// SetCard and Ack.
	old := &model.Post{ChannelId: govID, Message: "**P3** card"}
	old.AddProp(propMsg, e.a.msgTag(bot.Message{ID: 7}))
	oldID := e.mm.addPost(old)
	e.out.Add(card(7, "", "P3", "**P3** card", true, proposalActions...),
		card(8, "", "P3", "**P3** card, validated", true, proposalActions...))
	wantCalls(t, []string{
		"GET /api/v4/teams/name/coop/channels/name/gouvernance",
		"GET /api/v4/channels/" + govID + "/posts",
		"PUT /api/v4/posts/" + oldID + "/patch",
	}, e.pass(t))
	if id, _, _ := e.cards.Card(bot.PlatformMattermost, govID, "P3"); id != oldID {
		t.Errorf("card = %q, want the post found %q", id, oldID)
	}
	if got := messages(e.mm.postsIn(govID)); !slices.Equal(got, []string{"**P3** card, validated"}) {
		t.Errorf("posts = %q, want the one card, updated", got)
	}
	wantAcked(t, e, 0, 7, 8)
}

func TestOutbox_R27_TooManyRequestsRetriedAfterRetryAfter(t *testing.T) {
	e := newEnv(t)
	e.mm.failNext("POST /api/v4/posts", failure{status: 429, retryAfter: 3})
	e.out.Add(msg(1, bot.KindPost, otherCh, "", "rate limited"))
	wantCalls(t, []string{"GET /api/v4/channels/" + otherCh + "/posts", "POST /api/v4/posts"}, e.pass(t))
	wantAcked(t, e, 1)
	if w := e.a.nextWake(); w != 3*time.Second {
		t.Errorf("next attempt in %v, want the server's Retry-After 3s", w)
	}
	e.clock.Advance(2 * time.Second)
	wantCalls(t, nil, e.pass(t))
	e.clock.Advance(time.Second)
	// A 429 means nothing was created: no need to look for it.
	wantCalls(t, []string{"POST /api/v4/posts"}, e.pass(t))
	wantAcked(t, e, 0, 1)
}

func TestOutbox_R27_BackoffDoublesAndIsCapped(t *testing.T) {
	e := newEnv(t)
	e.mm.setDown(otherCh, 503)
	e.out.Add(msg(1, bot.KindPost, otherCh, "", "x"))
	var waits []time.Duration
	for range 9 {
		e.pass(t)
		w := e.a.nextWake()
		waits = append(waits, w)
		e.clock.Advance(w)
	}
	want := []time.Duration{1, 2, 4, 8, 16, 32, 60, 60, 60}
	for i := range want {
		want[i] *= time.Second
	}
	if !slices.Equal(waits, want) {
		t.Errorf("backoff = %v, want %v", waits, want)
	}
	wantAcked(t, e, 1)
}

func TestOutbox_R27_FailingChannelDoesNotBlockOthers(t *testing.T) {
	e := newEnv(t)
	e.mm.setDown(otherCh, 500)
	e.out.Add(
		msg(1, bot.KindPost, otherCh, "", "o1"),
		msg(2, bot.KindPost, govID, "", "g1"),
		msg(3, bot.KindPost, otherCh, "", "o2"),
		msg(4, bot.KindPost, govID, "", "g2"),
	)
	e.pass(t)
	wantAcked(t, e, 2, 2, 4)
	e.mm.setDown(otherCh, 0)
	e.clock.Advance(time.Second)
	e.pass(t)
	wantAcked(t, e, 0, 2, 4, 1, 3)
	if got := messages(e.mm.postsIn(otherCh)); !slices.Equal(got, []string{"o1", "o2"}) {
		t.Errorf("posts = %q, want o1 before o2", got)
	}
}

func TestOutbox_R27_LooksPastMoreThanABatchOfStuckMessages(t *testing.T) {
	e := newEnv(t)
	e.mm.setDown(otherCh, 500)
	for i := range uint64(2*batchSize + 5) {
		e.out.Add(msg(i+1, bot.KindPost, otherCh, "", "stuck"))
	}
	e.out.Add(msg(1000, bot.KindPost, govID, "", "free"))
	e.pass(t)
	if got := messages(e.mm.postsIn(govID)); !slices.Equal(got, []string{"free"}) {
		t.Errorf("governance posts = %q: a stuck channel blocked another one", got)
	}
}

func TestOutbox_R27_GovernanceChannelUnreachable(t *testing.T) {
	t.Run("MattermostDownHoldsEveryChannel", func(t *testing.T) {
		e := newEnv(t)
		e.mm.failNext("GET /api/v4/teams/name/{team}/channels/name/{channel}", failure{status: 503})
		e.out.Add(
			msg(1, bot.KindPost, "", "", "to governance"),
			msg(2, bot.KindPost, govID, "", "to governance by id"), // must not overtake 1
			dm(3, "alice", "a DM goes on"),
		)
		e.pass(t)
		wantAcked(t, e, 2, 3)
		e.mm.takeCalls()
		wantCalls(t, nil, e.pass(t)) // in backoff: not asked again
		e.clock.Advance(time.Second)
		e.pass(t)
		wantAcked(t, e, 0, 3, 1, 2)
		if got := messages(e.mm.postsIn(govID)); !slices.Equal(got, []string{"to governance", "to governance by id"}) {
			t.Errorf("posts = %q", got)
		}
	})
	t.Run("UnknownNameHoldsOnlyGovernance", func(t *testing.T) {
		e := newEnv(t)
		e.a.cfg.Channel = "typo"
		e.out.Add(msg(1, bot.KindPost, "", "", "to governance"), msg(2, bot.KindPost, otherCh, "", "elsewhere"))
		e.pass(t)
		wantAcked(t, e, 1, 2)
	})
}

func TestOutbox_UnknownActionGetsNoButton(t *testing.T) {
	e := newEnv(t)
	e.out.Add(card(1, otherCh, "P1", "card", true, "validate", "explode"))
	e.pass(t)
	id, _, _ := e.cards.Card(bot.PlatformMattermost, otherCh, "P1")
	if got := buttons(t, e, e.mm.post(id), "P1"); !slices.Equal(got, []string{"validate"}) {
		t.Errorf("buttons = %v", got)
	}
}

func TestReady(t *testing.T) {
	e := newEnv(t)
	if err := e.a.Ready(context.Background()); err != nil {
		t.Errorf("Ready: %v", err)
	}
	e.mm.failNext("GET /api/v4/system/ping", failure{status: 500})
	if err := e.a.Ready(context.Background()); err == nil || !strings.Contains(err.Error(), "ping") {
		t.Errorf("Ready with the server failing = %v, want an error", err)
	}
}

// A post left in the channel by another installation (another database, whose
// outbox numbers also start at 1) is not taken for this one's message.
func TestOutbox_R27_OtherInstallationsPostIsNotOurs(t *testing.T) {
	e := newEnv(t)
	old := &model.Post{ChannelId: govID, Message: "**P3** someone else's card"}
	old.AddProp(propMsg, "mattermost-1")
	e.mm.addPost(old)
	e.out.Add(card(1, "", "P3", "**P3** card", true, proposalActions...))
	e.pass(t)
	if got := messages(e.mm.postsIn(govID)); len(got) != 2 || got[1] != "**P3** card" {
		t.Fatalf("posts = %q: our card was not posted", got)
	}
}
