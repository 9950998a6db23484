package priority

import "github.com/ipledger/ipledger/chaincode/errs"

// IPRight is one of the four IP rights DAS distinguishes.
type IPRight string

// The IP rights in canonical order.
const (
	Patent           IPRight = "PATENT"
	UtilityModel     IPRight = "UTILITY_MODEL"
	IndustrialDesign IPRight = "INDUSTRIAL_DESIGN"
	Trademark        IPRight = "TRADEMARK"
)

// AllIPRights lists the IP rights in canonical (output) order.
var AllIPRights = []IPRight{Patent, UtilityModel, IndustrialDesign, Trademark}

// ParseIPRight accepts exactly one of the enum values.
func ParseIPRight(s string) (IPRight, error) {
	for _, r := range AllIPRights {
		if string(r) == s {
			return r, nil
		}
	}
	return "", errs.New(errs.InvalidArgument, "IP right %q is not one of PATENT, UTILITY_MODEL, INDUSTRIAL_DESIGN, TRADEMARK", clip(s))
}

// Rank gives the canonical position of an IP right (for sorting).
func (r IPRight) Rank() int {
	for i, x := range AllIPRights {
		if x == r {
			return i
		}
	}
	return len(AllIPRights)
}

// CanonicalIPRights validates a set of IP rights and returns it without
// duplicates in canonical order.
func CanonicalIPRights(in []string) ([]IPRight, error) {
	seen := map[IPRight]bool{}
	for _, s := range in {
		r, err := ParseIPRight(s)
		if err != nil {
			return nil, err
		}
		if seen[r] {
			return nil, errs.New(errs.InvalidArgument, "IP right %s is listed twice", r)
		}
		seen[r] = true
	}
	out := []IPRight{}
	for _, r := range AllIPRights {
		if seen[r] {
			out = append(out, r)
		}
	}
	return out, nil
}

// PeriodMonths returns the priority period a later application of right
// `later` enjoys when it claims a first filing of right `prior`:
// Paris Art. 4C(1) (12 months patents/utility models, 6 months designs and
// trademarks), 4E(1) (design claiming a utility model: the design period) and
// 4E(2) (patent ⇄ utility model). Any other pairing is not a valid basis.
func PeriodMonths(prior, later IPRight) (int, error) {
	switch {
	case (prior == Patent || prior == UtilityModel) && (later == Patent || later == UtilityModel):
		return 12, nil
	case (prior == UtilityModel || prior == IndustrialDesign) && later == IndustrialDesign:
		return 6, nil
	case prior == Trademark && later == Trademark:
		return 6, nil
	}
	return 0, errs.New(errs.IncompatibleIPType, "a %s cannot claim the priority of a %s", later, prior)
}
