// Package rcfake is a fake Rocket.Chat server for tests. It speaks the DDP
// (websocket at /websocket) and REST (/api/v1) wire formats recorded in the
// chat-platforms brief §2.7, and has knobs to inject user messages, edits,
// system messages and thread replies, drop or silence sockets, leave DDP
// methods unanswered, fail the next REST calls with 5xx or 429, take a room
// down, kick a user from a room or delete it.
//
// It is faithful where an adapter can go wrong: stream events are only sent
// to logged-in connections whose user is in the room, and only after an
// "added" for the subscription (the server needs useCollection=true); a new
// socket is a new session that must log in again; dates are {"$date":ms} on
// DDP and ISO-8601 strings on REST; a message _id can be used only once; a
// text longer than Message_MaxAllowedSize (5000 by default) is refused; a
// thread reply streams its parent again; direct rooms (t "d"), 1:1 and group
// DMs alike, list their members (uids, usernames, usersCount) in rooms/get
// and rooms.info.
package rcfake
