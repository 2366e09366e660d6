package mattermost

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/consentbot/consentbot/bot"
	"github.com/google/go-cmp/cmp"
)

// actionBody is a button request as in button-action-request.txt, with the
// given integration context.
func actionBody(t *testing.T, userID, userName string, context map[string]any) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{
		"user_id": userID, "user_name": userName,
		"channel_id": govID, "channel_name": "gouvernance",
		"team_id": teamID, "team_domain": "coop",
		"post_id":    "bdzynn396bdffyejbf8jpj3ryo",
		"trigger_id": "N3k0aHFvZDg3aWJ5M3hlZzd5OGN5b2pndG86Ym05aXNheXRkN2c0enE5aDNkYmNuYXd0ZmU6MTc5NTY3MzEwOTc0NDpNRVFDSUNya2JYM3hXSFZFVWZIaWZISTkvVDRZRmZZdm1XSWhKMWxVdkZYOFM2VjBBaUJaa3l1Z0I2aHlibk95UEVxQ05nOEVxVHdQSHJmUEcvSysrMnFiOE9JMGFRPT0=",
		"type":       "button", "data_source": "",
		"context": context,
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func signedContext(verb, subject string) map[string]any {
	return map[string]any{"verb": verb, "subject": subject, "sig": actionSig(testSecret, verb, subject)}
}

func (e *env) click(t *testing.T, verb string, context map[string]any) (int, map[string]any) {
	t.Helper()
	w := e.do(t, "POST", "/mattermost/actions/"+e.a.secretPath+"/"+verb, "application/json",
		actionBody(t, bobID, "bob", context), nil)
	var out map[string]any
	if err := json.Unmarshal([]byte(body(t, w)), &out); err != nil {
		t.Fatalf("action answer is not JSON: %v", err)
	}
	return w.Code, out
}

func TestAction_R25_DirectVerbsAnswerEphemeralOnly(t *testing.T) {
	for _, tc := range []struct{ verb, subject, text string }{
		{"validate", "P3", "validate P3"},
		{"lift", "P3", "lift P3"},
		{"vote_yes", "C1", "vote C1 yes"},
	} {
		t.Run(tc.verb, func(t *testing.T) {
			e := newEnv(t)
			e.h.Reply = func(bot.Request) bot.Response { return bot.Response{Private: "Done.", Changed: true} }
			code, out := e.click(t, tc.verb, signedContext(tc.verb, tc.subject))
			if code != http.StatusOK {
				t.Fatalf("status = %d", code)
			}
			want := []bot.Request{{Platform: bot.PlatformMattermost, Channel: govID, UserID: bobID, UserName: "bob", Text: tc.text}}
			if diff := cmp.Diff(want, e.h.Requests()); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			// Only ephemeral_text: an "update" would replace the card and drop its buttons.
			if diff := cmp.Diff(map[string]any{"ephemeral_text": "Done."}, out); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAction_ForgedContextIsRefused(t *testing.T) {
	for _, tc := range []struct {
		name    string
		verb    string
		context map[string]any
	}{
		{"Captured", "validate", map[string]any{"proposal_id": "p1", "secret": "ctx-is-server-side", "vote": "consent"}},
		{"NoSig", "validate", map[string]any{"verb": "validate", "subject": "P3"}},
		{"BadSig", "validate", map[string]any{"verb": "validate", "subject": "P3", "sig": strings.Repeat("0", 64)}},
		{"SigOfAnotherSubject", "validate", map[string]any{"verb": "validate", "subject": "P4", "sig": actionSig(testSecret, "validate", "P3")}},
		{"SigOfAnotherVerb", "lift", map[string]any{"verb": "lift", "subject": "P3", "sig": actionSig(testSecret, "validate", "P3")}},
		{"VerbNotThePath", "lift", signedContext("validate", "P3")},
		{"OtherKey", "validate", map[string]any{"verb": "validate", "subject": "P3", "sig": actionSig([]byte("another key, 32 bytes long......"), "validate", "P3")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			code, out := e.click(t, tc.verb, tc.context)
			if code != http.StatusOK || out["ephemeral_text"] != e.a.tx.forged {
				t.Errorf("answer = %d %v, want 200 with the refusal", code, out)
			}
			if n := len(e.h.Requests()); n != 0 {
				t.Errorf("handler called %d times", n)
			}
			if calls := e.mm.takeCalls(); len(calls) != 0 {
				t.Errorf("Mattermost called: %v", calls)
			}
		})
	}
}

func TestAction_WrongSecretPathIs404(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{
		"/mattermost/actions/" + strings.Repeat("0", 32) + "/validate",
		"/mattermost/actions/" + e.a.secretPath + "/delete",
	} {
		w := e.do(t, "POST", path, "application/json", actionBody(t, bobID, "bob", signedContext("validate", "P3")), nil)
		if w.Code != http.StatusNotFound {
			t.Errorf("%s: status = %d, want 404", path, w.Code)
		}
	}
	if n := len(e.h.Requests()); n != 0 {
		t.Errorf("handler called %d times", n)
	}
}

func TestAction_NoSecretRefusesEverything(t *testing.T) {
	e := newEnv(t)
	e.a.cfg.Secret = nil
	e.a.secretPath = secretPath(nil)
	w := e.do(t, "POST", "/mattermost/actions/"+strings.Repeat("0", 32)+"/validate", "application/json", actionBody(t, bobID, "bob", signedContext("validate", "P3")), nil)
	if w.Code != http.StatusNotFound || len(e.h.Requests()) != 0 {
		t.Errorf("status %d, %d requests", w.Code, len(e.h.Requests()))
	}
}

func TestAction_ReasonVerbsOpenADialog(t *testing.T) {
	for _, tc := range []struct {
		verb, subject string
		minLength     int
	}{
		{"object", "P3", 20},
		{"concern", "P3", 0},
		{"vote_no", "C1", 20},
	} {
		t.Run(tc.verb, func(t *testing.T) {
			e := newEnv(t)
			code, out := e.click(t, tc.verb, signedContext(tc.verb, tc.subject))
			if code != http.StatusOK || len(out) != 0 {
				t.Errorf("answer = %d %v, want 200 {}", code, out)
			}
			if n := len(e.h.Requests()); n != 0 {
				t.Errorf("handler called %d times before the dialog was sent", n)
			}
			if diff := cmp.Diff([]string{"POST /api/v4/actions/dialogs/open"}, e.mm.takeCalls()); diff != "" {
				t.Fatalf("calls (-want +got):\n%s", diff)
			}
			d := e.mm.openedDialogs()[0]
			if !strings.HasPrefix(d.TriggerId, "N3k0aHFvZDg3") || d.URL != publicURL+"/mattermost/dialog" {
				t.Errorf("trigger_id %q, url %q", d.TriggerId, d.URL)
			}
			if len(d.Dialog.Elements) != 1 {
				t.Fatalf("elements = %+v", d.Dialog.Elements)
			}
			el := d.Dialog.Elements[0]
			if el.Name != "reason" || el.Type != "textarea" || el.Optional || el.MinLength != tc.minLength {
				t.Errorf("element = %+v, want required textarea reason, min_length %d", el, tc.minLength)
			}
			st, err := decodeState(testSecret, d.Dialog.State, e.clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			if st.Verb != tc.verb || st.Subject != tc.subject || st.UserID != bobID || st.UserName != "bob" || st.ChannelID != govID {
				t.Errorf("state = %+v", st)
			}
			if got := st.Exp - e.clock.Now().Unix(); got != 15*60 {
				t.Errorf("state lives %d s, want 900", got)
			}
		})
	}
}

func TestAction_DialogThatCannotOpenSaysWhatToType(t *testing.T) {
	e := newEnv(t)
	e.mm.failNext("POST /api/v4/actions/dialogs/open", failure{status: 400})
	code, out := e.click(t, "object", signedContext("object", "P3"))
	want := "The form could not be opened. Type instead: /consent object P3 …"
	if code != http.StatusOK || out["ephemeral_text"] != want {
		t.Errorf("answer = %d %v", code, out)
	}
}
