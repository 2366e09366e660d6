package mattermost

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/consentbot/consentbot/bot"
)

// serveCommand answers the /consent slash command. The answer is always
// ephemeral (R25): an in_channel answer would be posted as the user who typed
// the command. What everyone must see is announced by the bot's own posts,
// from the outbox.
func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if !a.commandTokenOK(r) {
		a.log.Warn("slash command with a missing or wrong token", "remote", r.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	req := bot.Request{
		Platform: bot.PlatformMattermost,
		Channel:  r.PostForm.Get("channel_id"),
		UserID:   r.PostForm.Get("user_id"),
		UserName: r.PostForm.Get("user_name"),
		Text:     r.PostForm.Get("text"),
	}
	if req.UserID == "" || req.Channel == "" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	resp := a.deps.Handler.Handle(r.Context(), req)
	writeJSON(w, http.StatusOK, commandResponse{ResponseType: "ephemeral", Text: resp.Private})
}

// commandTokenOK compares, in constant time, the configured token with the
// one in the Authorization header ("Token …") and the one in the form field;
// either may match (the header carries another token when an outgoing OAuth
// connection matches the URL). An unconfigured token refuses everything.
func (a *Adapter) commandTokenOK(r *http.Request) bool {
	want := []byte(a.cfg.CommandToken)
	if len(want) == 0 {
		return false
	}
	var fromHeader []byte
	if scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Token") {
		fromHeader = []byte(strings.TrimSpace(tok))
	}
	fromForm := []byte(r.PostForm.Get("token"))
	h := subtle.ConstantTimeCompare(fromHeader, want)
	f := subtle.ConstantTimeCompare(fromForm, want)
	return h|f == 1
}
