package priority

import (
	"strings"
	"testing"

	"github.com/ipledger/ipledger/chaincode/errs"
)

func TestValidText(t *testing.T) {
	tests := map[string]struct {
		s        string
		min, max int
		want     bool
	}{
		"plain text within bounds is valid":       {"Japan Patent Office", 1, 200, true},
		"non-ASCII letters count as one each":     {"特許庁", 3, 3, true},
		"empty text below the minimum is invalid": {"", 1, 10, false},
		"text above the maximum is invalid":       {"abcdef", 1, 5, false},
		"a newline is invalid":                    {"a\nb", 1, 10, false},
		"invalid UTF-8 is invalid":                {"\xff", 1, 10, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := ValidText(tc.s, tc.min, tc.max); got != tc.want {
				t.Fatalf("ValidText = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCheckers(t *testing.T) {
	hash := strings.Repeat("AB", 32)
	tests := map[string]struct {
		err  error
		code errs.Code
	}{
		"a 64-hex digest is accepted":            {err: func() error { _, e := CheckSHA256("h", hash); return e }()},
		"a 63-hex digest is rejected":            {err: func() error { _, e := CheckSHA256("h", hash[1:]); return e }(), code: errs.InvalidArgument},
		"a non-hex digest is rejected":           {err: func() error { _, e := CheckSHA256("h", "g"+hash[1:]); return e }(), code: errs.InvalidArgument},
		"a short salt is rejected":               {err: CheckHex("salt", "abcd", MinSaltLen, MaxSaltLen), code: errs.InvalidArgument},
		"an empty e-mail is allowed":             {err: CheckEmail("email", "")},
		"an ordinary e-mail is accepted":         {err: CheckEmail("email", "a@b.example")},
		"an e-mail without @ is rejected":        {err: CheckEmail("email", "ab.example"), code: errs.InvalidArgument},
		"an e-mail with two @ is rejected":       {err: CheckEmail("email", "a@b@c.example"), code: errs.InvalidArgument},
		"an e-mail with a space is rejected":     {err: CheckEmail("email", "a b@c.example"), code: errs.InvalidArgument},
		"an e-mail without a dot is rejected":    {err: CheckEmail("email", "a@localhost"), code: errs.InvalidArgument},
		"a typical MSP ID is accepted":           {err: CheckMSPID("JPMSP")},
		"an MSP ID with a space is rejected":     {err: CheckMSPID("JP MSP"), code: errs.InvalidArgument},
		"an empty MSP ID is rejected":            {err: CheckMSPID(""), code: errs.InvalidArgument},
		"a text field names itself in the error": {err: CheckText("name", "", 1, 5), code: errs.InvalidArgument},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := errs.CodeOf(tc.err); got != tc.code {
				t.Fatalf("code = %q, want %q (%v)", got, tc.code, tc.err)
			}
		})
	}
	if got, _ := CheckSHA256("h", hash); got != strings.ToLower(hash) {
		t.Fatalf("digest is not lower-cased: %s", got)
	}
}
