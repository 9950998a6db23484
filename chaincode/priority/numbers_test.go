package priority

import (
	"regexp"
	"strings"
	"testing"

	"github.com/ipledger/ipledger/chaincode/errs"
)

func mustPatterns(t *testing.T, src ...string) []*regexp.Regexp {
	t.Helper()
	p, err := CompilePatterns(src)
	if err != nil {
		t.Fatalf("CompilePatterns: %v", err)
	}
	return p
}

func TestNormaliseApplicationNumber(t *testing.T) {
	jp := []string{`^(?:JP ?)?(?P<num>(?:19|20)\d{2}-?\d{6})$`}
	us := []string{`^(?:US ?)?(?P<num>\d{2}/\d{3},\d{3})$`}
	ep := []string{`^(?:EP ?)?(?P<num>\d{8})(?:\.\d)?$`}
	tests := map[string]struct {
		office   string
		category Category
		raw      string
		patterns []string
		want     string
		code     errs.Code
	}{
		"a JP number with prefix and dash":                   {office: "JP", raw: "JP 2024-012345", patterns: jp, want: "2024012345"},
		"the same JP number without prefix or dash":          {office: "JP", raw: "2024012345", patterns: jp, want: "2024012345"},
		"a JP number glued to its prefix":                    {office: "JP", raw: "JP2024012345", patterns: jp, want: "2024012345"},
		"a JP number that is too short":                      {office: "JP", raw: "JP 2024-12", patterns: jp, code: errs.InvalidApplicationNumber},
		"a US number with its comma":                         {office: "US", raw: "US 98/012,357", patterns: us, want: "98012357"},
		"a US number missing its comma":                      {office: "US", raw: "US 98/012357", patterns: us, code: errs.InvalidApplicationNumber},
		"a lower-case EP number with check digit":            {office: "EP", raw: "ep 16000312.7", patterns: ep, want: "16000312"},
		"an EP number without check digit is the same":       {office: "EP", raw: "EP 16000312", patterns: ep, want: "16000312"},
		"surrounding and doubled spaces are tolerated":       {office: "EP", raw: "  EP   16000312 ", patterns: ep, want: "16000312"},
		"without patterns the office prefix is stripped":     {office: "KR", raw: "KR 10-2024-0012345", want: "1020240012345"},
		"without patterns letters inside are kept":           {office: "AT", raw: "AT A 1/2019", want: "A12019"},
		"a number without any digit is rejected":             {office: "AT", raw: "AT GM", code: errs.InvalidApplicationNumber},
		"an empty number is rejected":                        {office: "JP", raw: "   ", code: errs.InvalidApplicationNumber},
		"a number of 41 characters is rejected":              {office: "JP", raw: strings.Repeat("1", 41), code: errs.InvalidApplicationNumber},
		"a normalised number above 32 characters is refused": {office: "JP", raw: strings.Repeat("1", 33), code: errs.InvalidApplicationNumber},
		"SQL-looking input is rejected":                      {office: "JP", raw: "1'; DROP", code: errs.InvalidApplicationNumber},
		"a control character is rejected":                    {office: "JP", raw: "2024\n012345", code: errs.InvalidApplicationNumber},
		"a PCT number of the depositing RO":                  {office: "JP", category: International, raw: "PCT/JP2024/012345", want: "PCTJP2024012345"},
		"a PCT number ignores office patterns":               {office: "JP", category: International, raw: "pct/jp2024/012345", patterns: jp, want: "PCTJP2024012345"},
		"a PCT number of another RO is rejected":             {office: "JP", category: International, raw: "PCT/EP2024/123456", code: errs.InvalidApplicationNumber},
		"a PCT number with a two-digit year is rejected":     {office: "JP", category: International, raw: "PCT/JP24/1", code: errs.InvalidApplicationNumber},
		"RO/IB accepts numbers written with WO":              {office: "IB", category: International, raw: "PCT/WO2024/000001", want: "PCTWO2024000001"},
		"a regional number follows the office patterns":      {office: "EP", category: Regional, raw: "EP 16000312.7", patterns: ep, want: "16000312"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var pats []*regexp.Regexp
			if tc.patterns != nil {
				pats = mustPatterns(t, tc.patterns...)
			}
			cat := tc.category
			if cat == "" {
				cat = National
			}
			n, err := NormaliseApplicationNumber(tc.office, cat, tc.raw, pats)
			if got := errs.CodeOf(err); got != tc.code {
				t.Fatalf("code = %q, want %q (%v)", got, tc.code, err)
			}
			if n.Normalised != tc.want {
				t.Fatalf("normalised = %q, want %q", n.Normalised, tc.want)
			}
			if err == nil && n.Raw != strings.TrimSpace(tc.raw) {
				t.Fatalf("raw = %q", n.Raw)
			}
		})
	}
}

func TestPatternWithoutNumberGroupUsesTheWholeNumber(t *testing.T) {
	n, err := NormaliseApplicationNumber("FR", National, "FR 2434232", mustPatterns(t, `^(FR ?)?\d{7}$`))
	if err != nil || n.Normalised != "2434232" {
		t.Fatalf("got %+v, %v", n, err)
	}
}

func TestCompilePatterns(t *testing.T) {
	tests := map[string]struct {
		src  []string
		code errs.Code
	}{
		"a valid pattern compiles":             {src: []string{`^\d+$`}},
		"an empty list is rejected":            {src: []string{}, code: errs.InvalidArgument},
		"eleven patterns are rejected":         {src: strings.Split(strings.Repeat(`^a$,`, 10)+`^b$`, ","), code: errs.InvalidArgument},
		"a syntax error is rejected":           {src: []string{`^(\d+$`}, code: errs.InvalidArgument},
		"an empty pattern is rejected":         {src: []string{""}, code: errs.InvalidArgument},
		"a pattern over 200 chars is refused":  {src: []string{strings.Repeat("a", 201)}, code: errs.InvalidArgument},
		"backreferences (non-RE2) are refused": {src: []string{`^(a)\1$`}, code: errs.InvalidArgument},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := CompilePatterns(tc.src)
			if got := errs.CodeOf(err); got != tc.code {
				t.Fatalf("code = %q, want %q (%v)", got, tc.code, err)
			}
		})
	}
}

func TestParseCategory(t *testing.T) {
	for in, want := range map[string]Category{"": National, "NATIONAL": National, "REGIONAL": Regional, "INTERNATIONAL": International} {
		if got, err := ParseCategory(in); err != nil || got != want {
			t.Errorf("ParseCategory(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseCategory("PCT"); !errs.Is(err, errs.InvalidArgument) {
		t.Errorf("PCT: %v", err)
	}
}

func TestCheckNewPatterns(t *testing.T) {
	tests := map[string]struct {
		src []string
		ok  bool
	}{
		"anchored patterns of real offices": {src: []string{`^(?:JP ?)?(?P<num>(?:19|20)\d{2}-?\d{6})$`, `^(?:EP ?)?(?P<num>\d{8})(?:\.\d)?$`}, ok: true},
		"an anchored alternation":           {src: []string{`^(?:\d{8}|\d{2}/\d{3},\d{3})$`}, ok: true},
		"a pattern only a digit satisfies":  {src: []string{`^\d$`}, ok: true},
		"the empty number only":             {src: []string{`^$`}},
		"a pattern accepting the empty one": {src: []string{`^(?P<num>\d*)$`}},
		"no anchors":                        {src: []string{`\d{8}`}},
		"a start anchor only":               {src: []string{`^\d{8}`}},
		"an end anchor only":                {src: []string{`\d{8}$`}},
		"one branch anchored":               {src: []string{`^\d{8}$|\d`}},
		"multi-line anchors":                {src: []string{`(?m)^\d{8}$`}},
		"one bad pattern among good ones":   {src: []string{`^\d{8}$`, `\d`}},
		"a pattern that does not compile":   {src: []string{`^(\d$`}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := CheckNewPatterns(tc.src)
			if (err == nil) != tc.ok || (err != nil && !errs.Is(err, errs.InvalidArgument)) {
				t.Fatalf("err %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestNormaliseCitedNumber(t *testing.T) {
	us := []string{`^(?:US ?)?(?P<num>\d{2}/\d{3},\d{3})$`}
	tests := map[string]struct {
		raw        string
		patterns   []string
		want       string
		recognised bool
		code       errs.Code
	}{
		"a number in the office's format":               {raw: "US 24/123,456", patterns: us, want: "24123456", recognised: true},
		"a number outside it is kept, unrecognised":     {raw: "US 24/123456", patterns: us, want: "24123456"},
		"patterns accepting nothing only warn":          {raw: "US 24/123,456", patterns: []string{`^Z$`}, want: "24123456"},
		"without patterns there is nothing to doubt":    {raw: "US 24/123,456", want: "24123456", recognised: true},
		"the office-independent rules still refuse":     {raw: "US ABC", patterns: us, code: errs.InvalidApplicationNumber},
		"an invalid character is refused":               {raw: "24_1", patterns: us, code: errs.InvalidApplicationNumber},
		"a number longer than 40 is refused":            {raw: strings.Repeat("1", 41), patterns: us, code: errs.InvalidApplicationNumber},
		"a normalised number longer than 32 is refused": {raw: strings.Repeat("1", 33), patterns: us, code: errs.InvalidApplicationNumber},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var pats []*regexp.Regexp
			if tc.patterns != nil {
				pats = mustPatterns(t, tc.patterns...)
			}
			n, recognised, err := NormaliseCitedNumber("US", National, tc.raw, pats)
			if errs.CodeOf(err) != tc.code {
				t.Fatalf("err %v, want %s", err, tc.code)
			}
			if err == nil && (n.Normalised != tc.want || recognised != tc.recognised) {
				t.Fatalf("got %+v recognised=%v", n, recognised)
			}
			// The strict variant refuses exactly what is unrecognised.
			_, strictErr := NormaliseApplicationNumber("US", National, tc.raw, pats)
			if (strictErr == nil) != (err == nil && recognised) {
				t.Fatalf("strict: %v", strictErr)
			}
		})
	}
}
