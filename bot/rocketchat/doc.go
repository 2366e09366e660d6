// Package rocketchat connects the bot to Rocket.Chat. It only translates:
// messages become bot.Requests, outbox messages become Rocket.Chat posts.
// It never applies a governance rule.
//
// Inbound, it keeps one DDP session (package ddp) subscribed to the bot's
// messages (stream-room-messages, __my_messages__). A message is a command
// when it starts with "!consent", mentions the bot, or is in the bot's 1:1
// direct room with its author; commands typed in a thread are commands too.
// A group DM (also type "d", with two people or more besides the bot) is not
// private: there, as in a channel, a command needs the prefix or a mention,
// and its private reply goes to the asker's 1:1 room (R25). Every update of a
// message streams it again; besides a bounded seen set, the commands this
// process handled are kept by id and time, so a reaction or a thread reply
// on an old command never runs it again. DDP calls time out (30 s) and the
// event queue is bounded: either drops the session, which then catches up. After a lost
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
// on it. Texts longer than the server's Message_MaxAllowedSize
// (Config.MaxMessageSize, 5000 by default) are cut, ending with "…".
//
// Delivery goes through the whole outbox in each round, from a cursor: a
// destination that fails is held (its order kept) while the others go on,
// however many messages it holds back. A channel that refuses the bot for good
// (deleted, bot not in it) has its cards and posts redirected to the
// governance channel; a direct message to a member without an account here is
// acknowledged with a warning.
//
// Thread replies: a command typed in a thread is handled like one typed in
// the room. Its private reply goes by direct message (in the thread when it
// was typed in the direct room); announcements about an item go into the
// thread of that item's card in the channel, when there is one.
package rocketchat
