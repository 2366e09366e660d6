package rocketchat

import "context"

// replyPrivately sends a Response.Private to the asker. Rocket.Chat has no
// ephemeral messages for bots, so it goes by direct message; a command typed
// in the asker's 1:1 direct room with the bot is answered there, in its
// thread if it had one. A command typed in a group DM is answered in the 1:1
// room, never in the shared one (R25).
//
// The reply's id is derived from the command's id, so a retried post is
// never shown twice. A reply longer than the server accepts is cut. Replies
// are not in the outbox (they change no state): after the REST client's
// retries a failure is logged and dropped.
func (a *Adapter) replyPrivately(ctx context.Context, m rcMessage, room roomContext, text string) {
	text = a.fitText(text, "reply", m.ID)
	rid, tmid := m.RoomID, m.ThreadID
	if room.RoomType != "d" || !room.OneToOne {
		var err error
		if rid, err = a.directRoom(ctx, m.User.Username); err != nil {
			if ctx.Err() != nil {
				return
			}
			a.log.Error("rocketchat_reply_failed", "user", m.User.ID, "err", err)
			return
		}
		tmid = ""
	}
	if err := a.sendMessage(ctx, replyID(m.ID), rid, tmid, text); err != nil && ctx.Err() == nil {
		a.log.Error("rocketchat_reply_failed", "user", m.User.ID, "err", err)
	}
}
