package ddp

import (
	"encoding/json"
	"fmt"
)

// frame is any DDP message, as sent or received.
type frame struct {
	Msg        string          `json:"msg,omitempty"`
	ID         string          `json:"id,omitempty"`
	Session    string          `json:"session,omitempty"`
	Version    string          `json:"version,omitempty"`
	Support    []string        `json:"support,omitempty"`
	Method     string          `json:"method,omitempty"`
	Name       string          `json:"name,omitempty"`
	Params     []any           `json:"params,omitempty"`
	Result     json.RawMessage `json:"result,omitempty"`
	Error      *Error          `json:"error,omitempty"`
	Subs       []string        `json:"subs,omitempty"`
	Methods    []string        `json:"methods,omitempty"`
	Collection string          `json:"collection,omitempty"`
	Fields     json.RawMessage `json:"fields,omitempty"`
}

// Event is a collection message (added, changed, removed) pushed by the server.
type Event struct {
	Msg        string // "added", "changed" or "removed"
	Collection string
	ID         string
	Fields     json.RawMessage
}

// Error is a Meteor error returned by a method or a subscription.
type Error struct {
	Code      any    `json:"error"` // a number (403) or a string ("error-invalid-user")
	Reason    string `json:"reason,omitempty"`
	Message   string `json:"message,omitempty"`
	ErrorType string `json:"errorType,omitempty"`
}

func (e *Error) Error() string {
	if e.Message != "" {
		return "ddp: " + e.Message
	}
	return fmt.Sprintf("ddp: error %v: %s", e.Code, e.Reason)
}

// CodeString returns the error code as text ("403", "error-invalid-user").
func (e *Error) CodeString() string {
	switch c := e.Code.(type) {
	case float64:
		return fmt.Sprintf("%d", int(c))
	case string:
		return c
	default:
		return fmt.Sprint(c)
	}
}
