package library

import (
	"regexp"
	"strconv"
	"strings"
)

// Byte bounds checked before any parsing. The longest filing id is "XX:INDUSTRIAL_DESIGN:" plus 32 chars.
const (
	maxFilingIDBytes    = 64
	maxRetrievalIDBytes = 256
	maxVersionDigits    = 9
)

var (
	ipRights  = map[string]bool{"PATENT": true, "UTILITY_MODEL": true, "INDUSTRIAL_DESIGN": true, "TRADEMARK": true}
	stampedID = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z_[0-9a-fA-F]{1,128}$`)
)

// validDigest accepts exactly 64 lowercase hex digits: the only string ever turned into a file name.
func validDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// validFilingID follows the chaincode's parseFilingID: <office [A-Z]{2}>:<ipRight>:<number [A-Z0-9]{1,32}>.
func validFilingID(s string) bool {
	if len(s) == 0 || len(s) > maxFilingIDBytes {
		return false
	}
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return false
	}
	office, right, number := parts[0], parts[1], parts[2]
	return len(office) == 2 && isUpper(office) && ipRights[right] &&
		len(number) >= 1 && len(number) <= 32 && isUpperAlnum(number)
}

// splitRetrievalID validates <filingId>:<yyyymmddThhmmssZ>_<txId> and returns its filing id.
func splitRetrievalID(s string) (string, bool) {
	if len(s) == 0 || len(s) > maxRetrievalIDBytes {
		return "", false
	}
	i := strings.LastIndexByte(s, ':')
	if i < 0 || !validFilingID(s[:i]) || !stampedID.MatchString(s[i+1:]) {
		return "", false
	}
	return s[:i], true
}

// parseVersion accepts a canonical positive decimal (no sign, no leading zero).
func parseVersion(s string) (int, bool) {
	if len(s) == 0 || len(s) > maxVersionDigits || s[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	v, err := strconv.Atoi(s)
	return v, err == nil
}

func isUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

func isUpperAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
