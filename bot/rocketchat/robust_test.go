package rocketchat

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/bot/bottest"
	"github.com/consentbot/consentbot/bot/rocketchat/rcfake"
	"github.com/google/go-cmp/cmp"
)

// logRecorder keeps the messages of the records logged at Warn and above.
type logRecorder struct {
	mu   sync.Mutex
	msgs []string
}

func (r *logRecorder) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, rec.Message)
	return nil
}
func (r *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *logRecorder) WithGroup(string) slog.Handler      { return r }

func (r *logRecorder) logged(msg string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Contains(r.msgs, msg)
}

// recordLogs makes the adapter log into rec.
func recordLogs(rec *logRecorder) func(*Config, *Adapter) {
	return func(_ *Config, a *Adapter) { a.log = slog.New(rec) }
}

// #1: however many messages of held destinations sit at the head of the
// outbox, the others are delivered; each destination keeps its order.
func TestR27_StuckDestinationNeverBlocksOthers_HoweverMany(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.AddRoom(rcfake.Room{ID: "DOWN", Name: "down", Type: "c", Members: []string{botID, aliceID}})
	e.srv.SetRoomDown("DOWN", http.StatusServiceUnavailable)

	const stuck = 3*batchSize + 7
	var wantDown, wantGeneral []string
	for i := range stuck {
		wantDown = append(wantDown, fmt.Sprint("stuck ", i))
		e.outbox.Add(post("DOWN", wantDown[i]))
	}
	for i := range 5 {
		wantGeneral = append(wantGeneral, fmt.Sprint("behind them ", i))
		e.outbox.Add(post(general, wantGeneral[i]))
	}
	e.outbox.Add(bot.Message{Kind: bot.KindDM, Member: "alice", Text: "a DM behind them"})

	waitFor(t, "messages behind the stuck ones delivered", func() bool {
		return len(e.botTexts(general)) == len(wantGeneral) && e.outbox.Len() == stuck
	})
	if diff := cmp.Diff(wantGeneral, e.botTexts(general)); diff != "" {
		t.Errorf("#general (-want +got):\n%s", diff)
	}
	if got := e.botTexts(e.dmRoom(t, aliceID)); !contains(got, "a DM behind them") {
		t.Errorf("alice's DM = %q", got)
	}

	e.srv.SetRoomDown("DOWN", 0)
	waitFor(t, "outbox drained once the room is back", func() bool { return e.outbox.Len() == 0 })
	if diff := cmp.Diff(wantDown, e.botTexts("DOWN")); diff != "" {
		t.Errorf("the stuck room's messages, once delivered (-want +got):\n%s", diff)
	}
}

// #2: texts longer than Message_MaxAllowedSize are cut to fit, ending with
// "…"; a live card keeps its commands whole.
func TestLongTextsCutToMessageMaxAllowedSize(t *testing.T) {
	e := newEnv(t, nil)
	long := strings.Repeat("é", 4000) + "\n" + strings.Repeat("objection ", 150) // 5501 runes
	emoji := strings.Repeat("🌱", 3000)                                           // 3000 runes, 6000 UTF-16 units
	footer := "\n\n`!consent validate P3` · `!consent object P3 …`"
	e.outbox.Add(
		bot.Message{Kind: bot.KindCard, Subject: "P3", Live: true, Actions: []string{"validate", "object"}, Text: long},
		bot.Message{Kind: bot.KindPost, Subject: "P3", Text: emoji},
		bot.Message{Kind: bot.KindDM, Member: "alice", Text: strings.Repeat("a", 7000)},
		post(govRoom, "short, after them"),
	)
	waitFor(t, "outbox drained", func() bool { return e.outbox.Len() == 0 })

	msgs := e.srv.Messages(govRoom)
	if len(msgs) != 3 {
		t.Fatalf("governance room has %d messages, want the card, the post and the short one", len(msgs))
	}
	checkCut(t, "card", msgs[0].Text, DefaultMaxMessageSize)
	if !strings.HasSuffix(msgs[0].Text, "…"+footer) || !strings.HasPrefix(msgs[0].Text, "éé") {
		t.Errorf("card = …%q, want the cut text then the commands", tail(msgs[0].Text))
	}
	checkCut(t, "post", msgs[1].Text, DefaultMaxMessageSize)
	if msgs[1].ThreadID != msgs[0].ID {
		t.Error("post not in the card's thread")
	}
	dm := e.botTexts(e.dmRoom(t, aliceID))
	if len(dm) != 1 {
		t.Fatalf("alice's DMs = %d, want 1", len(dm))
	}
	checkCut(t, "dm", dm[0], DefaultMaxMessageSize)

	// The card edited in place is cut too.
	e.outbox.Add(bot.Message{Kind: bot.KindCard, Subject: "P3", Text: long + " amended"})
	waitFor(t, "card updated", func() bool { return e.outbox.Len() == 0 })
	card, _ := e.srv.Message(msgs[0].ID)
	checkCut(t, "updated card", card.Text, DefaultMaxMessageSize)
	if card.EditedAt.IsZero() || strings.Contains(card.Text, "`!consent") {
		t.Errorf("card = …%q, want it edited, closed", tail(card.Text))
	}
}

// The limit is a Config field, for servers whose Message_MaxAllowedSize is
// not the default.
func TestLongTextsCutToConfiguredSize(t *testing.T) {
	e := newEnv(t, nil, func(c *Config, _ *Adapter) { c.MaxMessageSize = 300 })
	e.srv.SetMaxMessageSize(300)
	e.outbox.Add(post(general, strings.Repeat("x", 1000)), post(general, "next"))
	waitFor(t, "outbox drained", func() bool { return e.outbox.Len() == 0 })
	got := e.botTexts(general)
	if len(got) != 2 || got[1] != "next" {
		t.Fatalf("#general = %d posts, want 2", len(got))
	}
	checkCut(t, "post", got[0], 300)
}

func checkCut(t *testing.T, what, text string, limit int) {
	t.Helper()
	if n := jsLen(text); n > limit || n < limit-1 {
		t.Errorf("%s is %d UTF-16 units long, want at most %d and close to it", what, n, limit)
	}
	if !utf8.ValidString(text) {
		t.Errorf("%s cut inside a character", what)
	}
	if !strings.Contains(text, "…") {
		t.Errorf("%s = …%q: no mark of the cut", what, tail(text))
	}
}

func tail(s string) string {
	r := []rune(s)
	return string(r[max(0, len(r)-80):])
}

func TestFit(t *testing.T) {
	for _, c := range []struct {
		in    string
		limit int
		want  string
	}{
		{"short", 5, "short"},
		{"abcdef", 5, "abcd…"},
		{"🌱🌱🌱", 6, "🌱🌱🌱"},
		{"🌱🌱🌱", 5, "🌱🌱…"},
		{"🌱🌱🌱", 4, "🌱…"}, // a 2-unit character never split
	} {
		if got, _ := fit(c.in, c.limit); got != c.want {
			t.Errorf("fit(%q, %d) = %q, want %q", c.in, c.limit, got, c.want)
		}
	}
}

// #6 (#8): a private reply over the limit is cut, not dropped.
func TestR25_LongPrivateReplyCutNotDropped(t *testing.T) {
	long := "log of P1:\n" + strings.Repeat("alice validated P1. ", 400) // 8011
	e := newEnv(t, func(*bottest.Outbox) func(bot.Request) bot.Response {
		return func(bot.Request) bot.Response { return bot.Response{Private: long} }
	})
	e.waitReady(t)
	e.srv.Say(aliceID, general, "!consent log P1")
	dm := e.dmRoom(t, aliceID)
	waitFor(t, "private reply", func() bool { return len(e.botTexts(dm)) == 1 })
	got := e.botTexts(dm)[0]
	checkCut(t, "reply", got, DefaultMaxMessageSize)
	if !strings.HasPrefix(got, "log of P1:\nalice validated P1.") {
		t.Errorf("reply = %q…", got[:40])
	}

	// Typed in the direct room, answered there, cut the same way.
	e.srv.Say(aliceID, dm, "log P1")
	waitFor(t, "second reply", func() bool { return len(e.botTexts(dm)) == 2 })
	checkCut(t, "reply in the direct room", e.botTexts(dm)[1], DefaultMaxMessageSize)
}

// #3: a command streamed again by a reaction or a thread reply, after the
// seen set forgot it, is not run again.
func TestInbound_OldCommandStreamedAgainIsNotRunAgain(t *testing.T) {
	for _, tc := range []struct {
		name   string
		margin time.Duration
	}{
		{"ListedInTheMark", 10 * time.Second},   // within the margin: known by id
		{"OlderThanTheFloor", time.Millisecond}, // older than the commands handled since
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newAnnouncingEnv(t, func(_ *Config, a *Adapter) {
				a.seen = newSeenSet(4)
				a.catchUpMargin = tc.margin
			})
			e.waitReady(t)
			first := e.srv.Say(aliceID, general, "!consent propose buy a printer")
			e.waitHandled(t, "propose buy a printer")
			for i := range 10 {
				e.srv.Say(bobID, general, fmt.Sprint("chat ", i))
			}
			e.srv.Say(bobID, general, "!consent sentinel")
			e.waitHandled(t, "sentinel")

			e.srv.Touch(first) // a reaction
			// A reply in its thread: the parent is streamed again, with tcount.
			e.srv.Inject(rcfake.Message{UserID: bobID, RoomID: general, ThreadID: first, Text: "yes, a laser one"})
			e.srv.Say(bobID, general, "!consent sentinel2")
			e.waitHandled(t, "sentinel2")

			if n := e.handler.Count("propose buy a printer"); n != 1 {
				t.Errorf("old command handled %d times, want once", n)
			}
			if n := e.handler.Count("sentinel"); n != 1 {
				t.Errorf("sentinel handled %d times, want once", n)
			}
		})
	}
}

// #4 (R25): a group DM (t "d" with the bot and two people or more) is not a
// private conversation: commands there need the prefix or a mention, and
// private replies go to the asker's 1:1 room with the bot.
func TestR25_GroupDM_NeedsTriggerAndRepliesGoToTheOneToOneRoom(t *testing.T) {
	e := newAnnouncingEnv(t)
	e.srv.AddRoom(rcfake.Room{ID: "GRPDM", Type: "d", Members: []string{botID, aliceID, bobID}})
	// A 1:1 room whose id is not the two user ids: known from rooms.info.
	e.srv.AddRoom(rcfake.Room{ID: "OLDDM", Type: "d", Members: []string{botID, bobID}})
	e.waitReady(t)

	e.srv.Say(aliceID, "GRPDM", "what time is lunch?")
	e.srv.Say(aliceID, "GRPDM", "!consent todo")
	e.waitHandled(t, "todo")
	e.srv.Say(bobID, "GRPDM", "@consentbot status P1")
	e.waitHandled(t, "status P1")
	e.srv.Say(bobID, "OLDDM", "help")
	e.waitHandled(t, "help")

	var texts []string
	for _, r := range e.handler.Requests() {
		texts = append(texts, r.UserName+": "+r.Text)
	}
	if diff := cmp.Diff([]string{"alice: todo", "bob: status P1", "bob: help"}, texts); diff != "" {
		t.Errorf("handled (-want +got):\n%s", diff)
	}
	aliceDM, bobDM := e.dmRoom(t, aliceID), e.dmRoom(t, bobID)
	waitFor(t, "alice's reply in her 1:1 room", func() bool { return contains(e.botTexts(aliceDM), "ok: todo") })
	waitFor(t, "bob's reply in his 1:1 room", func() bool { return contains(e.botTexts(bobDM), "ok: status P1") })
	waitFor(t, "bob's reply in the 1:1 room he typed in", func() bool { return contains(e.botTexts("OLDDM"), "ok: help") })
	if got := e.botTexts("GRPDM"); len(got) != 0 {
		t.Errorf("bot said %q in the group DM, where everyone reads it", got)
	}
}

// After a reconnect, catch-up knows group DMs from rooms/get: a plain line
// said there meanwhile is not a command.
func TestR25_GroupDM_CaughtUpAfterReconnect(t *testing.T) {
	e := newAnnouncingEnv(t)
	e.srv.AddRoom(rcfake.Room{ID: "GRPDM", Type: "d", Members: []string{botID, aliceID, bobID}})
	e.waitReady(t)
	e.srv.SetOffline(true)
	waitFor(t, "adapter notices", func() bool { return e.a.Ready(t.Context()) != nil })
	e.srv.Say(aliceID, "GRPDM", "lunch at noon?")
	e.srv.Say(aliceID, "GRPDM", "!consent list")
	e.srv.SetOffline(false)
	e.waitHandled(t, "list")
	if got := e.handler.Requests(); len(got) != 1 {
		t.Errorf("handled %+v, want the prefixed command only", got)
	}
	if got := e.botTexts("GRPDM"); len(got) != 0 {
		t.Errorf("bot said %q in the group DM", got)
	}
}

// #5: a channel that refuses the bot for good (never in it, kicked, room
// deleted) gets its cards and posts redirected to the governance channel,
// with the same message ids, instead of blocking that destination for ever.
func TestR27_ChannelRefusingTheBot_RedirectedToGovernance(t *testing.T) {
	rec := &logRecorder{}
	e := newEnv(t, nil, recordLogs(rec))
	e.srv.AddRoom(rcfake.Room{ID: "TEAM", Name: "team", Type: "c", Members: []string{botID, aliceID}})
	e.srv.AddRoom(rcfake.Room{ID: "OLD", Name: "old", Type: "c", Members: []string{botID, aliceID}})

	// A room the bot was never in.
	e.outbox.Add(
		bot.Message{Kind: bot.KindCard, Channel: noBot, Subject: "P4", Live: true, Actions: []string{"validate"}, Text: "card P4"},
		bot.Message{Kind: bot.KindPost, Channel: noBot, Subject: "P4", Text: "bob validated P4"},
		bot.Message{Kind: bot.KindCard, Channel: noBot, Subject: "P4", Text: "card P4 approved"},
	)
	waitFor(t, "outbox drained", func() bool { return e.outbox.Len() == 0 })
	gov := e.srv.Messages(govRoom)
	if len(gov) != 2 {
		t.Fatalf("governance channel has %d messages, want the card and its thread post", len(gov))
	}
	if !strings.HasPrefix(gov[0].ID, "cb1-") || gov[0].Text != "card P4 approved" || gov[0].EditedAt.IsZero() {
		t.Errorf("card = %+v, want outbox entry 1's id, edited in place", gov[0])
	}
	if gov[1].Text != "bob validated P4" || gov[1].ThreadID != gov[0].ID || !strings.HasPrefix(gov[1].ID, "cb2-") {
		t.Errorf("post = %+v, want it in the card's thread", gov[1])
	}
	for _, room := range []string{noBot, govRoom} {
		if id, ok, _ := e.cards.Card(bot.PlatformRocketChat, room, "P4"); !ok || id != gov[0].ID {
			t.Errorf("card entry for %s = %q, %v; want the governance post", room, id, ok)
		}
	}
	if len(e.srv.Messages(noBot)) != 0 {
		t.Error("posted in a room the bot is not in")
	}
	if !rec.logged("rocketchat_channel_refused_redirected") {
		t.Error("no warning logged")
	}

	// A card posted in its room, then the bot is kicked: the next change
	// goes to the governance channel, and so do the item's posts.
	e.outbox.Add(cardIn("TEAM", "P5", "card P5"))
	var teamCard string
	waitFor(t, "card in #team", func() bool {
		var ok bool
		teamCard, ok, _ = e.cards.Card(bot.PlatformRocketChat, "TEAM", "P5")
		return ok
	})
	e.srv.RemoveMember("TEAM", botID)
	e.outbox.Add(cardIn("TEAM", "P5", "card P5 blocked"),
		bot.Message{Kind: bot.KindPost, Channel: "TEAM", Subject: "P5", Text: "dave objects to P5"})
	waitFor(t, "outbox drained", func() bool { return e.outbox.Len() == 0 })
	redirected, _, _ := e.cards.Card(bot.PlatformRocketChat, "TEAM", "P5")
	m, ok := e.srv.Message(redirected)
	if redirected == teamCard || !ok || m.RoomID != govRoom || !strings.HasPrefix(m.Text, "card P5 blocked\n") {
		t.Errorf("card after the kick = %+v, want a new card in the governance channel", m)
	}
	if last := e.srv.Messages(govRoom); last[len(last)-1].Text != "dave objects to P5" || last[len(last)-1].ThreadID != redirected {
		t.Errorf("post after the kick = %+v, want it in the redirected card's thread", last[len(last)-1])
	}

	// A deleted room.
	e.srv.DeleteRoom("OLD")
	e.outbox.Add(post("OLD", "said to a deleted room"), post(general, "after it"))
	waitFor(t, "outbox drained", func() bool { return e.outbox.Len() == 0 })
	if got := e.botTexts(govRoom); got[len(got)-1] != "said to a deleted room" {
		t.Errorf("governance channel = %q, want the deleted room's post", got)
	}
}

func cardIn(channel, subject, text string) bot.Message {
	return bot.Message{Kind: bot.KindCard, Channel: channel, Subject: subject, Live: true, Actions: []string{"validate"}, Text: text}
}

// #5: a DM to a member without a Rocket.Chat account is acknowledged with a
// warning (the member may be reached on another platform), not retried for
// ever; so is one to a bound account that no longer exists.
func TestDM_ToMemberWithoutAccountAcknowledged(t *testing.T) {
	rec := &logRecorder{}
	e := newEnv(t, nil, recordLogs(rec))
	e.a.deps.Identities.(*bottest.Identities).Bind("Ghost", "u-deleted")
	e.outbox.Add(
		bot.Message{Kind: bot.KindDM, Member: "nobody", Text: "welcome!"},
		bot.Message{Kind: bot.KindDM, Member: "Ghost", Text: "you have a vote to cast"},
		bot.Message{Kind: bot.KindDM, Member: "nobody", Text: "reminder"},
		bot.Message{Kind: bot.KindDM, Member: "alice", Text: "hello alice"},
	)
	waitFor(t, "outbox drained", func() bool { return e.outbox.Len() == 0 })
	if got := e.botTexts(e.dmRoom(t, aliceID)); !contains(got, "hello alice") {
		t.Errorf("alice's DM = %q", got)
	}
	if !rec.logged("rocketchat_dm_no_account") {
		t.Error("no warning logged")
	}
	if n := countCalls(e.srv, "POST im.create 400"); n != 2 {
		t.Errorf("%d refused im.create, want one per DM to nobody (no retries)", n)
	}
}

// #7 (#9): a DDP call the server never answers (it still answers pings)
// times out and the session starts over, instead of leaving the bot deaf.
func TestInbound_HungCatchUpCallDoesNotLeaveTheBotDeaf(t *testing.T) {
	e := newAnnouncingEnv(t, func(_ *Config, a *Adapter) { a.ddpOpts.CallTimeout = 100 * time.Millisecond })
	e.waitReady(t)
	e.srv.HoldMethod("loadMissedMessages", true)
	e.srv.DropConnections()
	e.srv.Say(aliceID, general, "!consent said while the catch-up hangs")
	waitFor(t, "the hung session given up and a new one dialled", func() bool { return len(e.srv.Connections()) >= 3 })
	e.srv.HoldMethod("loadMissedMessages", false)
	e.waitHandled(t, "said while the catch-up hangs")
	e.waitReady(t)
	e.srv.Say(aliceID, general, "!consent after")
	e.waitHandled(t, "after")
	if n := e.handler.Count("said while the catch-up hangs"); n != 1 {
		t.Errorf("handled %d times", n)
	}
}
