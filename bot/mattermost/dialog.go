package mattermost

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/consentbot/consentbot/bot"
	"github.com/mattermost/mattermost/server/public/model"
)

// serveDialog receives a dialog submission. The client chose the URL and sent
// the state back, so nothing in it is trusted until the state's signature,
// expiry, user, channel and single use are checked; only user_id comes from
// Mattermost (the clicker's session).
//
// Answers: an error in the dialog (it stays open) when the state is not
// acceptable or the bot refused (the bot's reason under the "reason" field);
// a general message when the bot changed nothing but had something to say
// (a repeated objection, R11); else an empty object, which closes the dialog.
// The private text of a successful change is not shown: the change itself is
// announced in the channel, and an ephemeral post would need the
// create_post_ephemeral permission that bots lack by default.
func (a *Adapter) serveDialog(w http.ResponseWriter, r *http.Request) {
	var req model.SubmitDialogRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody)).Decode(&req); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if req.Cancelled {
		writeJSON(w, http.StatusOK, dialogResponse{})
		return
	}
	now := a.now()
	st, err := decodeState(a.cfg.Secret, req.State, now)
	switch {
	case errors.Is(err, errStateExpired):
		writeJSON(w, http.StatusOK, dialogResponse{Error: a.tx.stateExpired})
		return
	case err != nil:
		a.log.Warn("dialog submission with a forged state", "user_id", req.UserId)
		writeJSON(w, http.StatusOK, dialogResponse{Error: a.tx.stateInvalid})
		return
	}
	spec, ok := verbs[st.Verb]
	if !ok || !spec.dialog || st.ChannelID != req.ChannelId {
		writeJSON(w, http.StatusOK, dialogResponse{Error: a.tx.stateInvalid})
		return
	}
	if req.UserId == "" || st.UserID != req.UserId {
		a.log.Warn("dialog submitted by another user than the one who opened it", "user_id", req.UserId)
		writeJSON(w, http.StatusOK, dialogResponse{Error: a.tx.stateOther})
		return
	}
	if !a.replays.begin(req.State) {
		writeJSON(w, http.StatusOK, dialogResponse{Error: a.tx.stateReplayed})
		return
	}
	reason, _ := req.Submission["reason"].(string)
	resp := a.deps.Handler.Handle(r.Context(), bot.Request{
		Platform: bot.PlatformMattermost,
		Channel:  st.ChannelID,
		UserID:   st.UserID,
		UserName: st.UserName,
		Text:     spec.command(st.Subject, strings.TrimSpace(reason)),
	})
	// A refused answer leaves the dialog open for a corrected reason, with the
	// same state: it is not consumed.
	a.replays.end(req.State, !resp.Refused, time.Unix(st.Exp, 0), now)
	switch {
	case resp.Refused:
		msg := resp.Private
		if msg == "" {
			msg = a.tx.stateInvalid
		}
		writeJSON(w, http.StatusOK, dialogResponse{Errors: map[string]string{"reason": msg}})
	case !resp.Changed && resp.Private != "":
		writeJSON(w, http.StatusOK, dialogResponse{Error: resp.Private})
	default:
		writeJSON(w, http.StatusOK, dialogResponse{})
	}
}
