package mattermost

import (
	"context"
	"fmt"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
)

// Trigger is the slash command's trigger word.
const Trigger = "consent"

// Register creates the /consent custom slash command on cfg.Team, or updates
// it if the team already has a command with that trigger, with the bot as its
// creator, and returns its token (for CONSENTBOT_MATTERMOST_COMMAND_TOKEN).
// The bot account needs the team_admin role (manage_own_slash_commands).
func Register(ctx context.Context, cfg Config) (commandToken string, err error) {
	return register(ctx, newClient4Wire(cfg.URL, cfg.BotToken), cfg)
}

func register(ctx context.Context, api wire, cfg Config) (string, error) {
	if !strings.HasPrefix(cfg.PublicURL, "http://") && !strings.HasPrefix(cfg.PublicURL, "https://") {
		return "", fmt.Errorf("mattermost: register: public URL %q is not http(s)", cfg.PublicURL)
	}
	me, err := api.me(ctx)
	if err != nil {
		return "", err
	}
	teamID, err := api.teamByName(ctx, cfg.Team)
	if err != nil {
		return "", err
	}
	tx := textsFor(cfg.Language)
	want := &model.Command{
		TeamId:           teamID,
		CreatorId:        me,
		Trigger:          Trigger,
		Method:           model.CommandMethodPost,
		URL:              strings.TrimRight(cfg.PublicURL, "/") + Prefix + "/command",
		AutoComplete:     true,
		AutoCompleteDesc: tx.commandDesc,
		AutoCompleteHint: tx.commandHint,
		DisplayName:      "consentbot",
		Description:      clip(tx.commandDesc, 128),
	}
	cmds, err := api.listCommands(ctx, teamID)
	if err != nil {
		return "", err
	}
	for _, c := range cmds {
		if c.Trigger != Trigger || c.DeleteAt != 0 {
			continue
		}
		c.Method, c.URL = want.Method, want.URL
		c.AutoComplete, c.AutoCompleteDesc, c.AutoCompleteHint = true, want.AutoCompleteDesc, want.AutoCompleteHint
		c.DisplayName, c.Description = want.DisplayName, want.Description
		updated, err := api.updateCommand(ctx, c)
		if err != nil {
			return "", err
		}
		if updated.Token != "" {
			return updated.Token, nil
		}
		return api.regenCommandToken(ctx, c.Id)
	}
	created, err := api.createCommand(ctx, want)
	if err != nil {
		return "", err
	}
	if created.Token == "" {
		return "", fmt.Errorf("mattermost: create command: no token in the answer")
	}
	return created.Token, nil
}
