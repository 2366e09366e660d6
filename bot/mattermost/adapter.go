package mattermost

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/consentbot/consentbot/bot"
)

// Prefix is where the caller mounts Handler; the URLs given to Mattermost
// (command, buttons, dialogs) are PublicURL + Prefix + route.
const Prefix = "/mattermost"

// Config is what the adapter needs to know about the Mattermost side.
type Config struct {
	URL          string // Mattermost base URL, e.g. http://127.0.0.1:8065
	Team         string // team name (URL slug)
	Channel      string // governance channel name (slug) in Team
	PublicURL    string // where Mattermost reaches the bot, without Prefix
	BotToken     string // bot account's personal access token
	CommandToken string // token Mattermost sends with the slash command

	ObjectionMinChars int    // min_length of the reason field of an objection / a "no" vote
	Language          string // "fr" or "en": the adapter's own few texts
	// Secret is the HMAC key for buttons and dialogs (from bot.SecretStore);
	// at least 32 random bytes. Without it, buttons and dialogs are refused.
	Secret []byte
}

// Deps are the bot-side collaborators.
type Deps struct {
	Handler    bot.Handler
	Outbox     bot.Outbox
	Cards      bot.CardStore
	Identities bot.IdentityStore
	Logger     *slog.Logger
	Now        func() time.Time
}

// Adapter is the Mattermost side of the bot: HTTP handlers for inbound
// traffic, and Run for the outbox.
type Adapter struct {
	cfg  Config
	deps Deps
	log  *slog.Logger
	now  func() time.Time
	api  wire
	tx   texts

	secretPath string
	tagNonce   string
	replays    *replaySet

	// Outbox delivery tuning (tests shorten them).
	backoffMin   time.Duration
	backoffMax   time.Duration
	pollInterval time.Duration
	callTimeout  time.Duration

	// Delivery state, owned by the Run goroutine (mu only guards against a
	// second Run by mistake).
	mu         sync.Mutex
	botUserID  string
	govID      string
	govErr     error             // why govID is still unknown
	dmChannel  map[string]string // user id → direct channel id with the bot
	userByName map[string]userLookup
	dests      map[string]*destState
	// refusedCh: channels that refused the bot's posts for good → until
	// when their messages go straight to the governance channel (see
	// inChannel).
	refusedCh map[string]time.Time
}

// userLookup is the result of the username lookup of a member.
type userLookup struct {
	userID string
	found  bool
	until  time.Time // when not found: ask again from then on
}

// New returns an adapter. Nothing is contacted until Run, Ready or a request.
func New(cfg Config, deps Deps) *Adapter {
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	return &Adapter{
		cfg:          cfg,
		deps:         deps,
		log:          log,
		now:          now,
		api:          newClient4Wire(cfg.URL, cfg.BotToken),
		tx:           textsFor(cfg.Language),
		secretPath:   secretPath(cfg.Secret),
		tagNonce:     tagNonce(cfg.Secret),
		replays:      newReplaySet(),
		backoffMin:   time.Second,
		backoffMax:   time.Minute,
		pollInterval: 30 * time.Second,
		callTimeout:  20 * time.Second,
		dmChannel:    map[string]string{},
		userByName:   map[string]userLookup{},
		dests:        map[string]*destState{},
		refusedCh:    map[string]time.Time{},
	}
}

// Ready reports whether Mattermost answers GET /api/v4/system/ping (for /readyz).
func (a *Adapter) Ready(ctx context.Context) error {
	return a.api.ping(ctx)
}
