package priority

import (
	"slices"
	"testing"

	"github.com/ipledger/ipledger/chaincode/errs"
)

func TestParseIPRight(t *testing.T) {
	tests := map[string]struct {
		in   string
		code errs.Code
	}{
		"PATENT is accepted":            {in: "PATENT"},
		"UTILITY_MODEL is accepted":     {in: "UTILITY_MODEL"},
		"INDUSTRIAL_DESIGN is accepted": {in: "INDUSTRIAL_DESIGN"},
		"TRADEMARK is accepted":         {in: "TRADEMARK"},
		"lower case is rejected":        {in: "patent", code: errs.InvalidArgument},
		"DESIGN alone is rejected":      {in: "DESIGN", code: errs.InvalidArgument},
		"empty is rejected":             {in: "", code: errs.InvalidArgument},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := ParseIPRight(tc.in)
			if got := errs.CodeOf(err); got != tc.code {
				t.Fatalf("code = %q, want %q", got, tc.code)
			}
		})
	}
}

func TestCanonicalIPRightsSortsAndRejectsDuplicates(t *testing.T) {
	got, err := CanonicalIPRights([]string{"TRADEMARK", "PATENT"})
	if err != nil || !slices.Equal(got, []IPRight{Patent, Trademark}) {
		t.Fatalf("got %v, %v", got, err)
	}
	if _, err := CanonicalIPRights([]string{"PATENT", "PATENT"}); !errs.Is(err, errs.InvalidArgument) {
		t.Fatalf("duplicate: err = %v", err)
	}
	if got, _ := CanonicalIPRights(nil); got == nil || len(got) != 0 {
		t.Fatalf("empty input must give an empty, non-nil slice: %#v", got)
	}
}

func TestRestorationDefaultsAndCriteria(t *testing.T) {
	for _, r := range AllIPRights {
		allowed, crit := DefaultRestoration(r)
		wantAllowed := r == Patent || r == UtilityModel
		if allowed != wantAllowed || (allowed && len(crit) != 2) || (!allowed && len(crit) != 0) {
			t.Errorf("%s: allowed %v criteria %v", r, allowed, crit)
		}
	}
	got, err := CanonicalCriteria([]string{"UNINTENTIONAL", "DUE_CARE"})
	if err != nil || !slices.Equal(got, []Criterion{DueCare, Unintentional}) {
		t.Fatalf("criteria = %v, %v", got, err)
	}
	if _, err := CanonicalCriteria([]string{"DUE_CARE", "DUE_CARE"}); !errs.Is(err, errs.InvalidArgument) {
		t.Fatalf("duplicate criterion: %v", err)
	}
	if _, err := ParseCriterion("NEGLIGENCE"); !errs.Is(err, errs.InvalidArgument) {
		t.Fatalf("unknown criterion: %v", err)
	}
}
