package bot

import (
	"context"
	"errors"
	"fmt"
)

// Kind classifies an error by what the caller can do about it. The engine
// turns a kind and a provider name into the French (or English) sentence a
// person reads; the raw provider message only reaches the operator's log.
type Kind int

// The error kinds. Internal is the zero value's meaning for foreign errors.
const (
	Internal    Kind = iota // a bug or an unexpected answer
	NotFound                // the thing asked for does not exist
	Invalid                 // the input was refused (validation, weak password…)
	Denied                  // authentication or authorisation failed
	Conflict                // the thing already exists or changed meanwhile
	RateLimited             // the provider asked us to slow down
	Unavailable             // timeout, 5xx, connection refused
)

var kindNames = [...]string{"internal", "not_found", "invalid", "denied", "conflict", "rate_limited", "unavailable"}

// String returns the snake_case name used in logs and metrics.
func (k Kind) String() string {
	if int(k) < len(kindNames) && k >= 0 {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is the error every adapter returns: which provider, which operation,
// what kind of failure, the HTTP status when there was one, and the cause.
type Error struct {
	Provider string // "cpanel", "dolibarr"…
	Op       string // "list mailboxes"
	Kind     Kind
	Status   int   // HTTP status, 0 if none
	Err      error // the cause; its text is for operators only
}

// Error renders the error for operators' logs (lower-case English).
func (e *Error) Error() string {
	s := e.Provider
	if e.Op != "" {
		if s != "" {
			s += ": "
		}
		s += e.Op
	}
	if e.Status != 0 {
		s += fmt.Sprintf(": http %d", e.Status)
	}
	s += ": " + e.Kind.String()
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error of the same kind with no provider set,
// so that errors.Is(err, bot.ErrNotFound) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Provider == "" && t.Op == "" && t.Err == nil && t.Kind == e.Kind
}

// ErrNotFound is the sentinel for errors.Is(err, bot.ErrNotFound); for other
// kinds, use KindOf.
var ErrNotFound = &Error{Kind: NotFound}

// Errorf builds an *Error of the given kind with a formatted cause.
func Errorf(kind Kind, provider, op, format string, args ...any) *Error {
	return &Error{Provider: provider, Op: op, Kind: kind, Err: fmt.Errorf(format, args...)}
}

// KindOf returns the kind of the first *Error in err's chain, Internal for
// anything else. A context deadline counts as Unavailable.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	var u *UserError
	if errors.As(err, &u) {
		return Invalid
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return Unavailable
	}
	return Internal
}

// ProviderOf returns the provider named by the first *Error in err's chain.
func ProviderOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Provider
	}
	return ""
}

// UserError carries a message meant for the person who typed the command,
// in both languages. Validators and handlers return it for bad input; the
// engine shows it as is.
type UserError struct {
	FR, EN string
}

// Error returns the English text.
func (e *UserError) Error() string { return e.EN }

// Text returns the message in the locale.
func (e *UserError) Text(l Locale) string {
	if l == EN {
		return e.EN
	}
	return e.FR
}

// Userf builds a UserError; fr and en are format strings sharing args.
func Userf(fr, en string, args ...any) *UserError {
	return &UserError{FR: fmt.Sprintf(fr, args...), EN: fmt.Sprintf(en, args...)}
}

// NoChange is what a Preview returns when the change would change nothing
// (quota already 4 Go, role already editor, address already blocked). The
// engine answers its text privately and creates no change request; met when
// an approved request is about to run, it means the world moved since the
// preview, and the request ends stale without running.
// It is not a *UserError: errors.As tells the two apart. Private follows
// the text in the requester's answer only, never in a stale request's
// outcome (a bill's payment link).
type NoChange struct {
	UserError
	Private Secret
}

// Error returns the English text.
func (e *NoChange) Error() string { return "nothing to change: " + e.EN }

// Unchanged builds a NoChange; fr and en are format strings sharing args.
func Unchanged(fr, en string, args ...any) *NoChange {
	return &NoChange{UserError: *Userf(fr, en, args...)}
}
