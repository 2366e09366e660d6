package bot_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/cooptation"
	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/storage"
)

// cooptation loads Cn.
func (h *harness) cooptation(n int) *cooptation.Cooptation {
	h.tb.Helper()
	var c *cooptation.Cooptation
	err := h.db.View(func(tx *storage.Tx) error {
		var err error
		c, err = tx.Cooptation(n)
		return err
	})
	if err != nil {
		h.tb.Fatal(err)
	}
	return c
}

// addMember puts someone on the roster as the operator would.
func (h *harness) addMember(m domain.Member) {
	h.tb.Helper()
	err := h.db.Update(func(tx *storage.Tx) error {
		if err := tx.PutMember(m); err != nil {
			return err
		}
		return tx.Append(domain.Event{Actor: domain.ActorOperator, Kind: domain.MemberAdded, Subject: m.Name, Text: string(m.Type)})
	})
	if err != nil {
		h.tb.Fatal(err)
	}
}

func wantCooptation(tb testing.TB, h *harness, n int, want cooptation.State) {
	tb.Helper()
	if got := h.cooptation(n).State; got != want {
		tb.Errorf("C%d is %s, want %s", n, got, want)
	}
}

func TestR12_WhoMayOpenCooptation(t *testing.T) {
	tests := []struct {
		name, user, text string
		ok               bool
	}{
		{"OperationnelProposesOperationnel", "dave", "coopt @hugo operationnel", true},
		{"OperationnelProposesBienfaiteur", "dave", "coopt @hugo benefactor", true},
		{"OperationnelProposesSocietaire", "dave", "coopt @hugo societaire", false},
		{"SocietaireProposesSocietaire", "carol", "coopt @hugo full", true},
		{"BienfaiteurProposes", "erin", "coopt @hugo bienfaiteur", false},
		{"NonMemberProposes", "zoe", "coopt @hugo bienfaiteur", false},
		{"OperationnelMovesBienfaiteur", "dave", "coopt @erin operational", true},
		{"OperationnelMovesToSocietaire", "dave", "coopt @erin societaire", false},
		{"SocietaireMovesToSocietaire", "carol", "coopt @dave sociétaire", true},
		{"NobodyMovesThemself", "dave", "coopt @dave bienfaiteur", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, "en")
			n := len(h.entries())
			r := h.do(tt.user, tt.text)
			if tt.ok != (r.Changed && !r.Refused) {
				t.Fatalf("changed=%v refused=%v: %s", r.Changed, r.Refused, r.Private)
			}
			if tt.ok {
				if es := h.entriesSince(n); es[0].Kind != domain.CooptationOpened || es[0].Subject != "C1" {
					t.Errorf("logged %v", kinds(es))
				}
			}
		})
	}
}

func TestR13_ElectorateFixedAtOpening(t *testing.T) {
	h := newHarness(t, "en")
	h.must("alice", "coopt @frank societaire helps every week")
	c := h.cooptation(1)
	if want := []string{"alice", "bob", "carol"}; !slices.Equal(c.Electorate, want) {
		t.Errorf("societaire electorate %v, want %v", c.Electorate, want)
	}
	if v, ok := c.VoteOf("alice"); !ok || !v.Yes {
		t.Errorf("the proposer's opening is not their yes: %v", c.Votes)
	}
	// A societaire added after the opening does not vote on it.
	h.addMember(domain.Member{Name: "henri", Type: domain.Societaire})
	h.refused("henri", "vote C1 yes")
	h.refused("dave", "vote C1 yes") // an operationnel on a societaire cooptation
	h.refused("frank", "vote C1 yes")
	wantContains(t, "status", h.query("zoe", "status C1"), "1/3", "bob, carol")

	h.must("dave", "coopt @gina operationnel")
	if want := []string{"alice", "bob", "carol", "dave", "henri"}; !slices.Equal(h.cooptation(2).Electorate, want) {
		t.Errorf("operationnel electorate %v, want %v", h.cooptation(2).Electorate, want)
	}
	t.Run("CandidateNeverVotes", func(t *testing.T) {
		h := newHarness(t, "en")
		h.must("alice", "coopt @dave societaire")
		if slices.Contains(h.cooptation(1).Electorate, "dave") {
			t.Errorf("electorate %v has the candidate", h.cooptation(1).Electorate)
		}
		h.must("alice", "coopt @erin operationnel")
		c := h.cooptation(2)
		if slices.Contains(c.Electorate, "erin") || !slices.Contains(c.Electorate, "dave") {
			t.Errorf("electorate %v", c.Electorate)
		}
	})
}

func TestR14_Unanimity(t *testing.T) {
	t.Run("AllYesAccepts", func(t *testing.T) {
		h := newHarness(t, "en")
		h.must("alice", "coopt @frank societaire")
		h.must("bob", "vote C1 yes")
		wantCooptation(t, h, 1, cooptation.Open)
		n := len(h.entries())
		h.must("carol", "vote C1 yes")
		wantCooptation(t, h, 1, cooptation.Accepted)
		wantKinds(t, h.entriesSince(n), domain.CooptationVoted, domain.CooptationAccept, domain.MemberAdded)
	})
	t.Run("OneNoRejectsAtOnce", func(t *testing.T) {
		h := newHarness(t, "en")
		h.must("alice", "coopt @frank societaire")
		n := len(h.entries())
		h.must("bob", "vote C1 no we never met him")
		wantCooptation(t, h, 1, cooptation.Rejected)
		wantKinds(t, h.entriesSince(n), domain.CooptationVoted, domain.CooptationReject)
		h.refused("carol", "vote C1 yes")
		if _, ok := h.member("frank"); ok {
			t.Error("frank is on the roster")
		}
	})
	t.Run("SilenceExpires", func(t *testing.T) {
		h := newHarness(t, "en")
		h.tick()
		h.must("alice", "coopt @frank societaire")
		h.must("bob", "vote C1 yes")
		h.drain()
		h.setClock(start.Add(14*24*time.Hour - time.Second))
		h.tick()
		wantCooptation(t, h, 1, cooptation.Open)
		n := len(h.entries())
		h.setClock(start.Add(14 * 24 * time.Hour))
		h.tick()
		wantCooptation(t, h, 1, cooptation.Expired)
		wantKinds(t, h.entriesSince(n), domain.CooptationExpired)
		if !anyContains(texts(h.outbox(), bot.KindPost), "C1", "silence is not consent", "carol") {
			t.Errorf("expiry not announced: %q", texts(h.outbox(), ""))
		}
		h.refused("carol", "vote C1 yes")
		if _, ok := h.member("frank"); ok {
			t.Error("frank is on the roster")
		}
	})
}

func TestR15_ChangeVoteWhileOpen(t *testing.T) {
	h := newHarness(t, "en")
	h.must("alice", "coopt @frank operationnel")
	h.must("bob", "vote C1 yes")
	n := len(h.entries())
	h.must("bob", "vote C1 no I learned something worrying")
	wantKinds(t, h.entriesSince(n), domain.CooptationVoted, domain.CooptationReject)
	if v, _ := h.cooptation(1).VoteOf("bob"); v.Yes {
		t.Error("bob's vote is still yes")
	}
	t.Run("OutsideElectorate", func(t *testing.T) {
		h := newHarness(t, "en")
		h.must("alice", "coopt @frank societaire")
		for _, who := range []string{"dave", "erin", "zoe", "frank"} {
			wantContains(t, who, h.refused(who, "vote C1 yes"), "not in the electorate")
		}
	})
}

func TestR16_ReminderBeforeCooptationDeadline(t *testing.T) {
	h := newHarness(t, "en")
	h.tick()
	h.must("alice", "coopt @frank operationnel")
	h.must("bob", "vote C1 yes")
	h.drain()
	deadline := h.cooptation(1).Deadline
	// Hourly ticks up to one hour before the reminder is due: no DM.
	h.wait(deadline.Add(-48*time.Hour-time.Hour).Sub(h.clock.Now()), time.Hour)
	if dms := dmsTo(h.drain()); len(dms) != 0 {
		t.Fatalf("early DMs: %v", dms)
	}
	// Two ticks across the 48-hour mark, then until the deadline.
	h.wait(time.Hour, time.Hour)
	h.wait(time.Hour, time.Hour)
	h.wait(deadline.Sub(h.clock.Now())-time.Minute, 3*time.Hour)
	dms := dmsTo(h.drain())
	want := map[string]int{"carol": 1, "dave": 1}
	if len(dms) != len(want) || dms["carol"] != 1 || dms["dave"] != 1 {
		t.Errorf("DMs %v, want one each to %v", dms, want)
	}
}

// dmsTo counts the direct messages of msgs by member.
func dmsTo(msgs []bot.Message) map[string]int {
	out := map[string]int{}
	for _, m := range msgs {
		if m.Kind == bot.KindDM {
			out[m.Member]++
		}
	}
	return out
}

func TestR17_AcceptanceWelcomesNewcomer(t *testing.T) {
	accepted := map[string]string{"en": "frank as operationnel", "fr": "frank comme opérationnel·le"}
	for lang, want := range map[string]string{"en": "Welcome", "fr": "Bienvenue"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t, lang)
			h.must("dave", "coopt @Frank operationnel keeps our servers alive")
			h.must("alice", "vote C1 yes")
			h.must("bob", "vote C1 yes")
			h.drain()
			n := len(h.entries())
			h.must("carol", "vote C1 yes")
			// The announcement names the type in the reply language.
			if posts := texts(h.outbox(), bot.KindPost); !anyContains(posts, accepted[lang]) {
				t.Errorf("acceptance announcement %q lacks %q", posts, accepted[lang])
			}
			wantKinds(t, h.entriesSince(n), domain.CooptationVoted, domain.CooptationAccept, domain.MemberAdded)
			m, ok := h.member("frank")
			if !ok || m.Type != domain.Operationnel || m.Welcomer != "dave" || !m.Since.Equal(start) {
				t.Fatalf("frank on the roster: %v %+v", ok, m)
			}
			var dm *bot.Message
			for _, msg := range h.drain() {
				if msg.Kind == bot.KindDM {
					dm = &msg
				}
			}
			if dm == nil || dm.Member != "frank" {
				t.Fatalf("no welcome DM to frank")
			}
			wantContains(t, "welcome DM", dm.Text, want, socialCodeURL, "dave")

			h.must("frank", "propose I will document the servers") // a member now
			n = len(h.entries())
			h.must("carol", "welcome @frank")
			wantKinds(t, h.entriesSince(n), domain.MemberWelcomer)
			if m, _ := h.member("frank"); m.Welcomer != "carol" {
				t.Errorf("welcomer %q, want carol", m.Welcomer)
			}
			r := h.do("carol", "welcome @frank")
			if r.Refused || r.Changed {
				t.Errorf("welcoming twice: %+v", r)
			}
		})
	}
	t.Run("NoSocialCodeConfigured", func(t *testing.T) {
		h := newHarness(t, "fr", withConfig(func(c *bot.Config) { c.SocialCodeURL = "" }))
		h.must("alice", "coopter @frank bienfaiteur")
		h.must("bob", "voter C1 oui")
		h.must("carol", "voter C1 oui")
		msgs := h.drain()
		if !anyContains(texts(msgs, bot.KindPost), "carol", "C1", ": oui") {
			t.Errorf("vote not announced in French: %q", texts(msgs, bot.KindPost))
		}
		h.must("dave", "voter C1 oui")
		msgs = h.drain()
		dm := texts(msgs, bot.KindDM)
		if len(dm) != 1 || strings.Contains(dm[0], "code social") || !strings.Contains(dm[0], "Bienvenue") {
			t.Errorf("welcome DM without a social code: %q", dm)
		}
	})
	t.Run("TypeChange", func(t *testing.T) {
		h := newHarness(t, "en")
		h.must("carol", "coopt @dave societaire")
		h.must("alice", "vote C1 yes")
		h.drain()
		n := len(h.entries())
		h.must("bob", "vote C1 yes")
		wantKinds(t, h.entriesSince(n), domain.CooptationVoted, domain.CooptationAccept, domain.MemberChanged)
		if m, _ := h.member("dave"); m.Type != domain.Societaire || m.Welcomer != "" {
			t.Errorf("dave %+v", m)
		}
		msgs := h.drain()
		if dmsTo(msgs)["dave"] != 1 || !anyContains(texts(msgs, bot.KindDM), "societaire") {
			t.Errorf("type-change DM: %q", texts(msgs, bot.KindDM))
		}
	})
}
