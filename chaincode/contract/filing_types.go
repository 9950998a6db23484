package contract

import (
	"slices"
	"strings"

	"github.com/ipledger/ipledger/chaincode/errs"
	"github.com/ipledger/ipledger/chaincode/priority"
)

// First-filing statuses.
const (
	filingAvailable = "AVAILABLE"
	filingPublished = "PUBLISHED"
	filingWithdrawn = "WITHDRAWN"
)

// Document formats an OFF may deposit (DAS: PDF or ZIP of TIFF; ST.92 package).
var documentFormats = []string{"PDF", "TIFF_ZIP", "ST92_PACKAGE"}

// FirstFiling is the public record of a deposited priority document.
type FirstFiling struct {
	ID                          string `json:"id"`
	OfficeCode                  string `json:"officeCode"`
	IPRight                     string `json:"ipRight"`
	ApplicationCategory         string `json:"applicationCategory"`
	ApplicationNumber           string `json:"applicationNumber"`
	ApplicationNumberNormalised string `json:"applicationNumberNormalised"`
	FilingDate                  string `json:"filingDate"`
	DocumentSHA256              string `json:"documentSha256"`
	DocumentFormat              string `json:"documentFormat"`
	Version                     int    `json:"version"`
	Status                      string `json:"status"`
	PublicationDate             string `json:"publicationDate"`
	ConfidentialHash            string `json:"confidentialHash"`
	LastChangeReason            string `json:"lastChangeReason"`
	DepositedAt                 string `json:"depositedAt"`
	UpdatedAt                   string `json:"updatedAt"`
}

func (f FirstFiling) ref() filingRef {
	return filingRef{Office: f.OfficeCode, Right: priority.IPRight(f.IPRight), Number: f.ApplicationNumberNormalised}
}

func checkDocumentFormat(s string) error {
	for _, f := range documentFormats {
		if s == f {
			return nil
		}
	}
	return errs.New(errs.InvalidArgument, "documentFormat must be one of %s", strings.Join(documentFormats, ", "))
}

// filingInput is the argument of DepositFirstFiling.
type filingInput struct {
	IPRight             string `json:"ipRight"`
	ApplicationNumber   string `json:"applicationNumber"`
	FilingDate          string `json:"filingDate"`
	DocumentSHA256      string `json:"documentSha256"`
	DocumentFormat      string `json:"documentFormat"`
	ApplicationCategory string `json:"applicationCategory"`
}

// correctionInput is the argument of CorrectFirstFiling; "" = unchanged.
type correctionInput struct {
	FilingDate     string `json:"filingDate"`
	DocumentSHA256 string `json:"documentSha256"`
	DocumentFormat string `json:"documentFormat"`
	Reason         string `json:"reason"`
}

// Access grant states and routes.
const (
	grantNone    = "NONE"
	grantActive  = "ACTIVE"
	grantRevoked = "REVOKED"

	routeAccessCode  = "ACCESS_CODE"
	routeDirectGrant = "DIRECT_GRANT"

	// maxFailedAttempts bounds guessing of short (4-hex-digit) DAS codes.
	maxFailedAttempts = 5
)

// AccessEntry is the state of one accessing office for one document.
type AccessEntry struct {
	OfficeCode       string `json:"officeCode"`
	Grant            string `json:"grant"`
	Route            string `json:"route"`
	GrantedAt        string `json:"grantedAt"`
	RevokedAt        string `json:"revokedAt"`
	RevocationReason string `json:"revocationReason"`
	FailedAttempts   int    `json:"failedAttempts"`
	Locked           bool   `json:"locked"`
	LockedAt         string `json:"lockedAt"`
	// PendingAttempt marks a committed RedeemAccessCode attempt, already
	// counted in FailedAttempts, that SettleAccessCodeRedemption has not yet
	// compared with the code.
	PendingAttempt   bool   `json:"pendingAttempt"`
	PendingAttemptAt string `json:"pendingAttemptAt"`
	// RevokedCodeVersion is the access code version current when the grant
	// was revoked: that code no longer lets this office redeem, a new one
	// does (0 when not revoked).
	RevokedCodeVersion int `json:"revokedCodeVersion"`
}

// AccessRecord holds all grants and redemption counters of one document in a
// single key carrying the owner's SBE policy. Code redemption is endorsed by
// the owner's peer alone, so it may only write keys that already exist with
// that policy; a per-office grant key would be new and need MAJORITY.
type AccessRecord struct {
	FilingID          string        `json:"filingId"`
	OwnerOffice       string        `json:"ownerOffice"`
	AccessCodeSet     bool          `json:"accessCodeSet"`
	AccessCodeVersion int           `json:"accessCodeVersion"`
	AccessCodeSetAt   string        `json:"accessCodeSetAt"`
	Offices           []AccessEntry `json:"offices"`
	UpdatedAt         string        `json:"updatedAt"`
}

// entry returns the entry of an office, inserting an empty one in
// office-code order when there is none.
func (a *AccessRecord) entry(code string) *AccessEntry {
	i, found := slices.BinarySearchFunc(a.Offices, code, func(e AccessEntry, c string) int {
		return strings.Compare(e.OfficeCode, c)
	})
	if !found {
		a.Offices = slices.Insert(a.Offices, i, AccessEntry{OfficeCode: code, Grant: grantNone})
	}
	return &a.Offices[i]
}

// find returns the entry of an office without creating one.
func (a *AccessRecord) find(code string) (AccessEntry, bool) {
	for _, e := range a.Offices {
		if e.OfficeCode == code {
			return e, true
		}
	}
	return AccessEntry{}, false
}
