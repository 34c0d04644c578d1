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
	Code    string
	Message string
	// Field names the input field at fault, when there is one.
	Field string
	// RetryAfter tells a rate-limited caller when to try again.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	return fmt.Sprintf("mypos error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error that names the field at fault.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// RateLimited returns an ERATELIMIT error telling when to retry.
func RateLimited(retryAfter time.Duration, format string, args ...any) *Error {
	return &Error{Code: ERATELIMIT, RetryAfter: retryAfter, Message: fmt.Sprintf(format, args...)}
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
