package mmtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

// User returns the provisioned account called name: "admin", "consentbot" (the bot) or one of
// UserNames. It returns nil for an unknown name.
func (env *Env) User(name string) *User {
	switch name {
	case AdminUsername:
		return env.Admin
	case BotUsername:
		return env.Bot
	}
	return env.Users[name]
}

// Client returns the logged-in client of the named account (see User), or nil.
func (env *Env) Client(name string) *model.Client4 {
	if u := env.User(name); u != nil {
		return u.Client
	}
	return nil
}

// UserID returns the ID of the named account (see User), or "".
func (env *Env) UserID(name string) string {
	if u := env.User(name); u != nil {
		return u.ID
	}
	return ""
}

func (env *Env) lookup(name string) (*User, error) {
	u := env.User(name)
	if u == nil {
		return nil, fmt.Errorf("mmtest: unknown user %q", name)
	}
	return u, nil
}

// ExecuteCommand runs a slash command ("/consent status P1") as user in channelID, as the web
// client does (POST /api/v4/commands/execute), and returns the server's CommandResponse. The
// team is the provisioned one, so this also works in direct channels.
func (env *Env) ExecuteCommand(ctx context.Context, user, channelID, command string) (*model.CommandResponse, error) {
	u, err := env.lookup(user)
	if err != nil {
		return nil, err
	}
	cr, _, err := u.Client.ExecuteCommandWithTeam(ctx, channelID, env.TeamID, command)
	if err != nil {
		return nil, fmt.Errorf("mmtest: %s runs %q: %w", user, command, err)
	}
	return cr, nil
}

// ClickButton clicks the button actionID of post postID as user
// (POST /api/v4/posts/{postID}/actions/{actionID}). The server calls the integration and
// answers with a trigger_id that can open a dialog.
func (env *Env) ClickButton(ctx context.Context, user, postID, actionID string) (*model.PostActionAPIResponse, error) {
	return env.DoPostAction(ctx, user, postID, actionID, "", "")
}

// DoPostAction is ClickButton with a selected option (menus) and the cookie of an
// ephemeral post's action (PostAction.Cookie); both may be empty.
func (env *Env) DoPostAction(ctx context.Context, user, postID, actionID, selected, cookie string) (*model.PostActionAPIResponse, error) {
	u, err := env.lookup(user)
	if err != nil {
		return nil, err
	}
	route := "/posts/" + postID + "/actions/" + actionID
	var r *http.Response
	if selected == "" && cookie == "" {
		r, err = u.Client.DoAPIPost(ctx, route, "") // what the web client sends for a button
	} else {
		r, err = u.Client.DoAPIPostJSON(ctx, route, model.DoPostActionRequest{SelectedOption: selected, Cookie: cookie})
	}
	if err != nil {
		return nil, fmt.Errorf("mmtest: %s clicks %s on post %s: %w", user, actionID, postID, err)
	}
	defer r.Body.Close()
	var out model.PostActionAPIResponse
	if err := json.NewDecoder(r.Body).Decode(&out); err != nil {
		return nil, fmt.Errorf("mmtest: decode action response: %w", err)
	}
	return &out, nil
}

// SubmitDialog submits a dialog as user (POST /api/v4/actions/dialogs/submit), the way the web
// client does: url, callbackID and state are those of the opened dialog (the client supplies
// them; see DialogFromEvent), the server fills user_id.
func (env *Env) SubmitDialog(ctx context.Context, user, url, callbackID, state, channelID string, submission map[string]string) (*model.SubmitDialogResponse, error) {
	sub := make(map[string]any, len(submission))
	for k, v := range submission {
		sub[k] = v
	}
	return env.SubmitDialogRequest(ctx, user, model.SubmitDialogRequest{
		URL: url, CallbackId: callbackID, State: state, ChannelId: channelID, Submission: sub,
	})
}

// CancelDialog sends the cancellation of a dialog (only delivered when the dialog had
// NotifyOnCancel).
func (env *Env) CancelDialog(ctx context.Context, user, url, callbackID, state, channelID string) error {
	_, err := env.SubmitDialogRequest(ctx, user, model.SubmitDialogRequest{
		URL: url, CallbackId: callbackID, State: state, ChannelId: channelID, Cancelled: true,
	})
	return err
}

// SubmitDialogRequest submits a raw request as user. An empty TeamId is set to the
// provisioned team (the server checks the user can view it, also for direct channels).
func (env *Env) SubmitDialogRequest(ctx context.Context, user string, req model.SubmitDialogRequest) (*model.SubmitDialogResponse, error) {
	u, err := env.lookup(user)
	if err != nil {
		return nil, err
	}
	if req.TeamId == "" {
		req.TeamId = env.TeamID
	}
	if req.Type == "" {
		req.Type = "dialog_submission"
	}
	resp, _, err := u.Client.SubmitInteractiveDialog(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("mmtest: %s submits dialog %q: %w", user, req.CallbackId, err)
	}
	return resp, nil
}

// Posts returns the posts of channelID created or changed at or after since, oldest first
// (GET /api/v4/channels/{id}/posts?since=, read as admin). Edited posts come back with their
// new content; deleted ones are included with DeleteAt set.
func (env *Env) Posts(ctx context.Context, channelID string, since time.Time) ([]*model.Post, error) {
	pl, _, err := env.Admin.Client.GetPostsSince(ctx, channelID, since.UnixMilli(), false)
	if err != nil {
		return nil, fmt.Errorf("mmtest: posts of %s: %w", channelID, err)
	}
	posts := make([]*model.Post, 0, len(pl.Posts))
	for _, p := range pl.Posts {
		posts = append(posts, p)
	}
	slices.SortFunc(posts, func(a, b *model.Post) int {
		if a.CreateAt != b.CreateAt {
			return int(a.CreateAt - b.CreateAt)
		}
		return strings.Compare(a.Id, b.Id)
	})
	return posts, nil
}

// WaitPost polls Posts(channelID, since) until one satisfies match, or ctx ends.
func (env *Env) WaitPost(ctx context.Context, channelID string, since time.Time, match func(*model.Post) bool) (*model.Post, error) {
	for {
		posts, err := env.Posts(ctx, channelID, since)
		if err == nil {
			for _, p := range posts {
				if match(p) {
					return p, nil
				}
			}
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("mmtest: no matching post in %s (last error %v): %w", channelID, err, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// DirectChannel returns (creating it if needed) the direct channel between two provisioned
// accounts, e.g. DirectChannel(ctx, "consentbot", "alice"). It is created by userA.
func (env *Env) DirectChannel(ctx context.Context, userA, userB string) (*model.Channel, error) {
	a, err := env.lookup(userA)
	if err != nil {
		return nil, err
	}
	b, err := env.lookup(userB)
	if err != nil {
		return nil, err
	}
	ch, _, err := a.Client.CreateDirectChannel(ctx, a.ID, b.ID)
	if err != nil {
		return nil, fmt.Errorf("mmtest: direct channel %s-%s: %w", userA, userB, err)
	}
	return ch, nil
}

// Commands lists the custom slash commands of the provisioned team (as admin), e.g. to check
// what the bot's register step created. Use model.Command.Trigger to find one.
func (env *Env) Commands(ctx context.Context) ([]*model.Command, error) {
	cmds, _, err := env.Admin.Client.ListCommands(ctx, env.TeamID, true)
	if err != nil {
		return nil, fmt.Errorf("mmtest: list commands: %w", err)
	}
	return cmds, nil
}

// Command returns the team's custom command with the given trigger (without "/"), or nil.
func (env *Env) Command(ctx context.Context, trigger string) (*model.Command, error) {
	cmds, err := env.Commands(ctx)
	if err != nil {
		return nil, err
	}
	trigger = strings.ToLower(strings.TrimPrefix(trigger, "/"))
	for _, c := range cmds {
		if c.Trigger == trigger && c.DeleteAt == 0 {
			return c, nil
		}
	}
	return nil, nil
}

// DeleteCommands deletes the team's custom commands with the given trigger (test cleanup).
func (env *Env) DeleteCommands(ctx context.Context, trigger string) error {
	cmds, err := env.Commands(ctx)
	if err != nil {
		return err
	}
	trigger = strings.ToLower(strings.TrimPrefix(trigger, "/"))
	for _, c := range cmds {
		if c.Trigger == trigger {
			if _, err := env.Admin.Client.DeleteCommand(ctx, c.Id); err != nil {
				return fmt.Errorf("mmtest: delete command %s: %w", c.Id, err)
			}
		}
	}
	return nil
}
