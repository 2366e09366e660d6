package rocketchat

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/bot/rocketchat/ddp"
)

// Config is the Rocket.Chat section of the configuration.
type Config struct {
	URL     string // https://chat.example.org
	Channel string // governance channel name, used for Messages with Channel ""
	// UserID and Token are the bot's personal access token (preferred).
	UserID, Token string
	// User and Password are used when Token is empty, and to log in again
	// when the token is refused.
	User, Password string
	// BotName is the bot's username, for @-mentions; asked from the server
	// (GET me) when empty.
	BotName string
	// InstallID is a per-database nonce that keeps message ids of two
	// installations apart (see outboxID); serve derives it from a secret.
	InstallID string
	// MaxMessageSize is the server's Message_MaxAllowedSize: longer texts
	// (cards, posts, direct messages, private replies) are cut to fit, ending
	// with "…", instead of being refused for ever. 0 means
	// DefaultMaxMessageSize, Rocket.Chat's default.
	MaxMessageSize int
}

// DefaultMaxMessageSize is Rocket.Chat's default Message_MaxAllowedSize.
const DefaultMaxMessageSize = 5000

// Deps are what the adapter needs from the bot.
type Deps struct {
	Handler    bot.Handler
	Outbox     bot.Outbox
	Cards      bot.CardStore
	Identities bot.IdentityStore
	// Marks, when set, keeps the inbound catch-up point across restarts:
	// commands said while the bot was stopped (up to 24 h) are handled when
	// it starts again, and none twice.
	Marks  bot.MarkStore
	Logger *slog.Logger
	// Now is the wall clock, compared with server timestamps when catching up
	// after a reconnect. Defaults to time.Now.
	Now func() time.Time
}

// Adapter connects one bot to one Rocket.Chat server.
type Adapter struct {
	cfg  Config
	deps Deps
	log  *slog.Logger
	rest *restClient
	seen *seenSet

	wsURL         string
	ddpOpts       ddp.Options
	reconnect     backoff // between DDP sessions
	redeliver     backoff // per outbox channel
	pollEvery     time.Duration
	catchUpMargin time.Duration

	mu       sync.Mutex
	botID    string
	botName  string
	state    error     // nil while subscribed; why not otherwise
	cursor   time.Time // newest message timestamp seen (server clock)
	sessions int       // DDP sessions that subscribed and caught up
	pending  time.Time // start of a catch-up that has not finished yet
	// resume is the mark saved by the previous process (nil if none), read
	// once by Run; mark is this process's, saved after each command.
	resume *inboundMark
	mark   *inboundMark
	// done lists the commands this process handled, by server timestamps
	// only, kept whether or not there is a MarkStore: a command streamed
	// again (a reaction, a thread reply) after the seen set forgot it is
	// recognised by it, and not run twice.
	done    *inboundMark
	govRoom string
	dmRooms map[string]string // username -> direct room id
	// oneToOne caches, per direct room ("d") id, whether it is a 1:1 room
	// with the bot (true) or a group DM (false).
	oneToOne map[string]bool
}

var errNotConnected = errors.New("rocketchat: not connected yet")

// New builds an adapter. Nothing happens on the network until Run.
func New(cfg Config, deps Deps) *Adapter {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	base := strings.TrimRight(cfg.URL, "/")
	ws := base + "/websocket"
	if rest, ok := strings.CutPrefix(ws, "http"); ok {
		ws = "ws" + rest // http -> ws, https -> wss
	}
	log := deps.Logger
	return &Adapter{
		cfg:  cfg,
		deps: deps,
		log:  log,
		rest: &restClient{
			base:     base + "/api/v1/",
			http:     &http.Client{Timeout: 30 * time.Second},
			retry:    backoff{Base: 250 * time.Millisecond, Max: 5 * time.Second},
			attempts: 5,
			maxWait:  2 * time.Minute,
			sleep:    sleep,
			now:      deps.Now,
			log:      log,
			user:     cfg.User,
			password: cfg.Password,
			userID:   cfg.UserID,
			token:    cfg.Token,
		},
		seen:          newSeenSet(4096),
		wsURL:         ws,
		reconnect:     backoff{Base: time.Second, Max: time.Minute},
		redeliver:     backoff{Base: time.Second, Max: 5 * time.Minute},
		pollEvery:     30 * time.Second,
		catchUpMargin: 10 * time.Second,
		botName:       cfg.BotName,
		state:         errNotConnected,
		dmRooms:       make(map[string]string),
		oneToOne:      make(map[string]bool),
	}
}

// maxSize is the longest text the server accepts.
func (a *Adapter) maxSize() int {
	if a.cfg.MaxMessageSize > 0 {
		return a.cfg.MaxMessageSize
	}
	return DefaultMaxMessageSize
}

// Run receives commands and delivers the outbox until ctx ends, reconnecting
// as needed. It returns nil once ctx is cancelled.
func (a *Adapter) Run(ctx context.Context) error {
	a.loadMark()
	var wg sync.WaitGroup
	wg.Go(func() { a.runInbound(ctx) })
	if a.deps.Outbox != nil {
		wg.Go(func() { a.runDelivery(ctx) })
	}
	wg.Wait()
	return nil
}

// Ready reports whether the adapter is logged in and subscribed, for /readyz.
func (a *Adapter) Ready(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.state != nil {
		return fmt.Errorf("rocketchat: not ready: %w", a.state)
	}
	return nil
}

func (a *Adapter) setState(err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.state = err
}

func (a *Adapter) identity() (id, name string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.botID, a.botName
}

// loadMark reads the catch-up point saved by the previous process.
func (a *Adapter) loadMark() {
	if a.deps.Marks == nil {
		return
	}
	s, err := a.deps.Marks.Mark(markName)
	var m *inboundMark
	if err == nil {
		m, err = decodeMark(s)
	}
	if err != nil {
		a.log.Error("rocketchat_mark_unreadable", "err", err)
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.resume = m
	if m != nil {
		a.mark = m.clone()
	}
}

// remember records m as handled, before its reply is sent: neither this
// process nor (with a MarkStore) a restarted one handles it again.
func (a *Adapter) remember(m rcMessage) {
	a.mu.Lock()
	if a.done == nil {
		ms := m.TS.UnixMilli()
		if m.TS.IsZero() {
			ms = 0
		}
		// Floor trails the first command by the margin, as it does later
		// ones: a command said just before it, arriving just after, is new.
		a.done = &inboundMark{Last: ms, Floor: ms - a.catchUpMargin.Milliseconds()}
	}
	a.done.add(m.ID, m.TS.Time, a.catchUpMargin)
	if a.deps.Marks == nil {
		a.mu.Unlock()
		return
	}
	if a.mark == nil {
		a.mark = &inboundMark{}
	}
	a.mark.add(m.ID, m.TS.Time, a.catchUpMargin)
	v := a.mark.encode()
	a.mu.Unlock()
	a.saveMark(v)
}

func (a *Adapter) saveMark(v string) {
	if err := a.deps.Marks.SetMark(markName, v); err != nil {
		a.log.Error("rocketchat_mark_save_failed", "err", err)
	}
}
