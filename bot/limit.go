package bot

import (
	"sync"

	"golang.org/x/time/rate"
)

// limiter bounds how fast one account may change state, so a runaway script
// or a stuck key cannot flood the log and the channel.
type limiter struct {
	mu      sync.Mutex
	perUser map[string]*rate.Limiter
	limit   rate.Limit
	burst   int
}

// SetRateLimit enables the per-account limit on changes (off by default, as
// in the console): perSecond sustained, burst at once.
func (b *Bot) SetRateLimit(perSecond float64, burst int) {
	b.rate = &limiter{perUser: map[string]*rate.Limiter{}, limit: rate.Limit(perSecond), burst: burst}
}

func (l *limiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.perUser[key]
	if !ok {
		if len(l.perUser) > 10000 {
			l.perUser = map[string]*rate.Limiter{} // bounded memory; a reset is harmless
		}
		lim = rate.NewLimiter(l.limit, l.burst)
		l.perUser[key] = lim
	}
	return lim.Allow()
}
