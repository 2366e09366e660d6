package cooptation_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/consentbot/consentbot/cooptation"
	"github.com/consentbot/consentbot/domain"
)

// The fixed clock: the vote opens at t0 and lasts 14 days.
var (
	t0       = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	deadline = t0.Add(14 * 24 * time.Hour)
)

func at(hours int) time.Time { return t0.Add(time.Duration(hours) * time.Hour) }

// The demo roster of SPEC §4; zoe is not a member, frank is the candidate.
var (
	alice  = domain.Member{Name: "alice", Type: domain.Societaire, Council: true}
	bob    = domain.Member{Name: "bob", Type: domain.Societaire, Council: true}
	carol  = domain.Member{Name: "carol", Type: domain.Societaire}
	dave   = domain.Member{Name: "dave", Type: domain.Operationnel}
	erin   = domain.Member{Name: "erin", Type: domain.Bienfaiteur}
	zoe    = domain.Member{Name: "zoe"}
	frank  = domain.Member{Name: "frank"}
	roster = []domain.Member{alice, bob, carol, dave, erin}
)

const why = "runs the accounting"

// mustNew opens C1 by proposer on candidate as typ, on a copy of roster.
func mustNew(t *testing.T, proposer, candidate domain.Member, typ domain.MemberType) *cooptation.Cooptation {
	t.Helper()
	c, _, err := cooptation.New(1, proposer, candidate, typ, why, slices.Clone(roster), deadline, t0)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func mustVote(t *testing.T, c *cooptation.Cooptation, by string, yes bool) {
	t.Helper()
	if _, err := c.CastVote(by, yes, "", at(1)); err != nil {
		t.Fatalf("%s votes %v: %v", by, yes, err)
	}
}

func ev(actor, kind, text string) domain.Event {
	return domain.Event{Actor: actor, Kind: kind, Subject: "C1", Text: text}
}

func wantEvents(t *testing.T, got []domain.Event, want ...domain.Event) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func wantErr(t *testing.T, err error, code string, noop bool) {
	t.Helper()
	e, ok := domain.AsError(err)
	if !ok {
		t.Fatalf("err = %v, want *domain.Error %s", err, code)
	}
	if e.Code != code || e.NoOp != noop {
		t.Fatalf("err = %s (NoOp %v), want %s (NoOp %v)", e.Code, e.NoOp, code, noop)
	}
}

func wantState(t *testing.T, c *cooptation.Cooptation, want cooptation.State) {
	t.Helper()
	if c.State != want {
		t.Fatalf("state = %s, want %s", c.State, want)
	}
}

func clone(c *cooptation.Cooptation) *cooptation.Cooptation {
	d := *c
	d.Electorate = slices.Clone(c.Electorate)
	d.Votes = slices.Clone(c.Votes)
	return &d
}

// wantRefusedVote checks that by's vote is refused with code and changes
// nothing.
func wantRefusedVote(t *testing.T, c *cooptation.Cooptation, by string, yes bool, code string, noop bool) {
	t.Helper()
	before := clone(c)
	events, err := c.CastVote(by, yes, "", at(2))
	wantErr(t, err, code, noop)
	if events != nil {
		t.Errorf("refused vote returned events %v", events)
	}
	if diff := cmp.Diff(before, c); diff != "" {
		t.Errorf("refused vote changed the cooptation (-before +after):\n%s", diff)
	}
}

// TestRules has one subtest per behaviour of SPEC R12–R18.
func TestRules(t *testing.T) {
	tests := []struct {
		name string
		test func(t *testing.T)
	}{
		// R12. Who may open a cooptation.
		{"R12_who_may_open", func(t *testing.T) {
			cases := []struct {
				proposer domain.Member
				typ      domain.MemberType
				code     string // "" = allowed
			}{
				{alice, domain.Societaire, ""},
				{carol, domain.Societaire, ""},
				{alice, domain.Operationnel, ""},
				{alice, domain.Bienfaiteur, ""},
				{dave, domain.Operationnel, ""},
				{dave, domain.Bienfaiteur, ""},
				{dave, domain.Societaire, "err.coopt_societaire_only"},
				{erin, domain.Bienfaiteur, "err.coopt_needs_vote"},
				{erin, domain.Operationnel, "err.coopt_needs_vote"},
				{erin, domain.Societaire, "err.coopt_needs_vote"},
				{zoe, domain.Operationnel, "err.not_member"},
			}
			for _, tc := range cases {
				t.Run(tc.proposer.Name+"_"+string(tc.typ), func(t *testing.T) {
					c, events, err := cooptation.New(1, tc.proposer, frank, tc.typ, why, roster, deadline, t0)
					if tc.code != "" {
						wantErr(t, err, tc.code, false)
						if c != nil || events != nil {
							t.Errorf("refused New returned %v, %v", c, events)
						}
						return
					}
					if err != nil {
						t.Fatal(err)
					}
					wantState(t, c, cooptation.Open)
					if c.Proposer != tc.proposer.Name || c.Candidate != "frank" || c.Type != tc.typ || c.From != "" || c.Why != why {
						t.Errorf("cooptation = %+v", c)
					}
					wantEvents(t, events, ev(tc.proposer.Name, domain.CooptationOpened, "frank → "+string(tc.typ)+": "+why))
				})
			}
		}},
		{"R12_same_rights_to_move_an_existing_member", func(t *testing.T) {
			cases := []struct {
				proposer, candidate domain.Member
				typ                 domain.MemberType
				code                string
			}{
				{carol, dave, domain.Societaire, ""},
				{dave, erin, domain.Operationnel, ""},
				{dave, carol, domain.Bienfaiteur, ""},
				{dave, erin, domain.Societaire, "err.coopt_societaire_only"},
				{erin, dave, domain.Bienfaiteur, "err.coopt_needs_vote"},
				{alice, dave, domain.Operationnel, "err.already_type"},
			}
			for _, tc := range cases {
				t.Run(tc.proposer.Name+"_moves_"+tc.candidate.Name+"_"+string(tc.typ), func(t *testing.T) {
					c, events, err := cooptation.New(1, tc.proposer, tc.candidate, tc.typ, "", roster, deadline, t0)
					if tc.code != "" {
						wantErr(t, err, tc.code, false)
						if c != nil || events != nil {
							t.Errorf("refused New returned %v, %v", c, events)
						}
						return
					}
					if err != nil {
						t.Fatal(err)
					}
					if c.From != tc.candidate.Type || c.Type != tc.typ {
						t.Errorf("From %q Type %q", c.From, c.Type)
					}
					wantEvents(t, events, ev(tc.proposer.Name, domain.CooptationOpened, tc.candidate.Name+" → "+string(tc.typ)))
				})
			}
		}},
		{"R12_bad_openings_refused", func(t *testing.T) {
			cases := []struct {
				name      string
				candidate domain.Member
				deadline  time.Time
				code      string
			}{
				{"self", alice, deadline, "err.coopt_self"},
				{"bad_name", domain.Member{Name: "Frank Smith"}, deadline, "err.bad_name"},
				{"deadline_past", frank, t0, "err.deadline_past"},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					_, _, err := cooptation.New(1, alice, tc.candidate, domain.Bienfaiteur, "", roster, tc.deadline, t0)
					wantErr(t, err, tc.code, false)
				})
			}
		}},

		// R13. The electorate is fixed at opening.
		{"R13_societaire_cooptation_electorate_is_the_societaires", func(t *testing.T) {
			c := mustNew(t, carol, frank, domain.Societaire)
			if want := []string{"alice", "bob", "carol"}; !slices.Equal(c.Electorate, want) {
				t.Errorf("electorate = %v, want %v", c.Electorate, want)
			}
			wantRefusedVote(t, c, "dave", true, "err.not_elector", false)
			wantRefusedVote(t, c, "erin", true, "err.not_elector", false)
		}},
		{"R13_other_cooptations_electorate_is_the_voting_members", func(t *testing.T) {
			for _, typ := range []domain.MemberType{domain.Operationnel, domain.Bienfaiteur} {
				c := mustNew(t, dave, frank, typ)
				if want := []string{"alice", "bob", "carol", "dave"}; !slices.Equal(c.Electorate, want) {
					t.Errorf("%s: electorate = %v, want %v", typ, c.Electorate, want)
				}
				wantRefusedVote(t, c, "erin", true, "err.not_elector", false)
			}
		}},
		{"R13_candidate_never_votes", func(t *testing.T) {
			c := mustNew(t, alice, dave, domain.Societaire)
			if c.IsElector("dave") {
				t.Errorf("candidate in electorate %v", c.Electorate)
			}
			c = mustNew(t, alice, carol, domain.Operationnel)
			if want := []string{"alice", "bob", "dave"}; !slices.Equal(c.Electorate, want) {
				t.Errorf("electorate = %v, want %v", c.Electorate, want)
			}
			wantRefusedVote(t, c, "carol", false, "err.not_elector", false)
		}},
		{"R13_proposer_opening_counts_as_yes", func(t *testing.T) {
			c := mustNew(t, dave, frank, domain.Operationnel)
			if v, ok := c.VoteOf("dave"); !ok || !v.Yes || !v.At.Equal(t0) {
				t.Errorf("proposer's vote = %+v, %v; want yes", v, ok)
			}
			if want := []string{"alice", "bob", "carol"}; !slices.Equal(c.Missing(), want) {
				t.Errorf("Missing = %v, want %v", c.Missing(), want)
			}
			// The proposer's yes completes the unanimity.
			for _, e := range []string{"alice", "bob"} {
				mustVote(t, c, e, true)
			}
			events, err := c.CastVote("carol", true, "", at(3))
			if err != nil {
				t.Fatal(err)
			}
			wantEvents(t, events, ev("carol", domain.CooptationVoted, "yes"), ev("carol", domain.CooptationAccept, "frank → operationnel: "+why))
		}},
		{"R13_sole_elector_proposer_accepts_at_once", func(t *testing.T) {
			c, events, err := cooptation.New(1, alice, frank, domain.Societaire, "", []domain.Member{alice, dave}, deadline, t0)
			if err != nil {
				t.Fatal(err)
			}
			wantEvents(t, events, ev("alice", domain.CooptationOpened, "frank → societaire"), ev("alice", domain.CooptationAccept, "frank → societaire"))
			wantState(t, c, cooptation.Accepted)
		}},
		{"R13_roster_change_after_opening_does_not_change_the_electorate", func(t *testing.T) {
			r := slices.Clone(roster)
			c, _, err := cooptation.New(1, alice, frank, domain.Societaire, why, r, deadline, t0)
			if err != nil {
				t.Fatal(err)
			}
			// After the opening, dave becomes societaire and carol leaves the
			// societaires; grace, who joins later, is not on the roster given.
			r[3].Type = domain.Societaire
			r[2].Type = domain.Bienfaiteur
			if want := []string{"alice", "bob", "carol"}; !slices.Equal(c.Electorate, want) {
				t.Fatalf("electorate = %v, want %v", c.Electorate, want)
			}
			wantRefusedVote(t, c, "dave", true, "err.not_elector", false)
			wantRefusedVote(t, c, "grace", true, "err.not_elector", false)
			mustVote(t, c, "bob", true)
			mustVote(t, c, "carol", true) // still an elector
			wantState(t, c, cooptation.Accepted)
		}},

		// R14. Unanimity; one no rejects; silence is not consent.
		{"R14_all_yes_accepts", func(t *testing.T) {
			c := mustNew(t, alice, frank, domain.Societaire)
			events, err := c.CastVote("bob", true, "", at(1))
			if err != nil {
				t.Fatal(err)
			}
			wantEvents(t, events, ev("bob", domain.CooptationVoted, "yes"))
			wantState(t, c, cooptation.Open)
			events, err = c.CastVote("carol", true, " welcome! ", at(2))
			if err != nil {
				t.Fatal(err)
			}
			wantEvents(t, events,
				ev("carol", domain.CooptationVoted, "yes: welcome!"),
				ev("carol", domain.CooptationAccept, "frank → societaire: "+why))
			wantState(t, c, cooptation.Accepted)
			if !c.ClosedAt.Equal(at(2)) {
				t.Errorf("ClosedAt = %v", c.ClosedAt)
			}
		}},
		{"R14_one_no_rejects_at_once", func(t *testing.T) {
			c := mustNew(t, dave, frank, domain.Operationnel)
			events, err := c.CastVote("bob", false, "we have not met them yet", at(1))
			if err != nil {
				t.Fatal(err)
			}
			wantEvents(t, events,
				ev("bob", domain.CooptationVoted, "no: we have not met them yet"),
				ev("bob", domain.CooptationReject, "frank → operationnel: "+why))
			wantState(t, c, cooptation.Rejected)
			if !c.ClosedAt.Equal(at(1)) {
				t.Errorf("ClosedAt = %v", c.ClosedAt)
			}
		}},
		{"R14_silence_is_not_consent_expires_at_the_deadline", func(t *testing.T) {
			c := mustNew(t, alice, frank, domain.Societaire)
			mustVote(t, c, "bob", true) // all but carol said yes
			if events := c.CheckDeadline(deadline.Add(-time.Second)); events != nil {
				t.Fatalf("before the deadline: %v", events)
			}
			wantState(t, c, cooptation.Open)
			wantEvents(t, c.CheckDeadline(deadline), domain.Event{Actor: "bot", Kind: domain.CooptationExpired, Subject: "C1", Text: "frank → societaire: " + why})
			wantState(t, c, cooptation.Expired)
			if !c.ClosedAt.Equal(deadline) {
				t.Errorf("ClosedAt = %v", c.ClosedAt)
			}
			if events := c.CheckDeadline(deadline.Add(time.Hour)); events != nil {
				t.Errorf("second check: %v", events)
			}
			wantRefusedVote(t, c, "carol", true, "err.cooptation_closed", false)
		}},
		{"R14_deadline_leaves_a_decided_cooptation_alone", func(t *testing.T) {
			c := mustNew(t, alice, frank, domain.Societaire)
			mustVote(t, c, "bob", false)
			if events := c.CheckDeadline(deadline); events != nil {
				t.Errorf("rejected at the deadline: %v", events)
			}
			wantState(t, c, cooptation.Rejected)
		}},

		// R15. yes→no while open; only electors vote.
		{"R15_yes_may_become_no_while_open", func(t *testing.T) {
			c := mustNew(t, alice, frank, domain.Societaire)
			mustVote(t, c, "bob", true)
			events, err := c.CastVote("bob", false, "I learnt something", at(5))
			if err != nil {
				t.Fatal(err)
			}
			wantEvents(t, events, ev("bob", domain.CooptationVoted, "no: I learnt something"), ev("bob", domain.CooptationReject, "frank → societaire: "+why))
			if v, _ := c.VoteOf("bob"); v.Yes || v.Why != "I learnt something" || !v.At.Equal(at(5)) {
				t.Errorf("bob's vote = %+v", v)
			}
			if len(c.Votes) != 2 {
				t.Errorf("votes = %v, want one per elector", c.Votes)
			}
			wantState(t, c, cooptation.Rejected)
		}},
		{"R15_proposer_may_change_to_no", func(t *testing.T) {
			c := mustNew(t, alice, frank, domain.Societaire)
			if _, err := c.CastVote("alice", false, "", at(1)); err != nil {
				t.Fatal(err)
			}
			wantState(t, c, cooptation.Rejected)
		}},
		{"R15_vote_outside_the_electorate_refused_err.not_elector", func(t *testing.T) {
			c := mustNew(t, alice, frank, domain.Societaire)
			for _, by := range []string{"dave", "erin", "zoe", "frank", ""} {
				wantRefusedVote(t, c, by, false, "err.not_elector", false)
			}
			wantState(t, c, cooptation.Open)
		}},
		{"R15_vote_on_a_closed_cooptation_refused", func(t *testing.T) {
			accepted := mustNew(t, alice, frank, domain.Societaire)
			mustVote(t, accepted, "bob", true)
			mustVote(t, accepted, "carol", true)
			wantRefusedVote(t, accepted, "bob", false, "err.cooptation_closed", false)

			rejected := mustNew(t, alice, frank, domain.Societaire)
			mustVote(t, rejected, "bob", false)
			wantRefusedVote(t, rejected, "carol", true, "err.cooptation_closed", false)
			wantRefusedVote(t, rejected, "bob", true, "err.cooptation_closed", false)
		}},
		{"R15_same_vote_twice_is_a_noop", func(t *testing.T) {
			c := mustNew(t, alice, frank, domain.Societaire)
			mustVote(t, c, "bob", true)
			wantRefusedVote(t, c, "bob", true, "noop.same_vote", true)
			wantRefusedVote(t, c, "alice", true, "noop.same_vote", true)
		}},

		// R16. One reminder, 48 h before the deadline, to non-voters.
		{"R16_reminder_once_from_48h_before_to_non_voters", func(t *testing.T) {
			c := mustNew(t, dave, frank, domain.Operationnel)
			mustVote(t, c, "bob", true)
			if got := c.DueReminder(deadline.Add(-48*time.Hour - time.Second)); got != nil {
				t.Fatalf("reminder before 48 h: %v", got)
			}
			if !c.RemindedAt.IsZero() {
				t.Fatal("RemindedAt set too early")
			}
			when := deadline.Add(-48 * time.Hour)
			if got, want := c.DueReminder(when), []string{"alice", "carol"}; !slices.Equal(got, want) {
				t.Fatalf("DueReminder = %v, want %v (not dave the proposer, not bob who voted)", got, want)
			}
			if !c.RemindedAt.Equal(when) {
				t.Errorf("RemindedAt = %v", c.RemindedAt)
			}
			if got := c.DueReminder(when.Add(time.Hour)); got != nil {
				t.Errorf("second reminder: %v", got)
			}
		}},
		{"R14_R16_deadline_due_only_when_there_is_something_to_do", func(t *testing.T) {
			c := mustNew(t, dave, frank, domain.Operationnel)
			if c.DeadlineDue(deadline.Add(-48*time.Hour - time.Second)) {
				t.Error("due before the reminder window")
			}
			if !c.DeadlineDue(deadline.Add(-48 * time.Hour)) {
				t.Error("not due when the reminder is")
			}
			c.DueReminder(deadline.Add(-48 * time.Hour))
			if c.DeadlineDue(deadline.Add(-time.Hour)) {
				t.Error("due again after the reminder was sent")
			}
			if !c.DeadlineDue(deadline) {
				t.Error("not due at the deadline")
			}
			c.CheckDeadline(deadline)
			if c.DeadlineDue(deadline.Add(time.Hour)) {
				t.Error("due once expired")
			}
		}},
		{"R16_late_check_still_reminds_before_the_deadline", func(t *testing.T) {
			c := mustNew(t, dave, frank, domain.Operationnel)
			if got, want := c.DueReminder(deadline.Add(-time.Hour)), []string{"alice", "bob", "carol"}; !slices.Equal(got, want) {
				t.Errorf("DueReminder = %v, want %v", got, want)
			}
		}},
		{"R16_no_reminder_at_or_after_the_deadline_or_when_closed", func(t *testing.T) {
			c := mustNew(t, dave, frank, domain.Operationnel)
			for _, now := range []time.Time{deadline, deadline.Add(time.Hour)} {
				if got := c.DueReminder(now); got != nil {
					t.Errorf("DueReminder(%v) = %v", now, got)
				}
			}
			if !c.RemindedAt.IsZero() {
				t.Error("RemindedAt set after the deadline")
			}
			c = mustNew(t, alice, frank, domain.Societaire)
			mustVote(t, c, "bob", false)
			if got := c.DueReminder(deadline.Add(-time.Hour)); got != nil {
				t.Errorf("reminder on a rejected cooptation: %v", got)
			}
		}},

		// R17. Roster change and welcomer.
		{"R17_admit_a_newcomer_with_the_proposer_as_welcomer", func(t *testing.T) {
			c := mustNew(t, dave, frank, domain.Operationnel)
			for _, e := range []string{"alice", "bob", "carol"} {
				mustVote(t, c, e, true)
			}
			wantState(t, c, cooptation.Accepted)
			m, e := c.Admit(domain.Member{}, at(4))
			want := domain.Member{Name: "frank", Type: domain.Operationnel, Since: at(4), Welcomer: "dave"}
			if diff := cmp.Diff(want, m); diff != "" {
				t.Errorf("member (-want +got):\n%s", diff)
			}
			wantEvents(t, []domain.Event{e}, domain.Event{Actor: "dave", Kind: domain.MemberAdded, Subject: "frank", Text: "operationnel (C1)"})
		}},
		{"R17_admit_moves_an_existing_member", func(t *testing.T) {
			existing := domain.Member{Name: "bob", Type: domain.Societaire, Council: true, Since: t0.AddDate(-2, 0, 0), Welcomer: "alice"}
			c := mustNew(t, carol, existing, domain.Operationnel)
			for _, e := range c.Missing() {
				mustVote(t, c, e, true)
			}
			wantState(t, c, cooptation.Accepted)
			m, e := c.Admit(existing, at(4))
			// Since and welcomer kept; the council is a subset of the
			// societaires, so bob leaves it.
			want := domain.Member{Name: "bob", Type: domain.Operationnel, Since: existing.Since, Welcomer: "alice"}
			if diff := cmp.Diff(want, m); diff != "" {
				t.Errorf("member (-want +got):\n%s", diff)
			}
			wantEvents(t, []domain.Event{e}, domain.Event{Actor: "carol", Kind: domain.MemberChanged, Subject: "bob", Text: "societaire → operationnel (C1), council seat ends"}) // R18: said in the log
		}},
		{"R17_another_member_takes_over_the_welcome", func(t *testing.T) {
			newcomer := domain.Member{Name: "frank", Type: domain.Operationnel, Since: t0, Welcomer: "dave"}
			m, events, err := cooptation.TakeWelcome(erin, newcomer)
			if err != nil {
				t.Fatal(err)
			}
			if m.Welcomer != "erin" || m.Name != "frank" || m.Type != domain.Operationnel {
				t.Errorf("newcomer = %+v", m)
			}
			wantEvents(t, events, domain.Event{Actor: "erin", Kind: domain.MemberWelcomer, Subject: "frank", Text: "erin"})
		}},
		{"R17_take_welcome_refusals", func(t *testing.T) {
			newcomer := domain.Member{Name: "frank", Type: domain.Operationnel, Since: t0, Welcomer: "dave"}
			cases := []struct {
				name     string
				by, whom domain.Member
				code     string
				noop     bool
			}{
				{"non_member", zoe, newcomer, "err.not_member", false},
				{"unknown_newcomer", alice, domain.Member{Name: "ghost"}, "err.unknown_member", false},
				{"self", newcomer, newcomer, "err.welcome_self", false},
				{"already_welcomer_is_a_noop", dave, newcomer, "noop.already_welcomer", true},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					m, events, err := cooptation.TakeWelcome(tc.by, tc.whom)
					wantErr(t, err, tc.code, tc.noop)
					if events != nil || m != tc.whom {
						t.Errorf("refused TakeWelcome returned %+v, %v", m, events)
					}
				})
			}
		}},

		// R18. Roster changes are logged with the member kinds (the operator
		// entries themselves are tested in storage and in the program).
		{"R18_roster_changes_use_member_kinds", func(t *testing.T) {
			if !slices.Contains(domain.Kinds, domain.MemberAdded) || !slices.Contains(domain.Kinds, domain.MemberChanged) {
				t.Errorf("Kinds %v lacks member.added / member.changed", domain.Kinds)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.test)
	}
}
