package mattermost

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/mattermost/mattermost/server/public/model"
)

func registerConfig(e *env) Config {
	cfg := e.a.cfg
	cfg.Language = "fr"
	return cfg
}

func TestRegister_CreatesTheCommand(t *testing.T) {
	e := newEnv(t)
	tok, err := Register(context.Background(), registerConfig(e))
	if err != nil {
		t.Fatal(err)
	}
	wantCalls(t, []string{
		"GET /api/v4/users/me",
		"GET /api/v4/teams/name/coop",
		"GET /api/v4/commands",
		"POST /api/v4/commands",
	}, e.mm.takeCalls())
	cmds := e.mm.commands()
	if len(cmds) != 1 || tok != cmds[0].Token {
		t.Fatalf("token %q, commands %+v", tok, cmds)
	}
	want := &model.Command{
		TeamId: teamID, CreatorId: botID, Trigger: "consent", Method: "P",
		URL: publicURL + "/mattermost/command", AutoComplete: true,
		AutoCompleteDesc: textsFor("fr").commandDesc, AutoCompleteHint: textsFor("fr").commandHint,
		DisplayName: "consentbot", Description: textsFor("fr").commandDesc,
	}
	if diff := cmp.Diff(want, cmds[0], cmpopts.IgnoreFields(model.Command{}, "Id", "Token")); diff != "" {
		t.Errorf("command (-want +got):\n%s", diff)
	}
	saved := *e.mm.commands()[0]
	saved.PreSave() // as the server does before validating
	if err := saved.IsValid(); err != nil {
		t.Errorf("Mattermost would refuse the command: %v", err)
	}
}

func TestRegister_UpdatesAnExistingCommand(t *testing.T) {
	e := newEnv(t)
	e.mm.mu.Lock()
	e.mm.cmds = []*model.Command{
		{Id: "other0000000000000000000000", TeamId: teamID, Trigger: "other", Token: "nope"},
		{Id: "cmd00000000000000000000001", TeamId: teamID, Trigger: "consent", Method: "G",
			URL: "http://old.example.org/cmd", Token: "existingtoken0000000000000", CreatorId: aliceID},
	}
	e.mm.mu.Unlock()
	tok, err := Register(context.Background(), registerConfig(e))
	if err != nil {
		t.Fatal(err)
	}
	wantCalls(t, []string{
		"GET /api/v4/users/me",
		"GET /api/v4/teams/name/coop",
		"GET /api/v4/commands",
		"PUT /api/v4/commands/cmd00000000000000000000001",
	}, e.mm.takeCalls())
	if tok != "existingtoken0000000000000" {
		t.Errorf("token = %q, want the existing one", tok)
	}
	c := e.mm.commands()[1]
	if c.Method != "P" || c.URL != publicURL+"/mattermost/command" || !c.AutoComplete || c.AutoCompleteHint == "" {
		t.Errorf("updated command = %+v", c)
	}
}
