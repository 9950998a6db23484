package contract

import (
	"encoding/json"
	"strings"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/ipledger/ipledger/chaincode/errs"
	"github.com/ipledger/ipledger/chaincode/priority"
)

// GetFirstFiling returns the public record of a first filing.
func (c *Contract) GetFirstFiling(ctx contractapi.TransactionContextInterface, filingID string) (*FirstFiling, error) {
	t, err := c.queryTxn(ctx)
	if err != nil {
		return nil, err
	}
	r, err := parseFilingID(filingID)
	if err != nil {
		return nil, err
	}
	f, err := t.requireFilingView(r)
	if err != nil {
		return nil, err
	}
	return result(f)
}

// FindFirstFiling looks a first filing up by its number as written by the
// applicant, normalised with the office's own rules.
func (c *Contract) FindFirstFiling(ctx contractapi.TransactionContextInterface, officeCode, ipRight, applicationNumber string) (*FirstFiling, error) {
	t, err := c.queryTxn(ctx)
	if err != nil {
		return nil, err
	}
	r, err := t.lookupRef(officeCode, ipRight, applicationNumber)
	if err != nil {
		return nil, err
	}
	f, err := t.requireFilingView(r)
	if err != nil {
		return nil, err
	}
	return result(f)
}

// lookupRef validates office, IP right and number and builds the reference.
func (t *txn) lookupRef(officeCode, ipRight, number string) (filingRef, error) {
	if err := priority.ValidateOfficeCode(officeCode); err != nil {
		return filingRef{}, err
	}
	right, err := priority.ParseIPRight(ipRight)
	if err != nil {
		return filingRef{}, err
	}
	num, err := t.normaliseNumber(officeCode, right, guessCategory(number), number)
	if err != nil {
		return filingRef{}, err
	}
	return filingRef{Office: officeCode, Right: right, Number: num.Normalised}, nil
}

// lookupCitedRef is lookupRef for a number cited by other offices: it is
// normalised as RecordPriorityClaim normalised it, so every claim is found.
func (t *txn) lookupCitedRef(officeCode, ipRight, number string) (filingRef, error) {
	if err := priority.ValidateOfficeCode(officeCode); err != nil {
		return filingRef{}, err
	}
	right, err := priority.ParseIPRight(ipRight)
	if err != nil {
		return filingRef{}, err
	}
	num, _, err := t.normaliseCited(officeCode, right, guessCategory(number), number)
	if err != nil {
		return filingRef{}, err
	}
	return filingRef{Office: officeCode, Right: right, Number: num.Normalised}, nil
}

// ListFirstFilings pages through first filings by office and filing date,
// optionally filtered by IP right, status and a date range. Filters apply
// within a page, so a page may hold fewer records than pageSize.
func (c *Contract) ListFirstFilings(ctx contractapi.TransactionContextInterface, officeCode, ipRight, status, filingDateFrom, filingDateTo, pageSize, bookmark string) (*FirstFilingPage, error) {
	t, err := c.queryTxn(ctx)
	if err != nil {
		return nil, err
	}
	if officeCode != "" {
		if err := priority.ValidateOfficeCode(officeCode); err != nil {
			return nil, err
		}
	}
	if ipRight != "" {
		if _, err := priority.ParseIPRight(ipRight); err != nil {
			return nil, err
		}
	}
	switch status {
	case "", filingAvailable, filingPublished, filingWithdrawn:
	default:
		return nil, errs.New(errs.InvalidArgument, "status must be \"\", AVAILABLE, PUBLISHED or WITHDRAWN")
	}
	for _, d := range []struct{ name, v string }{{"filingDateFrom", filingDateFrom}, {"filingDateTo", filingDateTo}} {
		if d.v != "" {
			if _, err := parseDateArg(d.name, d.v); err != nil {
				return nil, err
			}
		}
	}
	if filingDateFrom != "" && filingDateTo != "" && filingDateFrom > filingDateTo {
		return nil, errs.New(errs.InvalidDate, "filingDateFrom %s is after filingDateTo %s", filingDateFrom, filingDateTo)
	}

	// With an office the date range narrows the index scan; across all
	// offices the dates are filtered in code.
	start, end := filingDateIndexPrefix, filingDateIndexPrefix+rangeEnd
	if officeCode != "" {
		prefix := filingDateIndexPrefix + officeCode + "~"
		start, end = prefix+filingDateFrom, prefix+rangeEnd
		if filingDateTo != "" {
			end = prefix + filingDateTo + "~" + rangeEnd
		}
	}
	size, err := parsePageSize(pageSize)
	if err != nil {
		return nil, err
	}
	out := page[FirstFiling]{Records: []FirstFiling{}}
	fetched, next, err := t.paged(simpleRange(start, end), size, bookmark, func(key string, _ []byte) error {
		parts := strings.Split(strings.TrimPrefix(key, filingDateIndexPrefix), "~")
		if len(parts) != 4 {
			return errs.Internalf("malformed filing-date index key")
		}
		date, right := parts[1], parts[2]
		if (ipRight != "" && right != ipRight) || (filingDateFrom != "" && date < filingDateFrom) || (filingDateTo != "" && date > filingDateTo) {
			return nil
		}
		r, err := parseFilingParts(key, parts[0], right, parts[3])
		if err != nil {
			return errs.Internalf("malformed filing-date index key")
		}
		f, err := t.requireFilingView(r)
		if isInvalidRecord(err) {
			return nil // skipped like a malformed record in any listing
		}
		if err != nil {
			return err
		}
		if status == "" || f.Status == status {
			out.Records = append(out.Records, f)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.FetchedCount, out.Bookmark = fetched, next
	return result(FirstFilingPage(out))
}

// GetPriorityClaim returns one claim.
func (c *Contract) GetPriorityClaim(ctx contractapi.TransactionContextInterface, claimID string) (*PriorityClaim, error) {
	t, err := c.queryTxn(ctx)
	if err != nil {
		return nil, err
	}
	claim, err := t.loadClaim(claimID)
	if err != nil {
		return nil, err
	}
	return result(claim)
}

// ListClaimsOnFirstFiling pages through the claims citing a first filing,
// whether or not that filing is on the ledger.
func (c *Contract) ListClaimsOnFirstFiling(ctx contractapi.TransactionContextInterface, officeCode, ipRight, applicationNumber, pageSize, bookmark string) (*PriorityClaimPage, error) {
	t, err := c.queryTxn(ctx)
	if err != nil {
		return nil, err
	}
	r, err := t.lookupCitedRef(officeCode, ipRight, applicationNumber)
	if err != nil {
		return nil, err
	}
	size, err := parsePageSize(pageSize)
	if err != nil {
		return nil, err
	}
	rs, err := t.compositeRange(kindClaimByPrio, r.attrs()...)
	if err != nil {
		return nil, err
	}
	out := page[PriorityClaim]{Records: []PriorityClaim{}}
	fetched, next, err := t.paged(rs, size, bookmark, func(_ string, v []byte) error {
		var id string
		if err := json.Unmarshal(v, &id); err != nil {
			return errs.Internalf("decoding the claim index: %v", err)
		}
		claim, err := t.loadClaim(id)
		if isInvalidRecord(err) {
			return nil // skipped like a malformed record in any listing
		}
		if err != nil {
			return err
		}
		out.Records = append(out.Records, claim)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.FetchedCount, out.Bookmark = fetched, next
	return result(PriorityClaimPage(out))
}

type LaterApplicationClaims struct {
	OfficeCode                  string          `json:"officeCode"`
	IPRight                     string          `json:"ipRight"`
	ApplicationNumberNormalised string          `json:"applicationNumberNormalised"`
	Claims                      []PriorityClaim `json:"claims"`
	EarliestPriorityDate        string          `json:"earliestPriorityDate"`
}

// GetLaterApplicationClaims returns all claims of one later application and
// its earliest priority date, from which later time limits run.
func (c *Contract) GetLaterApplicationClaims(ctx contractapi.TransactionContextInterface, officeCode, ipRight, applicationNumber string) (*LaterApplicationClaims, error) {
	t, err := c.queryTxn(ctx)
	if err != nil {
		return nil, err
	}
	if err := priority.ValidateOfficeCode(officeCode); err != nil {
		return nil, err
	}
	if _, err := t.requireOffice(officeCode); err != nil {
		return nil, err
	}
	r, err := t.lookupRef(officeCode, ipRight, applicationNumber)
	if err != nil {
		return nil, err
	}
	claims, err := t.claimsOf(r, false)
	if err != nil {
		return nil, err
	}
	out := LaterApplicationClaims{OfficeCode: r.Office, IPRight: string(r.Right), ApplicationNumberNormalised: r.Number, Claims: claims}
	for _, cl := range claims {
		if cl.countsForEarliest() && (out.EarliestPriorityDate == "" || cl.Priority.FilingDate < out.EarliestPriorityDate) {
			out.EarliestPriorityDate = cl.Priority.FilingDate
		}
	}
	return result(out)
}

type PriorityDeadline struct {
	OfficeCode            string   `json:"officeCode"`
	PriorityIPRight       string   `json:"priorityIpRight"`
	LaterIPRight          string   `json:"laterIpRight"`
	PriorityFilingDate    string   `json:"priorityFilingDate"`
	PeriodMonths          int      `json:"periodMonths"`
	NominalPeriodEnd      string   `json:"nominalPeriodEnd"`
	PeriodEnd             string   `json:"periodEnd"`
	RestorationAvailable  bool     `json:"restorationAvailable"`
	RestorationCriteria   []string `json:"restorationCriteria"`
	NominalRestorationEnd string   `json:"nominalRestorationEnd"`
	RestorationEnd        string   `json:"restorationEnd"`
}

// ComputePriorityDeadline answers "until when can a later application at
// office X claim a first filing of this date?" without writing anything.
func (c *Contract) ComputePriorityDeadline(ctx contractapi.TransactionContextInterface, officeCode, priorityIPRight, priorityFilingDate, laterIPRight string) (*PriorityDeadline, error) {
	t, err := c.queryTxn(ctx)
	if err != nil {
		return nil, err
	}
	if err := priority.ValidateOfficeCode(officeCode); err != nil {
		return nil, err
	}
	if _, err := t.requireOffice(officeCode); err != nil {
		return nil, err
	}
	prior, err := priority.ParseIPRight(priorityIPRight)
	if err != nil {
		return nil, err
	}
	later, err := priority.ParseIPRight(laterIPRight)
	if err != nil {
		return nil, err
	}
	date, err := parseDateArg("priorityFilingDate", priorityFilingDate)
	if err != nil {
		return nil, err
	}
	settings, err := t.loadSettings(officeCode)
	if err != nil {
		return nil, err
	}
	cal, err := settings.calendar()
	if err != nil {
		return nil, err
	}
	d, err := priority.ComputeDeadline(prior, later, date, cal)
	if err != nil {
		return nil, err
	}
	rule := settings.restoration(later)
	out := PriorityDeadline{
		OfficeCode: officeCode, PriorityIPRight: string(prior), LaterIPRight: string(later), PriorityFilingDate: date.String(),
		PeriodMonths: d.Months, NominalPeriodEnd: d.NominalPeriodEnd.String(), PeriodEnd: d.PeriodEnd.String(),
		RestorationAvailable: rule.Allowed, RestorationCriteria: nonNil(rule.Criteria),
	}
	if rule.Allowed {
		out.NominalRestorationEnd, out.RestorationEnd = d.NominalRestorationEnd.String(), d.RestorationEnd.String()
	}
	return result(out)
}
