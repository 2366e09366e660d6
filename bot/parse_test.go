package bot_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/domain"
	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		text string
		want bot.Command
		err  string // the error code, "" for success
	}{
		{"Empty", "", bot.Command{Verb: "help"}, ""},
		{"Blank", "   \t ", bot.Command{Verb: "help"}, ""},
		{"Propose", "propose migrate Nextcloud on Saturday", bot.Command{Verb: "propose", Text: "migrate Nextcloud on Saturday"}, ""},
		{"ProposeFlags", "propose --topic budget --by 48h adopt the budget", bot.Command{Verb: "propose", Topic: "budget", By: "48h", Text: "adopt the budget"}, ""},
		{"ProposerFrench", "proposer --sujet facturation --avant 2026-12-10 nouvelle grille", bot.Command{Verb: "propose", Topic: "facturation", By: "2026-12-10", Text: "nouvelle grille"}, ""},
		{"Announce", "announce I'll migrate", bot.Command{Verb: "propose", Text: "I'll migrate"}, ""},
		{"Annoncer", "ANNONCER je migre", bot.Command{Verb: "propose", Text: "je migre"}, ""},
		{"ProposeMultiline", "propose line one\nline two", bot.Command{Verb: "propose", Text: "line one\nline two"}, ""},
		{"ProposeNoText", "propose", bot.Command{}, "err.missing_text"},
		{"ProposeOnlyFlags", "propose --topic budget", bot.Command{}, "err.missing_text"},
		{"ProposeFlagNoValue", "propose --by", bot.Command{}, "err.usage"},
		{"Validate", "validate P12", bot.Command{Verb: "validate", Ref: bot.Ref{Kind: 'P', N: 12}}, ""},
		{"ValiderLowerHash", "valider #p3", bot.Command{Verb: "validate", Ref: bot.Ref{Kind: 'P', N: 3}}, ""},
		{"ValidateNoID", "validate", bot.Command{}, "err.usage"},
		{"ValidateBadID", "validate X1", bot.Command{}, "err.bad_id"},
		{"ValidateZero", "validate P0", bot.Command{}, "err.bad_id"},
		{"ValidateNegative", "validate P-1", bot.Command{}, "err.bad_id"},
		{"ValidatePlus", "validate P+1", bot.Command{}, "err.bad_id"},
		{"ValidateExtra", "validate P1 P2", bot.Command{}, "err.usage"},
		{"ValidateCooptation", "validate C1", bot.Command{Verb: "validate", Ref: bot.Ref{Kind: 'C', N: 1}}, ""},
		{"Object", "object P1 this breaks the backups for a week", bot.Command{Verb: "object", Ref: bot.Ref{Kind: 'P', N: 1}, Text: "this breaks the backups for a week"}, ""},
		{"ObjectBare", "objecter P1", bot.Command{Verb: "object", Ref: bot.Ref{Kind: 'P', N: 1}}, ""},
		{"ObjectCooptation", "object C1 reason reason reason reason", bot.Command{}, "err.wrong_item"},
		{"Objection", "objection P2 why not", bot.Command{Verb: "object", Ref: bot.Ref{Kind: 'P', N: 2}, Text: "why not"}, ""},
		{"Concern", "remarque P2 pensez aux sauvegardes", bot.Command{Verb: "concern", Ref: bot.Ref{Kind: 'P', N: 2}, Text: "pensez aux sauvegardes"}, ""},
		{"ConcernNoText", "concern P2", bot.Command{}, "err.missing_text"},
		{"Lift", "lever P2", bot.Command{Verb: "lift", Ref: bot.Ref{Kind: 'P', N: 2}}, ""},
		{"Amend", "amender P2 nouveau texte", bot.Command{Verb: "amend", Ref: bot.Ref{Kind: 'P', N: 2}, Text: "nouveau texte"}, ""},
		{"Done", "fait P2 https://wiki.example.org/p2", bot.Command{Verb: "done", Ref: bot.Ref{Kind: 'P', N: 2}, Text: "https://wiki.example.org/p2"}, ""},
		{"DoneNoDoc", "done P2", bot.Command{}, "err.missing_text"},
		{"Withdraw", "retirer P2", bot.Command{Verb: "withdraw", Ref: bot.Ref{Kind: 'P', N: 2}}, ""},
		{"Status", "show C4", bot.Command{Verb: "status", Ref: bot.Ref{Kind: 'C', N: 4}}, ""},
		{"Etat", "état P4", bot.Command{Verb: "status", Ref: bot.Ref{Kind: 'P', N: 4}}, ""},
		{"List", "list", bot.Command{Verb: "list"}, ""},
		{"ListState", "liste Bloquee", bot.Command{Verb: "list", Arg: "bloquee"}, ""},
		{"ListTwoStates", "list open done", bot.Command{}, "err.usage"},
		{"Todo", "afaire", bot.Command{Verb: "todo"}, ""},
		{"TodoExtra", "todo now", bot.Command{}, "err.usage"},
		{"Coopt", "coopt @Frank operational a great help on the servers", bot.Command{Verb: "coopt", Name: "frank", Type: "operational", Text: "a great help on the servers"}, ""},
		{"CooptNoType", "coopter @frank", bot.Command{}, "err.usage"},
		{"Vote", "vote C1 yes", bot.Command{Verb: "vote", Ref: bot.Ref{Kind: 'C', N: 1}, Yes: true}, ""},
		{"VoterNon", "voter c1 non pas encore", bot.Command{Verb: "vote", Ref: bot.Ref{Kind: 'C', N: 1}, Text: "pas encore"}, ""},
		{"VoteOui", "voter #C2 OUI", bot.Command{Verb: "vote", Ref: bot.Ref{Kind: 'C', N: 2}, Yes: true}, ""},
		{"VoteMaybe", "vote C1 maybe", bot.Command{}, "err.vote_answer"},
		{"VoteProposal", "vote P1 yes", bot.Command{}, "err.wrong_item"},
		{"VoteNoID", "vote", bot.Command{}, "err.usage"},
		{"Welcome", "accueillir @Frank", bot.Command{Verb: "welcome", Name: "frank"}, ""},
		{"WelcomeNone", "welcome", bot.Command{}, "err.usage"},
		{"Members", "membres", bot.Command{Verb: "members"}, ""},
		{"Meeting", "visio", bot.Command{Verb: "meeting"}, ""},
		{"Reunion", "réunion", bot.Command{Verb: "meeting"}, ""},
		{"MeetingAdd", "visio ajouter le budget 2027", bot.Command{Verb: "meeting_add", Text: "le budget 2027"}, ""},
		{"MeetingAddEmpty", "meeting add", bot.Command{}, "err.usage"},
		{"MeetingDone", "meeting done #3", bot.Command{Verb: "meeting_done", Arg: "3"}, ""},
		{"MeetingTraite", "visio traité 2", bot.Command{Verb: "meeting_done", Arg: "2"}, ""},
		{"MeetingDoneNaN", "meeting done three", bot.Command{}, "err.usage"},
		{"MeetingSkip", "visio annuler jour férié", bot.Command{Verb: "meeting_skip", Text: "jour férié"}, ""},
		{"MeetingSkipNoReason", "meeting skip", bot.Command{Verb: "meeting_skip"}, ""},
		{"MeetingMinutes", "visio compte-rendu https://pad.example.org/cr", bot.Command{Verb: "meeting_minutes", Text: "https://pad.example.org/cr"}, ""},
		{"MeetingUnknown", "meeting dance", bot.Command{}, "err.unknown_meeting_verb"},
		{"Log", "log", bot.Command{Verb: "log", Log: bot.LogQuery{Page: 1}}, ""},
		{"LogFilters", "journal depuis:2026-01-01 jusqua:2026-12-31 par:@Bob type:proposal nextcloud page:2", bot.Command{Verb: "log", Log: bot.LogQuery{Since: "2026-01-01", Until: "2026-12-31", By: "bob", Kind: "proposal", Words: []string{"nextcloud"}, Page: 2}}, ""},
		{"LogEnglish", "log since:2026-01-01 until:2026-02-01 by:alice kind:Proposal.Done", bot.Command{Verb: "log", Log: bot.LogQuery{Since: "2026-01-01", Until: "2026-02-01", By: "alice", Kind: "proposal.done", Page: 1}}, ""},
		{"LogWordWithColon", "log https://x", bot.Command{Verb: "log", Log: bot.LogQuery{Words: []string{"https://x"}, Page: 1}}, ""},
		{"LogBadPage", "log page:0", bot.Command{}, "err.bad_page"},
		{"LogPageNaN", "log page:two", bot.Command{}, "err.bad_page"},
		{"Help", "aide valider", bot.Command{Verb: "help", Arg: "valider"}, ""},
		{"UnknownVerb", "frobnicate", bot.Command{}, "err.unknown_verb"},
		{"TooLong", "propose " + strings.Repeat("a", bot.MaxTextRunes), bot.Command{}, "err.too_long"},
		{"LongButRunes", "propose " + strings.Repeat("é", bot.MaxTextRunes-8), bot.Command{Verb: "propose", Text: strings.Repeat("é", bot.MaxTextRunes-8)}, ""},
		{"ControlChar", "propose a\x07b", bot.Command{}, "err.control_chars"},
		{"Escape", "propose \x1b[31mred", bot.Command{}, "err.control_chars"},
		{"LineSeparator", "propose a\u2028b", bot.Command{}, "err.control_chars"},
		{"InvalidUTF8", "propose \xff\xfe", bot.Command{}, "err.control_chars"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := bot.Parse(tt.text)
			if tt.err != "" {
				e, ok := domain.AsError(err)
				if !ok || e.Code != tt.err {
					t.Fatalf("Parse(%q) error = %v, want %s", tt.text, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.text, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestParseRef(t *testing.T) {
	for _, s := range []string{"P12", "p12", "#P12", " #p12 "} {
		if r, ok := bot.ParseRef(s); !ok || r != (bot.Ref{Kind: 'P', N: 12}) || r.String() != "P12" {
			t.Errorf("ParseRef(%q) = %v, %v", s, r, ok)
		}
	}
	for _, s := range []string{"", "P", "#", "X1", "P1a", "P 1", "P0", "P-2", "C+3", "12"} {
		if r, ok := bot.ParseRef(s); ok {
			t.Errorf("ParseRef(%q) = %v, want refused", s, r)
		}
	}
}

func FuzzParse(f *testing.F) {
	args := map[string]string{
		"propose": " --topic budget --by 48h text", "validate": " P1", "object": " P1 a reason long enough to block",
		"concern": " P1 remark", "lift": " P1", "amend": " P1 new text", "done": " P1 https://doc.example.org",
		"withdraw": " P1", "status": " C1", "list": " blocked", "todo": "", "coopt": " @frank operational why",
		"vote": " C1 oui", "welcome": " @frank", "members": "", "meeting": " add point", "log": " since:2026-01-01 kind:proposal page:2 word",
		"help": " vote",
	}
	for alias, verb := range bot.VerbAliases {
		f.Add(alias)
		f.Add(alias + args[verb])
		f.Add(strings.ToUpper(alias) + " #p1 " + "\t")
	}
	for sub := range bot.MeetingAliases {
		f.Add("meeting " + sub + " 1")
		f.Add("visio " + sub + " texte")
	}
	f.Add("propose a\x00b")
	f.Add("log page:99999999999999999999")
	f.Add("vote C99999999999999999999 yes")
	f.Add("propose --by")
	f.Fuzz(func(t *testing.T, text string) {
		c, err := bot.Parse(text)
		if err != nil {
			if _, ok := domain.AsError(err); !ok {
				t.Fatalf("Parse(%q): error %v is not user-safe", text, err)
			}
			return
		}
		if c.Verb == "" || !isVerb(c.Verb) {
			t.Fatalf("Parse(%q): verb %q is not canonical", text, c.Verb)
		}
		if utf8.RuneCountInString(text) > bot.MaxTextRunes {
			t.Fatalf("Parse(%q): accepted %d runes", text, utf8.RuneCountInString(text))
		}
		if c.Ref.N < 0 || c.Log.Page < 0 {
			t.Fatalf("Parse(%q): negative number in %+v", text, c)
		}
	})
}

func isVerb(v string) bool {
	for _, w := range bot.Verbs {
		if w == v {
			return true
		}
	}
	return false
}
