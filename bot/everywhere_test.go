package bot_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/domain"
)

// script is a little of everything: each change must log, each refusal not.
var script = []struct {
	user, text string
	change     bool
}{
	{"alice", "propose migrate Nextcloud on Saturday", true},
	{"bob", "validate P1", true},
	{"bob", "validate P1", false},
	{"dave", "object P1 the backups are not tested yet", true},
	{"dave", "object P1 no", false},
	{"erin", "concern P1 please announce the downtime", true},
	{"alice", "amend P1 migrate Nextcloud on Sunday", true},
	{"zoe", "propose a boat", false},
	{"dave", "lift P1", true},
	{"bob", "validate P1", true},
	{"carol", "validate P1", true},
	{"alice", "done P1 https://wiki.example.org/nextcloud", true},
	{"alice", "propose order stickers", true},
	{"alice", "withdraw P2", true},
	{"alice", "coopt @frank operationnel", true},
	{"erin", "vote C1 yes", false},
	{"bob", "vote C1 yes", true},
	{"carol", "vote C1 yes", true},
	{"dave", "vote C1 yes", true},
	{"bob", "welcome @frank", true},
	{"alice", "meeting add choose the bank", true},
	{"alice", "meeting done 1", true},
	{"alice", "meeting done 1", false},
	{"carol", "meeting skip holidays", true},
	{"zoe", "log", false},
	{"bob", "status P1", false},
}

func TestR23_EveryChangeAppends(t *testing.T) {
	h := newHarness(t, "en")
	for _, s := range script {
		before := h.entries()
		r := h.do(s.user, s.text)
		after := h.entries()
		if r.Changed != s.change {
			t.Fatalf("%s %q: changed=%v, want %v: %s", s.user, s.text, r.Changed, s.change, r.Private)
		}
		if !s.change {
			if len(after) != len(before) || after[len(after)-1].Hash != before[len(before)-1].Hash {
				t.Errorf("%s %q appended %v", s.user, s.text, kinds(after[len(before):]))
			}
			continue
		}
		if len(after) <= len(before) {
			t.Fatalf("%s %q appended nothing", s.user, s.text)
		}
		prev := before[len(before)-1].Hash
		for _, e := range after[len(before):] {
			if e.Prev != prev || e.Actor == "" || e.Kind == "" || e.Subject == "" || e.At.Location() != time.UTC || !e.At.Equal(start) {
				t.Errorf("%s %q: entry %+v", s.user, s.text, e)
			}
			prev = e.Hash
		}
		if e := after[len(before)]; e.Actor != s.user {
			t.Errorf("%s %q: actor %q", s.user, s.text, e.Actor)
		}
	}
	// The log is never rewritten: what was there stays as it was.
	n, problems, err := h.db.Verify()
	if err != nil || len(problems) != 0 || n != len(h.entries()) {
		t.Errorf("Verify: %d entries, %v, %v", n, problems, err)
	}
	for i, e := range h.entries() {
		if e.Seq != uint64(i+1) {
			t.Errorf("entry %d has seq %d", i+1, e.Seq)
		}
	}
	t.Run("Texts", func(t *testing.T) {
		es := h.entries()
		find := func(kind string) string {
			for _, e := range es {
				if e.Kind == kind {
					return e.Text
				}
			}
			return ""
		}
		for kind, want := range map[string]string{
			domain.ProposalOpened:  "migrate Nextcloud on Saturday",
			domain.ProposalAmended: "migrate Nextcloud on Sunday",
			domain.ObjectionRaised: "the backups are not tested yet",
			domain.ProposalDone:    "https://wiki.example.org/nextcloud",
			domain.ConcernAdded:    "please announce the downtime",
			domain.MeetingSkipped:  "holidays",
		} {
			if got := find(kind); got != want {
				t.Errorf("%s text %q, want %q", kind, got, want)
			}
		}
	})
}

func TestR24_AnyoneQueriesLog(t *testing.T) {
	for lang, title := range map[string]string{"en": "Decision log", "fr": "Journal"} {
		h := newHarness(t, lang)
		h.must("alice", "propose migrate Nextcloud on Saturday")
		for _, cmd := range []string{"log", "journal", "log kind:proposal", "journal par:@alice"} {
			reply := h.query("zoe", cmd) // not on the roster
			wantContains(t, lang+" "+cmd, reply, title, "P1", "alice")
		}
		h.query("zoe", "status P1")
		h.query("zoe", "list")
		h.query("zoe", "members")
		h.query("zoe", "meeting")
		h.query("zoe", "help")
	}
}

func TestR25_ChangesPublicQueriesPrivate(t *testing.T) {
	h := newHarness(t, "en")
	h.must("alice", "propose order stickers")
	h.must("bob", "validate P1")
	h.must("alice", "coopt @frank operationnel")
	h.must("alice", "meeting add the bank")
	h.drain()
	changes := []struct{ user, text string }{
		{"alice", "propose migrate Nextcloud on Saturday"},
		{"carol", "validate P1"},
		{"dave", "object P2 the backups are not tested yet"},
		{"erin", "concern P2 announce the downtime"},
		{"dave", "lift P2"},
		{"alice", "amend P2 migrate Nextcloud on Sunday"},
		{"alice", "done P1 https://wiki.example.org/stickers"},
		{"alice", "withdraw P2"},
		{"bob", "vote C1 yes"},
		{"carol", "coopt @gina bienfaiteur"},
		{"bob", "meeting add summer party"},
		{"bob", "meeting done 1"},
		{"bob", "meeting skip holidays"},
	}
	for _, c := range changes {
		r := h.must(c.user, c.text)
		if n := utf8.RuneCountInString(r.Private); n > 200 {
			t.Errorf("%q: private reply of %d runes: %s", c.text, n, r.Private)
		}
		msgs := h.drain()
		inChannel := false
		for _, m := range msgs {
			if m.Channel == channel && (m.Kind == bot.KindPost || m.Kind == bot.KindCard) {
				inChannel = true
			}
		}
		if !inChannel {
			t.Errorf("%q: nothing announced in the channel: %+v", c.text, msgs)
		}
	}
	for _, q := range []string{"status P1", "show C1", "list", "list done", "todo", "members", "meeting", "log", "log page:2", "help", "help vote", "aide voter", "", "validate P99", "frobnicate"} {
		r := h.do("carol", q)
		if r.Private == "" || r.Changed {
			t.Errorf("%q: private %q, changed %v", q, r.Private, r.Changed)
		}
		if msgs := h.outbox(); len(msgs) != 0 {
			t.Errorf("%q queued %+v", q, msgs)
		}
	}
}

// loudMention finds a mention that would notify a whole channel.
var loudMention = regexp.MustCompile(`(?i)@(channel|all|here|everyone)\b`)

func TestR26_MentionsNeutralised(t *testing.T) {
	h := newHarness(t, "en")
	h.must("alice", "propose @channel please read, cc @all and @Here")
	h.must("alice", "amend P1 @here the new text, @everyone")
	h.must("bob", "object P1 @all this is a bad idea for everyone")
	h.must("erin", "concern P1 @channel mind the downtime")
	h.must("alice", "coopt @frank operationnel @here she is great")
	h.must("carol", "meeting add @all the bank")
	h.setClock(firstMeeting.Add(-15 * time.Minute))
	h.tick()
	var shown []string
	for _, m := range h.drain() {
		shown = append(shown, m.Text)
	}
	for _, q := range []string{"log", "status P1", "status C1", "meeting", "list", "log @here"} {
		shown = append(shown, h.query("zoe", q))
	}
	for _, s := range shown {
		if m := loudMention.FindString(s); m != "" {
			t.Errorf("%q not neutralised in:\n%s", m, s)
		}
	}
	if !anyContains(shown, "@\u200bchannel please read") {
		t.Error("the mention is not kept readable")
	}
	// The log keeps what was typed.
	if e := h.entries()[5]; e.Text != "@channel please read, cc @all and @Here" {
		t.Errorf("log text %q", e.Text)
	}
	// Ordinary mentions are untouched.
	if got := bot.Neutralize("@alice @allison @here-team x@all"); got != "@alice @allison @here-team x@\u200ball" && got != "@alice @allison @here-team x@all" {
		t.Errorf("Neutralize = %q", got)
	}
}

func TestR27_ReplyOnlyAfterCommit(t *testing.T) {
	h := newHarness(t, "en")
	notified := func() bool {
		select {
		case <-h.db.Notify():
			return true
		default:
			return false
		}
	}
	notified()
	h.refused("zoe", "propose a boat")
	h.refused("bob", "validate P1")
	if len(h.outbox()) != 0 || notified() {
		t.Fatal("a refused command queued or notified")
	}
	h.must("alice", "propose order stickers")
	if !notified() {
		t.Error("the commit did not notify the adapters")
	}
	msgs := h.outbox() // in the file when Handle returns
	if len(msgs) != 2 || msgs[0].Kind != bot.KindCard || msgs[0].Subject != "P1" || msgs[1].Channel != "" || msgs[1].Except != channel {
		t.Fatalf("outbox (the card, then the governance channel's copy) %+v", msgs)
	}
	// Messages survive a restart until acknowledged (never lost).
	h.restart()
	if again := h.outbox(); len(again) != 2 || again[0].ID != msgs[0].ID || again[1].ID != msgs[1].ID {
		t.Errorf("after restart: %+v", again)
	}
	h.drain()
	if len(h.outbox()) != 0 {
		t.Error("ack did not remove the message")
	}
	// A query writes no message and notifies nothing.
	h.query("bob", "status P1")
	if notified() {
		t.Error("a query notified")
	}
}

func TestStatusExplainsPending(t *testing.T) {
	for lang, want := range map[string][]string{
		"en": {"Why it is still pending", "2 validation(s)", "council validation", "bob", "Open objection by dave", "only they can lift it"},
		"fr": {"en attente", "2 validation", "conseil", "bob", "dave"},
	} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t, lang)
			h.must("alice", "propose --topic budget adopt the 2027 budget")
			h.must("dave", "object P1 the reserve fund is too small for 2027")
			status := h.query("erin", "status P1")
			wantContains(t, "status", status, want...)
			wantContains(t, "status", status, "P1", "alice", "adopt the 2027 budget", "the reserve fund is too small")
			h.must("dave", "lift P1")
			h.must("bob", "validate P1")
			h.must("carol", "validate P1")
			status = h.query("erin", "status P1")
			wantNotContains(t, "status", status, want[0])
		})
	}
	t.Run("Cooptation", func(t *testing.T) {
		h := newHarness(t, "en")
		h.must("alice", "coopt @frank societaire helps every week")
		wantContains(t, "status", h.query("dave", "show c1"), "C1", "frank", "helps every week", "Still to vote: bob, carol", "1/3")
	})
}

func TestTodo(t *testing.T) {
	h := newHarness(t, "en")
	h.must("alice", "propose migrate Nextcloud on Saturday")
	h.must("alice", "coopt @frank societaire")
	h.must("carol", "propose order stickers")
	h.must("bob", "object P2 the budget for stickers is spent already")
	todo := h.query("bob", "todo")
	wantContains(t, "bob's todo", todo, "vote on C1", "look at P1", "objection on P2")
	h.query("bob", "status P1") // looked at
	todo = h.query("bob", "afaire")
	wantNotContains(t, "bob's todo", todo, "look at P1")
	h.must("bob", "vote C1 yes")
	h.must("bob", "lift P2")
	h.must("bob", "validate P2")
	h.must("dave", "validate P2")
	wantContains(t, "bob's todo", h.query("bob", "todo"), "Nothing waits on you")
	wantContains(t, "carol's todo", h.query("carol", "todo"), "P2 is approved", "done P2", "vote on C1", "look at P1")
	wantNotContains(t, "erin's todo", h.query("erin", "todo"), "look at") // no vote
	h.refused("zoe", "todo")
}

func TestListState(t *testing.T) {
	h := newHarness(t, "en")
	h.must("alice", "propose migrate Nextcloud")                         // P1 open
	h.must("alice", "propose order stickers")                            // P2 blocked
	h.must("dave", "object P2 the budget for stickers is spent already") //
	h.must("alice", "propose repaint the office")                        // P3 approved
	h.must("bob", "validate P3")
	h.must("carol", "validate P3")
	h.must("alice", "propose close the list") // P4 withdrawn
	h.must("alice", "withdraw P4")
	h.must("alice", "coopt @frank operationnel") // C1 open
	h.must("alice", "coopt @gina operationnel")  // C2 rejected
	h.must("bob", "vote C2 no we do not know her yet")

	all := h.query("zoe", "list")
	wantContains(t, "list", all, "P1", "P2", "P3", "C1")
	wantNotContains(t, "list", all, "P4", "C2")
	for q, want := range map[string]string{
		"list blocked": "P2", "liste bloquée": "P2", "list approved": "P3", "list withdrawn": "P4",
		"liste retiree": "P4", "list rejected": "C2", "list open": "P1 C1", "liste ouverte": "P1 C1", "LIST ACCEPTED": "",
	} {
		got := h.query("zoe", q)
		for _, id := range []string{"P1", "P2", "P3", "P4", "C1", "C2"} {
			if listed := strings.Contains(got, id+" ·"); listed != slices.Contains(strings.Fields(want), id) {
				t.Errorf("%q: %s listed=%v:\n%s", q, id, listed, got)
			}
		}
	}
	wantContains(t, "list open", h.query("zoe", "list open"), "P1 · open · alice — migrate Nextcloud")
}

func TestLogFiltersAndPages(t *testing.T) {
	h := newHarness(t, "en") // 5 roster entries
	for i := 1; i <= 8; i++ {
		h.must("alice", "propose item number "+string(rune('0'+i)))
	}
	h.clock.Advance(24 * time.Hour) // Thursday 3 December
	h.must("bob", "validate P1")
	h.must("carol", "validate P1") // + approved
	h.must("bob", "concern P2 think about the Nextcloud quota")
	h.must("alice", "coopt @frank operationnel")
	// 5 + 8 + 3 + 1 + 1 = 18 entries.

	page1 := h.query("zoe", "log")
	if got := strings.Count(page1, "\n#"); got != 10 {
		t.Errorf("page 1 has %d entries:\n%s", got, page1)
	}
	wantContains(t, "page 1", page1, "page 1", "#18 ", "#9 ", "page:2")
	if strings.Index(page1, "#18 ") > strings.Index(page1, "#9 ") {
		t.Error("not newest first")
	}
	page2 := h.query("zoe", "log page:2")
	if got := strings.Count(page2, "\n#"); got != 8 {
		t.Errorf("page 2 has %d entries:\n%s", got, page2)
	}
	wantContains(t, "page 2", page2, "#8 ", "#1 ")
	wantNotContains(t, "page 2", page2, "page:3")
	wantContains(t, "page 3", h.query("zoe", "log page:3"), "No log entry")

	count := func(q string) int { return strings.Count(h.query("zoe", q), "\n#") }
	for q, want := range map[string]int{
		"log by:@bob":                          2,
		"log by:alice":                         9,
		"log kind:cooptation":                  1,
		"log kind:proposal":                    10,
		"log kind:proposal.validated":          2,
		"log kind:member":                      5,
		"log kind:concern.added":               1,
		"log since:2026-12-03":                 5,
		"log until:2026-12-02":                 10, // page 1 of 13
		"log until:2026-12-02 page:2":          3,
		"log since:2026-12-02 by:bob":          2,
		"log nextcloud":                        1,
		"log kind:proposal.opened item number": 8,
		"log item number":                      10, // page 1 of 11: validations carry the text
		"log number 3":                         1,
		"journal depuis:2026-12-03 par:@carol": 2,
		"journal type:proposal.approved":       1,
	} {
		if got := count(q); got != want {
			t.Errorf("%q: %d entries, want %d", q, got, want)
		}
	}
	wantContains(t, "line", h.query("zoe", "log kind:concern"), "#17 Thursday 3 December 2026 at 10:00 · bob · concern.added P2: think about the Nextcloud quota")
	wantContains(t, "none", h.query("zoe", "log by:zoe"), "No log entry")
}

func TestAliases(t *testing.T) {
	// Both languages are always accepted, whatever the reply language.
	scripts := map[string][]struct{ user, text string }{
		"fr": {
			{"alice", "proposer --sujet budget --avant 7j le budget 2027"},
			{"alice", "annoncer je migre Nextcloud samedi"},
			{"bob", "valider P1"},
			{"dave", "objecter P1 la réserve est trop faible pour 2027"},
			{"erin", "remarque P1 pensez aux bienfaiteurs"},
			{"dave", "lever P1"},
			{"alice", "amender P1 le budget 2027, réserve doublée"},
			{"bob", "valider P1"},
			{"carol", "valider P1"},
			{"alice", "fait P1 https://wiki.example.org/budget-2027"},
			{"alice", "retirer P2"},
			{"alice", "coopter @frank opérationnel il aide déjà"},
			{"bob", "voter C1 oui"},
			{"carol", "voter C1 oui"},
			{"dave", "voter C1 oui"},
			{"bob", "accueillir @frank"},
			{"alice", "visio ajouter la banque"},
			{"alice", "visio traite 1"},
			{"carol", "visio annuler vacances"},
		},
		"en": {
			{"alice", "propose --topic budget --by 7d the 2027 budget"},
			{"alice", "announce I will migrate Nextcloud on Saturday"},
			{"bob", "validate P1"},
			{"dave", "object P1 the reserve is too small for 2027"},
			{"erin", "concern P1 think of the benefactors"},
			{"dave", "lift P1"},
			{"alice", "amend P1 the 2027 budget, reserve doubled"},
			{"bob", "validate P1"},
			{"carol", "validate P1"},
			{"alice", "done P1 https://wiki.example.org/budget-2027"},
			{"alice", "withdraw P2"},
			{"alice", "coopt @frank operational already helps"},
			{"bob", "vote C1 yes"},
			{"carol", "vote C1 yes"},
			{"dave", "vote C1 yes"},
			{"bob", "welcome @frank"},
			{"alice", "meeting add the bank"},
			{"alice", "meeting done 1"},
			{"carol", "meeting skip holidays"},
		},
	}
	queries := map[string][]string{
		"fr": {"etat P1", "état p1", "voir C1", "liste", "liste faite", "afaire", "membres", "visio", "réunion", "reunion", "journal", "aide", "aide proposer"},
		"en": {"status P1", "show c1", "list", "list done", "todo", "members", "meeting", "log", "help", "help propose"},
	}
	for _, replyLang := range []string{"en", "fr"} {
		for cmdLang, steps := range scripts {
			t.Run(cmdLang+"CommandsIn"+replyLang, func(t *testing.T) {
				h := newHarness(t, replyLang)
				for _, s := range steps {
					h.must(s.user, s.text)
				}
				if m, _ := h.member("frank"); m.Type != domain.Operationnel || m.Welcomer != "bob" {
					t.Errorf("frank %+v", m)
				}
				wantState(t, h, 1, "done")
				for _, q := range queries[cmdLang] {
					h.query("carol", q)
				}
				h.setClock(time.Date(2026, 12, 14, 9, 5, 0, 0, time.UTC)) // the 7th was skipped
				h.tick()
				h.must("bob", "visio compte-rendu https://pad.example.org/cr")
				h.must("bob", "meeting minutes https://pad.example.org/cr2")
			})
		}
	}
}

// R27: a chat message replayed by an adapter (after a crash between the
// commit and the adapter's bookkeeping) is not applied twice.
func TestR27_ReplayedMessageAppliedOnce(t *testing.T) {
	h := newHarness(t, "en")
	req := bot.Request{Platform: bot.PlatformRocketChat, Channel: "general", UserID: "rc-alice", UserName: "alice", Text: "propose order stickers", ID: "msg-1"}
	if r := h.bot.Handle(context.Background(), req); !r.Changed {
		t.Fatalf("first: %+v", r)
	}
	n := len(h.entries())
	if r := h.bot.Handle(context.Background(), req); r.Changed || r.Refused || !strings.Contains(r.Private, "already handled") {
		t.Errorf("replay: %+v", r)
	}
	if len(h.entries()) != n {
		t.Errorf("the replay was logged: %v", kinds(h.entriesSince(n)))
	}
	// Another message with the same text is a new command.
	req.ID = "msg-2"
	if r := h.bot.Handle(context.Background(), req); !r.Changed {
		t.Errorf("a new message with the same text: %+v", r)
	}
	// Queries carry ids too, and are never refused as replays.
	req.ID, req.Text = "msg-1", "status P1"
	if r := h.bot.Handle(context.Background(), req); r.Refused || !strings.Contains(r.Private, "order stickers") {
		t.Errorf("query: %+v", r)
	}
}
