package mattermost

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/consentbot/consentbot/bot"
	"github.com/google/go-cmp/cmp"
	"github.com/mattermost/mattermost/server/public/model"
)

// The body of slash-command-request.txt, as the server sent it.
const slashBody = "channel_id=1xr9h4z19inm9qd57a6yjnbf5h&channel_name=gouvernance&command=%2Fconsent&response_url=http%3A%2F%2F127.0.0.1%3A8065%2Fhooks%2Fcommands%2Fn5jdirrxkfdpmxy7gmd1gqkpfe&root_id=&team_domain=coop&team_id=x5i61tm57pnb5nffunwis5y1kw&text=propose+Test+one+two&token=sqsqqxghjff85n9p33babe6bfa&trigger_id=czg2NGZyYWExamJ4OG1hOGNzOWZjOGc0aGE6ZXN1ZjFpeWp3ZmZxZG00Y25wcWRoZHpheWg6MTc5NTY3MzEwOTcwNzpNRVVDSUFxT3pkVkFOVllyc0huTUpUblRBRE1OM2FCbmFiQlM4bHpPWEp1YXU2MG5BaUVBb3BXWGVJbDM0N051WlZxajJWOEIzNTgrZnh3Mjd1Wm5BZ0xRQ0NyS3k1Zz0%3D&user_id=esuf1iyjwffqdm4cnpqdhdzayh&user_name=alice"

const formType = "application/x-www-form-urlencoded"

func TestCommand_R25_AnswersEphemeralNeverInChannel(t *testing.T) {
	for _, tc := range []struct {
		name string
		resp bot.Response
	}{
		{"StateChangeStillEphemeral", bot.Response{Private: "P1 is open.", Changed: true}},
		{"Refused", bot.Response{Private: "Only members may propose.", Refused: true}},
		{"NothingPrivate", bot.Response{Changed: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.h.Reply = func(bot.Request) bot.Response { return tc.resp }
			w := e.do(t, "POST", "/mattermost/command", formType, slashBody,
				map[string]string{"Authorization": "Token " + cmdToken, "Accept": "application/json"})
			if w.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200", w.Code)
			}
			want := []bot.Request{{Platform: bot.PlatformMattermost, Channel: govID, UserID: aliceID, UserName: "alice", Text: "propose Test one two"}}
			if diff := cmp.Diff(want, e.h.Requests()); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			b := body(t, w)
			// One segment: a Content-Length, no chunking, JSON.
			if cl := w.Header().Get("Content-Length"); cl != strconv.Itoa(len(b)) {
				t.Errorf("Content-Length = %q, body is %d bytes", cl, len(b))
			}
			ct := w.Header().Get("Content-Type")
			cr, err := model.CommandResponseFromHTTPBody(ct, strings.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if cr.ResponseType != model.CommandResponseTypeEphemeral || cr.Text != tc.resp.Private {
				t.Errorf("response = %q %q, want ephemeral %q (body %s)", cr.ResponseType, cr.Text, tc.resp.Private, b)
			}
			if len(e.mm.takeCalls()) != 0 {
				t.Error("the slash command called Mattermost; announcements belong to the outbox")
			}
		})
	}
}

func TestCommand_TokenInFormFieldOnly(t *testing.T) {
	e := newEnv(t)
	w := e.do(t, "POST", "/mattermost/command", formType, slashBody, nil)
	if w.Code != http.StatusOK || len(e.h.Requests()) != 1 {
		t.Fatalf("status %d, %d requests; want 200 and the handler called", w.Code, len(e.h.Requests()))
	}
}

func TestCommand_BadTokenIs401AndReachesNothing(t *testing.T) {
	noToken := strings.Replace(slashBody, "token="+cmdToken, "token=", 1)
	wrongField := strings.Replace(slashBody, "token="+cmdToken, "token=aaaaaaaaaaaaaaaaaaaaaaaaaa", 1)
	for _, tc := range []struct {
		name, body, auth, configured string
	}{
		{"Missing", noToken, "", cmdToken},
		{"WrongHeader", noToken, "Token aaaaaaaaaaaaaaaaaaaaaaaaaa", cmdToken},
		{"WrongField", wrongField, "", cmdToken},
		{"WrongBoth", wrongField, "Token bbbbbbbbbbbbbbbbbbbbbbbbbb", cmdToken},
		{"WrongScheme", noToken, "Bearer " + cmdToken, cmdToken},
		{"NoTokenConfigured", noToken, "Token ", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.a.cfg.CommandToken = tc.configured
			h := map[string]string{}
			if tc.auth != "" {
				h["Authorization"] = tc.auth
			}
			w := e.do(t, "POST", "/mattermost/command", formType, tc.body, h)
			if w.Code != http.StatusUnauthorized {
				t.Errorf("status = %d, want 401", w.Code)
			}
			if n := len(e.h.Requests()); n != 0 {
				t.Errorf("handler called %d times", n)
			}
		})
	}
}

func TestCommand_GetIsNotServed(t *testing.T) {
	e := newEnv(t)
	w := e.do(t, "GET", "/mattermost/command?"+slashBody, "", "", nil)
	if w.Code != http.StatusMethodNotAllowed || len(e.h.Requests()) != 0 {
		t.Errorf("status = %d, %d requests", w.Code, len(e.h.Requests()))
	}
}
