// Package bot provides the platform-neutral consentbot: it parses commands,
// applies the rules of the domain packages inside one storage transaction per
// command, renders replies from the French and English catalogs, queues the
// announcements in the outbox, and runs the scheduled jobs (Tick). It never
// imports a chat platform's SDK: adapters translate to and from it.
package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/meeting"
	"github.com/consentbot/consentbot/proposals"
	"github.com/consentbot/consentbot/storage"
)

// Config is what the bot reads of the configuration.
type Config struct {
	Language           string // "fr" or "en"
	Location           *time.Location
	Rules              proposals.Rules
	ProposalDeadline   time.Duration
	CooptationDeadline time.Duration
	SocialCodeURL      string
	// Platforms receive the governance-channel messages (scheduled posts,
	// documentation of R8) and the direct messages. nil means "the
	// request's platform" (the console); serve passes its list, maybe empty.
	Platforms []string
	Meeting   MeetingConfig
	// Trigger is shown in help and cards ("/consent"); adapters may
	// rewrite it for their platform.
	Trigger string
}

// MeetingConfig is the weekly meeting's settings (R19, R20).
type MeetingConfig struct {
	Schedule    meeting.Schedule
	VideoURL    string
	Reminders   []time.Duration
	Grace       time.Duration
	CalendarURL string // where GET /meeting.ics is served, "" if none
}

// Bot is the consentbot engine.
type Bot struct {
	db   *storage.DB
	cfg  Config
	tr   *translator
	now  func() time.Time
	log  *slog.Logger
	rate *limiter
}

// New builds the bot. now is the clock (the console moves it with :wait).
func New(db *storage.DB, cfg Config, now func() time.Time, logger *slog.Logger) (*Bot, error) {
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Rules.ValidationsRequired == 0 {
		cfg.Rules = proposals.DefaultRules
	}
	if cfg.ProposalDeadline == 0 {
		cfg.ProposalDeadline = 7 * 24 * time.Hour
	}
	if cfg.CooptationDeadline == 0 {
		cfg.CooptationDeadline = 14 * 24 * time.Hour
	}
	if cfg.Trigger == "" {
		cfg.Trigger = "/consent"
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	tr, err := newTranslator(cfg.Language)
	if err != nil {
		return nil, err
	}
	return &Bot{db: db, cfg: cfg, tr: tr, now: now, log: logger}, nil
}

// T renders a catalog message in the configured language.
func (b *Bot) T(id string, data map[string]any) string { return b.tr.T(id, data) }

// Handle runs one command. A refused command changes nothing. A panic (a
// bug) rolls its transaction back and answers "internal error": one bad
// message must not take the bot down for everyone.
func (b *Bot) Handle(ctx context.Context, r Request) (resp Response) {
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("command panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			resp = Response{Private: b.T("err.internal", nil), Refused: true}
		}
	}()
	cmd, err := Parse(r.Text)
	if err != nil {
		return b.refuse(err)
	}
	h, ok := handlers[cmd.Verb]
	if !ok {
		return b.refuse(domain.E("err.unknown_verb", "Verb", cmd.Verb))
	}
	if h.change && b.rate != nil && !b.rate.allow(r.Platform+"/"+r.UserID) {
		return b.refuse(domain.E("err.rate_limited"))
	}
	run := b.db.View
	if h.change || (h.marks && b.wouldWrite(r, cmd)) {
		// A query writes only when it must (a first look to remember, a
		// deadline to apply): a read-only one costs no disk sync.
		run = b.db.Update
	}
	err = run(func(tx *storage.Tx) error {
		x := &exec{b: b, tx: tx, req: r, cmd: cmd, now: tx.Now()}
		if err := x.identify(h.change); err != nil {
			return err
		}
		if h.change && x.unlinked != "" {
			return x.needMember() // an unlinked account changes nothing
		}
		if h.change && r.ID != "" {
			if tx.Handled(r.Platform, r.ID) {
				return domain.NoOp("noop.already_handled")
			}
			if err := tx.MarkHandled(r.Platform, r.ID); err != nil {
				return err
			}
		}
		if err := h.run(x); err != nil {
			return err
		}
		resp = Response{Private: x.private, Changed: x.changed}
		return nil
	})
	if err != nil {
		return b.refuse(err)
	}
	resp.Private = Neutralize(resp.Private) // R26, for every private reply
	return resp
}

// refuse turns an error into the private reply: user-safe errors are
// translated, anything else is logged and shown as an internal error.
func (b *Bot) refuse(err error) Response {
	if e, ok := domain.AsError(err); ok {
		if e.Params == nil {
			e.Params = map[string]any{}
		}
		e.Params["Trigger"] = b.cfg.Trigger
		if e.Code == "err.usage" {
			verb, _ := e.Params["Verb"].(string)
			e.Params["Usage"] = b.cfg.Trigger + " " + b.T("usage."+verb, nil)
		}
		// The rule packages name states and types by their code ("done",
		// "bienfaiteur"): show them in the reply's language.
		if s, ok := e.Params["State"].(string); ok {
			e.Params["State"] = b.stateName(s)
		}
		if s, ok := e.Params["Type"].(string); ok {
			if t, valid := domain.ParseMemberType(s); valid && string(t) == s {
				e.Params["Type"] = b.typeName(t)
			}
		}
		return Response{Private: Neutralize(b.T(e.Code, e.Params)), Refused: !e.NoOp}
	}
	b.log.Error("command failed", "err", err)
	return Response{Private: b.T("err.internal", nil), Refused: true}
}

var _ Handler = (*Bot)(nil)
