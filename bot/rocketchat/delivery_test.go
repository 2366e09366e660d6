package rocketchat

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/bot/rocketchat/rcfake"
	"github.com/google/go-cmp/cmp"
)

func cardMessage(subject string, live bool, actions ...string) bot.Message {
	return bot.Message{Kind: bot.KindCard, Subject: subject, Live: live, Actions: actions, Text: "card " + subject}
}

func post(channel, text string) bot.Message {
	return bot.Message{Kind: bot.KindPost, Channel: channel, Text: text}
}

// countCalls counts the REST calls starting with prefix ("POST chat.sendMessage").
func countCalls(srv *rcfake.Server, prefix string) int {
	n := 0
	for _, c := range srv.Calls() {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

func TestR27_RESTErrorsRetried_DeliveredOnceInOrder(t *testing.T) {
	var mu sync.Mutex
	var waits []time.Duration
	e := newEnv(t, nil, func(_ *Config, a *Adapter) {
		a.rest.sleep = func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			waits = append(waits, d)
			mu.Unlock()
			return ctx.Err()
		}
	})
	e.srv.FailREST(
		rcfake.Failure{Status: http.StatusInternalServerError},
		rcfake.Failure{Status: http.StatusBadGateway},
		rcfake.Failure{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"7"}}},
		rcfake.Failure{Status: http.StatusServiceUnavailable},
	)
	e.outbox.Add(post(general, "one"), post(general, "two"), post(general, "three"))

	waitFor(t, "outbox drained", func() bool { return e.outbox.Len() == 0 })
	if diff := cmp.Diff([]string{"one", "two", "three"}, e.botTexts(general)); diff != "" {
		t.Errorf("channel (-want +got):\n%s", diff)
	}
	mu.Lock()
	defer mu.Unlock()
	if !contains(durations(waits), "7s") {
		t.Errorf("waits %v: Retry-After of 7s not honoured", waits)
	}
}

func durations(ds []time.Duration) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.String())
	}
	return out
}

func TestR27_UncertainFailure_DuplicateIDNotPostedTwice(t *testing.T) {
	e := newEnv(t, nil)
	// The server stores the message, then the answer is lost.
	e.srv.FailREST(rcfake.Failure{Status: http.StatusBadGateway, AfterCommit: true})
	e.outbox.Add(post(general, "exactly once"))

	waitFor(t, "outbox drained", func() bool { return e.outbox.Len() == 0 })
	if got := e.botTexts(general); len(got) != 1 {
		t.Errorf("posted %q, want one message", got)
	}
	if n := countCalls(e.srv, "POST chat.sendMessage 400"); n != 1 {
		t.Errorf("calls %q: want the retry refused once as a duplicate", e.srv.Calls())
	}
}

func TestR27_UndeliverableMessageKept_OtherChannelsGoOn(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.AddRoom(rcfake.Room{ID: "DOWN", Name: "down", Type: "c", Members: []string{botID, aliceID}})
	e.srv.SetRoomDown("DOWN", http.StatusServiceUnavailable)
	e.outbox.Add(post("DOWN", "refused: the room is down"), post("DOWN", "queued behind it"), post(general, "unblocked"))

	waitFor(t, "other channel delivered", func() bool { return contains(e.botTexts(general), "unblocked") })
	waitFor(t, "retried later", func() bool { return countCalls(e.srv, "POST chat.sendMessage 503") >= 2*e.a.rest.attempts })
	pending, _ := e.outbox.Pending(bot.PlatformRocketChat, 10)
	var texts []string
	for _, m := range pending {
		texts = append(texts, m.Text)
	}
	if diff := cmp.Diff([]string{"refused: the room is down", "queued behind it"}, texts); diff != "" {
		t.Errorf("still pending (-want +got):\n%s", diff)
	}
	if got := e.srv.Messages("DOWN"); len(got) != 0 {
		t.Errorf("posted %+v in a room that is down", got)
	}
}

func TestCard_PostedThenUpdatedInPlace_PostsThreadUnderIt(t *testing.T) {
	e := newEnv(t, nil)
	e.outbox.Add(cardMessage("P3", true, "validate", "object"))
	var cardID string
	waitFor(t, "card posted and remembered", func() bool {
		var ok bool
		cardID, ok, _ = e.cards.Card(bot.PlatformRocketChat, govRoom, "P3")
		return ok
	})
	card, _ := e.srv.Message(cardID)
	if want := "card P3\n\n`!consent validate P3` · `!consent object P3 …`"; card.Text != want {
		t.Errorf("card text = %q, want %q", card.Text, want)
	}

	e.outbox.Add(
		bot.Message{Kind: bot.KindPost, Subject: "P3", Text: "P3 documented"},
		bot.Message{Kind: bot.KindCard, Subject: "P3", Text: "card P3 done", Live: false, Actions: []string{"validate"}},
	)
	waitFor(t, "outbox drained", func() bool { return e.outbox.Len() == 0 })

	msgs := e.srv.Messages(govRoom)
	if len(msgs) != 2 {
		t.Fatalf("governance room has %d messages, want the card and one thread reply", len(msgs))
	}
	if msgs[0].ID != cardID || msgs[0].Text != "card P3 done" || msgs[0].EditedAt.IsZero() {
		t.Errorf("card = %+v, want it edited in place, without commands", msgs[0])
	}
	if msgs[1].Text != "P3 documented" || msgs[1].ThreadID != cardID {
		t.Errorf("post = %+v, want it in the card's thread", msgs[1])
	}
}

func TestDM_ToBoundMemberAndByUsername(t *testing.T) {
	e := newEnv(t, nil)
	e.outbox.Add(
		bot.Message{Kind: bot.KindDM, Member: "Bob", Text: "you have a vote to cast on C1"},
		bot.Message{Kind: bot.KindDM, Member: "alice", Text: "welcome!"},
	)
	waitFor(t, "outbox drained", func() bool { return e.outbox.Len() == 0 })
	if got := e.botTexts(e.dmRoom(t, bobID)); !contains(got, "you have a vote to cast on C1") {
		t.Errorf("bob's DM = %q", got)
	}
	if got := e.botTexts(e.dmRoom(t, aliceID)); !contains(got, "welcome!") {
		t.Errorf("alice's DM = %q", got)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration
	}{
		{"Seconds", http.Header{"Retry-After": {"3"}}, 3 * time.Second},
		{"HTTPDate", http.Header{"Retry-After": {now.Add(4 * time.Second).Format(http.TimeFormat)}}, 4 * time.Second},
		{"ResetEpochMillis", http.Header{"X-Ratelimit-Reset": {"1772359205000"}}, 5 * time.Second},
		{"None", http.Header{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := retryAfter(tt.header, now); got != tt.want {
				t.Errorf("retryAfter = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestGovernancePostSkippedWhereItWasAlreadyAnnounced(t *testing.T) {
	e := newEnv(t, nil)
	e.outbox.Add(
		bot.Message{Kind: bot.KindPost, Text: "typed in the governance channel", Except: govRoom},
		bot.Message{Kind: bot.KindPost, Text: "typed in general", Except: general},
	)
	waitFor(t, "outbox drained", func() bool { return e.outbox.Len() == 0 })
	if diff := cmp.Diff([]string{"typed in general"}, e.botTexts(govRoom)); diff != "" {
		t.Errorf("governance channel (-want +got):\n%s", diff)
	}
}
