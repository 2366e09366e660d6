package mattermost

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"unicode/utf8"

	"github.com/consentbot/consentbot/bot"
	"github.com/mattermost/mattermost/server/public/model"
)

// serveAction answers a card button. Mattermost does not authenticate the
// request: the secret path segment and the signed context are what prove the
// button is ours; user_id is then trustworthy (Mattermost sets it from the
// clicker's session). The answer is at most an ephemeral text for the clicker;
// never an "update", which would replace the card and drop its buttons.
func (a *Adapter) serveAction(w http.ResponseWriter, r *http.Request) {
	if a.secretPath == "" || subtle.ConstantTimeCompare([]byte(r.PathValue("secret")), []byte(a.secretPath)) != 1 {
		http.NotFound(w, r)
		return
	}
	name := r.PathValue("verb")
	spec, ok := verbs[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	var req model.PostActionIntegrationRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody)).Decode(&req); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	ctxVerb, _ := req.Context["verb"].(string)
	subject, _ := req.Context["subject"].(string)
	sig, _ := req.Context["sig"].(string)
	if ctxVerb != name || subject == "" || req.UserId == "" || !validActionSig(a.cfg.Secret, name, subject, sig) {
		a.log.Warn("button action with a missing or forged signature", "verb", name, "user_id", req.UserId)
		writeJSON(w, http.StatusOK, actionResponse{EphemeralText: a.tx.forged})
		return
	}
	if spec.dialog {
		writeJSON(w, http.StatusOK, a.openReasonDialog(r.Context(), req, name, subject))
		return
	}
	resp := a.deps.Handler.Handle(r.Context(), bot.Request{
		Platform: bot.PlatformMattermost,
		Channel:  req.ChannelId,
		UserID:   req.UserId,
		UserName: req.UserName,
		Text:     spec.command(subject, ""),
	})
	writeJSON(w, http.StatusOK, actionResponse{EphemeralText: resp.Private})
}

// openReasonDialog asks Mattermost to open the dialog that collects the text
// of an objection, a concern or a "no" vote. The trigger_id lives ~30 s, so
// this happens right away, in the click's request.
func (a *Adapter) openReasonDialog(ctx context.Context, req model.PostActionIntegrationRequest, name, subject string) actionResponse {
	spec := verbs[name]
	state := encodeState(a.cfg.Secret, dialogState{
		V:         1,
		Verb:      name,
		Subject:   subject,
		UserID:    req.UserId,
		UserName:  req.UserName,
		ChannelID: req.ChannelId,
		Exp:       a.now().Add(dialogLifetime).Unix(),
		Nonce:     nonce(),
	})
	minLen := 0
	if spec.minChars {
		minLen = min(max(a.cfg.ObjectionMinChars, 0), model.DialogElementTextareaMaxLength)
	}
	dialog := model.Dialog{
		CallbackId: "consent-" + name,
		Title:      clip(fmt.Sprintf(a.tx.dialogTitle[name], subject), model.DialogTitleMaxLength),
		Elements: []model.DialogElement{{
			DisplayName: a.tx.dialogLabel[name],
			Name:        "reason",
			Type:        "textarea",
			HelpText:    clip(a.tx.dialogHelp[name], model.DialogElementHelpTextMaxLength),
			MinLength:   minLen,
			MaxLength:   model.DialogElementTextareaMaxLength,
		}},
		SubmitLabel: a.tx.dialogSubmit[name],
		State:       state,
	}
	callCtx, cancel := context.WithTimeout(ctx, a.callTimeout)
	defer cancel()
	err := a.api.openDialog(callCtx, model.OpenDialogRequest{
		TriggerId: req.TriggerId,
		URL:       a.cfg.PublicURL + Prefix + "/dialog",
		Dialog:    dialog,
	})
	if err != nil {
		a.log.Error("open dialog failed", "verb", name, "subject", subject, "err", err)
		return actionResponse{EphemeralText: fmt.Sprintf(a.tx.dialogFailed, spec.command(subject, "…"))}
	}
	return actionResponse{}
}

// clip cuts s to at most n bytes without splitting a character (Mattermost
// counts dialog lengths in bytes).
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

func nonce() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b)
}
