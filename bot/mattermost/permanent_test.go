package mattermost

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/bot/bottest"
	"github.com/mattermost/mattermost/server/public/model"
)

// countingOutbox counts the messages the adapter reads from the outbox.
type countingOutbox struct {
	*bottest.Outbox

	mu   sync.Mutex
	read int
}

func (c *countingOutbox) Pending(platform string, max int) ([]bot.Message, error) {
	return c.PendingAfter(platform, 0, max)
}

func (c *countingOutbox) PendingAfter(platform string, after uint64, max int) ([]bot.Message, error) {
	msgs, err := c.Outbox.PendingAfter(platform, after, max)
	c.mu.Lock()
	c.read += len(msgs)
	c.mu.Unlock()
	return msgs, err
}

func (c *countingOutbox) takeRead() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.read
	c.read = 0
	return n
}

// #6: however many messages a held destination holds at the head of the
// outbox, the others are reached, and a pass reads each message once.
func TestOutbox_R27_StuckHeadOfAnySizeStarvesNothing(t *testing.T) {
	e := newEnv(t)
	co := &countingOutbox{Outbox: e.out}
	e.a.deps.Outbox = co
	e.mm.setDown(otherCh, 500)
	const stuck = 6000
	for i := range uint64(stuck) {
		e.out.Add(msg(i+1, bot.KindPost, otherCh, "", "stuck"))
	}
	e.out.Add(msg(stuck+1, bot.KindPost, govID, "", "free 1"),
		msg(stuck+2, bot.KindPost, otherCh, "", "stuck too"),
		msg(stuck+3, bot.KindPost, govID, "", "free 2"))
	const total = stuck + 3
	for round := range 3 {
		e.pass(t)
		if got := messages(e.mm.postsIn(govID)); !slices.Equal(got, []string{"free 1", "free 2"}) {
			t.Fatalf("round %d: governance posts = %q: the stuck channel starved it", round, got)
		}
		if n := co.takeRead(); n > total {
			t.Errorf("round %d: %d messages read from the outbox for %d pending: want one read each", round, n, total-2)
		}
		e.clock.Advance(time.Minute)
	}
	wantAcked(t, e, stuck+1, stuck+1, stuck+3)
}

// The cursor keeps each destination's order across batches: a destination
// that fails is held for the rest of the pass, and goes on in order later.
func TestOutbox_R27_OrderPerDestinationAcrossBatches(t *testing.T) {
	e := newEnv(t)
	e.mm.failNext("POST /api/v4/posts", failure{status: 500})
	var wantO, wantG []string
	var idsO, idsG []uint64
	for id := range uint64(3*batchSize + 7) {
		id++
		text := fmt.Sprintf("m%d", id)
		if id%3 == 1 {
			e.out.Add(msg(id, bot.KindPost, otherCh, "", text))
			wantO, idsO = append(wantO, text), append(idsO, id)
		} else {
			e.out.Add(msg(id, bot.KindPost, govID, "", text))
			wantG, idsG = append(wantG, text), append(idsG, id)
		}
	}
	e.pass(t)
	if got := messages(e.mm.postsIn(govID)); !slices.Equal(got, wantG) {
		t.Errorf("governance posts = %q, want %q", got, wantG)
	}
	if got := e.mm.postsIn(otherCh); len(got) != 0 {
		t.Errorf("%d posts in the failed channel in the same pass: it must wait", len(got))
	}
	e.clock.Advance(time.Second)
	e.pass(t)
	if got := messages(e.mm.postsIn(otherCh)); !slices.Equal(got, wantO) {
		t.Errorf("posts = %q, want %q", got, wantO)
	}
	wantAcked(t, e, 0, slices.Concat(idsG, idsO)...)
}

// #5: a channel that refuses the bot for good (not a member, a DM between
// others, archived, gone) gets its card and posts in the governance channel
// instead of holding them for ever.
func TestOutbox_R27_RefusingChannelRedirectsToGovernance(t *testing.T) {
	for _, st := range []int{400, 403, 404} {
		t.Run(fmt.Sprint(st), func(t *testing.T) {
			e := newEnv(t)
			e.mm.setDown(otherCh, st)
			e.out.Add(
				card(1, otherCh, "P3", "**P3** card", true, proposalActions...),
				msg(2, bot.KindPost, otherCh, "P3", "P3 has a concern."),
				msg(3, bot.KindPost, otherCh, "", "Plain news."),
			)
			wantCalls(t, []string{
				"GET /api/v4/channels/" + otherCh + "/posts",
				"POST /api/v4/posts", // refused
				"GET /api/v4/teams/name/coop/channels/name/gouvernance",
				"GET /api/v4/channels/" + govID + "/posts", // an earlier copy?
				"POST /api/v4/posts",
				// The channel refused just now: straight to governance.
				"GET /api/v4/channels/" + govID + "/posts",
				"POST /api/v4/posts",
				"GET /api/v4/channels/" + govID + "/posts",
				"POST /api/v4/posts",
			}, e.pass(t))
			wantAcked(t, e, 0, 1, 2, 3)
			posts := e.mm.postsIn(govID)
			if diff := slices.Compare(messages(posts), []string{"**P3** card", "P3 has a concern.", "Plain news."}); diff != 0 {
				t.Fatalf("governance posts = %q", messages(posts))
			}
			cardID, ok, _ := e.cards.Card(bot.PlatformMattermost, otherCh, "P3")
			if !ok || cardID != posts[0].Id {
				t.Errorf("card of P3 in its channel = %q, %v; want the governance post %q", cardID, ok, posts[0].Id)
			}
			if got := buttons(t, e, posts[0], "P3"); !slices.Equal(got, proposalActions) {
				t.Errorf("buttons = %v", got)
			}
			if posts[1].RootId != cardID || posts[2].RootId != "" {
				t.Errorf("root ids = %q, %q; want the card's for the P3 post only", posts[1].RootId, posts[2].RootId)
			}
			for i, p := range posts {
				if want := e.a.msgTag(bot.Message{ID: uint64(i + 1)}); p.GetProp(propMsg) != want {
					t.Errorf("post %d tag = %v, want %s", i, p.GetProp(propMsg), want)
				}
			}
			if l := e.logs.String(); !strings.Contains(l, "level=WARN") || !strings.Contains(l, "governance channel instead") || !strings.Contains(l, "channel="+otherCh) {
				t.Errorf("no warning naming the channel in the log:\n%s", l)
			}

			// Later updates patch the card where it went.
			e.out.Add(card(4, otherCh, "P3", "**P3** card, approved", false))
			wantCalls(t, []string{"PUT /api/v4/posts/" + cardID + "/patch"}, e.pass(t))
			if p := e.mm.post(cardID); p.Message != "**P3** card, approved" || len(p.Attachments()) != 0 {
				t.Errorf("card = %q with %d attachments", p.Message, len(p.Attachments()))
			}
			if n := len(e.mm.postsIn(otherCh)); n != 0 {
				t.Errorf("%d posts in the refusing channel", n)
			}
			wantAcked(t, e, 0, 1, 2, 3, 4)
		})
	}
}

// A channel the bot may post in but not read (system_post_all, private
// channel): the duplicate check cannot be made there, so its messages all go
// to the governance channel, not some there and some in the channel.
func TestOutbox_R27_UnreadableChannelIsRedirectedConsistently(t *testing.T) {
	e := newEnv(t)
	e.mm.setUnreadable(otherCh, 403)
	e.out.Add(msg(1, bot.KindPost, otherCh, "", "a"))
	e.pass(t)
	e.out.Add(msg(2, bot.KindPost, otherCh, "", "b"))
	e.pass(t)
	e.clock.Advance(refusedRetry + time.Second) // tried again: still unreadable
	e.out.Add(msg(3, bot.KindPost, otherCh, "", "c"))
	e.pass(t)
	wantAcked(t, e, 0, 1, 2, 3)
	if got := messages(e.mm.postsIn(govID)); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("governance posts = %q", got)
	}
	if n := len(e.mm.postsIn(otherCh)); n != 0 {
		t.Errorf("%d posts in the channel", n)
	}

	// The bot is added to the channel: after a while, it posts there again.
	e.mm.setUnreadable(otherCh, 0)
	e.out.Add(msg(4, bot.KindPost, otherCh, "", "d"))
	e.pass(t)
	if got := messages(e.mm.postsIn(govID)); !slices.Equal(got, []string{"a", "b", "c", "d"}) {
		t.Errorf("governance posts = %q: still within the wait", got)
	}
	e.clock.Advance(refusedRetry + time.Second)
	e.out.Add(msg(5, bot.KindPost, otherCh, "", "e"))
	wantCalls(t, []string{"GET /api/v4/channels/" + otherCh + "/posts", "POST /api/v4/posts"}, e.pass(t))
	e.out.Add(msg(6, bot.KindPost, otherCh, "", "f"))
	wantCalls(t, []string{"POST /api/v4/posts"}, e.pass(t))
	if got := messages(e.mm.postsIn(otherCh)); !slices.Equal(got, []string{"e", "f"}) {
		t.Errorf("channel posts = %q", got)
	}
	wantAcked(t, e, 0, 1, 2, 3, 4, 5, 6)
}

// A card left in a channel that was archived since (or that the bot was
// removed from) cannot be edited: the update goes to a new card in the
// governance channel instead of being retried for ever.
func TestOutbox_R27_CardInArchivedChannelMovesToGovernance(t *testing.T) {
	for _, st := range []int{400, 403} {
		t.Run(fmt.Sprint(st), func(t *testing.T) {
			e := newEnv(t)
			old := &model.Post{ChannelId: otherCh, Message: "**C1** card"}
			oldID := e.mm.addPost(old)
			_ = e.cards.SetCard(bot.PlatformMattermost, otherCh, "C1", oldID)
			e.mm.setDown(otherCh, st)
			e.out.Add(card(1, otherCh, "C1", "**C1** accepted", false),
				msg(2, bot.KindPost, otherCh, "C1", "C1 accepted."))
			e.pass(t)
			wantAcked(t, e, 0, 1, 2)
			posts := e.mm.postsIn(govID)
			if got := messages(posts); !slices.Equal(got, []string{"**C1** accepted", "C1 accepted."}) {
				t.Fatalf("governance posts = %q", got)
			}
			if id, _, _ := e.cards.Card(bot.PlatformMattermost, otherCh, "C1"); id != posts[0].Id || posts[1].RootId != id {
				t.Errorf("card = %q, reply root = %q; want the new card %q", id, posts[1].RootId, posts[0].Id)
			}
		})
	}
}

// Only permanent refusals redirect: errors that may pass keep the message in
// its channel's queue, retried, as does a refusal of the governance channel
// itself (there is nowhere else to go).
func TestOutbox_R27_TransientErrorsAndGovernanceAreNotRedirected(t *testing.T) {
	for _, st := range []int{401, 429, 500, 502, 503} {
		t.Run(fmt.Sprint(st), func(t *testing.T) {
			e := newEnv(t)
			e.mm.setDown(otherCh, st)
			e.out.Add(msg(1, bot.KindPost, otherCh, "", "wait"))
			for range 3 {
				e.pass(t)
				e.clock.Advance(time.Minute)
			}
			wantAcked(t, e, 1)
			if n := len(e.mm.postsIn(govID)); n != 0 {
				t.Errorf("%d posts redirected to governance on a %d", n, st)
			}
		})
	}
	t.Run("Governance", func(t *testing.T) {
		e := newEnv(t)
		e.mm.setDown(govID, 403)
		e.out.Add(msg(1, bot.KindPost, govID, "", "by id"), msg(2, bot.KindPost, "", "", "by name"))
		for range 3 {
			e.pass(t)
			e.clock.Advance(time.Minute)
		}
		wantAcked(t, e, 2)
	})
}

// The consentbot_msg tag still prevents duplicates when a message goes to the
// governance channel instead: a lost answer, then a retry.
func TestOutbox_R27_RedirectedLostAnswerIsNotPostedTwice(t *testing.T) {
	e := newEnv(t)
	e.mm.failNext("POST /api/v4/posts", failure{status: 403}, failure{status: 502, afterWork: true})
	e.out.Add(msg(1, bot.KindPost, otherCh, "", "only once"))
	e.pass(t)
	wantAcked(t, e, 1)
	e.clock.Advance(time.Second)
	wantCalls(t, []string{"GET /api/v4/channels/" + govID + "/posts"}, e.pass(t))
	wantAcked(t, e, 0, 1)
	if got := messages(e.mm.postsIn(govID)); !slices.Equal(got, []string{"only once"}) {
		t.Errorf("governance posts = %q", got)
	}
}

// A previous process redirected a card and died before SetCard and Ack: the
// new one finds it in the governance channel and updates it.
func TestOutbox_R27_RedirectedCardRestartAfterCreateBeforeAck(t *testing.T) {
	e := newEnv(t)
	e.mm.setDown(otherCh, 403)
	old := &model.Post{ChannelId: govID, Message: "**P3** card"}
	old.AddProp(propMsg, e.a.msgTag(bot.Message{ID: 7}))
	oldID := e.mm.addPost(old)
	e.out.Add(card(7, otherCh, "P3", "**P3** card", true, proposalActions...),
		card(8, otherCh, "P3", "**P3** card, validated", true, proposalActions...))
	e.pass(t)
	wantAcked(t, e, 0, 7, 8)
	if id, _, _ := e.cards.Card(bot.PlatformMattermost, otherCh, "P3"); id != oldID {
		t.Errorf("card = %q, want the post found %q", id, oldID)
	}
	if got := messages(e.mm.postsIn(govID)); !slices.Equal(got, []string{"**P3** card, validated"}) {
		t.Errorf("governance posts = %q, want the one card, updated", got)
	}
}

// #7/#15: a DM to a member with no Mattermost account is dropped with a
// warning (they may be on another platform only) instead of holding their
// DMs for ever; an account made since is found again after a while.
func TestOutbox_DirectMessageToMemberWithNoAccount(t *testing.T) {
	e := newEnv(t)
	e.out.Add(dm(1, "zoe", "one"), dm(2, "zoe", "two"), dm(3, "alice", "for alice"))
	wantCalls(t, []string{
		"GET /api/v4/users/username/zoe", // asked once
		"GET /api/v4/users/me",
		"POST /api/v4/channels/direct",
		"GET /api/v4/channels/" + dmChannelID(aliceID) + "/posts",
		"POST /api/v4/posts",
	}, e.pass(t))
	wantAcked(t, e, 0, 1, 2, 3)
	if l := e.logs.String(); strings.Count(l, "member=zoe") != 2 || !strings.Contains(l, "level=WARN") {
		t.Errorf("want a warning per dropped DM:\n%s", l)
	}

	const zoeID = "z0ez0ez0ez0ez0ez0ez0ez0ez0"
	e.mm.addUser("zoe", zoeID)
	e.clock.Advance(noAccountRetry)
	e.out.Add(dm(4, "zoe", "three"))
	e.pass(t)
	wantAcked(t, e, 0, 1, 2, 3, 4)
	if got := messages(e.mm.postsIn(dmChannelID(zoeID))); !slices.Equal(got, []string{"three"}) {
		t.Errorf("zoe's DMs = %q", got)
	}
}
