package contract

import (
	"crypto/subtle"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/ipledger/ipledger/chaincode/errs"
	"github.com/ipledger/ipledger/chaincode/priority"
)

// Redemption results (the Python API raises ACCESS_CODE_MISMATCH itself: a
// chaincode error would abort the transaction and lose the failure count).
const (
	resultGranted  = "ACCESS_GRANTED"
	resultMismatch = "ACCESS_CODE_MISMATCH"
)

// RedemptionResult is the outcome of RedeemAccessCode.
type RedemptionResult struct {
	FilingID          string `json:"filingId"`
	OfficeCode        string `json:"officeCode"`
	Result            string `json:"result"`
	FailedAttempts    int    `json:"failedAttempts"`
	RemainingAttempts int    `json:"remainingAttempts"`
	Locked            bool   `json:"locked"`
}

type redeemInput struct {
	AccessCode string `json:"accessCode"`
}

// RedeemAccessCode lets an office of second filing obtain access with the
// applicant's access code (the DAS route). The client must have it endorsed
// by the owner's peer only: no other peer can read the stored code hash. It
// therefore writes nothing but the owner-SBE access record.
func (c *Contract) RedeemAccessCode(ctx contractapi.TransactionContextInterface, officeCode, ipRight, applicationNumber, filingDate string) (string, error) {
	t, err := begin(ctx)
	if err != nil {
		return "", err
	}
	caller, err := t.activeCaller()
	if err != nil {
		return "", err
	}
	if err := priority.ValidateOfficeCode(officeCode); err != nil {
		return "", err
	}
	owner, err := t.requireOffice(officeCode)
	if err != nil {
		return "", err
	}
	right, err := priority.ParseIPRight(ipRight)
	if err != nil {
		return "", err
	}
	num, err := t.normaliseNumber(officeCode, right, guessCategory(applicationNumber), applicationNumber)
	if err != nil {
		return "", err
	}
	date, err := parseDateArg("filingDate", filingDate)
	if err != nil {
		return "", err
	}
	tm, err := t.requireTransient(transientAccessCode)
	if err != nil {
		return "", err
	}
	var in redeemInput
	if err := decodeStrict("transient accessCode", tm[transientAccessCode], &in); err != nil {
		return "", err
	}
	if err := priority.CheckHex("accessCode", in.AccessCode, priority.MinAccessCodeLen, priority.MaxAccessCodeLen); err != nil {
		return "", err
	}

	ref := filingRef{Office: officeCode, Right: right, Number: num.Normalised}
	f, err := t.requireFiling(ref)
	if err != nil {
		return "", err
	}
	if caller.OfficeCode == f.OfficeCode {
		return "", errs.New(errs.InvalidArgument, "office %s owns %s and needs no access", caller.OfficeCode, f.ID)
	}
	if !caller.canAccess(right) {
		return "", errs.New(errs.RoleNotAllowed, "office %s has no accessing role for %s", caller.OfficeCode, right)
	}
	if f.Status == filingWithdrawn {
		return "", errs.New(errs.DocumentUnavailable, "first filing %s has been withdrawn", f.ID)
	}
	if f.FilingDate != date.String() {
		// As DAS error -12, but without echoing the recorded date.
		return "", errs.New(errs.DateMismatch, "filing date %s does not match first filing %s", date, f.ID)
	}
	a, err := t.loadAccess(ref)
	if err != nil {
		return "", err
	}
	e := a.entry(caller.OfficeCode)
	switch {
	case e.Grant == grantActive:
		return "", errs.New(errs.AlreadyExists, "office %s already has access to %s", caller.OfficeCode, f.ID)
	case e.Locked:
		return "", errs.New(errs.AccessLocked, "access-code redemption of %s is locked for office %s; the depositing office must reset it", f.ID, caller.OfficeCode)
	case !a.AccessCodeSet:
		return "", errs.New(errs.AccessCodeNotSet, "no access code has been set for %s", f.ID)
	}
	stored, err := t.loadAccessCode(owner, ref)
	if err != nil {
		return "", err
	}

	res := RedemptionResult{FilingID: f.ID, OfficeCode: caller.OfficeCode}
	eventName, status := "AccessGranted", grantActive
	given := hashAccessCode(stored.Salt, in.AccessCode)
	if subtle.ConstantTimeCompare([]byte(given), []byte(stored.CodeHash)) == 1 {
		e.Grant, e.Route, e.GrantedAt, e.RevokedAt, e.RevocationReason = grantActive, routeAccessCode, t.now, "", ""
		e.FailedAttempts = 0
		res.Result = resultGranted
	} else {
		e.FailedAttempts++
		eventName, status = "AccessCodeRejected", "REJECTED"
		if e.FailedAttempts >= maxFailedAttempts {
			e.Locked, e.LockedAt, status = true, t.now, "LOCKED"
		}
		res.Result = resultMismatch
	}
	res.FailedAttempts, res.Locked = e.FailedAttempts, e.Locked
	res.RemainingAttempts = max(0, maxFailedAttempts-e.FailedAttempts)
	a.UpdatedAt = t.now
	if err := t.putAccess(ref, a); err != nil {
		return "", err
	}
	if err := t.emit(eventName, event{RecordType: recAccess, RecordID: f.ID, OfficeCode: caller.OfficeCode, SubjectOffice: caller.OfficeCode, Status: status}); err != nil {
		return "", err
	}
	return result(res)
}

// loadAccessCode reads the owner's private code record. A nil read means this
// peer is not the owner's, i.e. the client chose the wrong endorsers.
func (t *txn) loadAccessCode(owner officeRecord, ref filingRef) (accessCodeRecord, error) {
	key, err := t.key(kindAccessCode, ref.attrs()...)
	if err != nil {
		return accessCodeRecord{}, err
	}
	raw, err := t.getPrivate(implicitCollection(owner.MSPID), key)
	if err != nil {
		return accessCodeRecord{}, err
	}
	if raw == nil {
		return accessCodeRecord{}, errs.New(errs.WrongEndorser,
			"this peer cannot read the access code of %s; endorse RedeemAccessCode only on %s's peer", ref.ID(), owner.MSPID)
	}
	var rec accessCodeRecord
	if err := jsonUnmarshal(raw, &rec); err != nil {
		return accessCodeRecord{}, err
	}
	return rec, nil
}

// GrantAccess is the direct route: the depositing office grants an office
// access on the applicant's instruction (DAS access-control list).
func (c *Contract) GrantAccess(ctx contractapi.TransactionContextInterface, filingID, accessingOffice string) (string, error) {
	t, err := begin(ctx)
	if err != nil {
		return "", err
	}
	caller, err := t.activeCaller()
	if err != nil {
		return "", err
	}
	f, err := t.ownedFiling(caller, filingID)
	if err != nil {
		return "", err
	}
	if err := priority.ValidateOfficeCode(accessingOffice); err != nil {
		return "", err
	}
	grantee, err := t.requireOffice(accessingOffice)
	if err != nil {
		return "", err
	}
	switch {
	case grantee.Status != statusActive:
		return "", errs.New(errs.OfficeSuspended, "office %s is suspended", grantee.OfficeCode)
	case grantee.OfficeCode == caller.OfficeCode:
		return "", errs.New(errs.InvalidArgument, "office %s owns %s and needs no access", grantee.OfficeCode, f.ID)
	case !grantee.canAccess(priority.IPRight(f.IPRight)):
		return "", errs.New(errs.RoleNotAllowed, "office %s has no accessing role for %s", grantee.OfficeCode, f.IPRight)
	case f.Status == filingWithdrawn:
		return "", errs.New(errs.DocumentUnavailable, "first filing %s has been withdrawn", f.ID)
	}
	a, err := t.loadAccess(f.ref())
	if err != nil {
		return "", err
	}
	e := a.entry(grantee.OfficeCode)
	if e.Grant == grantActive {
		return "", errs.New(errs.AlreadyExists, "office %s already has access to %s", grantee.OfficeCode, f.ID)
	}
	e.Grant, e.Route, e.GrantedAt, e.RevokedAt, e.RevocationReason = grantActive, routeDirectGrant, t.now, "", ""
	e.FailedAttempts, e.Locked, e.LockedAt = 0, false, ""
	return t.saveAccessChange(f, a, caller, grantee.OfficeCode, "AccessGranted", grantActive)
}

// RevokeAccess withdraws an office's grant.
func (c *Contract) RevokeAccess(ctx contractapi.TransactionContextInterface, filingID, accessingOffice, reason string) (string, error) {
	t, err := begin(ctx)
	if err != nil {
		return "", err
	}
	caller, err := t.activeCaller()
	if err != nil {
		return "", err
	}
	f, err := t.ownedFiling(caller, filingID)
	if err != nil {
		return "", err
	}
	if err := priority.ValidateOfficeCode(accessingOffice); err != nil {
		return "", err
	}
	if err := priority.CheckText("reason", reason, 1, 500); err != nil {
		return "", err
	}
	a, err := t.loadAccess(f.ref())
	if err != nil {
		return "", err
	}
	if e, ok := a.find(accessingOffice); !ok || e.Grant != grantActive {
		return "", errs.New(errs.NoGrant, "office %s has no active grant for %s", accessingOffice, f.ID)
	}
	e := a.entry(accessingOffice)
	e.Grant, e.RevokedAt, e.RevocationReason = grantRevoked, t.now, reason
	return t.saveAccessChange(f, a, caller, accessingOffice, "AccessRevoked", grantRevoked)
}

// ResetAccessLock clears the failed-attempt counter of an office.
func (c *Contract) ResetAccessLock(ctx contractapi.TransactionContextInterface, filingID, accessingOffice string) (string, error) {
	t, err := begin(ctx)
	if err != nil {
		return "", err
	}
	caller, err := t.activeCaller()
	if err != nil {
		return "", err
	}
	f, err := t.ownedFiling(caller, filingID)
	if err != nil {
		return "", err
	}
	if err := priority.ValidateOfficeCode(accessingOffice); err != nil {
		return "", err
	}
	a, err := t.loadAccess(f.ref())
	if err != nil {
		return "", err
	}
	if e, ok := a.find(accessingOffice); !ok || (!e.Locked && e.FailedAttempts == 0) {
		return "", errs.New(errs.InvalidTransition, "office %s has no failed attempts on %s", accessingOffice, f.ID)
	}
	e := a.entry(accessingOffice)
	e.FailedAttempts, e.Locked, e.LockedAt = 0, false, ""
	return t.saveAccessChange(f, a, caller, accessingOffice, "AccessLockReset", e.Grant)
}

func (t *txn) saveAccessChange(f FirstFiling, a AccessRecord, caller officeRecord, subject, eventName, status string) (string, error) {
	a.UpdatedAt = t.now
	if err := t.putAccess(f.ref(), a); err != nil {
		return "", err
	}
	if err := t.emit(eventName, event{RecordType: recAccess, RecordID: f.ID, OfficeCode: caller.OfficeCode, SubjectOffice: subject, Status: status}); err != nil {
		return "", err
	}
	return result(a)
}

// GetAccessRecord returns the grants and counters of a document.
func (c *Contract) GetAccessRecord(ctx contractapi.TransactionContextInterface, filingID string) (string, error) {
	t, err := begin(ctx)
	if err != nil {
		return "", err
	}
	if _, err := t.callerOffice(); err != nil {
		return "", err
	}
	r, err := parseFilingID(filingID)
	if err != nil {
		return "", err
	}
	if _, err := t.requireFiling(r); err != nil {
		return "", err
	}
	a, err := t.loadAccess(r)
	if err != nil {
		return "", err
	}
	return result(a)
}
