package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/ipledger/ipledger/chaincode/errs"
	"github.com/ipledger/ipledger/chaincode/priority"
)

// DepositFirstFiling registers a priority document of the caller. It carries
// public data only: the new keys need MAJORITY endorsement, and sending the
// confidential part to other offices' endorsers would expose it. The owner
// adds it afterwards with SetFilingConfidential and SetAccessCode, endorsed by
// its own peer alone.
func (c *Contract) DepositFirstFiling(ctx contractapi.TransactionContextInterface, filingJSON string) (*FirstFiling, error) {
	t, caller, err := c.beginAsActiveOffice(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := t.requireTransient(); err != nil {
		return nil, err
	}
	var in filingInput
	if err := decodeStrict("filingJSON", []byte(filingJSON), &in); err != nil {
		return nil, err
	}
	right, err := priority.ParseIPRight(in.IPRight)
	if err != nil {
		return nil, err
	}
	if !caller.canDeposit(right) {
		return nil, errs.New(errs.RoleNotAllowed, "office %s has no depositing role for %s", caller.OfficeCode, right)
	}
	cat, err := priority.ParseCategory(in.ApplicationCategory)
	if err != nil {
		return nil, err
	}
	num, err := t.normaliseNumber(caller.OfficeCode, right, cat, in.ApplicationNumber)
	if err != nil {
		return nil, err
	}
	filed, err := t.parsePastDate("filingDate", in.FilingDate)
	if err != nil {
		return nil, err
	}
	hash, err := priority.CheckSHA256("documentSha256", in.DocumentSHA256)
	if err != nil {
		return nil, err
	}
	if err := checkDocumentFormat(in.DocumentFormat); err != nil {
		return nil, err
	}
	ref := filingRef{Office: caller.OfficeCode, Right: right, Number: num.Normalised}
	if _, exists, err := t.loadFiling(ref); err != nil {
		return nil, err
	} else if exists {
		return nil, errs.New(errs.AlreadyExists, "first filing %s already exists; use CorrectFirstFiling", ref.ID())
	}

	f := FirstFiling{
		ID: ref.ID(), OfficeCode: caller.OfficeCode, IPRight: string(right), ApplicationCategory: string(cat),
		ApplicationNumber: num.Raw, ApplicationNumberNormalised: num.Normalised, FilingDate: filed.String(),
		DocumentSHA256: hash, DocumentFormat: in.DocumentFormat, Version: 1, Status: filingAvailable,
		DepositedAt: t.now, UpdatedAt: t.now,
	}
	a := AccessRecord{FilingID: f.ID, OwnerOffice: f.OfficeCode, Offices: []AccessEntry{}, UpdatedAt: t.now}
	active, err := t.activeMSPs()
	if err != nil {
		return nil, err
	}
	if err := t.putFiling(f, caller.MSPID, active); err != nil {
		return nil, err
	}
	// The access record and the confidential commitment are created here,
	// under the owner's policy, because the owner-only transactions that
	// change them later (code redemption, SetFilingConfidential) cannot
	// create a key: a new key needs the chaincode MAJORITY.
	if err := t.putAccess(ref, a); err != nil {
		return nil, err
	}
	if err := t.putCommitment(ref, confidentialCommitment{FilingID: f.ID, UpdatedAt: t.now}); err != nil {
		return nil, err
	}
	for _, kind := range []string{kindAccess, kindConfidentialHash} {
		key, err := t.key(kind, ref.attrs()...)
		if err != nil {
			return nil, err
		}
		if err := t.setPolicy(key, ownerOnly(caller.MSPID)); err != nil {
			return nil, err
		}
	}
	if err := t.putJSON(ref.dateIndexKey(f.FilingDate), f.ID); err != nil {
		return nil, err
	}
	if err := t.emit("FirstFilingDeposited", event{RecordType: recFiling, RecordID: f.ID, OfficeCode: caller.OfficeCode, Status: f.Status}); err != nil {
		return nil, err
	}
	return result(f) // no confidential hash yet: the record is its own view
}

// CorrectFirstFiling records a new version (DAS "PUT registration"); the
// previous version stays in the key history.
func (c *Contract) CorrectFirstFiling(ctx contractapi.TransactionContextInterface, filingID, correctionJSON string) (*FirstFiling, error) {
	t, caller, err := c.beginAsActiveOffice(ctx)
	if err != nil {
		return nil, err
	}
	f, err := t.ownedFiling(caller, filingID)
	if err != nil {
		return nil, err
	}
	var in correctionInput
	if err := decodeStrict("correctionJSON", []byte(correctionJSON), &in); err != nil {
		return nil, err
	}
	if err := priority.CheckText("reason", in.Reason, 1, maxReasonLen); err != nil {
		return nil, err
	}
	next := f
	if in.FilingDate != "" {
		d, err := t.parsePastDate("filingDate", in.FilingDate)
		if err != nil {
			return nil, err
		}
		next.FilingDate = d.String()
		if f.PublicationDate != "" && next.FilingDate > f.PublicationDate {
			return nil, errs.New(errs.InvalidDate, "filingDate %s is after the publication date %s", next.FilingDate, f.PublicationDate)
		}
	}
	if in.DocumentSHA256 != "" {
		if next.DocumentSHA256, err = priority.CheckSHA256("documentSha256", in.DocumentSHA256); err != nil {
			return nil, err
		}
	}
	if in.DocumentFormat != "" {
		if err := checkDocumentFormat(in.DocumentFormat); err != nil {
			return nil, err
		}
		next.DocumentFormat = in.DocumentFormat
	}
	if next.FilingDate == f.FilingDate && next.DocumentSHA256 == f.DocumentSHA256 && next.DocumentFormat == f.DocumentFormat {
		return nil, errs.New(errs.InvalidArgument, "the correction changes nothing")
	}
	if f.Status == filingWithdrawn {
		return nil, errs.New(errs.InvalidTransition, "first filing %s is withdrawn", f.ID)
	}
	next.Version++
	next.LastChangeReason, next.UpdatedAt = in.Reason, t.now
	if next.FilingDate != f.FilingDate {
		// Move the date index entry; these index keys carry no SBE, so this
		// transaction needs the chaincode MAJORITY too (the gateway plans it).
		if err := t.delState(f.ref().dateIndexKey(f.FilingDate)); err != nil {
			return nil, err
		}
		if err := t.putJSON(f.ref().dateIndexKey(next.FilingDate), f.ID); err != nil {
			return nil, err
		}
	}
	return t.saveFilingChange(next, caller, "FirstFilingCorrected")
}

// WithdrawFirstFiling makes the document permanently unavailable (DAS
// withdrawal); grants remain visible but no retrieval is possible.
func (c *Contract) WithdrawFirstFiling(ctx contractapi.TransactionContextInterface, filingID, reason string) (*FirstFiling, error) {
	t, caller, err := c.beginAsActiveOffice(ctx)
	if err != nil {
		return nil, err
	}
	f, err := t.ownedFiling(caller, filingID)
	if err != nil {
		return nil, err
	}
	if err := priority.CheckText("reason", reason, 1, maxReasonLen); err != nil {
		return nil, err
	}
	if f.Status == filingWithdrawn {
		return nil, errs.New(errs.InvalidTransition, "first filing %s is already withdrawn", f.ID)
	}
	f.Status, f.LastChangeReason, f.UpdatedAt = filingWithdrawn, reason, t.now
	return t.saveFilingChange(f, caller, "FirstFilingWithdrawn")
}

// MarkFirstFilingPublished records the publication of the application (from
// then on its content is no longer secret, PCT Art. 21).
func (c *Contract) MarkFirstFilingPublished(ctx contractapi.TransactionContextInterface, filingID, publicationDate string) (*FirstFiling, error) {
	t, caller, err := c.beginAsActiveOffice(ctx)
	if err != nil {
		return nil, err
	}
	f, err := t.ownedFiling(caller, filingID)
	if err != nil {
		return nil, err
	}
	d, err := t.parsePastDate("publicationDate", publicationDate)
	if err != nil {
		return nil, err
	}
	if d.String() < f.FilingDate {
		return nil, errs.New(errs.InvalidDate, "publicationDate %s is before the filing date %s", d, f.FilingDate)
	}
	if f.Status != filingAvailable {
		return nil, errs.New(errs.InvalidTransition, "first filing %s is %s, not AVAILABLE", f.ID, f.Status)
	}
	f.Status, f.PublicationDate, f.UpdatedAt = filingPublished, d.String(), t.now
	return t.saveFilingChange(f, caller, "FirstFilingPublished")
}

// saveFilingChange stores a changed public filing; its key needs the owner
// and a majority again (the majority as of now).
func (t *txn) saveFilingChange(f FirstFiling, caller officeRecord, eventName string) (*FirstFiling, error) {
	active, err := t.activeMSPs()
	if err != nil {
		return nil, err
	}
	if err := t.putFiling(f, caller.MSPID, active); err != nil {
		return nil, err
	}
	if err := t.emit(eventName, event{RecordType: recFiling, RecordID: f.ID, OfficeCode: caller.OfficeCode, Status: f.Status}); err != nil {
		return nil, err
	}
	view, err := t.filingView(f)
	if err != nil {
		return nil, err
	}
	return result(view)
}
