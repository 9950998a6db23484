package contract

import "github.com/ipledger/ipledger/chaincode/errs"

// Record types named in events and GetRecordHistory.
const (
	recOffice    = "office"
	recFounding  = "founding"
	recProposal  = "proposal"
	recFiling    = "filing"
	recAccess    = "access"
	recRetrieval = "retrieval"
	recClaim     = "claim"

	// recConfidentialHash names a filing's confidential commitment in
	// GetRecordHistory only; its changes are reported as filing events.
	recConfidentialHash = "confidentialHash"
)

// event is the payload of every chaincode event. It identifies the record
// that changed and never carries private data; clients read the record.
type event struct {
	RecordType    string `json:"recordType"`
	RecordID      string `json:"recordId"`
	OfficeCode    string `json:"officeCode"`
	SubjectOffice string `json:"subjectOffice"`
	Status        string `json:"status"`
	TxID          string `json:"txId"`
}

// emit sets the transaction's single event. Fabric keeps only the last
// SetEvent of a transaction, so each transaction performs one logical change
// and calls emit exactly once, after all writes succeeded.
func (t *txn) emit(name string, e event) error {
	e.TxID = t.txID
	raw, err := marshal(e)
	if err != nil {
		return err
	}
	if err := t.stub.SetEvent(name, raw); err != nil {
		return errs.Internalf("setting event: %v", err)
	}
	return nil
}
