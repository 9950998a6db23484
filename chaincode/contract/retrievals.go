package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/ipledger/ipledger/chaincode/errs"
	"github.com/ipledger/ipledger/chaincode/priority"
)

// Retrieval statuses (DAS requestStatusCategory) and failure reasons.
const (
	retrievalPending = "PENDING"
	retrievalSuccess = "SUCCESS"
	retrievalError   = "ERROR"
)

var failureReasons = []string{"DELIVERY_FAILED", "DOWNLOAD_FAILED", "FORMAT_ERROR", "OTHER"}

// Retrieval is one audited retrieval of a priority document by an OSF.
type Retrieval struct {
	ID               string `json:"id"`
	FilingID         string `json:"filingId"`
	OwnerOffice      string `json:"ownerOffice"`
	RequestingOffice string `json:"requestingOffice"`
	GrantRoute       string `json:"grantRoute"`
	DocumentVersion  int    `json:"documentVersion"`
	ExpectedSHA256   string `json:"expectedSha256"`
	Status           string `json:"status"`
	ReceivedSHA256   string `json:"receivedSha256"`
	ErrorCode        string `json:"errorCode"`
	ErrorMessage     string `json:"errorMessage"`
	RequestedAt      string `json:"requestedAt"`
	CompletedAt      string `json:"completedAt"`
}

// RequestRetrieval opens an audit entry for a retrieval by the caller, which
// must hold an active grant. Only the requester completes it, but the entry
// is also the owner's audit of who got its document, so its key needs the
// requester and either the owner or a majority (retrievalPolicy).
func (c *Contract) RequestRetrieval(ctx contractapi.TransactionContextInterface, filingID string) (*Retrieval, error) {
	t, caller, err := c.beginAsActiveOffice(ctx)
	if err != nil {
		return nil, err
	}
	r, err := parseFilingID(filingID)
	if err != nil {
		return nil, err
	}
	f, err := t.requireFiling(r)
	if err != nil {
		return nil, err
	}
	switch {
	case f.OfficeCode == caller.OfficeCode:
		return nil, errs.New(errs.InvalidArgument, "office %s owns %s and does not retrieve it", caller.OfficeCode, f.ID)
	case !caller.canAccess(r.Right):
		return nil, errs.New(errs.RoleNotAllowed, "office %s has no accessing role for %s", caller.OfficeCode, r.Right)
	case f.Status == filingWithdrawn:
		return nil, errs.New(errs.DocumentUnavailable, "first filing %s has been withdrawn", f.ID)
	}
	a, err := t.loadAccess(r)
	if err != nil {
		return nil, err
	}
	grant, ok := a.find(caller.OfficeCode)
	if !ok || grant.Grant != grantActive {
		return nil, errs.New(errs.NoGrant, "office %s has no active grant for %s", caller.OfficeCode, f.ID)
	}
	ref := retrievalRef{Filing: r, Stamped: t.stampedID()}
	rec := Retrieval{
		ID: ref.ID(), FilingID: f.ID, OwnerOffice: f.OfficeCode, RequestingOffice: caller.OfficeCode,
		GrantRoute: grant.Route, DocumentVersion: f.Version, ExpectedSHA256: f.DocumentSHA256,
		Status: retrievalPending, RequestedAt: t.now,
	}
	if err := t.putRetrieval(ref, rec); err != nil {
		return nil, err
	}
	if err := t.emit("RetrievalRequested", event{RecordType: recRetrieval, RecordID: rec.ID, OfficeCode: caller.OfficeCode, SubjectOffice: f.OfficeCode, Status: rec.Status}); err != nil {
		return nil, err
	}
	return result(rec)
}

// AcknowledgeRetrieval closes a retrieval with the SHA-256 of what the OSF
// received: SUCCESS when it matches the version requested, else ERROR with
// HASH_MISMATCH (a successful transaction, so the failure is on record).
func (c *Contract) AcknowledgeRetrieval(ctx contractapi.TransactionContextInterface, retrievalID, receivedSHA256 string) (*Retrieval, error) {
	t, caller, err := c.beginAsActiveOffice(ctx)
	if err != nil {
		return nil, err
	}
	ref, rec, err := t.pendingRetrieval(caller, retrievalID)
	if err != nil {
		return nil, err
	}
	got, err := priority.CheckSHA256("receivedSha256", receivedSHA256)
	if err != nil {
		return nil, err
	}
	if rec.Status != retrievalPending {
		return nil, errs.New(errs.InvalidTransition, "retrieval %s is already %s", rec.ID, rec.Status)
	}
	rec.ReceivedSHA256, rec.CompletedAt = got, t.now
	if got == rec.ExpectedSHA256 {
		rec.Status = retrievalSuccess
	} else {
		rec.Status, rec.ErrorCode = retrievalError, string(errs.HashMismatch)
		rec.ErrorMessage = "the received document does not match the deposited version"
	}
	return t.saveRetrieval(ref, rec, caller)
}

// FailRetrieval closes a retrieval as ERROR for a reason outside the hash
// check (delivery or download failure).
func (c *Contract) FailRetrieval(ctx contractapi.TransactionContextInterface, retrievalID, reason, message string) (*Retrieval, error) {
	t, caller, err := c.beginAsActiveOffice(ctx)
	if err != nil {
		return nil, err
	}
	ref, rec, err := t.pendingRetrieval(caller, retrievalID)
	if err != nil {
		return nil, err
	}
	known := false
	for _, r := range failureReasons {
		known = known || r == reason
	}
	if !known {
		return nil, errs.New(errs.InvalidArgument, "reason must be DELIVERY_FAILED, DOWNLOAD_FAILED, FORMAT_ERROR or OTHER")
	}
	if message != "" {
		if err := priority.CheckText("message", message, 1, maxReasonLen); err != nil {
			return nil, err
		}
	}
	if rec.Status != retrievalPending {
		return nil, errs.New(errs.InvalidTransition, "retrieval %s is already %s", rec.ID, rec.Status)
	}
	rec.Status, rec.ErrorCode, rec.ErrorMessage, rec.CompletedAt = retrievalError, reason, message, t.now
	return t.saveRetrieval(ref, rec, caller)
}

// pendingRetrieval loads a retrieval the caller requested.
func (t *txn) pendingRetrieval(caller officeRecord, id string) (retrievalRef, Retrieval, error) {
	ref, err := parseRetrievalID(id)
	if err != nil {
		return retrievalRef{}, Retrieval{}, err
	}
	rec, err := t.loadRetrieval(ref)
	if err != nil {
		return retrievalRef{}, Retrieval{}, err
	}
	if rec.RequestingOffice != caller.OfficeCode {
		return retrievalRef{}, Retrieval{}, errs.New(errs.NotAuthorized, "retrieval %s was requested by office %s", rec.ID, rec.RequestingOffice)
	}
	return ref, rec, nil
}

func (t *txn) loadRetrieval(ref retrievalRef) (Retrieval, error) {
	var rec Retrieval
	found, err := t.load(kindRetrieval, ref.attrs(), &rec)
	if err != nil {
		return Retrieval{}, err
	}
	if !found {
		return Retrieval{}, errs.New(errs.NotFound, "retrieval %s does not exist", ref.ID())
	}
	return rec, nil
}

// putRetrieval stores a retrieval under its policy: the requester and the
// owner, or the requester and a majority of the ACTIVE offices. Neither party
// can rewrite or delete the entry alone, and the owner cannot veto the record
// of a failed delivery by refusing to endorse it.
func (t *txn) putRetrieval(ref retrievalRef, rec Retrieval) error {
	requester, err := t.officeMSP(rec.RequestingOffice)
	if err != nil {
		return err
	}
	owner, err := t.officeMSP(rec.OwnerOffice)
	if err != nil {
		return err
	}
	active, err := t.activeMSPs()
	if err != nil {
		return err
	}
	key, err := t.key(kindRetrieval, ref.attrs()...)
	if err != nil {
		return err
	}
	if err := t.putJSON(key, rec); err != nil {
		return err
	}
	return t.setPolicy(key, requesterAndOwnerOrMajority(requester, owner, active))
}

func (t *txn) saveRetrieval(ref retrievalRef, rec Retrieval, caller officeRecord) (*Retrieval, error) {
	if err := t.putRetrieval(ref, rec); err != nil {
		return nil, err
	}
	if err := t.emit("RetrievalCompleted", event{RecordType: recRetrieval, RecordID: rec.ID, OfficeCode: caller.OfficeCode, SubjectOffice: rec.OwnerOffice, Status: rec.Status}); err != nil {
		return nil, err
	}
	return result(rec)
}

// GetRetrieval returns one retrieval.
func (c *Contract) GetRetrieval(ctx contractapi.TransactionContextInterface, retrievalID string) (*Retrieval, error) {
	t, err := c.queryTxn(ctx)
	if err != nil {
		return nil, err
	}
	ref, err := parseRetrievalID(retrievalID)
	if err != nil {
		return nil, err
	}
	rec, err := t.loadRetrieval(ref)
	if err != nil {
		return nil, err
	}
	return result(rec)
}

// ListRetrievals pages through the retrieval log of one document.
func (c *Contract) ListRetrievals(ctx contractapi.TransactionContextInterface, filingID, pageSize, bookmark string) (*RetrievalPage, error) {
	t, err := c.queryTxn(ctx)
	if err != nil {
		return nil, err
	}
	r, err := parseFilingID(filingID)
	if err != nil {
		return nil, err
	}
	if _, err := t.requireFiling(r); err != nil {
		return nil, err
	}
	rs, err := t.compositeRange(kindRetrieval, r.attrs()...)
	if err != nil {
		return nil, err
	}
	p, err := listRecords[Retrieval](t, rs, pageSize, bookmark, nil)
	if err != nil {
		return nil, err
	}
	return result(RetrievalPage(p))
}
