// Package errs defines the stable error codes the chaincode returns. Every error
// crossing the contract boundary renders as "<CODE>: <message>" so that clients
// can parse the code with ^([A-Z_]+): without depending on the wording.
package errs

import (
	"errors"
	"fmt"
)

// Code is a stable, machine-readable error code.
type Code string

// The error codes documented in CONTRACT.md §7.
const (
	NotAuthorized            Code = "NOT_AUTHORIZED"
	UnknownOffice            Code = "UNKNOWN_OFFICE"
	OfficeSuspended          Code = "OFFICE_SUSPENDED"
	RoleNotAllowed           Code = "ROLE_NOT_ALLOWED"
	InvalidArgument          Code = "INVALID_ARGUMENT"
	InvalidOfficeCode        Code = "INVALID_OFFICE_CODE"
	InvalidApplicationNumber Code = "INVALID_APPLICATION_NUMBER"
	InvalidDate              Code = "INVALID_DATE"
	FutureDate               Code = "FUTURE_DATE"
	AlreadyExists            Code = "ALREADY_EXISTS"
	NotFound                 Code = "NOT_FOUND"
	DateMismatch             Code = "DATE_MISMATCH"
	AccessCodeNotSet         Code = "ACCESS_CODE_NOT_SET"
	AccessCodeMismatch       Code = "ACCESS_CODE_MISMATCH"
	AccessLocked             Code = "ACCESS_LOCKED"
	NoGrant                  Code = "NO_GRANT"
	DocumentUnavailable      Code = "DOCUMENT_UNAVAILABLE"
	HashMismatch             Code = "HASH_MISMATCH"
	PriorityDateNotEarlier   Code = "PRIORITY_DATE_NOT_EARLIER"
	IncompatibleIPType       Code = "INCOMPATIBLE_IP_TYPE"
	PriorityPeriodExpired    Code = "PRIORITY_PERIOD_EXPIRED"
	RestorationNotAvailable  Code = "RESTORATION_NOT_AVAILABLE"
	InvalidTransition        Code = "INVALID_TRANSITION"
	WrongEndorser            Code = "WRONG_ENDORSER"
	ClockSkew                Code = "CLOCK_SKEW"
	Internal                 Code = "INTERNAL"
)

// Error is a coded error. Messages must never contain secrets or expected values.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// New builds a coded error with a formatted message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Internalf wraps an unexpected ledger or encoding failure. The cause is kept in
// the message because it comes from the peer, not from user secrets.
func Internalf(format string, args ...any) *Error {
	return New(Internal, format, args...)
}

// CodeOf returns the code of a coded error, INTERNAL for any other non-nil error
// and "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Is reports whether err carries the given code.
func Is(err error, code Code) bool { return CodeOf(err) == code }
