package mattermost

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Every MAC is HMAC-SHA256(Secret, label + "|" + fields joined by "|"); the
// label keeps a signature of one kind from being valid as another.

func mac(secret []byte, label string, fields ...string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(label))
	for _, f := range fields {
		m.Write([]byte{'|'})
		m.Write([]byte(f))
	}
	return m.Sum(nil)
}

// secretPath is the path segment of the button URLs. It is a second lock
// (the signed context is the first): a request that does not know it gets a 404.
func secretPath(secret []byte) string {
	if len(secret) == 0 {
		return ""
	}
	return hex.EncodeToString(mac(secret, "actions-path"))[:32]
}

// tagNonce is the per-database part of outbox tags (see msgTag).
func tagNonce(secret []byte) string {
	if len(secret) == 0 {
		return ""
	}
	return hex.EncodeToString(mac(secret, "outbox-tag"))[:12]
}

// actionSig signs the integration context of a button: sig = HMAC(verb|subject).
func actionSig(secret []byte, verb, subject string) string {
	return hex.EncodeToString(mac(secret, "action", verb, subject))
}

func validActionSig(secret []byte, verb, subject, sig string) bool {
	if len(secret) == 0 || sig == "" {
		return false
	}
	want := actionSig(secret, verb, subject)
	return hmac.Equal([]byte(want), []byte(sig))
}

// dialogState is what a dialog's state binds: the button that opened it, who
// clicked it, where, and until when the answer is accepted.
type dialogState struct {
	V         int    `json:"v"`
	Verb      string `json:"verb"`
	Subject   string `json:"subject"`
	UserID    string `json:"user_id"`
	UserName  string `json:"user_name"`
	ChannelID string `json:"channel_id"`
	Exp       int64  `json:"exp"` // unix seconds
	Nonce     string `json:"nonce"`
}

const dialogLifetime = 15 * time.Minute

var (
	errStateInvalid = errors.New("dialog state: bad signature or format")
	errStateExpired = errors.New("dialog state: expired")
)

// encodeState returns base64url(json) + "." + base64url(HMAC).
func encodeState(secret []byte, s dialogState) string {
	b, _ := json.Marshal(s) // plain struct of strings and ints: cannot fail
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + base64.RawURLEncoding.EncodeToString(mac(secret, "dialog-state", payload))
}

// decodeState verifies the signature and the expiry of a state token.
func decodeState(secret []byte, token string, now time.Time) (dialogState, error) {
	var s dialogState
	if len(secret) == 0 {
		return s, errStateInvalid
	}
	payload, sig, ok := strings.Cut(token, ".")
	if !ok {
		return s, errStateInvalid
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac(secret, "dialog-state", payload)) {
		return s, errStateInvalid
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil || json.Unmarshal(b, &s) != nil || s.V != 1 {
		return s, errStateInvalid
	}
	if !now.Before(time.Unix(s.Exp, 0)) {
		return s, errStateExpired
	}
	return s, nil
}
