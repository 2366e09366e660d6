package meeting

import (
	"fmt"
	"sort"
	"strings"
)

// Codes of the errors this package returns. They are stable: the bot's
// message catalog is keyed by them.
const (
	CodeScheduleInvalid = "meeting.schedule_invalid" // Params: spec, reason
	CodeScheduleNever   = "meeting.schedule_never"   // Params: spec
	CodePointEmpty      = "meeting.point_empty"
	CodePointUnknown    = "meeting.point_unknown"      // Params: n
	CodePointDone       = "meeting.point_already_done" // Params: n
)

// Error is a user-safe error: Code selects the message in the catalog and
// Params fill it. Anything that is not an *Error is an internal error.
type Error struct {
	Code   string
	Params map[string]any
}

func errorf(code string, kv ...any) *Error {
	e := &Error{Code: code}
	if len(kv) > 0 {
		e.Params = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			e.Params[kv[i].(string)] = kv[i+1]
		}
	}
	return e
}

// Error formats the code and its parameters in a stable order, for logs and
// test failures; users see the catalog's rendering instead.
func (e *Error) Error() string {
	if len(e.Params) == 0 {
		return e.Code
	}
	keys := make([]string, 0, len(e.Params))
	for k := range e.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(e.Code)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%v", k, e.Params[k])
	}
	return b.String()
}

// Is reports whether target is an *Error with the same code, so callers can
// write errors.Is(err, &meeting.Error{Code: meeting.CodePointUnknown}).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}
