package library

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Code is a stable error code of the HTTP API; clients branch on it, never on the message.
type Code string

// The API's error codes. The names are part of the interface with the Python client.
const (
	CertificateRequired Code = "CERTIFICATE_REQUIRED"
	UnknownCertificate  Code = "UNKNOWN_CERTIFICATE"
	CertificateRevoked  Code = "CERTIFICATE_REVOKED"
	NotAMember          Code = "NOT_A_MEMBER"
	WrongLibrary        Code = "WRONG_LIBRARY"
	NoPendingRetrieval  Code = "NO_PENDING_RETRIEVAL"
	RetrievalNotFound   Code = "RETRIEVAL_NOT_FOUND" // not (yet) committed on this office's peer
	VersionMismatch     Code = "VERSION_MISMATCH"
	FilingWithdrawn     Code = "FILING_WITHDRAWN"
	NoGrant             Code = "NO_GRANT"
	NotOwnOffice        Code = "NOT_OWN_OFFICE"
	DocumentMissing     Code = "DOCUMENT_MISSING"
	HashMismatch        Code = "HASH_MISMATCH"
	DocumentTooLarge    Code = "DOCUMENT_TOO_LARGE"
	BadRequest          Code = "BAD_REQUEST"
	RequestTooLarge     Code = "REQUEST_TOO_LARGE"
	MethodNotAllowed    Code = "METHOD_NOT_ALLOWED"
	NotFound            Code = "NOT_FOUND"
	RangeNotSatisfiable Code = "RANGE_NOT_SATISFIABLE" // answered by http.ServeContent
	PreconditionFailed  Code = "PRECONDITION_FAILED"   // answered by http.ServeContent (If-Match …)
	LedgerUnavailable   Code = "LEDGER_UNAVAILABLE"
	Internal            Code = "INTERNAL"
)

var statusOf = map[Code]int{
	CertificateRequired: http.StatusUnauthorized,
	UnknownCertificate:  http.StatusForbidden,
	CertificateRevoked:  http.StatusForbidden,
	NotAMember:          http.StatusForbidden,
	WrongLibrary:        http.StatusNotFound,
	NoPendingRetrieval:  http.StatusForbidden,
	RetrievalNotFound:   http.StatusNotFound,
	VersionMismatch:     http.StatusConflict,
	FilingWithdrawn:     http.StatusGone,
	NoGrant:             http.StatusForbidden,
	NotOwnOffice:        http.StatusForbidden,
	DocumentMissing:     http.StatusNotFound,
	HashMismatch:        http.StatusUnprocessableEntity,
	DocumentTooLarge:    http.StatusRequestEntityTooLarge,
	BadRequest:          http.StatusBadRequest,
	RequestTooLarge:     http.StatusRequestURITooLong,
	MethodNotAllowed:    http.StatusMethodNotAllowed,
	NotFound:            http.StatusNotFound,
	RangeNotSatisfiable: http.StatusRequestedRangeNotSatisfiable,
	PreconditionFailed:  http.StatusPreconditionFailed,
	LedgerUnavailable:   http.StatusServiceUnavailable,
	Internal:            http.StatusInternalServerError,
}

// Refusal is an API error: a code and a message safe to show the caller.
type Refusal struct {
	Code    Code
	Message string
}

func (r *Refusal) Error() string { return string(r.Code) + ": " + r.Message }

// Status is the HTTP status answered for the refusal.
func (r *Refusal) Status() int {
	if s, ok := statusOf[r.Code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

func refuse(code Code, format string, args ...any) *Refusal {
	return &Refusal{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorHeader repeats the code outside the body, for answers that have none (HEAD).
const ErrorHeader = "X-Ipledger-Error"

// writeRefusal answers the JSON error body every error response carries.
func writeRefusal(w http.ResponseWriter, r *Refusal) {
	w.Header().Set(ErrorHeader, string(r.Code))
	writeJSON(w, r.Status(), struct {
		Code    Code   `json:"code"`
		Message string `json:"message"`
	}{r.Code, r.Message})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	data, err := json.Marshal(body)
	if err != nil { // only plain structs are passed in
		status, data = http.StatusInternalServerError, []byte(`{"code":"INTERNAL","message":"encoding the answer failed"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(data, '\n'))
}
