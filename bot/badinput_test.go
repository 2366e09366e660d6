package bot_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fixture gives every kind of item to refuse things on:
//
//	P1 open (alice), P2 approved (alice; bob, carol), P3 withdrawn (carol),
//	C1 open (alice proposes frank as societaire), C2 rejected (bob proposes
//	gina as operationnel, carol said no), meeting point #1 (alice).
func fixture(h *harness) {
	h.tb.Helper()
	h.must("alice", "propose migrate Nextcloud on Saturday")
	h.must("alice", "propose order new stickers for the fair")
	h.must("bob", "validate P2")
	h.must("carol", "validate P2")
	h.must("carol", "propose close the old mailing list")
	h.must("carol", "withdraw P3")
	h.must("alice", "coopt @frank societaire helps every week")
	h.must("bob", "coopt @gina operationnel")
	h.must("carol", "vote C2 no we have not met her yet")
	h.must("alice", "meeting add review the budget")
	h.drain()
}

// badInputs are refused whatever the language, and change nothing.
var badInputs = []struct {
	name, user, text string
}{
	{"UnknownVerb", "alice", "frobnicate P1"},
	{"UnknownID", "alice", "validate P99"},
	{"UnknownCooptation", "alice", "vote C99 yes"},
	{"UnknownStatus", "zoe", "status C42"},
	{"BadID", "alice", "validate X1"},
	{"BadIDHashOnly", "alice", "validate #P"},
	{"MissingID", "alice", "validate"},
	{"MissingText", "alice", "propose"},
	{"MissingFlagValue", "alice", "propose --topic"},
	{"MissingConcernText", "bob", "concern P1"},
	{"MissingDoc", "alice", "done P2"},
	{"ExtraArgument", "alice", "lift P1 P2"},
	{"TooLong", "alice", "propose " + strings.Repeat("x", 4001)},
	{"ControlCharacters", "alice", "propose ring the bell\x07 now"},
	{"NonMemberProposing", "zoe", "propose let us buy a boat"},
	{"NonMemberTodo", "zoe", "todo"},
	{"NonMemberMeetingAdd", "zoe", "meeting add my point"},
	{"BienfaiteurValidating", "erin", "validate P1"},
	{"AuthorValidating", "alice", "validate P1"},
	{"AuthorObjecting", "alice", "object P1 I changed my mind about all of this"},
	{"BareNo", "bob", "object P1 no"},
	{"LiftWithoutObjection", "bob", "lift P1"},
	{"VoteOutsideElectorate", "dave", "vote C1 yes"},
	{"CandidateVoting", "frank", "vote C1 yes"},
	{"VoteBadAnswer", "bob", "vote C1 maybe"},
	{"VoteClosedCooptation", "alice", "vote C2 yes"},
	{"DoneBeforeApproval", "alice", "done P1 https://wiki.example.org/nextcloud"},
	{"DoneByOther", "bob", "done P2 https://wiki.example.org/stickers"},
	{"DoneDocTooShort", "alice", "done P2 ordered"},
	{"AmendByOther", "bob", "amend P1 migrate on Sunday instead"},
	{"WithdrawByOther", "bob", "withdraw P1"},
	{"ValidateWithdrawn", "alice", "validate P3"},
	{"InvalidDeadline", "alice", "propose --by soon repaint the office"},
	{"DeadlineOverAYear", "alice", "propose --by 400d repaint the office"},
	{"PastDeadline", "alice", "propose --by 2026-11-01 repaint the office"},
	{"BadTopic", "alice", "propose --topic bud/get repaint the office"},
	{"BadLogKind", "zoe", "log kind:gossip"},
	{"BadLogDate", "alice", "log since:yesterday"},
	{"BadLogUntil", "alice", "log until:2026-13-01"},
	{"BadLogPage", "alice", "log page:0"},
	{"BadLogPageWord", "alice", "log page:two"},
	{"WrongItemVote", "bob", "vote P1 yes"},
	{"WrongItemValidate", "bob", "validate C1"},
	{"WrongItemObject", "bob", "object C1 a reason that is long enough"},
	{"BadState", "alice", "list pending"},
	{"HelpUnknownVerb", "alice", "help frobnicate"},
	{"BadType", "alice", "coopt @hugo wizard"},
	{"BadName", "alice", "coopt @hu!go operationnel"},
	{"CooptSelf", "carol", "coopt @carol operationnel"},
	{"CooptAlreadyType", "alice", "coopt @bob societaire"},
	{"CooptPending", "bob", "coopt @frank societaire"},
	{"OperationnelCooptsSocietaire", "dave", "coopt @hugo societaire"},
	{"BienfaiteurCoopts", "erin", "coopt @hugo operationnel"},
	{"WelcomeUnknownMember", "alice", "welcome @nobody"},
	{"WelcomeSelf", "alice", "welcome @alice"},
	{"MeetingUnknownVerb", "alice", "meeting dance"},
	{"MeetingDoneUnknownPoint", "alice", "meeting done 99"},
	{"MeetingDoneNotNumber", "alice", "meeting done first"},
	{"MeetingAddEmpty", "alice", "meeting add"},
	{"MeetingSkipByBienfaiteur", "erin", "meeting skip"},
	{"MinutesBeforeAnyMeeting", "alice", "meeting minutes https://pad.example.org/cr"},
}

func TestBadInput(t *testing.T) {
	if len(badInputs) < 40 {
		t.Fatalf("only %d bad inputs", len(badInputs))
	}
	catalog := loadCatalog(t, "en")
	replies := map[string]map[string]string{}
	for _, lang := range []string{"en", "fr"} {
		h := newHarness(t, lang)
		fixture(h)
		replies[lang] = map[string]string{}
		for _, in := range badInputs {
			t.Run(lang+"/"+in.name, func(t *testing.T) {
				before := h.snapshot()
				r := h.do(in.user, in.text)
				after := h.snapshot()
				if !r.Refused || r.Changed {
					t.Errorf("%s: %.60q: refused=%v changed=%v: %s", in.user, in.text, r.Refused, r.Changed, r.Private)
				}
				switch {
				case strings.TrimSpace(r.Private) == "":
					t.Errorf("empty reply")
				case catalog[strings.TrimSpace(r.Private)] != "" || idPattern.MatchString(r.Private):
					t.Errorf("reply is a raw message id: %q", r.Private)
				case strings.Contains(r.Private, "<no value>"):
					t.Errorf("reply misses a template value: %q", r.Private)
				case strings.Contains(r.Private, "internal"), strings.Contains(r.Private, "interne"):
					t.Errorf("reply is an internal error: %q", r.Private)
				}
				if diff := cmp.Diff(before, after); diff != "" {
					t.Errorf("state changed (-before +after):\n%s", diff)
				}
				replies[lang][in.name] = r.Private
			})
		}
	}
	for _, in := range badInputs {
		if en, fr := replies["en"][in.name], replies["fr"][in.name]; en == fr {
			t.Errorf("%s: same reply in fr and en: %q", in.name, en)
		}
	}
}

// TestBadInputTranslated spot-checks that each language answers in its own.
func TestBadInputTranslated(t *testing.T) {
	for lang, want := range map[string]string{"en": "not on the roster", "fr": "pas encore membre"} {
		h := newHarness(t, lang)
		wantContains(t, lang, h.refused("zoe", "propose a boat"), want)
	}
}
