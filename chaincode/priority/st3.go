package priority

import (
	"strings"

	"github.com/ipledger/ipledger/chaincode/errs"
)

// iso3166 holds the officially assigned ISO 3166-1 alpha-2 codes, which WIPO
// ST.3 adopts for States and other entities.
const iso3166 = "" +
	"AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ " +
	"BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ " +
	"DE DJ DK DM DO DZ " +
	"EC EE EG EH ER ES ET " +
	"FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY " +
	"HK HM HN HR HT HU " +
	"ID IE IL IM IN IO IQ IR IS IT " +
	"JE JM JO JP " +
	"KE KG KH KI KM KN KP KR KW KY KZ " +
	"LA LB LC LI LK LR LS LT LU LV LY " +
	"MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ " +
	"NA NC NE NF NG NI NL NO NP NR NU NZ " +
	"OM " +
	"PA PE PF PG PH PK PL PM PN PR PS PT PW PY " +
	"QA " +
	"RE RO RS RU RW " +
	"SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ " +
	"TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ " +
	"UA UG UM US UY UZ " +
	"VA VC VE VG VI VN VU " +
	"WF WS " +
	"YE YT " +
	"ZA ZM ZW"

// st3Organisations are the ST.3 codes of intergovernmental IP organisations:
// ARIPO, Benelux Office, Eurasian, European Patent Office, EUIPO, Gulf
// Cooperation Council, International Bureau of WIPO (IB and WO), OAPI, CPVO.
const st3Organisations = "AP BX EA EP EM GC IB OA QZ WO"

// UnknownOfficeCode is ST.3's code for an unknown State/organisation.
const UnknownOfficeCode = "XX"

var st3Codes = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(iso3166 + " " + st3Organisations) {
		m[c] = true
	}
	return m
}()

// ValidateOfficeCode checks a WIPO ST.3 office code: two upper-case letters
// (INVALID_OFFICE_CODE otherwise) naming an assigned State or organisation,
// never XX (UNKNOWN_OFFICE).
func ValidateOfficeCode(code string) error {
	if len(code) != 2 || !isUpper(code[0]) || !isUpper(code[1]) {
		return errs.New(errs.InvalidOfficeCode, "office code %q is not two upper-case letters (WIPO ST.3)", clip(code))
	}
	if code == UnknownOfficeCode || !st3Codes[code] {
		return errs.New(errs.UnknownOffice, "office code %s is not an assigned WIPO ST.3 code", code)
	}
	return nil
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
