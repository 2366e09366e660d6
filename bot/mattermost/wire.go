package mattermost

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

// wire is the part of the Mattermost REST API the adapter uses. The real one
// is client4Wire; tests may substitute another.
type wire interface {
	ping(ctx context.Context) error
	me(ctx context.Context) (userID string, err error)
	teamByName(ctx context.Context, name string) (teamID string, err error)
	channelByName(ctx context.Context, team, channel string) (channelID string, err error)
	userByUsername(ctx context.Context, name string) (userID string, err error)
	directChannel(ctx context.Context, userA, userB string) (channelID string, err error)
	createPost(ctx context.Context, p *model.Post) (postID string, err error)
	patchPost(ctx context.Context, postID string, patch *model.PostPatch) error
	recentPosts(ctx context.Context, channelID string, n int) ([]*model.Post, error)
	openDialog(ctx context.Context, req model.OpenDialogRequest) error
	listCommands(ctx context.Context, teamID string) ([]*model.Command, error)
	createCommand(ctx context.Context, c *model.Command) (*model.Command, error)
	updateCommand(ctx context.Context, c *model.Command) (*model.Command, error)
	regenCommandToken(ctx context.Context, commandID string) (string, error)
}

// apiError is a failed call. Status is the HTTP status, 0 when no response
// came back (network error, timeout).
type apiError struct {
	Op         string
	Status     int
	RetryAfter time.Duration
	Err        error
}

func (e *apiError) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("mattermost: %s: %v", e.Op, e.Err)
	}
	return fmt.Sprintf("mattermost: %s: status %d: %v", e.Op, e.Status, e.Err)
}

func (e *apiError) Unwrap() error { return e.Err }

// statusOf returns the HTTP status of a wire error, 0 if unknown.
func statusOf(err error) int {
	if ae, ok := errors.AsType[*apiError](err); ok {
		return ae.Status
	}
	return 0
}

// client4Wire is wire over model.Client4 with the bot's token.
type client4Wire struct {
	c *model.Client4
}

func newClient4Wire(url, token string) *client4Wire {
	c := model.NewAPIv4Client(url)
	c.SetToken(token)
	// Client4 has no timeout of its own; every call also gets a context deadline.
	c.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	return &client4Wire{c: c}
}

// wrap turns a Client4 result into an *apiError, taking the status from the
// HTTP response (the AppError body may be absent, e.g. from a proxy).
func wrap(op string, resp *model.Response, err error) error {
	if err == nil {
		return nil
	}
	ae := &apiError{Op: op, Err: err}
	if resp != nil {
		ae.Status = resp.StatusCode
		if resp.Header != nil {
			if s, perr := strconv.Atoi(resp.Header.Get("Retry-After")); perr == nil && s > 0 {
				ae.RetryAfter = time.Duration(s) * time.Second
			}
		}
	}
	return ae
}

func (w *client4Wire) ping(ctx context.Context) error {
	st, resp, err := w.c.GetPingWithOptions(ctx, model.SystemPingOptions{})
	if err != nil {
		return wrap("ping", resp, err)
	}
	if s, _ := st["status"].(string); s != model.StatusOk {
		return &apiError{Op: "ping", Status: resp.StatusCode, Err: fmt.Errorf("status %q", s)}
	}
	return nil
}

func (w *client4Wire) me(ctx context.Context) (string, error) {
	u, resp, err := w.c.GetMe(ctx, "")
	if err != nil {
		return "", wrap("get me", resp, err)
	}
	return u.Id, nil
}

func (w *client4Wire) teamByName(ctx context.Context, name string) (string, error) {
	t, resp, err := w.c.GetTeamByName(ctx, name, "")
	if err != nil {
		return "", wrap("get team "+name, resp, err)
	}
	return t.Id, nil
}

func (w *client4Wire) channelByName(ctx context.Context, team, channel string) (string, error) {
	ch, resp, err := w.c.GetChannelByNameForTeamName(ctx, channel, team, "")
	if err != nil {
		return "", wrap("get channel "+team+"/"+channel, resp, err)
	}
	return ch.Id, nil
}

func (w *client4Wire) userByUsername(ctx context.Context, name string) (string, error) {
	u, resp, err := w.c.GetUserByUsername(ctx, name, "")
	if err != nil {
		return "", wrap("get user "+name, resp, err)
	}
	return u.Id, nil
}

func (w *client4Wire) directChannel(ctx context.Context, userA, userB string) (string, error) {
	ch, resp, err := w.c.CreateDirectChannel(ctx, userA, userB)
	if err != nil {
		return "", wrap("create direct channel", resp, err)
	}
	return ch.Id, nil
}

func (w *client4Wire) createPost(ctx context.Context, p *model.Post) (string, error) {
	created, resp, err := w.c.CreatePost(ctx, p)
	if err != nil {
		return "", wrap("create post", resp, err)
	}
	return created.Id, nil
}

func (w *client4Wire) patchPost(ctx context.Context, postID string, patch *model.PostPatch) error {
	_, resp, err := w.c.PatchPost(ctx, postID, patch)
	return wrap("patch post "+postID, resp, err)
}

func (w *client4Wire) recentPosts(ctx context.Context, channelID string, n int) ([]*model.Post, error) {
	list, resp, err := w.c.GetPostsForChannel(ctx, channelID, 0, n, "", false, false)
	if err != nil {
		return nil, wrap("get posts", resp, err)
	}
	posts := make([]*model.Post, 0, len(list.Order))
	for _, id := range list.Order {
		if p := list.Posts[id]; p != nil {
			posts = append(posts, p)
		}
	}
	return posts, nil
}

func (w *client4Wire) openDialog(ctx context.Context, req model.OpenDialogRequest) error {
	resp, err := w.c.OpenInteractiveDialog(ctx, req)
	return wrap("open dialog", resp, err)
}

func (w *client4Wire) listCommands(ctx context.Context, teamID string) ([]*model.Command, error) {
	cmds, resp, err := w.c.ListCommands(ctx, teamID, true)
	if err != nil {
		return nil, wrap("list commands", resp, err)
	}
	return cmds, nil
}

func (w *client4Wire) createCommand(ctx context.Context, c *model.Command) (*model.Command, error) {
	out, resp, err := w.c.CreateCommand(ctx, c)
	if err != nil {
		return nil, wrap("create command", resp, err)
	}
	return out, nil
}

func (w *client4Wire) updateCommand(ctx context.Context, c *model.Command) (*model.Command, error) {
	out, resp, err := w.c.UpdateCommand(ctx, c)
	if err != nil {
		return nil, wrap("update command", resp, err)
	}
	return out, nil
}

func (w *client4Wire) regenCommandToken(ctx context.Context, commandID string) (string, error) {
	tok, resp, err := w.c.RegenCommandToken(ctx, commandID)
	if err != nil {
		return "", wrap("regenerate command token", resp, err)
	}
	return tok, nil
}
