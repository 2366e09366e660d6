package mattermost

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// maxBody bounds what the bot reads from one request; Mattermost's own
// payloads are a few hundred bytes.
const maxBody = 1 << 20

// Handler serves the routes Mattermost calls, relative to Prefix. Mount it as
//
//	mux.Handle(mattermost.Prefix+"/", http.StripPrefix(mattermost.Prefix, a.Handler()))
func (a *Adapter) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /command", a.serveCommand)
	mux.HandleFunc("POST /actions/{secret}/{verb}", a.serveAction)
	mux.HandleFunc("POST /dialog", a.serveDialog)
	return mux
}

// writeJSON writes v with a Content-Length and in a single Write, so that
// headers and body leave in one TCP segment (a second small segment waits
// ~40 ms on Mattermost's side when Nagle's algorithm delays it).
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// Response bodies. Only the fields set are sent: an action response must never
// carry "update" (it would replace the card and drop its buttons).
type commandResponse struct {
	ResponseType string `json:"response_type"`
	Text         string `json:"text"`
}

type actionResponse struct {
	EphemeralText string `json:"ephemeral_text,omitempty"`
}

type dialogResponse struct {
	Error  string            `json:"error,omitempty"`
	Errors map[string]string `json:"errors,omitempty"`
}
