package priority

import "github.com/ipledger/ipledger/chaincode/errs"

// Criterion is a PCT R26bis.3(a) standard for restoring the right of priority.
type Criterion string

// Restoration criteria in canonical order.
const (
	DueCare       Criterion = "DUE_CARE"
	Unintentional Criterion = "UNINTENTIONAL"
)

// AllCriteria lists the criteria in canonical order.
var AllCriteria = []Criterion{DueCare, Unintentional}

// ParseCriterion accepts DUE_CARE or UNINTENTIONAL.
func ParseCriterion(s string) (Criterion, error) {
	for _, c := range AllCriteria {
		if string(c) == s {
			return c, nil
		}
	}
	return "", errs.New(errs.InvalidArgument, "restoration criterion %q is not DUE_CARE or UNINTENTIONAL", clip(s))
}

// CanonicalCriteria validates a set of criteria and returns it sorted.
func CanonicalCriteria(in []string) ([]Criterion, error) {
	seen := map[Criterion]bool{}
	for _, s := range in {
		c, err := ParseCriterion(s)
		if err != nil {
			return nil, err
		}
		if seen[c] {
			return nil, errs.New(errs.InvalidArgument, "restoration criterion %s is listed twice", c)
		}
		seen[c] = true
	}
	out := []Criterion{}
	for _, c := range AllCriteria {
		if seen[c] {
			out = append(out, c)
		}
	}
	return out, nil
}

// DefaultRestoration is the policy a new office starts with: PCT R26bis.3
// restoration for patents and utility models, none for designs and trademarks
// (there is no treaty-level restoration for them; offices opt in).
func DefaultRestoration(r IPRight) (allowed bool, criteria []Criterion) {
	if r == Patent || r == UtilityModel {
		return true, []Criterion{DueCare, Unintentional}
	}
	return false, []Criterion{}
}
