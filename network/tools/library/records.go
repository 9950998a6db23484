package library

import (
	"context"
	"errors"

	"ipledger/network/tools/library/fabric"
)

// ErrNotFound is returned by a Ledger when the chaincode answers NOT_FOUND.
var ErrNotFound = errors.New("not found on the ledger")

// Ledger is everything the library reads from the ledger. Every call goes to the peer (no caching here), so
// each request is judged on the ledger's state at request time.
type Ledger interface {
	// ChannelMSPs returns the application MSPs of the channel configuration.
	ChannelMSPs(ctx context.Context) ([]fabric.MSP, error)
	// OfficeByMSP returns the registered office bound to an MSP ID, or ErrNotFound.
	OfficeByMSP(ctx context.Context, mspID string) (Office, error)
	Retrieval(ctx context.Context, id string) (Retrieval, error)
	FirstFiling(ctx context.Context, id string) (FirstFiling, error)
	AccessRecord(ctx context.Context, filingID string) (AccessRecord, error)
}

// The ledger records, reduced to the fields the library judges by (JSON names from chaincode/CONTRACT.md §2).
type (
	Office struct {
		OfficeCode string `json:"officeCode"`
		MSPID      string `json:"mspId"`
		Name       string `json:"name"`
		Status     string `json:"status"`
	}

	Retrieval struct {
		ID               string `json:"id"`
		FilingID         string `json:"filingId"`
		OwnerOffice      string `json:"ownerOffice"`
		RequestingOffice string `json:"requestingOffice"`
		DocumentVersion  int    `json:"documentVersion"`
		ExpectedSHA256   string `json:"expectedSha256"`
		Status           string `json:"status"`
	}

	FirstFiling struct {
		ID             string `json:"id"`
		OfficeCode     string `json:"officeCode"`
		Version        int    `json:"version"`
		Status         string `json:"status"`
		DocumentSHA256 string `json:"documentSha256"`
	}

	AccessRecord struct {
		FilingID    string        `json:"filingId"`
		OwnerOffice string        `json:"ownerOffice"`
		Offices     []AccessEntry `json:"offices"`
	}

	AccessEntry struct {
		OfficeCode string `json:"officeCode"`
		Grant      string `json:"grant"`
	}
)

// Status values the library checks.
const (
	officeActive     = "ACTIVE"
	retrievalPending = "PENDING"
	filingWithdrawn  = "WITHDRAWN"
	grantActive      = "ACTIVE"
)

// grantOf returns the grant state of an office ("NONE" when it never interacted with the filing).
func (a AccessRecord) grantOf(office string) string {
	for _, e := range a.Offices {
		if e.OfficeCode == office {
			return e.Grant
		}
	}
	return "NONE"
}
