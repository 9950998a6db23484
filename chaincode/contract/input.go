package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"

	"github.com/ipledger/ipledger/chaincode/errs"
	"github.com/ipledger/ipledger/chaincode/priority"
)

// maxJSONArg bounds every JSON argument and transient value.
const maxJSONArg = 1 << 20

// Lengths (in characters) of free texts.
const (
	maxNameLen   = 200
	maxReasonLen = 500
)

// decodeStrict decodes exactly one JSON value into v, refusing unknown
// fields, trailing data and oversized input, so that typos in field names
// never silently drop data.
func decodeStrict(what string, raw []byte, v any) error {
	if len(raw) == 0 {
		return errs.New(errs.InvalidArgument, "%s is empty", what)
	}
	if len(raw) > maxJSONArg {
		return errs.New(errs.InvalidArgument, "%s exceeds %d bytes", what, maxJSONArg)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errs.New(errs.InvalidArgument, "%s is not valid JSON of the expected shape: %s", what, jsonProblem(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errs.New(errs.InvalidArgument, "%s has trailing data after the JSON value", what)
	}
	return nil
}

// jsonProblem describes a decoding error without echoing the input.
func jsonProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return "field " + typeErr.Field + " has the wrong type"
	case errors.As(err, &syntaxErr):
		return "syntax error"
	}
	msg := err.Error()
	if len(msg) > 120 {
		msg = msg[:120]
	}
	return msg
}

// parseDateArg parses a date argument and names the field on failure.
func parseDateArg(field, s string) (priority.Date, error) {
	d, err := priority.ParseDate(s)
	if err != nil {
		var e *errs.Error
		if errors.As(err, &e) {
			return priority.Date{}, errs.New(e.Code, "%s: %s", field, e.Message)
		}
		return priority.Date{}, err
	}
	return d, nil
}

// parsePastDate parses a date that must not lie in the future.
func (t *txn) parsePastDate(field, s string) (priority.Date, error) {
	d, err := parseDateArg(field, s)
	if err != nil {
		return d, err
	}
	return d, priority.NotInFuture(d, t.today, field)
}

// nonNil turns a nil slice into an empty one so JSON shows [] not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func toStrings[T ~string](in []T) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}
