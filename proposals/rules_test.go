package proposals_test

import (
	"strings"
	"testing"
	"time"

	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/proposals"
)

// TestRules has one subtest per behaviour of SPEC R1–R11, named after the
// rule it checks.
func TestRules(t *testing.T) {
	tests := []struct {
		name string
		test func(t *testing.T)
	}{
		// R1. Any member may open a proposal; non-members are told how to
		// become one.
		{"R1_member_opens_a_proposal", func(t *testing.T) {
			for _, m := range []domain.Member{alice, dave, erin} {
				p, events, err := proposals.New(1, m, "", text1, deadline, t0)
				if err != nil {
					t.Fatalf("%s (%s): %v", m.Name, m.Type, err)
				}
				wantEvents(t, events, ev(m.Name, domain.ProposalOpened, text1))
				wantState(t, p, rules, proposals.Open)
				if p.Author != m.Name || p.Text() != text1 || !p.OpenedAt.Equal(t0) || !p.Deadline.Equal(deadline) || len(p.Versions) != 1 {
					t.Errorf("proposal = %+v", p)
				}
			}
		}},
		{"R1_non_member_refused_with_err.not_member", func(t *testing.T) {
			p, events, err := proposals.New(1, zoe, "", text1, deadline, t0)
			wantErr(t, err, "err.not_member", false)
			if p != nil || events != nil {
				t.Errorf("refused New returned %v, %v", p, events)
			}
		}},

		// R2. Approved with validations_required validations from voting
		// members other than the author, and no open objection.
		{"R2_two_validations_from_others_approve", func(t *testing.T) {
			p := mustNew(t, alice, "")
			events, err := p.Validate(carol, rules, at(1))
			if err != nil {
				t.Fatal(err)
			}
			wantEvents(t, events, ev("carol", domain.ProposalValidated, text1))
			wantState(t, p, rules, proposals.Open)
			if got := p.MissingValidations(rules); got != 1 {
				t.Errorf("MissingValidations = %d, want 1", got)
			}
			events, err = p.Validate(dave, rules, at(2))
			if err != nil {
				t.Fatal(err)
			}
			wantEvents(t, events,
				ev("dave", domain.ProposalValidated, text1),
				ev("dave", domain.ProposalApproved, text1))
			wantState(t, p, rules, proposals.Approved)
		}},
		{"R2_author_validation_does_not_count", func(t *testing.T) {
			p := mustNew(t, alice, "")
			mustValidate(t, p, rules, carol)
			wantRefused(t, p, "err.own_proposal", false, func() ([]domain.Event, error) { return p.Validate(alice, rules, at(5)) })
			wantState(t, p, rules, proposals.Open)
		}},
		{"R2_non_voters_cannot_validate", func(t *testing.T) {
			p := mustNew(t, alice, "")
			mustValidate(t, p, rules, carol)
			wantRefused(t, p, "err.validate_needs_vote", false, func() ([]domain.Event, error) { return p.Validate(erin, rules, at(5)) })
			wantRefused(t, p, "err.not_member", false, func() ([]domain.Event, error) { return p.Validate(zoe, rules, at(5)) })
			wantState(t, p, rules, proposals.Open)
		}},
		{"R2_validations_required_is_configurable", func(t *testing.T) {
			three := proposals.Rules{ValidationsRequired: 3, ObjectionMinChars: 20}
			p := mustNew(t, alice, "")
			mustValidate(t, p, three, bob, carol)
			wantState(t, p, three, proposals.Open)
			events, err := p.Validate(dave, three, at(5))
			if err != nil {
				t.Fatal(err)
			}
			wantEvents(t, events, ev("dave", domain.ProposalValidated, text1), ev("dave", domain.ProposalApproved, text1))
			wantState(t, p, three, proposals.Approved)

			one := proposals.Rules{ValidationsRequired: 1, ObjectionMinChars: 20}
			p = mustNew(t, alice, "")
			events, err = p.Validate(dave, one, at(5))
			if err != nil {
				t.Fatal(err)
			}
			wantEvents(t, events, ev("dave", domain.ProposalValidated, text1), ev("dave", domain.ProposalApproved, text1))
		}},

		// R3. Council topics need a council validation.
		{"R3_budget_needs_a_council_validation", func(t *testing.T) {
			for _, topic := range []string{"budget", "billing", "facturation", "offer", "offre", "social-code", "code-social", "Budget", " FACTURATION "} {
				t.Run(strings.TrimSpace(topic), func(t *testing.T) {
					if !proposals.NeedsCouncil(topic) {
						t.Errorf("NeedsCouncil(%q) = false", topic)
					}
					p := mustNew(t, dave, topic)
					mustValidate(t, p, rules, carol, nonCouncil(alice))
					wantState(t, p, rules, proposals.Open) // two validations, none from the council
					events, err := p.Validate(bob, rules, at(5))
					if err != nil {
						t.Fatal(err)
					}
					wantEvents(t, events, ev("bob", domain.ProposalValidated, text1), ev("bob", domain.ProposalApproved, text1))
					wantState(t, p, rules, proposals.Approved)
				})
			}
		}},
		{"R3_council_validation_alone_is_not_enough", func(t *testing.T) {
			p := mustNew(t, dave, "budget")
			mustValidate(t, p, rules, bob)
			wantState(t, p, rules, proposals.Open)
			mustValidate(t, p, rules, carol)
			wantState(t, p, rules, proposals.Approved)
		}},
		{"R3_french_topics_are_stored_canonical", func(t *testing.T) {
			for in, want := range map[string]string{"facturation": "billing", "offre": "offer", "code-social": "social-code", "Budget": "budget", "Infra": "infra"} {
				if p := mustNew(t, dave, in); p.Topic != want {
					t.Errorf("topic %q stored as %q, want %q", in, p.Topic, want)
				}
			}
		}},
		{"R3_other_topics_need_no_council", func(t *testing.T) {
			for _, topic := range []string{"", "infra", "event", "budgets", "social"} {
				t.Run(topic, func(t *testing.T) {
					if proposals.NeedsCouncil(topic) {
						t.Errorf("NeedsCouncil(%q) = true", topic)
					}
					p := mustNew(t, alice, topic)
					mustValidate(t, p, rules, carol, dave)
					wantState(t, p, rules, proposals.Approved)
				})
			}
		}},
		{"R3_bad_topic_refused", func(t *testing.T) {
			_, _, err := proposals.New(1, alice, "two words", text1, deadline, t0)
			wantErr(t, err, "err.bad_topic", false)
		}},

		// R4. An objection needs a reason of objection_min_chars characters.
		{"R4_short_objection_refused_with_err.reason_too_short", func(t *testing.T) {
			for _, why := range []string{"", "no", "non", strings.Repeat("x", 19), "  " + strings.Repeat("x", 19) + "  ", strings.Repeat("é", 19)} {
				p := mustNew(t, alice, "")
				wantRefused(t, p, "err.reason_too_short", false, object(t, p, dave, why))
				wantState(t, p, rules, proposals.Open)
			}
			// The reply says what the minimum is.
			p := mustNew(t, alice, "")
			_, _, err := p.Object(dave, "no", rules, at(1))
			if e, _ := domain.AsError(err); e == nil || e.Params["Min"] != 20 {
				t.Errorf("err = %v, want Params Min=20", err)
			}
		}},
		{"R4_reason_of_min_chars_accepted", func(t *testing.T) {
			for _, why := range []string{strings.Repeat("x", 20), strings.Repeat("é", 20), reason} {
				p := mustNew(t, alice, "")
				if _, asConcern, err := p.Object(dave, why, rules, at(1)); err != nil || asConcern {
					t.Fatalf("Object(%q) = asConcern %v, err %v", why, asConcern, err)
				}
				wantState(t, p, rules, proposals.Blocked)
			}
		}},
		{"R4_counted_in_runes_not_bytes", func(t *testing.T) {
			// 19 runes but 38 bytes: still too short.
			p := mustNew(t, alice, "")
			wantRefused(t, p, "err.reason_too_short", false, object(t, p, dave, strings.Repeat("é", 19)))
		}},
		{"R4_objection_min_chars_is_configurable", func(t *testing.T) {
			r := proposals.Rules{ValidationsRequired: 2, ObjectionMinChars: 5}
			p := mustNew(t, alice, "")
			if _, _, err := p.Object(dave, "abcd", r, at(1)); err == nil {
				t.Fatal("4 chars accepted with a minimum of 5")
			}
			if _, _, err := p.Object(dave, "abcde", r, at(2)); err != nil {
				t.Fatalf("5 chars refused with a minimum of 5: %v", err)
			}
			wantState(t, p, r, proposals.Blocked)
		}},

		// R5. Only voting members' objections block.
		{"R5_bienfaiteur_objection_is_a_concern", func(t *testing.T) {
			p := mustApproved(t)
			events, asConcern, err := p.Object(erin, reason, rules, at(30))
			if err != nil || !asConcern {
				t.Fatalf("Object = asConcern %v, err %v; want a concern", asConcern, err)
			}
			wantEvents(t, events, ev("erin", domain.ConcernAdded, reason))
			wantState(t, p, rules, proposals.Approved)
			if len(p.Objections) != 0 || len(p.Concerns) != 1 || p.Concerns[0].By != "erin" || p.Concerns[0].Text != reason || !p.Concerns[0].FromObjection {
				t.Errorf("objections %v, concerns %v", p.Objections, p.Concerns)
			}
		}},
		{"R5_non_member_objection_is_a_concern", func(t *testing.T) {
			p := mustNew(t, alice, "")
			events, asConcern, err := p.Object(zoe, reason, rules, at(30))
			if err != nil || !asConcern {
				t.Fatalf("Object = asConcern %v, err %v; want a concern", asConcern, err)
			}
			wantEvents(t, events, ev("zoe", domain.ConcernAdded, reason))
			wantState(t, p, rules, proposals.Open)
			if len(p.Objections) != 0 || len(p.Concerns) != 1 || !p.Concerns[0].FromObjection {
				t.Errorf("objections %v, concerns %v", p.Objections, p.Concerns)
			}
		}},
		{"R5_voting_member_objection_blocks", func(t *testing.T) {
			for _, m := range []domain.Member{bob, carol, dave} {
				p := mustNew(t, alice, "")
				_, asConcern, err := p.Object(m, reason, rules, at(1))
				if err != nil || asConcern {
					t.Fatalf("%s: asConcern %v, err %v", m.Name, asConcern, err)
				}
				wantState(t, p, rules, proposals.Blocked)
			}
		}},
		{"R5_author_cannot_object_to_own_proposal", func(t *testing.T) {
			p := mustApproved(t)
			wantRefused(t, p, "err.own_proposal", false, object(t, p, alice, reason))
			wantState(t, p, rules, proposals.Approved)
		}},
		{"R5_author_cannot_validate_own_proposal", func(t *testing.T) {
			p := mustNew(t, alice, "")
			wantRefused(t, p, "err.own_proposal", false, func() ([]domain.Event, error) { return p.Validate(alice, rules, at(1)) })
		}},
		{"R5_concern_by_anyone", func(t *testing.T) {
			for _, by := range []string{"erin", "zoe", "dave", "alice"} {
				p := mustNew(t, alice, "")
				events, err := p.Concern(by, "  think of the backups  ", at(1))
				if err != nil {
					t.Fatalf("%s: %v", by, err)
				}
				wantEvents(t, events, ev(by, domain.ConcernAdded, "think of the backups"))
				wantState(t, p, rules, proposals.Open)
				if len(p.Concerns) != 1 || p.Concerns[0].FromObjection {
					t.Errorf("concerns = %v", p.Concerns)
				}
			}
			p := mustNew(t, alice, "")
			wantRefused(t, p, "err.missing_text", false, func() ([]domain.Event, error) { return p.Concern("erin", " ", at(1)) })
		}},

		// R6. An open objection blocks, also after approval, until the
		// objector lifts it.
		{"R6_objection_blocks_an_open_proposal", func(t *testing.T) {
			p := mustNew(t, alice, "")
			events, _, err := p.Object(dave, reason, rules, at(1))
			if err != nil {
				t.Fatal(err)
			}
			wantEvents(t, events, ev("dave", domain.ObjectionRaised, reason), ev("dave", domain.ProposalBlocked, reason))
			wantState(t, p, rules, proposals.Blocked)
			// Validations do not approve it while the objection is open.
			events, err = p.Validate(bob, rules, at(2))
			if err != nil {
				t.Fatal(err)
			}
			wantEvents(t, events, ev("bob", domain.ProposalValidated, text1))
			mustValidate(t, p, rules, carol)
			wantState(t, p, rules, proposals.Blocked)
		}},
		{"R6_objection_blocks_after_approval_and_before_done", func(t *testing.T) {
			p := mustApproved(t)
			events, _, err := p.Object(bob, reason, rules, at(30))
			if err != nil {
				t.Fatal(err)
			}
			wantEvents(t, events, ev("bob", domain.ObjectionRaised, reason), ev("bob", domain.ProposalBlocked, reason))
			wantState(t, p, rules, proposals.Blocked)
			wantRefused(t, p, "err.not_approved", false, func() ([]domain.Event, error) {
				return p.MarkDone(alice, "https://wiki.example.org/nextcloud", rules, at(31))
			})
		}},
		{"R6_second_objection_emits_no_second_blocked", func(t *testing.T) {
			p := mustNew(t, alice, "")
			mustObject(t, p, dave, reason)
			events, _, err := p.Object(carol, "the budget line is not voted yet", rules, at(21))
			if err != nil {
				t.Fatal(err)
			}
			wantEvents(t, events, ev("carol", domain.ObjectionRaised, "the budget line is not voted yet"))
		}},
		{"R6_others_cannot_lift", func(t *testing.T) {
			p := mustApproved(t)
			mustObject(t, p, dave, reason)
			for _, m := range []domain.Member{alice, bob, carol, erin, zoe} {
				wantRefused(t, p, "err.no_objection", false, func() ([]domain.Event, error) { return p.Lift(m, rules, at(40)) })
			}
			wantState(t, p, rules, proposals.Blocked)
			if !p.HasOpenObjectionBy("dave") {
				t.Error("dave's objection is no longer open")
			}
		}},
		{"R6_approved_again_after_lift", func(t *testing.T) {
			p := mustApproved(t)
			mustObject(t, p, bob, reason)
			events, err := p.Lift(bob, rules, at(40))
			if err != nil {
				t.Fatal(err)
			}
			wantEvents(t, events, ev("bob", domain.ObjectionLifted, reason), ev("bob", domain.ProposalApproved, text1))
			wantState(t, p, rules, proposals.Approved)
			if !p.Objections[0].LiftedAt.Equal(at(40)) || p.Objections[0].IsOpen() {
				t.Errorf("objection = %+v", p.Objections[0])
			}
		}},
		{"R6_lift_without_enough_validations_is_open_again", func(t *testing.T) {
			p := mustNew(t, alice, "")
			mustObject(t, p, dave, reason)
			events, err := p.Lift(dave, rules, at(40))
			if err != nil {
				t.Fatal(err)
			}
			wantEvents(t, events, ev("dave", domain.ObjectionLifted, reason))
			wantState(t, p, rules, proposals.Open)
		}},
		{"R6_stays_blocked_while_another_objection_is_open", func(t *testing.T) {
			p := mustApproved(t)
			mustObject(t, p, dave, reason)
			mustObject(t, p, bob, "we have no backup of the current instance")
			events, err := p.Lift(dave, rules, at(40))
			if err != nil {
				t.Fatal(err)
			}
			wantEvents(t, events, ev("dave", domain.ObjectionLifted, reason))
			wantState(t, p, rules, proposals.Blocked)
			events, err = p.Lift(bob, rules, at(41))
			if err != nil {
				t.Fatal(err)
			}
			// dave's objection withdrew his validation: one is missing.
			wantEvents(t, events, ev("bob", domain.ObjectionLifted, "we have no backup of the current instance"))
			wantState(t, p, rules, proposals.Open)
			events, err = p.Validate(dave, rules, at(42))
			if err != nil {
				t.Fatal(err)
			}
			wantEvents(t, events, ev("dave", domain.ProposalValidated, text1), ev("dave", domain.ProposalApproved, text1))
		}},
		{"R6_objector_may_object_again_after_lifting", func(t *testing.T) {
			p := mustApproved(t)
			mustObject(t, p, dave, reason)
			if _, err := p.Lift(dave, rules, at(40)); err != nil {
				t.Fatal(err)
			}
			events, _, err := p.Object(dave, "on second thought, the date clashes", rules, at(41))
			if err != nil {
				t.Fatal(err)
			}
			wantEvents(t, events, ev("dave", domain.ObjectionRaised, "on second thought, the date clashes"), ev("dave", domain.ProposalBlocked, "on second thought, the date clashes"))
			wantState(t, p, rules, proposals.Blocked)
		}},

		// R7. The author amends; validations cleared, objections stay,
		// versions kept.
		{"R7_author_amends_and_validations_are_cleared", func(t *testing.T) {
			p := mustApproved(t)
			events, err := p.Amend(alice, "  I'll migrate Nextcloud on Sunday  ", rules, at(30))
			if err != nil {
				t.Fatal(err)
			}
			const text2 = "I'll migrate Nextcloud on Sunday"
			wantEvents(t, events, ev("alice", domain.ProposalAmended, text2))
			wantState(t, p, rules, proposals.Open)
			if len(p.Validations) != 0 || p.ValidatedBy("carol") {
				t.Errorf("validations after amend = %v", p.Validations)
			}
			if len(p.Versions) != 2 || p.Versions[0].Text != text1 || p.Versions[1].Text != text2 || !p.Versions[1].At.Equal(at(30)) || p.Text() != text2 {
				t.Errorf("versions = %v", p.Versions)
			}
			// The earlier validators may validate the new text.
			events, err = p.Validate(carol, rules, at(31))
			if err != nil {
				t.Fatal(err)
			}
			wantEvents(t, events, ev("carol", domain.ProposalValidated, text2))
		}},
		{"R7_objections_stay_open_after_amend", func(t *testing.T) {
			p := mustApproved(t)
			mustObject(t, p, dave, reason)
			events, err := p.Amend(alice, "I'll migrate Nextcloud on Sunday", rules, at(30))
			if err != nil {
				t.Fatal(err)
			}
			wantEvents(t, events, ev("alice", domain.ProposalAmended, "I'll migrate Nextcloud on Sunday"))
			wantState(t, p, rules, proposals.Blocked)
			if !p.HasOpenObjectionBy("dave") {
				t.Error("objection closed by the amendment")
			}
		}},
		{"R7_only_the_author_amends", func(t *testing.T) {
			p := mustApproved(t)
			for _, m := range []domain.Member{bob, dave, erin, zoe} {
				wantRefused(t, p, "err.author_only", false, func() ([]domain.Event, error) { return p.Amend(m, "another text entirely", rules, at(30)) })
			}
		}},
		{"R7_no_amend_after_done_or_withdrawn", func(t *testing.T) {
			p := mustApproved(t)
			if _, err := p.MarkDone(alice, "https://wiki.example.org/nextcloud", rules, at(30)); err != nil {
				t.Fatal(err)
			}
			wantRefused(t, p, "err.proposal_closed", false, func() ([]domain.Event, error) { return p.Amend(alice, "another text", rules, at(31)) })

			p = mustNew(t, alice, "")
			if _, err := p.Withdraw(alice, at(30)); err != nil {
				t.Fatal(err)
			}
			wantRefused(t, p, "err.proposal_closed", false, func() ([]domain.Event, error) { return p.Amend(alice, "another text", rules, at(31)) })
		}},

		// R8. Only the author marks an approved proposal done, with
		// documentation.
		{"R8_author_marks_approved_done_with_documentation", func(t *testing.T) {
			for _, doc := range []string{"https://wiki.example.org/nextcloud", "http://x.org", "written up in the wiki", strings.Repeat("é", 20)} {
				p := mustApproved(t)
				events, err := p.MarkDone(alice, doc, rules, at(30))
				if err != nil {
					t.Fatalf("MarkDone(%q): %v", doc, err)
				}
				wantEvents(t, events, ev("alice", domain.ProposalDone, doc))
				wantState(t, p, rules, proposals.Done)
				if p.Doc != doc || !p.DoneAt.Equal(at(30)) {
					t.Errorf("Doc %q, DoneAt %v", p.Doc, p.DoneAt)
				}
			}
		}},
		{"R8_documentation_too_short_refused", func(t *testing.T) {
			for _, doc := range []string{"", "done", "see the wiki", strings.Repeat("x", 19), strings.Repeat("é", 19), "https://", "ftp://example.org/x", "http://a b"} {
				p := mustApproved(t)
				wantRefused(t, p, "err.doc_too_short", false, func() ([]domain.Event, error) { return p.MarkDone(alice, doc, rules, at(30)) })
			}
		}},
		{"R8_only_the_author_marks_done", func(t *testing.T) {
			p := mustApproved(t)
			for _, m := range []domain.Member{bob, carol, dave, erin} {
				wantRefused(t, p, "err.author_only", false, func() ([]domain.Event, error) {
					return p.MarkDone(m, "https://wiki.example.org/nextcloud", rules, at(30))
				})
			}
		}},
		{"R8_only_an_approved_proposal", func(t *testing.T) {
			p := mustNew(t, alice, "")
			mustValidate(t, p, rules, carol)
			wantRefused(t, p, "err.not_approved", false, func() ([]domain.Event, error) {
				return p.MarkDone(alice, "https://wiki.example.org/nextcloud", rules, at(30))
			})
		}},

		// R9. The author may withdraw a proposal that is not done.
		{"R9_author_withdraws", func(t *testing.T) {
			for _, p := range []*proposals.Proposal{mustNew(t, alice, ""), mustApproved(t)} {
				events, err := p.Withdraw(alice, at(30))
				if err != nil {
					t.Fatal(err)
				}
				wantEvents(t, events, ev("alice", domain.ProposalWithdrawn, text1))
				wantState(t, p, rules, proposals.Withdrawn)
				if !p.WithdrawnAt.Equal(at(30)) || !p.Closed() {
					t.Errorf("WithdrawnAt %v, Closed %v", p.WithdrawnAt, p.Closed())
				}
				// Nothing else happens to a withdrawn proposal.
				wantRefused(t, p, "err.proposal_closed", false, func() ([]domain.Event, error) { return p.Validate(bob, rules, at(31)) })
				wantRefused(t, p, "err.proposal_closed", false, object(t, p, bob, reason))
			}
		}},
		{"R9_only_the_author_withdraws", func(t *testing.T) {
			p := mustNew(t, alice, "")
			for _, m := range []domain.Member{bob, dave, erin, zoe} {
				wantRefused(t, p, "err.author_only", false, func() ([]domain.Event, error) { return p.Withdraw(m, at(30)) })
			}
			wantState(t, p, rules, proposals.Open)
		}},
		{"R9_not_after_done", func(t *testing.T) {
			p := mustApproved(t)
			if _, err := p.MarkDone(alice, "https://wiki.example.org/nextcloud", rules, at(30)); err != nil {
				t.Fatal(err)
			}
			wantRefused(t, p, "err.proposal_closed", false, func() ([]domain.Event, error) { return p.Withdraw(alice, at(31)) })
			wantState(t, p, rules, proposals.Done)
		}},

		// R10. The deadline does not change the state; not approved at the
		// deadline means stalled, once.
		{"R10_stalled_once_at_the_deadline_when_not_approved", func(t *testing.T) {
			p := mustNew(t, alice, "")
			mustValidate(t, p, rules, carol)
			if events := p.CheckDeadline(rules, deadline.Add(-time.Second)); events != nil {
				t.Fatalf("before the deadline: %v", events)
			}
			if p.Stalled(rules) || !p.StalledAt.IsZero() {
				t.Fatal("stalled before the deadline")
			}
			wantEvents(t, p.CheckDeadline(rules, deadline), domain.Event{Actor: "bot", Kind: domain.ProposalStalled, Subject: "P1", Text: text1})
			wantState(t, p, rules, proposals.Open) // the deadline changes no state
			if !p.Stalled(rules) || !p.StalledAt.Equal(deadline) {
				t.Errorf("Stalled %v, StalledAt %v", p.Stalled(rules), p.StalledAt)
			}
			if events := p.CheckDeadline(rules, deadline.Add(time.Hour)); events != nil {
				t.Errorf("second check: %v, want none (once)", events)
			}
			// Still open to validation: approval ends the stall.
			mustValidate(t, p, rules, dave)
			wantState(t, p, rules, proposals.Approved)
			if p.Stalled(rules) {
				t.Error("still stalled once approved")
			}
		}},
		{"R10_blocked_at_the_deadline_is_stalled", func(t *testing.T) {
			p := mustApproved(t)
			mustObject(t, p, dave, reason)
			wantEvents(t, p.CheckDeadline(rules, deadline.Add(time.Minute)), domain.Event{Actor: "bot", Kind: domain.ProposalStalled, Subject: "P1", Text: text1})
			wantState(t, p, rules, proposals.Blocked)
			if !p.Stalled(rules) {
				t.Error("not stalled")
			}
		}},
		{"R10_approved_at_the_deadline_not_stalled_even_if_blocked_later", func(t *testing.T) {
			p := mustApproved(t)
			if events := p.CheckDeadline(rules, deadline); events != nil {
				t.Fatalf("approved at the deadline: %v", events)
			}
			wantState(t, p, rules, proposals.Approved)
			mustObject(t, p, bob, reason)
			wantState(t, p, rules, proposals.Blocked)
			if events := p.CheckDeadline(rules, deadline.Add(24*time.Hour)); events != nil {
				t.Errorf("blocked after the deadline: %v", events)
			}
			if p.Stalled(rules) || !p.StalledAt.IsZero() {
				t.Error("stalled although approved at the deadline")
			}
		}},
		{"R10_amended_after_the_deadline_is_decided_again", func(t *testing.T) {
			p := mustApproved(t)
			if events := p.CheckDeadline(rules, deadline); events != nil {
				t.Fatalf("approved at the deadline: %v", events)
			}
			// A new text clears the validations: it must not stay open
			// for ever without reaching the agenda.
			if _, err := p.Amend(alice, "I'll migrate Nextcloud on Sunday", rules, deadline.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			events := p.CheckDeadline(rules, deadline.Add(2*time.Hour))
			wantEvents(t, events, ev(domain.ActorBot, domain.ProposalStalled, "I'll migrate Nextcloud on Sunday"))
		}},
		{"R10_closed_at_the_deadline_not_stalled", func(t *testing.T) {
			p := mustNew(t, alice, "")
			if _, err := p.Withdraw(alice, at(1)); err != nil {
				t.Fatal(err)
			}
			if events := p.CheckDeadline(rules, deadline); events != nil {
				t.Errorf("withdrawn at the deadline: %v", events)
			}
			wantState(t, p, rules, proposals.Withdrawn)
		}},
		{"R10_deadline_due_until_decided", func(t *testing.T) {
			p := mustNew(t, alice, "")
			if p.DeadlineDue(deadline.Add(-time.Second)) || !p.DeadlineDue(deadline) {
				t.Error("due before the deadline, or not at it")
			}
			p.CheckDeadline(rules, deadline)
			if p.DeadlineDue(deadline.Add(time.Hour)) {
				t.Error("still due once decided")
			}
		}},
		{"R10_deadline_must_be_in_the_future", func(t *testing.T) {
			for _, d := range []time.Time{t0, t0.Add(-time.Hour)} {
				_, _, err := proposals.New(1, alice, "", text1, d, t0)
				wantErr(t, err, "err.deadline_past", false)
			}
		}},

		// R11. Repeated clicks are harmless: NoOp, state unchanged.
		{"R11_validate_twice_is_a_noop", func(t *testing.T) {
			p := mustNew(t, alice, "")
			mustValidate(t, p, rules, carol)
			wantRefused(t, p, "noop.already_validated", true, func() ([]domain.Event, error) { return p.Validate(carol, rules, at(40)) })
			if len(p.Validations) != 1 {
				t.Errorf("validations = %v", p.Validations)
			}
		}},
		{"R11_lift_twice_is_a_noop", func(t *testing.T) {
			p := mustApproved(t)
			mustObject(t, p, bob, reason)
			if _, err := p.Lift(bob, rules, at(40)); err != nil {
				t.Fatal(err)
			}
			wantRefused(t, p, "noop.already_lifted", true, func() ([]domain.Event, error) { return p.Lift(bob, rules, at(41)) })
			wantState(t, p, rules, proposals.Approved)
		}},
		{"R6_objecting_withdraws_the_objectors_validation", func(t *testing.T) {
			p := mustApproved(t) // carol and dave validated
			mustObject(t, p, dave, reason)
			if p.ValidatedBy("dave") {
				t.Fatal("dave both validates and objects")
			}
			wantRefused(t, p, "err.validate_while_objecting", false, func() ([]domain.Event, error) { return p.Validate(dave, rules, at(41)) })
			if _, err := p.Lift(dave, rules, at(42)); err != nil {
				t.Fatal(err)
			}
			wantState(t, p, rules, proposals.Open) // a lift is not a "go ahead"
		}},
		{"R11_same_concern_twice_is_a_noop", func(t *testing.T) {
			p := mustNew(t, alice, "")
			if _, err := p.Concern("erin", "think of the backups", at(1)); err != nil {
				t.Fatal(err)
			}
			wantRefused(t, p, "noop.same_concern", true, func() ([]domain.Event, error) { return p.Concern("erin", " think of the backups ", at(2)) })
			// Another member may say the same.
			if _, err := p.Concern("zoe", "think of the backups", at(3)); err != nil {
				t.Errorf("same text by someone else: %v", err)
			}
		}},
		{"R11_amend_with_the_same_text_is_a_noop", func(t *testing.T) {
			p := mustApproved(t)
			wantRefused(t, p, "noop.same_text", true, func() ([]domain.Event, error) { return p.Amend(alice, " "+text1+" ", rules, at(30)) })
			wantState(t, p, rules, proposals.Approved) // validations kept
		}},
		{"R11_object_twice_is_a_noop", func(t *testing.T) {
			p := mustNew(t, alice, "")
			mustObject(t, p, dave, reason)
			wantRefused(t, p, "noop.already_objecting", true, object(t, p, dave, "another reason that is long enough"))
		}},
		{"R11_done_or_withdraw_twice_is_a_noop", func(t *testing.T) {
			p := mustApproved(t)
			if _, err := p.MarkDone(alice, "https://wiki.example.org/nextcloud", rules, at(30)); err != nil {
				t.Fatal(err)
			}
			wantRefused(t, p, "noop.already_done", true, func() ([]domain.Event, error) {
				return p.MarkDone(alice, "https://wiki.example.org/other", rules, at(31))
			})
			p = mustNew(t, alice, "")
			if _, err := p.Withdraw(alice, at(30)); err != nil {
				t.Fatal(err)
			}
			wantRefused(t, p, "noop.already_withdrawn", true, func() ([]domain.Event, error) { return p.Withdraw(alice, at(31)) })
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.test)
	}
}
