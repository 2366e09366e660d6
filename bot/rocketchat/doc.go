// Package rocketchat connects the bot to Rocket.Chat. It only translates:
// messages become bot.Requests, outbox messages become Rocket.Chat posts.
// It never applies a governance rule.
//
// Inbound, it keeps one DDP session (package ddp) subscribed to the bot's
// messages (stream-room-messages, __my_messages__). A message is a command
// when it starts with "!consent", mentions the bot, or is in a direct room
// with the bot; commands typed in a thread are commands too. After a lost
// socket it dials again, logs in again and subscribes again, then catches up
// on what was said meanwhile (loadMissedMessages), deduplicated by message id.
// With a MarkStore, the time and ids of the last commands handled are saved
// after each one, so that a restarted bot catches up on what was said while
// it was stopped (at most 24 h back), and handles nothing twice.
//
// Outbound, everything goes through a small REST client (JSON built by
// encoding/json, retries on 5xx and 429). Rocket.Chat bots have no ephemeral
// messages, so a private Response is sent as a direct message. Outbox posts
// carry an _id derived from the outbox entry: a retry after an uncertain
// failure is refused by Rocket.Chat as a duplicate, never shown twice. Cards
// are posted once and then edited in place (chat.update); since bots cannot
// receive button callbacks, a live card ends with the text commands that act
// on it.
//
// Thread replies: a command typed in a thread is handled like one typed in
// the room. Its private reply goes by direct message (in the thread when it
// was typed in the direct room); announcements about an item go into the
// thread of that item's card in the channel, when there is one.
package rocketchat
