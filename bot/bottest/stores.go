package bottest

import (
	"maps"
	"sync"
	"time"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/bot/console"
)

// Cards is an in-memory bot.CardStore. The zero value is empty and ready.
type Cards struct {
	mu    sync.Mutex
	cards map[[3]string]string // platform, channel, subject → post id
}

// Card returns the post showing the card of subject in channel.
func (c *Cards) Card(platform, channel, subject string) (string, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.cards[[3]string{platform, channel, subject}]
	return id, ok, nil
}

// SetCard records the post showing the card of subject in channel.
func (c *Cards) SetCard(platform, channel, subject, postID string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cards == nil {
		c.cards = make(map[[3]string]string)
	}
	c.cards[[3]string{platform, channel, subject}] = postID
	return nil
}

// Identities is an in-memory bot.IdentityStore for one platform.
type Identities struct {
	platform string

	mu    sync.Mutex
	users map[string]string // member → user id
}

// NewIdentities binds members to user ids (member → user id) on platform.
func NewIdentities(platform string, users map[string]string) *Identities {
	ids := &Identities{platform: platform, users: make(map[string]string)}
	maps.Copy(ids.users, users)
	return ids
}

// Bind binds member to userID.
func (f *Identities) Bind(member, userID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[member] = userID
}

// UserOf returns the user id bound to member, on the identities' platform only.
func (f *Identities) UserOf(platform, member string) (string, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id, ok := f.users[member]
	return id, ok && platform == f.platform, nil
}

// Clock is a settable clock: the console's, read with Now and moved with
// Advance.
type Clock = console.Clock

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return console.NewClock(t) }

var (
	_ bot.CardStore     = (*Cards)(nil)
	_ bot.IdentityStore = (*Identities)(nil)
)
