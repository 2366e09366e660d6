package bot

import (
	"context"

	"github.com/consentbot/consentbot/storage"
)

// This file is the contract between the platform-neutral bot and the platform
// adapters (bot/mattermost, bot/rocketchat, the console). Adapters translate
// platform events into Requests and deliver outbox Messages; they never apply a
// rule themselves.

// Platform names used in Requests, Messages and identity bindings.
const (
	PlatformConsole    = "console"
	PlatformMattermost = "mattermost"
	PlatformRocketChat = "rocketchat"
)

// Request is one command typed (or clicked) by a user, already stripped of its
// trigger (`/consent`, `!consent`, a mention): Text is e.g. "validate P3".
type Request struct {
	Platform string // PlatformMattermost, …
	Channel  string // platform conversation id where the command was typed
	UserID   string // platform user id: the stable identity
	UserName string // platform username, used once to bind UserID to a member
	Text     string
	// ID is the platform's id of the chat message, when there is one: a
	// command whose change was committed is not applied again if the
	// adapter replays the message (e.g. after a crash).
	ID string
}

// Response is what the asker alone sees (R25: help, errors, queries,
// confirmations of a no-op). A state change is announced through the outbox,
// after commit, never through Response. Private may be empty.
type Response struct {
	Private string
	// Changed is true when the command changed state (and so queued its
	// announcement in the outbox).
	Changed bool
	// Refused is true when the command was refused (bad input, no right):
	// Private then holds the translated reason and nothing changed. Adapters
	// use it to show the error where the user typed (e.g. in a dialog field).
	Refused bool
}

// Handler is the bot as adapters see it.
type Handler interface {
	Handle(ctx context.Context, r Request) Response
}

// Message kinds in the outbox.
const (
	KindPost = "post" // a plain message in a channel
	KindCard = "card" // the living card of Subject: create it, or update it in place
	KindDM   = "dm"   // a direct message to Member
)

// Message is one thing to deliver, queued in the same bbolt transaction as the
// change it announces (R27). Texts are rendered and neutralised (R26) already.
// Fields: ID (outbox sequence, per platform, increasing), Platform, Kind,
// Channel (platform channel id; "" means the platform's configured governance
// channel), Member (for KindDM: the member name, resolved through
// IdentityStore), Subject ("P3"/"C1": cards, and posts about an item that
// adapters may thread under its card), Live and Actions (a card still accepts
// "validate", "object", "concern", "lift" / "vote_yes", "vote_no"), Text, and
// Except (a governance-channel message is not needed in that channel: it was
// announced there already).
type Message = storage.Message

// Outbox is where adapters take messages from. Pending returns the oldest
// undelivered messages of a platform in order; Ack removes one after the
// platform accepted it. Notify is signalled (non-blocking) after each commit
// that queued messages.
type Outbox interface {
	Pending(platform string, max int) ([]Message, error)
	// PendingAfter is Pending from the first message whose ID is above
	// after: an adapter holding a destination back reads past it.
	PendingAfter(platform string, after uint64, max int) ([]Message, error)
	Ack(platform string, id uint64) error
	Notify() <-chan struct{}
}

// CardStore remembers which platform post shows the card of an item in a
// channel, so that later changes update it in place.
type CardStore interface {
	Card(platform, channel, subject string) (postID string, ok bool, err error)
	SetCard(platform, channel, subject, postID string) error
}

// SecretStore keeps adapter secrets (HMAC keys) in the database, created
// randomly on first use, so signed buttons survive restarts.
type SecretStore interface {
	Secret(name string) ([]byte, error)
}

// IdentityStore maps a member to the platform account bound to it.
type IdentityStore interface {
	// UserOf returns the platform user id bound to member, if any.
	UserOf(platform, member string) (userID string, ok bool, err error)
}

// MarkStore keeps small values adapters need across restarts, such as the
// time of the last chat message handled, so that commands said while the bot
// was stopped are caught up.
type MarkStore interface {
	Mark(name string) (string, error)
	SetMark(name, value string) error
}
