package remit

import (
	"errors"
	"fmt"
)

// Kind is the small closed set of failure classes the edges map to
// HTTP statuses and problem documents. Everything else is internal.
type Kind int

// The kinds of domain failure. Internal is the zero value so that an
// unclassified error is never mistaken for a client mistake.
const (
	Internal      Kind = iota // a bug or an infrastructure failure; logged at the edge
	Invalid                   // the caller sent something malformed (400)
	Unprocessable             // well-formed but breaks a business rule (422)
	NotFound                  // no such thing for this tenant (404)
	Conflict                  // the state forbids it right now (409)
	Unauthorized              // no valid credentials (401)
	Forbidden                 // valid credentials without the permission (403)
	Unavailable               // a dependency such as Jira is down; try later (503)
)

func (k Kind) String() string {
	switch k {
	case Invalid:
		return "invalid"
	case Unprocessable:
		return "unprocessable"
	case NotFound:
		return "not_found"
	case Conflict:
		return "conflict"
	case Unauthorized:
		return "unauthorized"
	case Forbidden:
		return "forbidden"
	case Unavailable:
		return "unavailable"
	default:
		return "internal"
	}
}

// Error is a domain error: a kind, the operation that failed, a message
// safe to show to the caller, optional per-field messages, and the cause.
type Error struct {
	Kind   Kind
	Op     string            // e.g. "invoice.Generate"
	Msg    string            // safe for the caller
	Fields map[string]string // field name (JSON pointer-ish, camelCase) -> message
	Err    error             // cause, never shown to the caller
}

func (e *Error) Error() string {
	msg := e.Msg
	if msg == "" {
		msg = e.Kind.String()
	}
	if e.Op != "" {
		msg = e.Op + ": " + msg
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error of the given kind with a formatted, caller-safe message.
func Errorf(kind Kind, op, format string, args ...any) *Error {
	return &Error{Kind: kind, Op: op, Msg: fmt.Sprintf(format, args...)}
}

// Wrap classifies err under kind for op, keeping err as the cause.
func Wrap(kind Kind, op string, err error) *Error {
	return &Error{Kind: kind, Op: op, Err: err}
}

// FieldErrors builds an Invalid or Unprocessable error listing bad fields.
func FieldErrors(kind Kind, op, msg string, fields map[string]string) *Error {
	return &Error{Kind: kind, Op: op, Msg: msg, Fields: fields}
}

// KindOf reports the kind of the first *Error in err's chain, or Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// IsKind reports whether err is classified as kind.
func IsKind(err error, kind Kind) bool { return err != nil && KindOf(err) == kind }
