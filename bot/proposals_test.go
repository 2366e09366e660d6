package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/proposals"
	"github.com/consentbot/consentbot/storage"
)

// proposal loads Pn.
func (h *harness) proposal(n int) *proposals.Proposal {
	h.tb.Helper()
	var p *proposals.Proposal
	err := h.db.View(func(tx *storage.Tx) error {
		var err error
		p, err = tx.Proposal(n)
		return err
	})
	if err != nil {
		h.tb.Fatal(err)
	}
	return p
}

func (h *harness) state(n int) proposals.State {
	h.tb.Helper()
	return h.proposal(n).State(proposals.DefaultRules)
}

func wantState(tb testing.TB, h *harness, n int, want proposals.State) {
	tb.Helper()
	if got := h.state(n); got != want {
		tb.Errorf("P%d is %s, want %s", n, got, want)
	}
}

func wantKinds(tb testing.TB, got []storage.Entry, want ...string) {
	tb.Helper()
	if !slices.Equal(kinds(got), want) {
		tb.Errorf("logged %v, want %v", kinds(got), want)
	}
}

func TestR1_AnyMemberMayPropose(t *testing.T) {
	h := newHarness(t, "en")
	for i, who := range []string{"alice", "carol", "dave", "erin"} {
		n := len(h.entries())
		r := h.must(who, "propose something I will do")
		wantContains(t, "reply", r.Private, "P"+string(rune('1'+i)))
		es := h.entriesSince(n)
		wantKinds(t, es, domain.ProposalOpened)
		if es[0].Actor != who {
			t.Errorf("actor %q, want %s", es[0].Actor, who)
		}
	}
	t.Run("NonMemberToldHowToBecomeOne", func(t *testing.T) {
		for lang, want := range map[string][]string{"en": {"become a member", "coopt"}, "fr": {"devenir", "coopter"}} {
			h := newHarness(t, lang)
			reply := h.refused("zoe", "propose let us buy a boat")
			wantContains(t, lang+" reply", reply, want...)
		}
	})
}

func TestR2_ApprovedWithValidationsFromOtherVoters(t *testing.T) {
	h := newHarness(t, "en")
	h.must("alice", "propose migrate Nextcloud on Saturday")
	h.refused("alice", "validate P1") // the author's does not count
	h.refused("erin", "validate P1")  // nor a bienfaiteur's
	n := len(h.entries())
	h.must("bob", "validate P1")
	wantState(t, h, 1, proposals.Open)
	h.must("dave", "validate P1") // an operationnel votes
	wantState(t, h, 1, proposals.Approved)
	wantKinds(t, h.entriesSince(n), domain.ProposalValidated, domain.ProposalValidated, domain.ProposalApproved)
	if !anyContains(texts(h.outbox(), bot.KindPost), "P1", "approved") {
		t.Errorf("approval not announced: %q", texts(h.outbox(), ""))
	}

	t.Run("ValidationsRequiredConfigured", func(t *testing.T) {
		h := newHarness(t, "en", withConfig(func(c *bot.Config) {
			c.Rules = proposals.Rules{ValidationsRequired: 3, ObjectionMinChars: 20}
		}))
		h.must("alice", "propose a bigger change")
		h.must("bob", "validate P1")
		h.must("carol", "validate P1")
		if p := h.proposal(1); p.State(h.cfg.Rules) != proposals.Open {
			t.Errorf("P1 is %s with 2 of 3 validations", p.State(h.cfg.Rules))
		}
		h.must("dave", "validate P1")
		if p := h.proposal(1); p.State(h.cfg.Rules) != proposals.Approved {
			t.Errorf("P1 is %s with 3 of 3 validations", p.State(h.cfg.Rules))
		}
	})
}

func TestR3_CouncilTopicsNeedCouncilValidation(t *testing.T) {
	for _, topic := range []string{"budget", "billing", "facturation", "offer", "offre", "social-code", "code-social"} {
		t.Run(topic, func(t *testing.T) {
			h := newHarness(t, "en")
			h.must("alice", "propose --topic "+topic+" the change")
			h.must("carol", "validate P1")
			h.must("dave", "validate P1")
			wantState(t, h, 1, proposals.Open)
			status := h.query("carol", "status P1")
			// Bob is the only council member who can still give it: alice
			// is the author, carol is not on the council.
			wantContains(t, "status", status, "council validation", "bob")
			wantNotContains(t, "status", status, "Names: alice", "could give it: alice", "could give it: bob, carol")
			h.must("bob", "validate P1")
			wantState(t, h, 1, proposals.Approved)
		})
	}
	t.Run("OtherTopicNeedsNone", func(t *testing.T) {
		h := newHarness(t, "en")
		h.must("alice", "propose --topic infra migrate the server")
		h.must("carol", "validate P1")
		h.must("dave", "validate P1")
		wantState(t, h, 1, proposals.Approved)
	})
	t.Run("French", func(t *testing.T) {
		h := newHarness(t, "fr")
		h.must("alice", "proposer --sujet budget le budget 2027")
		h.must("carol", "valider P1")
		wantContains(t, "etat", h.query("dave", "etat P1"), "conseil", "bob")
	})
}

func TestR4_ObjectionNeedsReason(t *testing.T) {
	for lang, want := range map[string][]string{
		"en": {"reasoned", "20 characters", "concern"},
		"fr": {"argumentée", "20 caractères", "remarque"},
	} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t, lang)
			h.must("alice", "propose migrate Nextcloud on Saturday")
			for _, bare := range []string{"object P1", "object P1 no", "object P1 " + strings.Repeat("n", 19)} {
				wantContains(t, bare, h.refused("bob", bare), want...)
			}
			h.must("bob", "object P1 "+strings.Repeat("n", 20))
			wantState(t, h, 1, proposals.Blocked)
		})
	}
}

func TestR5_NonVoterObjectionKeptAsConcern(t *testing.T) {
	for lang, want := range map[string]string{"en": "recorded as a concern", "fr": "enregistrée comme remarque"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t, lang)
			h.must("alice", "propose migrate Nextcloud on Saturday")
			for _, who := range []string{"erin", "zoe"} { // a bienfaiteur, a non-member
				n := len(h.entries())
				r := h.must(who, "object P1 Saturday is the day of the general assembly")
				wantContains(t, who+"'s reply", r.Private, want)
				wantKinds(t, h.entriesSince(n), domain.ConcernAdded)
				wantState(t, h, 1, proposals.Open)
			}
			if p := h.proposal(1); len(p.Concerns) != 2 || len(p.Objections) != 0 {
				t.Errorf("concerns %v, objections %v", p.Concerns, p.Objections)
			}
		})
	}
	t.Run("StateTranslated", func(t *testing.T) {
		h := newHarness(t, "fr")
		h.must("alice", "proposer une chose")
		reply := h.refused("alice", "fait P1 https://wiki.example.org/chose")
		wantContains(t, "reply", reply, "ouverte")
		wantNotContains(t, "reply", reply, "open")
		wantContains(t, "reply", h.refused("erin", "valider P1"), "bienfaiteur·ice")
	})
	t.Run("AuthorCannotObjectOrValidate", func(t *testing.T) {
		h := newHarness(t, "en")
		h.must("alice", "propose migrate Nextcloud on Saturday")
		wantContains(t, "validate", h.refused("alice", "validate P1"), "author")
		wantContains(t, "object", h.refused("alice", "object P1 I do not agree with myself any more"), "author")
	})
}

func TestR6_ObjectionBlocksUntilLiftedByObjector(t *testing.T) {
	h := newHarness(t, "en")
	h.must("alice", "propose migrate Nextcloud on Saturday")
	h.must("bob", "validate P1")
	h.must("carol", "validate P1")
	wantState(t, h, 1, proposals.Approved)

	n := len(h.entries())
	h.must("dave", "object P1 the backups are not tested yet")
	wantState(t, h, 1, proposals.Blocked) // also after approval
	wantKinds(t, h.entriesSince(n), domain.ObjectionRaised, domain.ProposalBlocked)
	h.refused("alice", "done P1 https://wiki.example.org/nextcloud")

	h.must("carol", "object P1 and Saturday is the general assembly")
	h.refused("bob", "lift P1")       // not bob's objection
	h.refused("carol", "validate P1") // "go ahead" and "no" at once
	n = len(h.entries())
	h.must("dave", "lift P1")
	wantState(t, h, 1, proposals.Blocked) // carol's is still open
	wantKinds(t, h.entriesSince(n), domain.ObjectionLifted)

	// Carol's objection withdrew her own validation: lifting it does not
	// count as a "go ahead"; validating again does.
	n = len(h.entries())
	h.must("carol", "lift P1")
	wantState(t, h, 1, proposals.Open)
	wantKinds(t, h.entriesSince(n), domain.ObjectionLifted)
	n = len(h.entries())
	h.must("carol", "validate P1")
	wantState(t, h, 1, proposals.Approved)
	wantKinds(t, h.entriesSince(n), domain.ProposalValidated, domain.ProposalApproved)
}

func TestR7_AmendKeepsVersionsClearsValidations(t *testing.T) {
	h := newHarness(t, "en")
	h.must("alice", "propose migrate Nextcloud on Saturday")
	h.must("bob", "validate P1")
	h.must("dave", "object P1 Saturday is the general assembly day")
	n := len(h.entries())
	h.must("alice", "amend P1 migrate Nextcloud on Sunday")
	wantKinds(t, h.entriesSince(n), domain.ProposalAmended)
	p := h.proposal(1)
	if len(p.Validations) != 0 || len(p.OpenObjections()) != 1 || len(p.Versions) != 2 {
		t.Fatalf("after amend: %d validations, %d open objections, %d versions", len(p.Validations), len(p.OpenObjections()), len(p.Versions))
	}
	status := h.query("bob", "status P1")
	wantContains(t, "status", status, "Saturday", "Sunday", "v1", "v2", "0/2", "dave")
	h.must("bob", "validate P1") // a new text, a new validation
	h.refused("bob", "amend P1 bob's text")
	h.must("dave", "lift P1")
	h.must("carol", "validate P1")
	wantState(t, h, 1, proposals.Approved)
	h.must("alice", "done P1 https://wiki.example.org/nextcloud")
	h.refused("alice", "amend P1 too late")
	t.Run("Withdrawn", func(t *testing.T) {
		h := newHarness(t, "en")
		h.must("alice", "propose a thing")
		h.must("alice", "withdraw P1")
		h.refused("alice", "amend P1 another thing")
	})
}

func TestR8_DoneByAuthorWithDocumentation(t *testing.T) {
	h := newHarness(t, "en", withConfig(func(c *bot.Config) {
		c.Platforms = []string{bot.PlatformConsole, bot.PlatformMattermost}
	}))
	h.must("alice", "propose migrate Nextcloud on Saturday")
	h.must("bob", "validate P1")
	h.must("carol", "validate P1")
	h.drain()
	h.refused("bob", "done P1 https://wiki.example.org/nextcloud")              // only the author
	h.refused("alice", "done P1 done")                                          // a word is no documentation
	h.refused("alice", "done P1 "+strings.Repeat("x", proposals.MinDocChars-1)) // nor 19 characters
	n := len(h.entries())
	h.must("alice", "done P1 https://wiki.example.org/nextcloud")
	wantKinds(t, h.entriesSince(n), domain.ProposalDone)
	wantState(t, h, 1, proposals.Done)

	var inChannel, governance bool
	for _, m := range h.outbox() {
		if m.Kind == bot.KindPost && strings.Contains(m.Text, "https://wiki.example.org/nextcloud") {
			inChannel = inChannel || m.Channel == channel
			governance = governance || (m.Channel == "" && m.Except == channel)
		}
	}
	if !inChannel || !governance {
		t.Errorf("console: in channel %v, governance %v: %q", inChannel, governance, texts(h.outbox(), ""))
	}
	mm := h.pending(bot.PlatformMattermost) // the opening, then the documentation
	if len(mm) != 2 || mm[1].Channel != "" || !strings.Contains(mm[1].Text, "documentation") || !strings.Contains(mm[1].Text, "https://wiki.example.org/nextcloud") {
		t.Errorf("mattermost governance channel got %+v", mm)
	}
	t.Run("TextDocumentation", func(t *testing.T) {
		h := newHarness(t, "en")
		h.must("alice", "propose a thing")
		h.must("bob", "validate P1")
		h.must("carol", "validate P1")
		h.must("alice", "done P1 written up in the shared folder, file stickers.odt")
	})
}

func TestR9_AuthorWithdraws(t *testing.T) {
	h := newHarness(t, "en")
	h.must("alice", "propose migrate Nextcloud on Saturday")
	h.refused("bob", "withdraw P1")
	n := len(h.entries())
	h.must("alice", "withdraw P1")
	wantKinds(t, h.entriesSince(n), domain.ProposalWithdrawn)
	wantState(t, h, 1, proposals.Withdrawn)
	h.refused("bob", "validate P1")

	h.must("alice", "propose order stickers")
	h.must("bob", "validate P2")
	h.must("carol", "validate P2")
	h.must("alice", "done P2 https://wiki.example.org/stickers")
	h.refused("alice", "withdraw P2") // done: too late
	wantState(t, h, 2, proposals.Done)
}

func TestR10_StalledAtDeadline(t *testing.T) {
	h := newHarness(t, "en")
	h.tick()
	h.must("alice", "propose migrate Nextcloud on Saturday")
	h.must("bob", "validate P1")
	h.must("carol", "propose order stickers") // approved before its deadline
	h.must("alice", "validate P2")
	h.must("bob", "validate P2")
	h.drain()

	h.setClock(start.Add(7*24*time.Hour - time.Minute))
	h.tick()
	if len(h.outbox()) != 0 {
		t.Fatalf("before the deadline: %q", texts(h.outbox(), ""))
	}
	n := len(h.entries())
	h.setClock(start.Add(7 * 24 * time.Hour)) // Wednesday 9 December
	h.tick()
	wantKinds(t, h.entriesSince(n), domain.ProposalStalled)
	if e := h.entries()[n]; e.Subject != "P1" || e.Actor != domain.ActorBot {
		t.Errorf("stalled entry %+v", e)
	}
	posts := texts(h.outbox(), bot.KindPost)
	if len(posts) != 1 || !strings.Contains(posts[0], "P1") || !strings.Contains(posts[0], "next meeting") || !strings.Contains(posts[0], "1 validation") {
		t.Errorf("want one reminder about P1, got %q", posts)
	}
	wantState(t, h, 1, proposals.Open) // the deadline does not change the state
	agenda := h.query("zoe", "meeting")
	wantContains(t, "agenda", agenda, "Monday 14 December 2026", "Stalled", "P1 migrate Nextcloud")
	wantNotContains(t, "agenda", agenda, "P2 order")

	h.drain()
	n = len(h.entries())
	h.clock.Advance(time.Minute)
	h.tick()
	h.must("bob", "concern P1 any news?") // touching it does not stall it again
	if es := h.entriesSince(n); !slices.Equal(kinds(es), []string{domain.ConcernAdded}) {
		t.Errorf("second tick logged %v", kinds(es))
	}
	if posts := texts(h.outbox(), bot.KindPost); len(posts) != 1 {
		t.Errorf("second tick posted %q", posts)
	}

	t.Run("TouchedAfterDeadlineWithoutTick", func(t *testing.T) {
		h := newHarness(t, "en")
		h.must("alice", "propose --by 48h order stickers")
		h.setClock(start.Add(49 * time.Hour))
		n := len(h.entries())
		h.must("bob", "validate P1")
		wantKinds(t, h.entriesSince(n), domain.ProposalStalled, domain.ProposalValidated)
		h.tick()
		if got := len(h.entries()); got != n+2 {
			t.Errorf("tick after touch logged %v", kinds(h.entriesSince(n+2)))
		}
	})
	t.Run("ExplicitDeadline", func(t *testing.T) {
		h := newHarness(t, "en")
		h.must("alice", "propose --by 2026-12-03T18:00 order stickers")
		if p := h.proposal(1); !p.Deadline.Equal(time.Date(2026, 12, 3, 17, 0, 0, 0, time.UTC)) {
			t.Errorf("deadline %v, want 18:00 Paris", p.Deadline)
		}
		h.must("alice", "propose --by 2026-12-05 order more stickers")
		if p := h.proposal(2); !p.Deadline.Equal(time.Date(2026, 12, 5, 22, 59, 0, 0, time.UTC)) {
			t.Errorf("deadline %v, want the end of 5 December in Paris (23:59)", p.Deadline)
		}
		// The card shows the day that was typed, not the next one.
		if !anyContains(texts(h.outbox(), bot.KindCard), "Saturday 5 December 2026 at 23:59") {
			t.Errorf("cards %q", texts(h.outbox(), bot.KindCard))
		}
		h.refused("alice", "propose --by +5d signs are not numbers")
		h.must("alice", "propose --by 7D upper case suffix")
		// Whole days keep the local time across the end of summer time.
		h.setClock(time.Date(2027, 10, 25, 8, 0, 0, 0, time.UTC)) // Monday 10:00 Paris, CEST
		h.must("alice", "propose --by 7d across the change")
		if p := h.proposal(4); !p.Deadline.Equal(time.Date(2027, 11, 1, 9, 0, 0, 0, time.UTC)) {
			t.Errorf("deadline %v, want Monday 1 November 10:00 Paris (CET)", p.Deadline)
		}
	})
}

func TestR11_RepeatsAreHarmless(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t, lang)
			h.must("alice", "propose migrate Nextcloud on Saturday")
			h.must("bob", "validate P1")
			h.must("dave", "object P1 the backups are not tested yet")
			h.must("dave", "lift P1")
			h.must("carol", "concern P1 think of the backups")
			h.must("carol", "validate P1")
			h.must("alice", "coopt @frank operationnel")
			h.must("bob", "vote C1 yes")
			h.must("alice", "propose order stickers")
			h.must("alice", "withdraw P2")
			h.must("dave", "object P1 we need to test the backups again")
			repeats := []struct{ user, text string }{
				{"bob", "validate P1"},
				{"bob", "valider p1"},
				{"dave", "object P1 we need to test the backups again"},
				{"carol", "concern P1 think of the backups"},
				{"bob", "vote C1 yes"},
				{"alice", "vote C1 oui"},
				{"alice", "amend P1 migrate Nextcloud on Saturday"},
				{"alice", "withdraw P2"},
			}
			for _, rep := range repeats {
				before := h.snapshot()
				r := h.do(rep.user, rep.text)
				if r.Refused || r.Changed || r.Private == "" {
					t.Errorf("%s %q: refused=%v changed=%v %q", rep.user, rep.text, r.Refused, r.Changed, r.Private)
				}
				if lang == "en" && !strings.Contains(r.Private, "nothing changes") || lang == "fr" && !strings.Contains(r.Private, "rien ne change") {
					t.Errorf("%s %q: reply does not say nothing changed: %q", rep.user, rep.text, r.Private)
				}
				if after := h.snapshot(); after.LogCount != before.LogCount || after.Head != before.Head || len(after.Outbox) != len(before.Outbox) || after.Items != before.Items {
					t.Errorf("%s %q changed state", rep.user, rep.text)
				}
			}
			// Lifting twice, then done twice.
			h.must("dave", "lift P1")
			noop := func(user, text string) {
				t.Helper()
				n := len(h.entries())
				if r := h.do(user, text); r.Refused || r.Changed || len(h.entries()) != n {
					t.Errorf("%q: refused=%v changed=%v %q", text, r.Refused, r.Changed, r.Private)
				}
			}
			noop("dave", "lift P1")
			h.must("bob", "meeting add the bank")
			h.must("bob", "meeting done 1")
			noop("carol", "meeting done 1")
			h.must("alice", "done P1 https://wiki.example.org/nextcloud")
			noop("alice", "done P1 https://wiki.example.org/nextcloud")
		})
	}
}

// Stigmergy: a proposal typed in a direct conversation is announced in the
// governance channel, where everybody sees it.
func TestR1_ProposalOpenedInADirectConversationIsAnnounced(t *testing.T) {
	h := newHarness(t, "en")
	r := h.bot.Handle(context.Background(), bot.Request{Platform: bot.PlatformConsole, Channel: "dm-alice", UserID: "alice", UserName: "alice", Text: "propose migrate Nextcloud on Saturday"})
	if !r.Changed {
		t.Fatalf("refused: %+v", r)
	}
	var governance bool
	for _, m := range h.outbox() {
		governance = governance || (m.Kind == bot.KindPost && m.Channel == "" && m.Except == "dm-alice" && strings.Contains(m.Text, "migrate Nextcloud"))
	}
	if !governance {
		t.Errorf("not announced in the governance channel: %q", texts(h.outbox(), ""))
	}
}

// serve with no chat platform still applies deadlines (and logs them), but
// queues nothing that no adapter would ever deliver.
func TestR10_NoPlatformQueuesNothing(t *testing.T) {
	h := newHarness(t, "en", withConfig(func(c *bot.Config) { c.Platforms = []string{} }))
	h.must("alice", "propose --by 48h order stickers")
	h.drain()
	n := len(h.entries())
	h.setClock(start.Add(49 * time.Hour))
	h.tick()
	if got := kinds(h.entriesSince(n)); !slices.Contains(got, domain.ProposalStalled) {
		t.Errorf("logged %v, want proposal.stalled", got)
	}
	for _, p := range []string{bot.PlatformConsole, bot.PlatformMattermost, bot.PlatformRocketChat} {
		if got := h.pending(p); len(got) != 0 {
			t.Errorf("%s outbox: %+v", p, got)
		}
	}
}

// The scheduler decides R10 once per proposal: an approved or closed one is
// not looked at again at every tick (each look would be a disk sync).
func TestR10_DecidedOnce(t *testing.T) {
	h := newHarness(t, "en")
	h.must("alice", "propose --by 48h order stickers")
	h.must("bob", "validate P1")
	h.must("carol", "validate P1")
	h.setClock(start.Add(49 * time.Hour))
	h.tick()
	if p := h.proposal(1); !p.DeadlineChecked || !p.StalledAt.IsZero() {
		t.Errorf("approved at its deadline: checked %v, stalled at %v", p.DeadlineChecked, p.StalledAt)
	}
}
