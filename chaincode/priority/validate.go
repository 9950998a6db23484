package priority

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ipledger/ipledger/chaincode/errs"
)

// ValidText reports whether s is valid UTF-8 of min..max runes without control
// characters (which would let input forge log lines or break displays).
func ValidText(s string, min, max int) bool {
	if !utf8.ValidString(s) {
		return false
	}
	n := utf8.RuneCountInString(s)
	if n < min || n > max {
		return false
	}
	return strings.IndexFunc(s, unicode.IsControl) < 0
}

// CheckText returns INVALID_ARGUMENT naming the field when s is not ValidText.
func CheckText(field, s string, min, max int) error {
	if !ValidText(s, min, max) {
		return errs.New(errs.InvalidArgument, "%s must be %d to %d printable characters", field, min, max)
	}
	return nil
}

var hexOnly = regexp.MustCompile(`^[0-9A-Fa-f]+$`)

// CheckHex validates a hexadecimal string of min..max characters.
func CheckHex(field, s string, min, max int) error {
	if len(s) < min || len(s) > max || !hexOnly.MatchString(s) {
		if min == max {
			return errs.New(errs.InvalidArgument, "%s must be %d hexadecimal characters", field, min)
		}
		return errs.New(errs.InvalidArgument, "%s must be %d to %d hexadecimal characters", field, min, max)
	}
	return nil
}

// CheckSHA256 validates a hex SHA-256 digest and returns it in lower case.
func CheckSHA256(field, s string) (string, error) {
	if err := CheckHex(field, s, 64, 64); err != nil {
		return "", err
	}
	return strings.ToLower(s), nil
}

// Salt and access-code limits.
const (
	MinSaltLen       = 32 // 16 random bytes, hex
	MaxSaltLen       = 128
	MinAccessCodeLen = 4 // DAS codes are four hex digits
	MaxAccessCodeLen = 64
)

// CheckEmail does a deliberately loose local@domain check; offices validate
// addresses properly before they reach the ledger.
func CheckEmail(field, s string) error {
	if s == "" {
		return nil
	}
	if !ValidText(s, 3, 254) || strings.ContainsAny(s, " \t") {
		return errs.New(errs.InvalidArgument, "%s is not a valid e-mail address", field)
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || domain == "" || strings.Contains(domain, "@") || !strings.Contains(domain, ".") {
		return errs.New(errs.InvalidArgument, "%s is not a valid e-mail address", field)
	}
	return nil
}

var mspIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// CheckMSPID validates a Fabric MSP identifier.
func CheckMSPID(s string) error {
	if !mspIDPattern.MatchString(s) {
		return errs.New(errs.InvalidArgument, "MSP ID %q must be 1 to 64 characters of letters, digits, '.', '_' or '-'", clip(s))
	}
	return nil
}
