// Package mypos holds the vocabulary every other package shares: coded
// errors, the actor behind a request, and identifiers. Of ours it imports
// only protocol (the wire's words and rules), so any other package may
// import it.
package mypos

import (
	"errors"
	"fmt"
	"time"

	"mypos/protocol"
)

// Error codes. Each edge of the system translates them once: the cabinet to
// HTTP statuses, fleet to protocol error replies. The strings are stable and
// appear in API responses. Those a terminal can receive are protocol's
// words; forbidden and unauthorized answer people, never a terminal.
const (
	ECONFLICT     = protocol.CodeConflict
	EFORBIDDEN    = "forbidden"
	EINTERNAL     = protocol.CodeInternal
	EINVALID      = protocol.CodeInvalid
	ENOTFOUND     = protocol.CodeNotFound
	ERATELIMIT    = protocol.CodeRateLimited
	EUNAUTHORIZED = "unauthorized"
)

// Error is an error with a stable code and a message fit for the caller.
type Error struct {
	Code string
	// Message is in English: what the API says unless asked otherwise.
	Message string
	// Field names the input field at fault, when there is one.
	Field string
	// RetryAfter tells a rate-limited caller when to try again.
	RetryAfter time.Duration
	// Format and Args are what Errorf, Invalid and RateLimited made
	// Message of, so an edge can say it in the caller's language: the
	// format is the key of its translation (package i18n). An Error built
	// by hand has none, and is translated by its Message.
	Format string
	Args   []any
}

// Phrase is a text that can be said in another language: an English
// format and its arguments, which may be phrases themselves. *Error is
// one; so is protocol's reason a text breaks the text rule.
type Phrase interface {
	Phrase() (format string, args []any)
}

// Phrase returns the error's format and arguments; an Error built by hand
// has its Message as the format ("%s" escapes it).
func (e *Error) Phrase() (string, []any) {
	if e.Format == "" {
		return "%s", []any{e.Message}
	}
	return e.Format, e.Args
}

func (e *Error) Error() string {
	return fmt.Sprintf("mypos error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// Invalid returns an EINVALID error that names the field at fault.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// RateLimited returns an ERATELIMIT error telling when to retry.
func RateLimited(retryAfter time.Duration, format string, args ...any) *Error {
	return &Error{Code: ERATELIMIT, RetryAfter: retryAfter, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// ErrorCode returns the code of the first Error in err's chain, "" for nil,
// and EINTERNAL for any other error: a foreign error is a bug or an outage.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the caller-facing message of err. Foreign errors read
// as "Internal error." so that no detail of an outage leaks to a client.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorField returns the input field named by err, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// ErrorRetryAfter returns how long a rate-limited caller should wait.
func ErrorRetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}
