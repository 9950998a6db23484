package contract

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ipledger/ipledger/chaincode/errs"
)

// The founding registry is identified by a hash that every office computes
// from its own copy of the consortium definition (CONTRACT.md §3.1): the
// SHA-256 of the registry's canonical JSON. Canonical means the form Python's
// json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
// produces (RFC 8785 for documents without numbers), so the operator needs no
// ipledger-specific encoder to arrive at the same bytes.

// canonicalJSON re-encodes one JSON value canonically: no insignificant
// whitespace, object members sorted by name (byte order of UTF-8, which is
// code-point order), arrays in the given order, strings escaped minimally.
// Numbers are refused: no registry field is a number, and leaving them out
// spares defining a canonical number form.
func canonicalJSON(what string, raw []byte) ([]byte, error) {
	if len(raw) == 0 {
		return nil, errs.New(errs.InvalidArgument, "%s is empty", what)
	}
	if len(raw) > maxJSONArg {
		return nil, errs.New(errs.InvalidArgument, "%s exceeds %d bytes", what, maxJSONArg)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, errs.New(errs.InvalidArgument, "%s is not valid JSON: %s", what, jsonProblem(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errs.New(errs.InvalidArgument, "%s has trailing data after the JSON value", what)
	}
	out, err := appendCanonical(nil, v)
	if err != nil {
		return nil, errs.New(errs.InvalidArgument, "%s: %v", what, err)
	}
	return out, nil
}

var errNumberInRegistry = errors.New("numbers are not allowed (no registry field is a number)")

func appendCanonical(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		if x {
			return append(b, "true"...), nil
		}
		return append(b, "false"...), nil
	case string:
		return appendCanonicalString(b, x), nil
	case json.Number:
		return nil, errNumberInRegistry
	case []any:
		b = append(b, '[')
		for i, item := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendCanonical(b, item); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		b = append(b, '{')
		for i, name := range slices.Sorted(maps.Keys(x)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(appendCanonicalString(b, name), ':')
			var err error
			if b, err = appendCanonical(b, x[name]); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	}
	return nil, fmt.Errorf("unexpected JSON value of type %T", v) // encoding/json produces none other
}

// appendCanonicalString escapes only what JSON requires: the quote, the
// backslash and U+0000–U+001F (short forms where JSON has them, else \u00xx
// in lower case). Everything else, "<", "&", U+2028 and non-ASCII included,
// stays literal UTF-8 – unlike encoding/json, which escapes some of those.
func appendCanonicalString(b []byte, s string) []byte {
	b = append(b, '"')
	for _, r := range s { // decoded JSON strings are valid UTF-8
		switch r {
		case '"':
			b = append(b, `\"`...)
		case '\\':
			b = append(b, `\\`...)
		case '\b':
			b = append(b, `\b`...)
		case '\f':
			b = append(b, `\f`...)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		default:
			if r < 0x20 {
				b = fmt.Appendf(b, `\u%04x`, r)
			} else {
				b = utf8.AppendRune(b, r)
			}
		}
	}
	return append(b, '"')
}

// registryHash is the lowercase hex SHA-256 of a canonical registry.
func registryHash(canonical []byte) string {
	sum := sha256.Sum256(canonical)
	return hex.EncodeToString(sum[:])
}

// registryEntry is one validated office of a registry, as it will be
// written when the registry is founded (times and versions are set then).
type registryEntry struct {
	office   officeRecord
	settings settingsRecord
}

// parseRegistry decodes and validates a registry (the officesJSON of
// InitConsortium) and returns its offices in code order.
func parseRegistry(raw []byte) ([]registryEntry, error) {
	var in []officeInput
	if err := decodeStrict("officesJSON", raw, &in); err != nil {
		return nil, err
	}
	if len(in) == 0 || len(in) > maxOffices {
		return nil, errs.New(errs.InvalidArgument, "officesJSON must list 1 to %d offices", maxOffices)
	}
	entries := make([]registryEntry, 0, len(in))
	codes, msps := map[string]bool{}, map[string]bool{}
	for _, o := range in {
		if err := validateRegistryFields(o.OfficeCode, o.MSPID, o.Name); err != nil {
			return nil, err
		}
		if codes[o.OfficeCode] || msps[o.MSPID] {
			return nil, errs.New(errs.AlreadyExists, "office %s or MSP %s is listed twice", o.OfficeCode, o.MSPID)
		}
		codes[o.OfficeCode], msps[o.MSPID] = true, true
		roles, err := canonicalRoles(o.Roles)
		if err != nil {
			return nil, err
		}
		s, err := canonicalSettings(o.OfficeCode, o.Calendar, o.ApplicationNumberPatterns, o.RestorationPolicy)
		if err != nil {
			return nil, err
		}
		entries = append(entries, registryEntry{
			office:   officeRecord{OfficeCode: o.OfficeCode, MSPID: o.MSPID, Name: o.Name, Status: statusActive, Roles: roles},
			settings: s,
		})
	}
	// Code order, so that what is written does not depend on the input order.
	slices.SortFunc(entries, func(a, b registryEntry) int { return strings.Compare(a.office.OfficeCode, b.office.OfficeCode) })
	return entries, nil
}

// registryMember is the identity part of a listed office.
type registryMember struct {
	OfficeCode string `json:"officeCode"`
	MSPID      string `json:"mspId"`
}

// registryMembers lists the offices of a registry already validated by
// parseRegistry (a stored founding proposal), in code order, without the
// cost of validating settings again.
func registryMembers(raw []byte) ([]registryMember, error) {
	var members []registryMember
	if err := json.Unmarshal(raw, &members); err != nil {
		return nil, errs.Internalf("reading a stored registry: %v", err)
	}
	slices.SortFunc(members, func(a, b registryMember) int { return strings.Compare(a.OfficeCode, b.OfficeCode) })
	return members, nil
}

func memberByMSP(members []registryMember, msp string) (registryMember, bool) {
	i := slices.IndexFunc(members, func(m registryMember) bool { return m.MSPID == msp })
	if i < 0 {
		return registryMember{}, false
	}
	return members[i], true
}

func memberCodes(members []registryMember) []string {
	codes := make([]string, len(members))
	for i, m := range members {
		codes[i] = m.OfficeCode
	}
	return codes
}
