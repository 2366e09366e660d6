package domain

import (
	"errors"
	"fmt"
)

// Error is a refusal the user may read: Code is a message id of the bot's
// catalogs and Params fill its template. Anything that is not an *Error
// reaches the user as "internal error" and is logged for the operator.
type Error struct {
	Code   string
	Params map[string]any
	// NoOp marks a harmless repetition (R11): nothing changes and the reply
	// says so, but it is not a mistake of the user.
	NoOp bool
}

func (e *Error) Error() string { return fmt.Sprintf("%s %v", e.Code, e.Params) }

// E builds an Error from a code and key/value pairs.
func E(code string, kv ...any) *Error {
	e := &Error{Code: code}
	if len(kv) > 0 {
		e.Params = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			e.Params[fmt.Sprint(kv[i])] = kv[i+1]
		}
	}
	return e
}

// NoOp builds an Error marking a harmless repetition (R11).
func NoOp(code string, kv ...any) *Error {
	e := E(code, kv...)
	e.NoOp = true
	return e
}

// AsError returns the user-safe error inside err, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
