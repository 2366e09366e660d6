package mattermost

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/consentbot/consentbot/bot"
	"github.com/google/go-cmp/cmp"
)

// openDialog clicks the button of verb on subject as bob and returns the state
// of the dialog Mattermost was asked to open.
func (e *env) openDialog(t *testing.T, verb, subject string) string {
	t.Helper()
	if code, out := e.click(t, verb, signedContext(verb, subject)); code != http.StatusOK || len(out) != 0 {
		t.Fatalf("click: %d %v", code, out)
	}
	d := e.mm.openedDialogs()
	return d[len(d)-1].Dialog.State
}

// submit posts a dialog submission shaped like dialog-submit-request.txt.
func (e *env) submit(t *testing.T, state, userID, channelID, reason string) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{
		"type": "dialog_submission", "callback_id": "consent-object", "state": state,
		"user_id": userID, "channel_id": channelID, "team_id": teamID,
		"submission": map[string]any{"reason": reason}, "cancelled": false,
	})
	w := e.do(t, "POST", "/mattermost/dialog", "application/json", string(b), nil)
	var out map[string]any
	if err := json.Unmarshal([]byte(body(t, w)), &out); err != nil {
		t.Fatalf("dialog answer is not JSON: %v", err)
	}
	return w.Code, out
}

const goodReason = "It breaks the backups we rely on every night."

func TestDialog_SubmitReachesTheBot(t *testing.T) {
	for _, tc := range []struct{ verb, subject, text string }{
		{"object", "P3", "object P3 " + goodReason},
		{"concern", "P3", "concern P3 " + goodReason},
		{"vote_no", "C1", "vote C1 no " + goodReason},
	} {
		t.Run(tc.verb, func(t *testing.T) {
			e := newEnv(t)
			e.h.Reply = func(bot.Request) bot.Response { return bot.Response{Private: "Recorded.", Changed: true} }
			state := e.openDialog(t, tc.verb, tc.subject)
			code, out := e.submit(t, state, bobID, govID, "  "+goodReason+"\n")
			if code != http.StatusOK || len(out) != 0 {
				t.Errorf("answer = %d %v, want 200 {} (closes the dialog)", code, out)
			}
			want := []bot.Request{{Platform: bot.PlatformMattermost, Channel: govID, UserID: bobID, UserName: "bob", Text: tc.text}}
			if diff := cmp.Diff(want, e.h.Requests()); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDialog_RefusedStates(t *testing.T) {
	for _, tc := range []struct {
		name    string
		prepare func(t *testing.T, e *env, state string) (string, string, string) // state, user, channel
		want    func(e *env) string
	}{
		{"Replayed", func(t *testing.T, e *env, state string) (string, string, string) {
			if code, out := e.submit(t, state, bobID, govID, goodReason); code != 200 || len(out) != 0 {
				t.Fatalf("first submission: %d %v", code, out)
			}
			return state, bobID, govID
		}, func(e *env) string { return e.a.tx.stateReplayed }},
		{"OtherUser", func(t *testing.T, e *env, state string) (string, string, string) {
			return state, aliceID, govID
		}, func(e *env) string { return e.a.tx.stateOther }},
		{"OtherChannel", func(t *testing.T, e *env, state string) (string, string, string) {
			return state, bobID, otherCh
		}, func(e *env) string { return e.a.tx.stateInvalid }},
		{"Expired", func(t *testing.T, e *env, state string) (string, string, string) {
			e.clock.Advance(15*time.Minute + time.Second)
			return state, bobID, govID
		}, func(e *env) string { return e.a.tx.stateExpired }},
		{"Tampered", func(t *testing.T, e *env, state string) (string, string, string) {
			forged := encodeState([]byte("not the key, but 32 bytes long.."), dialogState{V: 1, Verb: "object", Subject: "P3",
				UserID: aliceID, ChannelID: govID, Exp: e.clock.Now().Add(time.Hour).Unix()})
			return forged, aliceID, govID
		}, func(e *env) string { return e.a.tx.stateInvalid }},
		{"PayloadSwapped", func(t *testing.T, e *env, state string) (string, string, string) {
			other := encodeState(testSecret, dialogState{V: 1, Verb: "object", Subject: "P9", UserID: bobID, ChannelID: govID,
				Exp: e.clock.Now().Add(time.Minute).Unix()})
			p, _, _ := strings.Cut(other, ".")
			_, sig, _ := strings.Cut(state, ".")
			return p + "." + sig, bobID, govID
		}, func(e *env) string { return e.a.tx.stateInvalid }},
		{"CapturedUnsignedState", func(t *testing.T, e *env, state string) (string, string, string) {
			return `{"channel_id": "1xr9h4z19inm9qd57a6yjnbf5h", "v": 1}`, bobID, govID
		}, func(e *env) string { return e.a.tx.stateInvalid }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.h.Reply = func(bot.Request) bot.Response { return bot.Response{Changed: true} }
			state, user, channel := tc.prepare(t, e, e.openDialog(t, "object", "P3"))
			before := len(e.h.Requests())
			code, out := e.submit(t, state, user, channel, goodReason)
			if code != http.StatusOK || out["error"] != tc.want(e) || len(out) != 1 {
				t.Errorf("answer = %d %v, want the error %q", code, out, tc.want(e))
			}
			if n := len(e.h.Requests()) - before; n != 0 {
				t.Errorf("handler called %d times", n)
			}
		})
	}
}

func TestDialog_TooShortReasonShownInTheDialog(t *testing.T) {
	e := newEnv(t)
	const why = "An objection needs a reason of at least 20 characters."
	e.h.Reply = func(r bot.Request) bot.Response {
		if strings.HasSuffix(r.Text, " no") || len(r.Text) < len("object P3 ")+20 {
			return bot.Response{Private: why, Refused: true}
		}
		return bot.Response{Changed: true}
	}
	state := e.openDialog(t, "object", "P3")
	code, out := e.submit(t, state, bobID, govID, "no")
	if diff := cmp.Diff(map[string]any{"errors": map[string]any{"reason": why}}, out); code != 200 || diff != "" {
		t.Errorf("answer %d (-want +got):\n%s", code, diff)
	}
	// The dialog stayed open: the same state takes the corrected reason.
	code, out = e.submit(t, state, bobID, govID, goodReason)
	if code != 200 || len(out) != 0 {
		t.Errorf("corrected submission: %d %v, want 200 {}", code, out)
	}
	if n := len(e.h.Requests()); n != 2 {
		t.Errorf("handler called %d times, want 2", n)
	}
}

func TestDialog_NoOpAnswerShownInTheDialog(t *testing.T) {
	e := newEnv(t)
	e.h.Reply = func(bot.Request) bot.Response { return bot.Response{Private: "You already objected to P3."} }
	code, out := e.submit(t, e.openDialog(t, "object", "P3"), bobID, govID, goodReason)
	if code != 200 || out["error"] != "You already objected to P3." {
		t.Errorf("answer = %d %v", code, out)
	}
}

func TestDialog_Cancelled(t *testing.T) {
	e := newEnv(t)
	w := e.do(t, "POST", "/mattermost/dialog", "application/json",
		`{"type":"dialog_cancellation","callback_id":"consent-object","state":"x","user_id":"`+bobID+`","channel_id":"`+govID+`","cancelled":true}`, nil)
	if w.Code != 200 || body(t, w) != "{}" || len(e.h.Requests()) != 0 {
		t.Errorf("cancel: %d, %d requests", w.Code, len(e.h.Requests()))
	}
}
