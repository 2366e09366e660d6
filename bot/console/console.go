// Package console provides the bot in a terminal: each line read is a message
// from the current user, `:as NAME` switches user, `:wait DURATION` moves the
// clock and runs what came due. It is the simplest adapter, and the one the
// README's walk-through and the whole-program tests drive.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/config"
)

// Clock is the console's movable clock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock starts at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Bot is what the console drives.
type Bot interface {
	bot.Handler
	Tick(now time.Time) (int, error)
	NextWake(after time.Time) time.Time
	// T renders the console's own lines in the bot's language.
	T(id string, data map[string]any) string
}

// Console is one terminal session.
type Console struct {
	Bot    Bot
	Outbox bot.Outbox
	Clock  *Clock
	User   string
	Out    io.Writer
}

// PrivatePrefix marks replies only the sender would see (SPEC §4).
const PrivatePrefix = "(only you) "

// Run reads commands until in ends or ctx is cancelled.
func (c *Console) Run(ctx context.Context, in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := c.Line(ctx, sc.Text()); err != nil {
			return err
		}
	}
	return sc.Err()
}

// Line handles one line of input.
func (c *Console) Line(ctx context.Context, line string) error {
	trimmed := strings.TrimSpace(line) // also a script's \r\n endings
	word, _, _ := strings.Cut(trimmed, " ")
	switch {
	case trimmed == "" || strings.HasPrefix(trimmed, "#"):
		return nil
	case word == ":as":
		name := strings.TrimPrefix(strings.TrimSpace(strings.TrimPrefix(trimmed, ":as")), "@")
		if name == "" {
			fmt.Fprintln(c.Out, c.Bot.T("console.usage_as", nil))
			return nil
		}
		c.User = strings.ToLower(name)
		fmt.Fprintln(c.Out, c.Bot.T("console.you_are_now", map[string]any{"User": c.User}))
		return nil
	case word == ":wait":
		d, err := config.ParseDuration(strings.TrimSpace(strings.TrimPrefix(trimmed, ":wait")))
		if err != nil || d <= 0 {
			fmt.Fprintln(c.Out, c.Bot.T("console.usage_wait", nil))
			return nil
		}
		return c.wait(d)
	case strings.HasPrefix(trimmed, "/consent"):
		text := strings.TrimPrefix(trimmed, "/consent")
		if text != "" && text[0] != ' ' && text[0] != '\t' {
			break
		}
		resp := c.Bot.Handle(ctx, bot.Request{Platform: bot.PlatformConsole, Channel: "console", UserID: c.User, UserName: c.User, Text: text})
		if resp.Private != "" {
			fmt.Fprintln(c.Out, PrivatePrefix+indent(resp.Private))
		}
		return c.Deliver()
	}
	fmt.Fprintln(c.Out, PrivatePrefix+c.Bot.T("console.not_a_command", nil))
	return nil
}

// wait moves the clock in steps of at most an hour, and to each instant when
// something comes due, ticking at each, so that reminders fall in order and
// at their own time.
func (c *Console) wait(d time.Duration) error {
	for d > 0 {
		step := min(d, time.Hour)
		if wake := c.Bot.NextWake(c.Clock.Now()); !wake.IsZero() {
			step = min(step, wake.Sub(c.Clock.Now()))
		}
		c.Clock.Advance(step)
		d -= step
		if _, err := c.Bot.Tick(c.Clock.Now()); err != nil {
			return err
		}
		if err := c.Deliver(); err != nil {
			return err
		}
	}
	fmt.Fprintln(c.Out, c.Bot.T("console.it_is_now", map[string]any{"Time": c.Clock.Now().Format(time.RFC3339)}))
	return nil
}

// Deliver prints and acknowledges what the bot queued for the console.
func (c *Console) Deliver() error {
	for {
		msgs, err := c.Outbox.Pending(bot.PlatformConsole, 100)
		if err != nil || len(msgs) == 0 {
			return err
		}
		for _, m := range msgs {
			// The console is its own governance channel: a message that
			// was already shown there is not shown twice.
			skip := m.Channel == "" && m.Except == "console"
			switch {
			case skip:
			case m.Kind == bot.KindCard:
				fmt.Fprintf(c.Out, "[card %s] %s\n", m.Subject, indent(m.Text))
			case m.Kind == bot.KindDM:
				fmt.Fprintf(c.Out, "(dm to %s) %s\n", m.Member, indent(m.Text))
			default:
				fmt.Fprintf(c.Out, "%s\n", indent(m.Text))
			}
			if err := c.Outbox.Ack(bot.PlatformConsole, m.ID); err != nil {
				return err
			}
		}
	}
}

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n    ") }
