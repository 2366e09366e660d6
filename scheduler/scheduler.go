// Package scheduler runs the bot's Tick on a cron/v3 schedule in the
// configured zone: with panic recovery, never two runs at once, and once at
// start-up so that what came due while the bot was stopped is processed.
package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
)

// Ticker is what the scheduler drives (the bot).
type Ticker interface {
	Tick(now time.Time) (skipped int, err error)
}

// Scheduler wraps a cron/v3 runner.
type Scheduler struct {
	cron *cron.Cron
	job  cron.Job
}

// Every is how often the bot looks for what came due: deadlines and meeting
// reminders are minute-precise.
const Every = "* * * * *"

// New builds a scheduler ticking t every minute in loc. now is the clock
// passed to Tick.
func New(t Ticker, loc *time.Location, now func() time.Time, log *slog.Logger) (*Scheduler, error) {
	logger := cron.PrintfLogger(slogPrintf{log})
	c := cron.New(cron.WithLocation(loc))
	job := cron.FuncJob(func() {
		skipped, err := t.Tick(now())
		if err != nil {
			log.Error("tick failed", "err", err)
		}
		if skipped > 0 {
			log.Warn("late meeting reminders skipped", "count", skipped)
		}
	})
	// One wrapped job serves the cron entry and the run at start-up, so
	// they share the no-overlap guard. Recover must be inside the guard:
	// cron/v3's SkipIfStillRunning does not give its token back when the job
	// panics, so with Recover outside, one panic would skip every later tick
	// (TestPanicRecovered).
	wrapped := cron.NewChain(cron.SkipIfStillRunning(logger), cron.Recover(logger)).Then(job)
	if _, err := c.AddJob(Every, wrapped); err != nil {
		return nil, err
	}
	return &Scheduler{cron: c, job: wrapped}, nil
}

// Run ticks once now, then on schedule until ctx ends; it waits for a running
// tick before returning.
func (s *Scheduler) Run(ctx context.Context) {
	s.job.Run()
	s.cron.Start()
	<-ctx.Done()
	<-s.cron.Stop().Done()
}

type slogPrintf struct{ log *slog.Logger }

func (p slogPrintf) Printf(format string, args ...any) {
	p.log.Warn("scheduler", "detail", fmt.Sprintf(format, args...))
}
