// Package mattermost connects the platform-neutral bot to a Mattermost server.
//
// It only translates. Inbound, it turns the `/consent` slash command, card
// button clicks and dialog submissions into bot.Requests and answers with the
// bot's private text (R25: always ephemeral, never in_channel, because an
// in_channel answer is posted as the user who typed the command). Outbound,
// Run takes the platform's outbox and posts it as the bot account: cards
// updated in place with their buttons, replies threaded under the card, direct
// messages; a message that cannot be delivered is kept and retried, in order
// per channel (R27), except where retrying cannot help: a channel that refuses
// the bot for good gets its messages in the governance channel instead, and a
// direct message to a member without a Mattermost account is dropped, each
// with a warning in the log.
//
// HTTP routes, relative to the mount point Prefix ("/mattermost"):
//
//	POST /command                 slash command (form); Authorization: Token <command token>
//	POST /actions/<secret>/<verb> card buttons (JSON); context signed with HMAC
//	POST /dialog                  dialog submissions (JSON); state signed, user-bound, single use
//
// Mattermost does not sign button or dialog requests. Buttons carry
// {verb, subject, sig} in their integration context, which the server keeps
// from clients, and their URL contains a path segment derived from the
// secret. A dialog's URL and state go through the user's client, so the state
// is an HMAC-signed token bound to the user, the channel, the verb, the
// subject and an expiry, accepted once.
package mattermost
