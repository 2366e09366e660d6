// Package mmtest drives a real Mattermost server for consentbot's end-to-end tests.
//
// The server is built and started by e2e/mattermost-server/{build,start}.sh (or
// .ci/mattermost.sh); tests find it through CONSENTBOT_E2E_MATTERMOST_URL and skip when it is
// unset (see URLFromEnv). Provision creates, idempotently, everything a test needs: an admin,
// team "coop", public channel "gouvernance", six users and the "consentbot" bot with a fresh
// personal access token. The helpers act as a user would through the web client: run a slash
// command, click a button, read the websocket, submit a dialog.
package mmtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

// EnvURL is the environment variable that points tests at the server.
const EnvURL = "CONSENTBOT_E2E_MATTERMOST_URL"

// Fixed names and credentials of what Provision creates. They are test-only secrets on a
// loopback server.
const (
	AdminUsername = "admin"
	AdminPassword = "Consentbot-Admin-1!"
	UserPassword  = "Consentbot-User-1!"
	TeamName      = "coop"
	ChannelName   = "gouvernance"
	BotUsername   = "consentbot"
)

// UserNames are the ordinary users Provision creates, members of the team and the channel.
var UserNames = []string{"alice", "bob", "carol", "dave", "erin", "frank"}

// User is a provisioned account with its own logged-in client.
type User struct {
	Name   string
	ID     string
	Token  string         // session token (users, admin) or personal access token (bot)
	Client *model.Client4 // authenticated as this user
}

// Env is a provisioned server. All fields are filled by Provision.
type Env struct {
	URL         string // e.g. http://127.0.0.1:8065 (no trailing slash, no /api/v4)
	TeamID      string
	TeamName    string // "coop"
	ChannelID   string // public channel "gouvernance" in the team
	ChannelName string

	Admin *User            // system admin, logged in with a session token
	Users map[string]*User // alice, bob, carol, dave, erin, frank

	Bot       *User  // the "consentbot" bot, Client authenticated with BotToken
	BotUserID string // == Bot.ID
	BotToken  string // a personal access token created by this Provision call
}

// URLFromEnv returns CONSENTBOT_E2E_MATTERMOST_URL or "" when unset.
func URLFromEnv() string { return strings.TrimRight(os.Getenv(EnvURL), "/") }

// SkipMessage is what tests print when the server is not configured.
const SkipMessage = EnvURL + " is not set: no real Mattermost server. Run `bash .ci/mattermost.sh` " +
	"(builds and starts one on 127.0.0.1:8065) and export " + EnvURL + "=http://127.0.0.1:8065"

// NewClient returns an unauthenticated client for the server.
func NewClient(baseURL string) *model.Client4 {
	c := model.NewAPIv4Client(strings.TrimRight(baseURL, "/"))
	c.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	return c
}

// WaitReady polls GET /api/v4/system/ping until it answers OK or ctx ends.
func WaitReady(ctx context.Context, baseURL string) error {
	c := NewClient(baseURL)
	for {
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		status, _, err := c.GetPing(pctx)
		cancel()
		if err == nil && status == model.StatusOk {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("mattermost at %s not ready: %v (last error: %v)", baseURL, ctx.Err(), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Options choose the team and channel that ProvisionWith sets up. Users, admin and bot are
// server-wide and shared by all teams.
type Options struct {
	Team    string // team name (lower case, a-z0-9-); default TeamName "coop"
	Channel string // public channel name in that team; default ChannelName "gouvernance"
}

// Provision makes sure the server has the admin, team "coop", channel "gouvernance", the users
// and the bot, logs every user in, and creates a new personal access token for the bot
// (tokens cannot be read back). It is idempotent and safe to call concurrently from several
// test processes.
func Provision(ctx context.Context, baseURL string) (*Env, error) {
	return ProvisionWith(ctx, baseURL, Options{})
}

// ProvisionWith is Provision in another team and/or channel. Slash commands are per team:
// test packages that run in parallel (go test ./...) and each register the bot's command
// should use different teams, or they take each other's trigger.
func ProvisionWith(ctx context.Context, baseURL string, opt Options) (*Env, error) {
	if opt.Team == "" {
		opt.Team = TeamName
	}
	if opt.Channel == "" {
		opt.Channel = ChannelName
	}
	baseURL = strings.TrimRight(baseURL, "/")
	if baseURL == "" {
		return nil, errors.New("mmtest: empty Mattermost URL")
	}
	// Announce this process as a user of the shared server: another process's StopServer
	// waits for us to exit.
	if err := holdShared(ctx); err != nil {
		return nil, fmt.Errorf("mmtest: waiting for another process's Mattermost outage to end: %w", err)
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err := WaitReady(wctx, baseURL)
	cancel()
	if err != nil {
		return nil, err
	}
	env := &Env{URL: baseURL, TeamName: opt.Team, ChannelName: opt.Channel, Users: map[string]*User{}}

	admin, err := provisionAdmin(ctx, baseURL)
	if err != nil {
		return nil, err
	}
	env.Admin = admin
	ac := admin.Client

	// Live config: the settings the tests depend on, whatever config.json said.
	cfg := &model.Config{}
	cfg.ServiceSettings.AllowedUntrustedInternalConnections = model.NewPointer("127.0.0.0/8 localhost")
	cfg.ServiceSettings.EnableCommands = model.NewPointer(true)
	cfg.ServiceSettings.EnableBotAccountCreation = model.NewPointer(true)
	cfg.ServiceSettings.EnableUserAccessTokens = model.NewPointer(true)
	cfg.ServiceSettings.EnablePostUsernameOverride = model.NewPointer(true)
	cfg.ServiceSettings.EnablePostIconOverride = model.NewPointer(true)
	if _, _, err := ac.PatchConfig(ctx, cfg); err != nil {
		return nil, fmt.Errorf("mmtest: patch config: %w", err)
	}

	team, err := getOrCreate(ctx,
		func() (*model.Team, *model.Response, error) { return ac.GetTeamByName(ctx, opt.Team, "") },
		func() (*model.Team, *model.Response, error) {
			return ac.CreateTeam(ctx, &model.Team{Name: opt.Team, DisplayName: opt.Team, Type: model.TeamOpen})
		})
	if err != nil {
		return nil, fmt.Errorf("mmtest: team %q: %w", opt.Team, err)
	}
	env.TeamID = team.Id

	ch, err := getOrCreate(ctx,
		func() (*model.Channel, *model.Response, error) {
			return ac.GetChannelByName(ctx, opt.Channel, team.Id, "")
		},
		func() (*model.Channel, *model.Response, error) {
			return ac.CreateChannel(ctx, &model.Channel{TeamId: team.Id, Name: opt.Channel,
				DisplayName: displayName(opt.Channel), Type: model.ChannelTypeOpen})
		})
	if err != nil {
		return nil, fmt.Errorf("mmtest: channel %q: %w", opt.Channel, err)
	}
	env.ChannelID = ch.Id
	if err := env.join(ctx, admin.ID); err != nil {
		return nil, err
	}

	// Users: created and logged in in parallel (password hashing dominates).
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, name := range UserNames {
		wg.Go(func() {
			u, err := env.provisionUser(ctx, name)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("mmtest: user %q: %w", name, err))
				return
			}
			env.Users[name] = u
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	if err := env.provisionBot(ctx); err != nil {
		return nil, fmt.Errorf("mmtest: bot %q: %w", BotUsername, err)
	}
	return env, nil
}

func provisionAdmin(ctx context.Context, baseURL string) (*User, error) {
	login := func() (*User, error) {
		c := NewClient(baseURL)
		u, resp, err := c.Login(ctx, AdminUsername, AdminPassword)
		if err != nil {
			return nil, err
		}
		tok := resp.Header.Get(model.HeaderToken)
		if tok == "" {
			return nil, errors.New("login response has no Token header")
		}
		c.SetToken(tok)
		if !strings.Contains(u.Roles, model.SystemAdminRoleId) {
			return nil, fmt.Errorf("user %q exists but is not a system admin (roles %q): "+
				"the server was set up by something else; reset its database", AdminUsername, u.Roles)
		}
		return &User{Name: AdminUsername, ID: u.Id, Token: tok, Client: c}, nil
	}
	if u, err := login(); err == nil {
		return u, nil
	}
	// The first user created on a server becomes system admin; no auth is needed for it.
	_, _, cerr := NewClient(baseURL).CreateUser(ctx, &model.User{
		Username: AdminUsername, Email: AdminUsername + "@consentbot.test", Password: AdminPassword,
	})
	u, err := login()
	if err != nil {
		return nil, fmt.Errorf("mmtest: admin: create: %v; login: %w", cerr, err)
	}
	return u, nil
}

func (env *Env) provisionUser(ctx context.Context, name string) (*User, error) {
	ac := env.Admin.Client
	u, err := getOrCreate(ctx,
		func() (*model.User, *model.Response, error) { return ac.GetUserByUsername(ctx, name, "") },
		func() (*model.User, *model.Response, error) {
			return ac.CreateUser(ctx, &model.User{Username: name, Email: name + "@consentbot.test",
				Password: UserPassword, FirstName: displayName(name)})
		})
	if err != nil {
		return nil, err
	}
	if u.DeleteAt != 0 { // deactivated by an earlier test
		if _, err := ac.UpdateUserActive(ctx, u.Id, true); err != nil {
			return nil, fmt.Errorf("reactivate: %w", err)
		}
	}
	if err := env.join(ctx, u.Id); err != nil {
		return nil, err
	}
	c := NewClient(env.URL)
	_, resp, err := c.Login(ctx, name, UserPassword)
	if err != nil { // password changed by something else: reset it as admin
		if _, perr := ac.UpdateUserPassword(ctx, u.Id, "", UserPassword); perr != nil {
			return nil, fmt.Errorf("login: %v; reset password: %w", err, perr)
		}
		if _, resp, err = c.Login(ctx, name, UserPassword); err != nil {
			return nil, fmt.Errorf("login: %w", err)
		}
	}
	tok := resp.Header.Get(model.HeaderToken)
	c.SetToken(tok)
	return &User{Name: name, ID: u.Id, Token: tok, Client: c}, nil
}

func (env *Env) provisionBot(ctx context.Context) error {
	ac := env.Admin.Client
	var botID string
	u, _, err := ac.GetUserByUsername(ctx, BotUsername, "")
	switch {
	case err == nil && !u.IsBot:
		return fmt.Errorf("user %q exists and is not a bot", BotUsername)
	case err == nil:
		botID = u.Id
		if u.DeleteAt != 0 {
			if _, _, err := ac.EnableBot(ctx, botID); err != nil {
				return fmt.Errorf("enable: %w", err)
			}
		}
	case isStatus(err, http.StatusNotFound):
		b, _, cerr := ac.CreateBot(ctx, &model.Bot{Username: BotUsername, DisplayName: "ConsentBot",
			Description: "consentbot e2e"})
		if cerr != nil { // lost a race with another Provision?
			u, _, err := ac.GetUserByUsername(ctx, BotUsername, "")
			if err != nil {
				return fmt.Errorf("create: %w", cerr)
			}
			botID = u.Id
		} else {
			botID = b.UserId
		}
	default:
		return err
	}
	if err := env.join(ctx, botID); err != nil {
		return err
	}
	// team_admin: the bot registers its own slash command, which needs
	// manage_own_slash_commands (not granted to team_user).
	if _, err := ac.UpdateTeamMemberRoles(ctx, env.TeamID, botID, "team_user team_admin"); err != nil {
		return fmt.Errorf("team roles: %w", err)
	}
	tok, _, err := ac.CreateUserAccessToken(ctx, botID, "mmtest "+time.Now().UTC().Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("access token: %w", err)
	}
	c := NewClient(env.URL)
	c.SetToken(tok.Token)
	env.Bot = &User{Name: BotUsername, ID: botID, Token: tok.Token, Client: c}
	env.BotUserID, env.BotToken = botID, tok.Token
	return nil
}

// join adds userID to the team and the channel (both idempotent on the server).
func (env *Env) join(ctx context.Context, userID string) error {
	ac := env.Admin.Client
	if _, _, err := ac.AddTeamMember(ctx, env.TeamID, userID); err != nil {
		return fmt.Errorf("add %s to team: %w", userID, err)
	}
	if _, _, err := ac.AddChannelMember(ctx, env.ChannelID, userID); err != nil {
		return fmt.Errorf("add %s to channel: %w", userID, err)
	}
	return nil
}

// getOrCreate returns the object from get, or creates it when get says 404. A failed create
// is retried as a get, so that concurrent provisioners converge.
func getOrCreate[T any](ctx context.Context, get, create func() (T, *model.Response, error)) (T, error) {
	v, _, err := get()
	if err == nil {
		return v, nil
	}
	if !isStatus(err, http.StatusNotFound) {
		return v, err
	}
	v, _, cerr := create()
	if cerr == nil {
		return v, nil
	}
	if v, _, err = get(); err == nil {
		return v, nil
	}
	return v, fmt.Errorf("create: %w", cerr)
}

func displayName(name string) string { return strings.ToUpper(name[:1]) + name[1:] }

func isStatus(err error, code int) bool {
	var ae *model.AppError
	return errors.As(err, &ae) && ae.StatusCode == code
}
