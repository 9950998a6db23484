package priority

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"

	"github.com/ipledger/ipledger/chaincode/errs"
)

// Limits for application numbers and office number patterns.
const (
	MaxApplicationNumberLen = 40
	// MaxApplicationNumberBytes bounds a number as written, surrounding
	// spaces included, before it is trimmed or converted.
	MaxApplicationNumberBytes = 256
	MaxNormalisedNumberLen    = 32
	MaxPatternsPerIPRight     = 10
	MaxPatternLen             = 200
	// NumberGroup is the named regex group whose match becomes the normalised number.
	NumberGroup = "num"
)

// Category is the kind of application (PCT R4.10: national, regional, international).
type Category string

// Application categories.
const (
	National      Category = "NATIONAL"
	Regional      Category = "REGIONAL"
	International Category = "INTERNATIONAL"
)

// ParseCategory accepts one of the categories; "" means NATIONAL.
func ParseCategory(s string) (Category, error) {
	switch Category(s) {
	case "":
		return National, nil
	case National, Regional, International:
		return Category(s), nil
	}
	return "", errs.New(errs.InvalidArgument, "application category %q is not one of NATIONAL, REGIONAL, INTERNATIONAL", clip(s))
}

// CompilePatterns validates an office's regexes for one IP right. Go regexps are
// RE2 (linear time), so office-supplied patterns cannot cause catastrophic
// backtracking inside an endorsement.
func CompilePatterns(src []string) ([]*regexp.Regexp, error) {
	if len(src) == 0 || len(src) > MaxPatternsPerIPRight {
		return nil, errs.New(errs.InvalidArgument, "each IP right needs 1 to %d number patterns", MaxPatternsPerIPRight)
	}
	out := make([]*regexp.Regexp, 0, len(src))
	for _, p := range src {
		if p == "" || len(p) > MaxPatternLen || !ValidText(p, 1, MaxPatternLen) {
			return nil, errs.New(errs.InvalidArgument, "number patterns must be 1 to %d printable characters", MaxPatternLen)
		}
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, errs.New(errs.InvalidArgument, "number pattern %q does not compile", clip(p))
		}
		out = append(out, re)
	}
	return out, nil
}

// CheckNewPatterns applies the rules for patterns an office sets now, on
// top of CompilePatterns: each must describe whole numbers (anchored with ^
// at the start and $ at the end of the whole expression) and must not accept
// the empty number. Patterns only ever decide the office's own numbers
// (claims citing the office use them as advice, see NormaliseCitedNumber),
// so these rules keep them meaningful rather than safe.
func CheckNewPatterns(src []string) ([]*regexp.Regexp, error) {
	res, err := CompilePatterns(src)
	if err != nil {
		return nil, err
	}
	for i, re := range res {
		if !anchored(src[i]) || re.MatchString("") {
			return nil, errs.New(errs.InvalidArgument,
				"number pattern %q must have the form ^…$ and must not match an empty number", clip(src[i]))
		}
	}
	return res, nil
}

// anchored reports whether a pattern is ^…$ as a whole (not only one branch).
func anchored(src string) bool {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return false
	}
	re = re.Simplify()
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 {
		return false
	}
	return re.Sub[0].Op == syntax.OpBeginText && re.Sub[len(re.Sub)-1].Op == syntax.OpEndText
}

var (
	numberCharset = regexp.MustCompile(`^[A-Z0-9 /.,-]+$`)
	pctNumber     = regexp.MustCompile(`^PCT/([A-Z]{2})([0-9]{4})/([0-9]{6})$`)
	spaces        = regexp.MustCompile(` +`)
	nonAlnum      = regexp.MustCompile(`[^A-Z0-9]`)
)

// ApplicationNumber is a validated application number.
type ApplicationNumber struct {
	Raw        string // as given, trimmed
	Normalised string // [A-Z0-9]{1,32}, the identity used in keys
}

// NormaliseApplicationNumber validates raw for the given office and category
// and derives the normalised form (CONTRACT.md §5.1). patterns are the office's
// regexes for the IP right, nil when the office has none (or is not on the
// ledger); they do not apply to international (PCT) numbers, whose format is
// fixed for all receiving offices.
func NormaliseApplicationNumber(officeCode string, category Category, raw string, patterns []*regexp.Regexp) (ApplicationNumber, error) {
	n, recognised, err := normalise(officeCode, category, raw, patterns)
	if err == nil && !recognised {
		return ApplicationNumber{}, errs.New(errs.InvalidApplicationNumber,
			"application number %q does not match the office's number formats", clip(n.Raw))
	}
	return n, err
}

// NormaliseCitedNumber is NormaliseApplicationNumber for a number of another
// office, cited by the office recording it (a priority claim): the office of
// the number must not be able to refuse it by its patterns. When patterns
// exist and none matches, the number is normalised by the generic rule and
// recognised is false (the claim carries a warning instead). The rules that
// do not depend on the office (length, charset, a digit, PCT form) still refuse.
func NormaliseCitedNumber(officeCode string, category Category, raw string, patterns []*regexp.Regexp) (n ApplicationNumber, recognised bool, err error) {
	return normalise(officeCode, category, raw, patterns)
}

func normalise(officeCode string, category Category, raw string, patterns []*regexp.Regexp) (ApplicationNumber, bool, error) {
	recognised := true
	if len(raw) > MaxApplicationNumberBytes {
		return ApplicationNumber{}, false, errs.New(errs.InvalidApplicationNumber,
			"application number must be 1 to %d characters", MaxApplicationNumberLen)
	}
	trimmed := strings.TrimSpace(raw)
	if trimmed == "" || utf8.RuneCountInString(trimmed) > MaxApplicationNumberLen {
		return ApplicationNumber{}, false, errs.New(errs.InvalidApplicationNumber,
			"application number must be 1 to %d characters", MaxApplicationNumberLen)
	}
	prepared := spaces.ReplaceAllString(strings.ToUpper(trimmed), " ")
	if !numberCharset.MatchString(prepared) {
		return ApplicationNumber{}, false, errs.New(errs.InvalidApplicationNumber,
			"application number may only contain letters, digits, space and / . , -")
	}
	var norm string
	if category == International {
		m := pctNumber.FindStringSubmatch(prepared)
		if m == nil {
			return ApplicationNumber{}, false, errs.New(errs.InvalidApplicationNumber,
				"international application number %q is not in the form PCT/CCYYYY/NNNNNN", clip(trimmed))
		}
		if !sameReceivingOffice(m[1], officeCode) {
			return ApplicationNumber{}, false, errs.New(errs.InvalidApplicationNumber,
				"international application number %q was not filed with receiving office %q", clip(trimmed), clip(officeCode))
		}
		norm = "PCT" + m[1] + m[2] + m[3]
	} else {
		core, matched := matchPatterns(prepared, patterns)
		recognised = matched
		norm = nonAlnum.ReplaceAllString(stripOfficePrefix(core, officeCode), "")
		if strings.IndexFunc(norm, func(r rune) bool { return r >= '0' && r <= '9' }) < 0 {
			return ApplicationNumber{}, false, errs.New(errs.InvalidApplicationNumber, "application number must contain a digit")
		}
	}
	if norm == "" || len(norm) > MaxNormalisedNumberLen {
		return ApplicationNumber{}, false, errs.New(errs.InvalidApplicationNumber,
			"normalised application number must be 1 to %d characters", MaxNormalisedNumberLen)
	}
	return ApplicationNumber{Raw: trimmed, Normalised: norm}, recognised, nil
}

// matchPatterns returns the part of the number that identifies the
// application: the "num" group of the first matching pattern, else the whole
// number. Without patterns, every number passing the charset check matches;
// with patterns and no match, matched is false and the whole number is returned.
func matchPatterns(prepared string, patterns []*regexp.Regexp) (core string, matched bool) {
	if len(patterns) == 0 {
		return prepared, true
	}
	for _, re := range patterns {
		m := re.FindStringSubmatch(prepared)
		if m == nil {
			continue
		}
		if i := re.SubexpIndex(NumberGroup); i > 0 && m[i] != "" {
			return m[i], true
		}
		return prepared, true
	}
	return prepared, false
}

// sameReceivingOffice treats IB and WO as the same receiving office (RO/IB).
func sameReceivingOffice(numberCode, officeCode string) bool {
	ib := func(c string) bool { return c == "IB" || c == "WO" }
	return numberCode == officeCode || (ib(numberCode) && ib(officeCode))
}

// stripOfficePrefix removes the "CC + space + number" prefix DAS uses, and a
// prefix glued to a digit ("JP2024…"), but keeps letters that belong to the
// number itself ("AT A 1/2019" keeps its kind letter A).
func stripOfficePrefix(s, officeCode string) string {
	rest, ok := strings.CutPrefix(s, officeCode)
	switch {
	case !ok || rest == "":
		return s
	case rest[0] == ' ':
		return rest[1:]
	case rest[0] >= '0' && rest[0] <= '9':
		return rest
	}
	return s
}
