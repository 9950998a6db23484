package contract

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/ipledger/ipledger/chaincode/errs"
	"github.com/ipledger/ipledger/chaincode/priority"
)

// Redemption results (the Python API raises ACCESS_CODE_MISMATCH itself: a
// chaincode error would abort the transaction and lose the failure count).
const (
	resultGranted  = "ACCESS_GRANTED"
	resultMismatch = "ACCESS_CODE_MISMATCH"
	resultPending  = "ATTEMPT_PENDING"
)

// RedemptionResult is the outcome of RedeemAccessCode (result
// ATTEMPT_PENDING) and of SettleAccessCodeRedemption (ACCESS_GRANTED or
// ACCESS_CODE_MISMATCH).
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

// accessAttemptRecord is a presented access code awaiting settlement, stored
// in the owner's implicit collection. It holds neither the code nor its
// stored hash: AttemptHash = sha256(prefix, Salt, hashAccessCode(code salt,
// code)) with a per-transaction Salt, so no two attempts share a value and
// the private-write hash in a proposal response reveals nothing.
type accessAttemptRecord struct {
	FilingID    string `json:"filingId"`
	OfficeCode  string `json:"officeCode"`
	CodeVersion int    `json:"codeVersion"`
	Salt        string `json:"salt"`
	AttemptHash string `json:"attemptHash"`
	AttemptedAt string `json:"attemptedAt"`
	TxID        string `json:"txId"`
}

// attemptSalt derives the salt of an attempt from its transaction id.
func attemptSalt(txID string) string {
	sum := sha256.Sum256([]byte("ipledger/access-attempt-salt/v1\n" + txID))
	return hex.EncodeToString(sum[:16])
}

// hashAttempt binds a code hash (hashAccessCode with the stored salt) to an
// attempt salt.
func hashAttempt(salt, codeHash string) string {
	sum := sha256.Sum256([]byte("ipledger/access-attempt/v1\n" + salt + "\n" + codeHash))
	return hex.EncodeToString(sum[:])
}

// RedeemAccessCode lets an office of second filing present the applicant's
// access code (the DAS route). It is phase one of two: the client must have
// it endorsed by the owner's peer only (no other peer can read the stored
// code hash), and it does NOT compare the code. It records the attempt
// privately, counts it as a failed attempt in the owner-SBE access record and
// marks it pending, so its result, events and read-write set are the same for
// a right and a wrong code: simulating it without submitting reveals nothing.
// SettleAccessCodeRedemption compares the committed attempt.
func (c *Contract) RedeemAccessCode(ctx contractapi.TransactionContextInterface, officeCode, ipRight, applicationNumber, filingDate string) (*RedemptionResult, error) {
	t, caller, err := c.beginAsActiveOffice(ctx)
	if err != nil {
		return nil, err
	}
	if err := priority.ValidateOfficeCode(officeCode); err != nil {
		return nil, err
	}
	owner, err := t.requireOffice(officeCode)
	if err != nil {
		return nil, err
	}
	right, err := priority.ParseIPRight(ipRight)
	if err != nil {
		return nil, err
	}
	num, err := t.normaliseNumber(officeCode, right, guessCategory(applicationNumber), applicationNumber)
	if err != nil {
		return nil, err
	}
	date, err := parseDateArg("filingDate", filingDate)
	if err != nil {
		return nil, err
	}
	tm, err := t.requireTransient(transientAccessCode)
	if err != nil {
		return nil, err
	}
	var in redeemInput
	if err := decodeStrict("transient accessCode", tm[transientAccessCode], &in); err != nil {
		return nil, err
	}
	if err := priority.CheckHex("accessCode", in.AccessCode, priority.MinAccessCodeLen, priority.MaxAccessCodeLen); err != nil {
		return nil, err
	}

	ref := filingRef{Office: officeCode, Right: right, Number: num.Normalised}
	f, err := t.requireFiling(ref)
	if err != nil {
		return nil, err
	}
	if caller.OfficeCode == f.OfficeCode {
		return nil, errs.New(errs.InvalidArgument, "office %s owns %s and needs no access", caller.OfficeCode, f.ID)
	}
	if !caller.canAccess(right) {
		return nil, errs.New(errs.RoleNotAllowed, "office %s has no accessing role for %s", caller.OfficeCode, right)
	}
	if f.Status == filingWithdrawn {
		return nil, errs.New(errs.DocumentUnavailable, "first filing %s has been withdrawn", f.ID)
	}
	if f.FilingDate != date.String() {
		// As DAS error -12, but without echoing the recorded date.
		return nil, errs.New(errs.DateMismatch, "filing date %s does not match first filing %s", date, f.ID)
	}
	a, err := t.loadAccess(ref)
	if err != nil {
		return nil, err
	}
	e := a.entry(caller.OfficeCode)
	switch {
	case e.Grant == grantActive:
		return nil, errs.New(errs.AlreadyExists, "office %s already has access to %s", caller.OfficeCode, f.ID)
	case e.Grant == grantRevoked && e.RevokedCodeVersion == a.AccessCodeVersion:
		// A revocation would mean nothing if the same code granted access again.
		return nil, errs.New(errs.NotAuthorized, "the access of office %s to %s was revoked; the depositing office must grant it again or set a new access code", caller.OfficeCode, f.ID)
	case e.Locked:
		return nil, errs.New(errs.AccessLocked, "access-code redemption of %s is locked for office %s; the depositing office must reset it", f.ID, caller.OfficeCode)
	case e.PendingAttempt:
		return nil, errs.New(errs.InvalidTransition, "office %s has an unsettled attempt on %s; submit SettleAccessCodeRedemption first", caller.OfficeCode, f.ID)
	case !a.AccessCodeSet:
		return nil, errs.New(errs.AccessCodeNotSet, "no access code has been set for %s", f.ID)
	}
	stored, err := t.loadAccessCode(owner, ref)
	if err != nil {
		return nil, err
	}

	salt := attemptSalt(t.txID)
	try := accessAttemptRecord{
		FilingID: f.ID, OfficeCode: caller.OfficeCode, CodeVersion: stored.CodeVersion, Salt: salt,
		AttemptHash: hashAttempt(salt, hashAccessCode(stored.Salt, in.AccessCode)), AttemptedAt: t.now, TxID: t.txID,
	}
	if err := t.putAttempt(owner, ref, caller.OfficeCode, try); err != nil {
		return nil, err
	}
	// Counted before anyone knows the outcome; a match undoes it at settlement.
	e.FailedAttempts++
	if e.FailedAttempts >= maxFailedAttempts {
		e.Locked, e.LockedAt = true, t.now
	}
	e.PendingAttempt, e.PendingAttemptAt = true, t.now
	res := RedemptionResult{FilingID: f.ID, OfficeCode: caller.OfficeCode, Result: resultPending,
		FailedAttempts: e.FailedAttempts, RemainingAttempts: max(0, maxFailedAttempts-e.FailedAttempts), Locked: e.Locked}
	a.UpdatedAt = t.now
	if err := t.putAccess(ref, a); err != nil {
		return nil, err
	}
	if err := t.emit("AccessCodeAttempted", event{RecordType: recAccess, RecordID: f.ID, OfficeCode: caller.OfficeCode, SubjectOffice: caller.OfficeCode, Status: "PENDING"}); err != nil {
		return nil, err
	}
	return result(res)
}

// SettleAccessCodeRedemption is phase two: it compares the committed pending
// attempt of accessingOffice with the stored code hash (constant time). A
// match grants access and clears the failure count; a mismatch leaves the
// failure RedeemAccessCode counted (locked after five). Either way the
// attempt is deleted. Callable by the accessing office or the owner; it must
// be endorsed by the owner's peer only, which alone reads the attempt.
func (c *Contract) SettleAccessCodeRedemption(ctx contractapi.TransactionContextInterface, filingID, accessingOffice string) (*RedemptionResult, error) {
	t, caller, err := c.beginAsActiveOffice(ctx)
	if err != nil {
		return nil, err
	}
	ref, err := parseFilingID(filingID)
	if err != nil {
		return nil, err
	}
	if err := priority.ValidateOfficeCode(accessingOffice); err != nil {
		return nil, err
	}
	f, err := t.requireFiling(ref)
	if err != nil {
		return nil, err
	}
	if caller.OfficeCode != f.OfficeCode && caller.OfficeCode != accessingOffice {
		return nil, errs.New(errs.NotAuthorized, "only %s or %s may settle this redemption of %s", accessingOffice, f.OfficeCode, f.ID)
	}
	if f.Status == filingWithdrawn {
		return nil, errs.New(errs.DocumentUnavailable, "first filing %s has been withdrawn", f.ID)
	}
	owner, err := t.requireOffice(f.OfficeCode)
	if err != nil {
		return nil, err
	}
	a, err := t.loadAccess(ref)
	if err != nil {
		return nil, err
	}
	if cur, ok := a.find(accessingOffice); !ok || !cur.PendingAttempt {
		return nil, errs.New(errs.InvalidTransition, "office %s has no pending access-code attempt on %s", accessingOffice, f.ID)
	}
	stored, err := t.loadAccessCode(owner, ref)
	if err != nil {
		return nil, err
	}
	tryKey, err := t.key(kindAccessTry, append(ref.attrs(), accessingOffice)...)
	if err != nil {
		return nil, err
	}
	raw, err := t.getPrivate(implicitCollection(owner.MSPID), tryKey)
	if err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, errs.New(errs.InvalidTransition, "the pending attempt of office %s on %s is not recorded", accessingOffice, f.ID)
	}
	var try accessAttemptRecord
	if err := decodeStored(raw, append(ref.attrs(), accessingOffice), &try); err != nil {
		return nil, err
	}
	if err := t.stub.DelPrivateData(implicitCollection(owner.MSPID), tryKey); err != nil {
		return nil, errs.Internalf("deleting private data: %v", err)
	}

	e := a.entry(accessingOffice)
	e.PendingAttempt, e.PendingAttemptAt = false, ""
	res := RedemptionResult{FilingID: f.ID, OfficeCode: accessingOffice}
	eventName, status := "AccessGranted", grantActive
	want := hashAttempt(try.Salt, stored.CodeHash)
	match := subtle.ConstantTimeCompare([]byte(try.AttemptHash), []byte(want)) == 1
	if match && try.CodeVersion == stored.CodeVersion {
		e.Grant, e.Route, e.GrantedAt, e.RevokedAt, e.RevocationReason, e.RevokedCodeVersion = grantActive, routeAccessCode, t.now, "", "", 0
		e.FailedAttempts, e.Locked, e.LockedAt = 0, false, ""
		res.Result = resultGranted
	} else {
		eventName, status = "AccessCodeRejected", "REJECTED"
		if e.Locked {
			status = "LOCKED"
		}
		res.Result = resultMismatch
	}
	res.FailedAttempts, res.Locked = e.FailedAttempts, e.Locked
	res.RemainingAttempts = max(0, maxFailedAttempts-e.FailedAttempts)
	a.UpdatedAt = t.now
	if err := t.putAccess(ref, a); err != nil {
		return nil, err
	}
	if err := t.emit(eventName, event{RecordType: recAccess, RecordID: f.ID, OfficeCode: caller.OfficeCode, SubjectOffice: accessingOffice, Status: status}); err != nil {
		return nil, err
	}
	return result(res)
}

func (t *txn) putAttempt(owner officeRecord, ref filingRef, office string, try accessAttemptRecord) error {
	key, err := t.key(kindAccessTry, append(ref.attrs(), office)...)
	if err != nil {
		return err
	}
	raw, err := marshal(try)
	if err != nil {
		return err
	}
	if err := t.stub.PutPrivateData(implicitCollection(owner.MSPID), key, raw); err != nil {
		return errs.Internalf("writing private data: %v", err)
	}
	return nil
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
			"this peer cannot read the access code of %s; endorse RedeemAccessCode and SettleAccessCodeRedemption only on %s's peer", ref.ID(), owner.MSPID)
	}
	var rec accessCodeRecord
	if err := decodeStored(raw, ref.attrs(), &rec); err != nil {
		return accessCodeRecord{}, err
	}
	return rec, nil
}

// GrantAccess is the direct route: the depositing office grants an office
// access on the applicant's instruction (DAS access-control list).
func (c *Contract) GrantAccess(ctx contractapi.TransactionContextInterface, filingID, accessingOffice string) (*AccessRecord, error) {
	t, caller, err := c.beginAsActiveOffice(ctx)
	if err != nil {
		return nil, err
	}
	f, err := t.ownedFiling(caller, filingID)
	if err != nil {
		return nil, err
	}
	if err := priority.ValidateOfficeCode(accessingOffice); err != nil {
		return nil, err
	}
	grantee, err := t.requireOffice(accessingOffice)
	if err != nil {
		return nil, err
	}
	switch {
	case grantee.Status != statusActive:
		return nil, errs.New(errs.OfficeSuspended, "office %s is suspended", grantee.OfficeCode)
	case grantee.OfficeCode == caller.OfficeCode:
		return nil, errs.New(errs.InvalidArgument, "office %s owns %s and needs no access", grantee.OfficeCode, f.ID)
	case !grantee.canAccess(priority.IPRight(f.IPRight)):
		return nil, errs.New(errs.RoleNotAllowed, "office %s has no accessing role for %s", grantee.OfficeCode, f.IPRight)
	case f.Status == filingWithdrawn:
		return nil, errs.New(errs.DocumentUnavailable, "first filing %s has been withdrawn", f.ID)
	}
	a, err := t.loadAccess(f.ref())
	if err != nil {
		return nil, err
	}
	e := a.entry(grantee.OfficeCode)
	if e.Grant == grantActive {
		return nil, errs.New(errs.AlreadyExists, "office %s already has access to %s", grantee.OfficeCode, f.ID)
	}
	e.Grant, e.Route, e.GrantedAt, e.RevokedAt, e.RevocationReason, e.RevokedCodeVersion = grantActive, routeDirectGrant, t.now, "", "", 0
	e.FailedAttempts, e.Locked, e.LockedAt = 0, false, ""
	return t.saveAccessChange(f, a, caller, grantee.OfficeCode, "AccessGranted", grantActive)
}

// RevokeAccess withdraws an office's grant. The current access code stops
// working for that office (RedeemAccessCode is refused until the owner grants
// again or sets a new code), and an attempt it has pending is voided: settled
// after the revocation it would otherwise grant access again.
func (c *Contract) RevokeAccess(ctx contractapi.TransactionContextInterface, filingID, accessingOffice, reason string) (*AccessRecord, error) {
	t, caller, err := c.beginAsActiveOffice(ctx)
	if err != nil {
		return nil, err
	}
	f, err := t.ownedFiling(caller, filingID)
	if err != nil {
		return nil, err
	}
	if err := priority.ValidateOfficeCode(accessingOffice); err != nil {
		return nil, err
	}
	if err := priority.CheckText("reason", reason, 1, maxReasonLen); err != nil {
		return nil, err
	}
	a, err := t.loadAccess(f.ref())
	if err != nil {
		return nil, err
	}
	if e, ok := a.find(accessingOffice); !ok || e.Grant != grantActive {
		return nil, errs.New(errs.NoGrant, "office %s has no active grant for %s", accessingOffice, f.ID)
	}
	e := a.entry(accessingOffice)
	e.Grant, e.RevokedAt, e.RevocationReason, e.RevokedCodeVersion = grantRevoked, t.now, reason, a.AccessCodeVersion
	if e.PendingAttempt {
		// The owner's own collection: this transaction is endorsed by the owner's peer anyway (SBE).
		tryKey, err := t.key(kindAccessTry, append(f.ref().attrs(), accessingOffice)...)
		if err != nil {
			return nil, err
		}
		if err := t.stub.DelPrivateData(implicitCollection(caller.MSPID), tryKey); err != nil {
			return nil, errs.Internalf("deleting private data: %v", err)
		}
		e.PendingAttempt, e.PendingAttemptAt = false, ""
	}
	return t.saveAccessChange(f, a, caller, accessingOffice, "AccessRevoked", grantRevoked)
}

// ResetAccessLock clears the failed-attempt counter of an office.
func (c *Contract) ResetAccessLock(ctx contractapi.TransactionContextInterface, filingID, accessingOffice string) (*AccessRecord, error) {
	t, caller, err := c.beginAsActiveOffice(ctx)
	if err != nil {
		return nil, err
	}
	f, err := t.ownedFiling(caller, filingID)
	if err != nil {
		return nil, err
	}
	if err := priority.ValidateOfficeCode(accessingOffice); err != nil {
		return nil, err
	}
	a, err := t.loadAccess(f.ref())
	if err != nil {
		return nil, err
	}
	if e, ok := a.find(accessingOffice); !ok || (!e.Locked && e.FailedAttempts == 0) {
		return nil, errs.New(errs.InvalidTransition, "office %s has no failed attempts on %s", accessingOffice, f.ID)
	}
	e := a.entry(accessingOffice)
	e.FailedAttempts, e.Locked, e.LockedAt = 0, false, ""
	return t.saveAccessChange(f, a, caller, accessingOffice, "AccessLockReset", e.Grant)
}

func (t *txn) saveAccessChange(f FirstFiling, a AccessRecord, caller officeRecord, subject, eventName, status string) (*AccessRecord, error) {
	a.UpdatedAt = t.now
	if err := t.putAccess(f.ref(), a); err != nil {
		return nil, err
	}
	if err := t.emit(eventName, event{RecordType: recAccess, RecordID: f.ID, OfficeCode: caller.OfficeCode, SubjectOffice: subject, Status: status}); err != nil {
		return nil, err
	}
	return result(a)
}

// GetAccessRecord returns the grants and counters of a document.
func (c *Contract) GetAccessRecord(ctx contractapi.TransactionContextInterface, filingID string) (*AccessRecord, error) {
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
	a, err := t.loadAccess(r)
	if err != nil {
		return nil, err
	}
	return result(a)
}
