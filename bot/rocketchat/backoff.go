package rocketchat

import (
	"context"
	"math/rand/v2"
	"time"
)

// backoff computes capped exponential delays with jitter.
type backoff struct {
	Base, Max time.Duration
}

// delay returns the wait before attempt n+1 (n counts failures, from 0): a
// random value in [d/2, d] where d = min(Base·2ⁿ, Max).
func (b backoff) delay(n int) time.Duration {
	d := b.Max
	if n < 30 {
		d = min(b.Base<<n, b.Max)
	}
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
