package scheduler

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type fakeTicker struct {
	calls   atomic.Int32
	release chan struct{}
	panics  bool
	seen    chan time.Time
}

func (f *fakeTicker) Tick(now time.Time) (int, error) {
	f.calls.Add(1)
	if f.seen != nil {
		f.seen <- now
	}
	if f.release != nil {
		<-f.release
	}
	if f.panics {
		panic("boom")
	}
	return 0, nil
}

func newScheduler(t *testing.T, f *fakeTicker, now func() time.Time) *Scheduler {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(f, loc, now, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// At start-up the scheduler ticks at once, with the injected clock, so what
// came due while the bot was stopped is processed (issue: restart-safe).
func TestRunTicksAtStartWithTheClock(t *testing.T) {
	at := time.Date(2027, 3, 28, 1, 30, 0, 0, time.UTC)
	f := &fakeTicker{seen: make(chan time.Time, 1)}
	s := newScheduler(t, f, func() time.Time { return at })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	select {
	case got := <-f.seen:
		if !got.Equal(at) {
			t.Fatalf("Tick got %v, want the injected %v", got, at)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no tick at start")
	}
	cancel()
	<-done
}

// Two ticks never run at once: a tick that comes while one runs is skipped.
func TestNoOverlappingTicks(t *testing.T) {
	f := &fakeTicker{release: make(chan struct{}), seen: make(chan time.Time, 2)}
	s := newScheduler(t, f, time.Now)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); s.job.Run() }()
	<-f.seen // the first tick is running
	s.job.Run()
	if n := f.calls.Load(); n != 1 {
		t.Fatalf("a second tick ran while the first was running: %d calls", n)
	}
	close(f.release)
	wg.Wait()
}

// A panicking tick is recovered: the scheduler (and the bot) go on.
func TestPanicRecovered(t *testing.T) {
	f := &fakeTicker{panics: true}
	s := newScheduler(t, f, time.Now)
	s.job.Run()
	s.job.Run()
	if n := f.calls.Load(); n != 2 {
		t.Fatalf("after a panic the next tick did not run: %d calls", n)
	}
}
