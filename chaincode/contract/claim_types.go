package contract

import "github.com/ipledger/ipledger/chaincode/priority"

// Priority-claim statuses.
const (
	claimRecorded             = "RECORDED"
	claimRestorationRequested = "RESTORATION_REQUESTED"
	claimRestored             = "RESTORED"
	claimRestorationRefused   = "RESTORATION_REFUSED"
	claimWithdrawn            = "WITHDRAWN"

	maxSequence = 999
)

// Warnings attached to a claim (sorted in output).
const (
	warnExternalOffice       = "EXTERNAL_OFFICE"
	warnFirstFilingWithdrawn = "FIRST_FILING_WITHDRAWN"
	warnNotFirstApplication  = "NOT_FIRST_APPLICATION"
	warnNotOnLedger          = "NOT_ON_LEDGER"
	// warnUnrecognisedNumber: the priority number matches none of its
	// office's patterns. A warning, not a refusal: an office must not be able
	// to block claims recorded by others with its patterns.
	warnUnrecognisedNumber = "UNRECOGNISED_NUMBER_FORMAT"
)

// claimWarnings are all warnings, sorted.
var claimWarnings = []string{warnExternalOffice, warnFirstFilingWithdrawn, warnNotFirstApplication, warnNotOnLedger, warnUnrecognisedNumber}

// LaterApplication is the application filed at the OSF that claims priority.
type LaterApplication struct {
	ApplicationNumber           string `json:"applicationNumber"`
	ApplicationNumberNormalised string `json:"applicationNumberNormalised"`
	IPRight                     string `json:"ipRight"`
	ApplicationCategory         string `json:"applicationCategory"`
	FilingDate                  string `json:"filingDate"`
}

// PriorityApplication is the earlier application whose priority is claimed
// (ST.96 PriorityClaim: office code, number, filing date, category).
type PriorityApplication struct {
	OfficeCode                  string `json:"officeCode"`
	ApplicationNumber           string `json:"applicationNumber"`
	ApplicationNumberNormalised string `json:"applicationNumberNormalised"`
	IPRight                     string `json:"ipRight"`
	ApplicationCategory         string `json:"applicationCategory"`
	FilingDate                  string `json:"filingDate"`
}

// Restoration tracks a PCT R26bis.3-style restoration request.
type Restoration struct {
	Criterion   string `json:"criterion"`
	RequestDate string `json:"requestDate"`
	RequestedAt string `json:"requestedAt"`
	Decision    string `json:"decision"`
	DecidedAt   string `json:"decidedAt"`
}

// PriorityClaim is one claim of a later application, recorded by the OSF.
type PriorityClaim struct {
	ID                    string              `json:"id"`
	OfficeCode            string              `json:"officeCode"`
	LaterApplication      LaterApplication    `json:"laterApplication"`
	SequenceNumber        int                 `json:"sequenceNumber"`
	Priority              PriorityApplication `json:"priority"`
	FirstFilingID         string              `json:"firstFilingId"`
	PeriodMonths          int                 `json:"periodMonths"`
	NominalPeriodEnd      string              `json:"nominalPeriodEnd"`
	PeriodEnd             string              `json:"periodEnd"`
	RestorationAvailable  bool                `json:"restorationAvailable"`
	NominalRestorationEnd string              `json:"nominalRestorationEnd"`
	RestorationEnd        string              `json:"restorationEnd"`
	Timeliness            string              `json:"timeliness"`
	Status                string              `json:"status"`
	Restoration           Restoration         `json:"restoration"`
	Warnings              []string            `json:"warnings"`
	CreatedAt             string              `json:"createdAt"`
	UpdatedAt             string              `json:"updatedAt"`
}

func (c PriorityClaim) ref() claimRef {
	return claimRef{
		Later: filingRef{Office: c.OfficeCode, Right: priority.IPRight(c.LaterApplication.IPRight), Number: c.LaterApplication.ApplicationNumberNormalised},
		Seq:   c.SequenceNumber,
	}
}

// countsForEarliest says whether a claim still bears on the later
// application's earliest priority date (EPC Art. 88(2)).
func (c PriorityClaim) countsForEarliest() bool {
	return c.Status != claimWithdrawn && c.Status != claimRestorationRefused
}

type laterInput struct {
	ApplicationNumber   string `json:"applicationNumber"`
	IPRight             string `json:"ipRight"`
	FilingDate          string `json:"filingDate"`
	ApplicationCategory string `json:"applicationCategory"`
}

type priorityInput struct {
	OfficeCode          string `json:"officeCode"`
	ApplicationNumber   string `json:"applicationNumber"`
	IPRight             string `json:"ipRight"`
	FilingDate          string `json:"filingDate"`
	ApplicationCategory string `json:"applicationCategory"`
}

type claimInput struct {
	LaterApplication laterInput    `json:"laterApplication"`
	SequenceNumber   int           `json:"sequenceNumber"`
	Priority         priorityInput `json:"priority"`
}

// RecordedClaim is the result of RecordPriorityClaim.
type RecordedClaim struct {
	Claim                PriorityClaim `json:"claim"`
	EarliestPriorityDate string        `json:"earliestPriorityDate"`
}
