package priority

import (
	"testing"

	"github.com/ipledger/ipledger/chaincode/errs"
)

func TestValidateOfficeCode(t *testing.T) {
	tests := map[string]struct {
		code string
		want errs.Code
	}{
		"a national office code is valid":          {"JP", ""},
		"the United States code is valid":          {"US", ""},
		"the European Patent Office code is valid": {"EP", ""},
		"the EUIPO code is valid":                  {"EM", ""},
		"the International Bureau code is valid":   {"IB", ""},
		"the WO alias of the IB is valid":          {"WO", ""},
		"XX (unknown) is refused as unknown":       {"XX", errs.UnknownOffice},
		"an unassigned code is unknown":            {"ZZ", errs.UnknownOffice},
		"a three-letter code is malformed":         {"USA", errs.InvalidOfficeCode},
		"a lower-case code is malformed":           {"jp", errs.InvalidOfficeCode},
		"a digit in the code is malformed":         {"E1", errs.InvalidOfficeCode},
		"an empty code is malformed":               {"", errs.InvalidOfficeCode},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := errs.CodeOf(ValidateOfficeCode(tc.code)); got != tc.want {
				t.Fatalf("code = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestST3ListHasAllISOCodes(t *testing.T) {
	// 249 ISO 3166-1 alpha-2 codes plus 10 organisation codes.
	if got := len(st3Codes); got != 259 {
		t.Fatalf("len = %d, want 259", got)
	}
}
