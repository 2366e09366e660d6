package main

import (
	"context"
	"fmt"
	"io"

	"github.com/consentbot/consentbot/bot/mattermost"
)

func runMattermost(ctx context.Context, args, env []string, _ io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "register" {
		return usageError{"mattermost: the only verb is register"}
	}
	fs, c := newFlags("mattermost register", stderr)
	if err := fs.Parse(args[1:]); err != nil {
		return usageError{err.Error()}
	}
	cfg, err := c.load(env)
	if err != nil {
		return err
	}
	m := cfg.Mattermost
	if m == nil {
		return fmt.Errorf("no mattermost section in the configuration")
	}
	token, err := mattermost.Register(ctx, mattermost.Config{
		URL: m.URL, Team: m.Team, Channel: m.Channel, PublicURL: cfg.HTTP.PublicURL,
		BotToken: m.BotToken, Language: cfg.Language,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "/consent is registered on team %s, calling %s/mattermost/command.\nPut this in the bot's environment, then restart it:\n\nCONSENTBOT_MATTERMOST_COMMAND_TOKEN=%s\n", m.Team, cfg.HTTP.PublicURL, token)
	return nil
}
