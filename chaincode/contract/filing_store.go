package contract

import (
	"regexp"
	"strings"

	"github.com/ipledger/ipledger/chaincode/errs"
	"github.com/ipledger/ipledger/chaincode/priority"
)

func (t *txn) loadFiling(r filingRef) (FirstFiling, bool, error) {
	var f FirstFiling
	found, err := t.load(kindFiling, r.attrs(), &f)
	return f, found, err
}

func (t *txn) requireFiling(r filingRef) (FirstFiling, error) {
	f, found, err := t.loadFiling(r)
	if err != nil {
		return FirstFiling{}, err
	}
	if !found {
		return FirstFiling{}, errs.New(errs.NotFound, "first filing %s does not exist", r.ID())
	}
	return f, nil
}

// ownedFiling loads a filing by id and requires the caller to own it.
func (t *txn) ownedFiling(caller officeRecord, filingID string) (FirstFiling, error) {
	r, err := parseFilingID(filingID)
	if err != nil {
		return FirstFiling{}, err
	}
	f, err := t.requireFiling(r)
	if err != nil {
		return FirstFiling{}, err
	}
	if f.OfficeCode != caller.OfficeCode {
		return FirstFiling{}, errs.New(errs.NotAuthorized, "first filing %s belongs to office %s", f.ID, f.OfficeCode)
	}
	return f, nil
}

// putFiling stores the public record of a filing under the policy "the
// owner and a majority of the ACTIVE offices": claims and retrievals of other
// offices rely on its date, document hash and status.
func (t *txn) putFiling(f FirstFiling, ownerMSP string, active []string) error {
	key, err := t.key(kindFiling, f.ref().attrs()...)
	if err != nil {
		return err
	}
	if err := t.putJSON(key, f); err != nil {
		return err
	}
	return t.setPolicy(key, ownerAndMajority(ownerMSP, active))
}

// filingView is a filing as transactions return it: the stored public
// record with the owner's confidential commitment merged in (its
// confidentialHash and, when later, its time as updatedAt).
func (t *txn) filingView(f FirstFiling) (FirstFiling, error) {
	var c confidentialCommitment
	found, err := t.load(kindConfidentialHash, f.ref().attrs(), &c)
	if err != nil || !found { // not found: a filing deposited before commitments existed
		return f, err
	}
	f.ConfidentialHash = c.ConfidentialHash
	if c.UpdatedAt > f.UpdatedAt { // both RFC 3339 UTC with seconds: text order is time order
		f.UpdatedAt = c.UpdatedAt
	}
	return f, nil
}

// requireFilingView loads a filing for display.
func (t *txn) requireFilingView(r filingRef) (FirstFiling, error) {
	f, err := t.requireFiling(r)
	if err != nil {
		return FirstFiling{}, err
	}
	return t.filingView(f)
}

func (t *txn) loadAccess(r filingRef) (AccessRecord, error) {
	var a AccessRecord
	found, err := t.load(kindAccess, r.attrs(), &a)
	if err != nil {
		return AccessRecord{}, err
	}
	if !found {
		return AccessRecord{}, errs.New(errs.NotFound, "access record of %s does not exist", r.ID())
	}
	return a, nil
}

func (t *txn) putAccess(r filingRef, a AccessRecord) error {
	key, err := t.key(kindAccess, r.attrs()...)
	if err != nil {
		return err
	}
	return t.putJSON(key, a)
}

// normaliseNumber validates an application number of office `code` with that
// office's patterns when it is registered, else with the generic rule.
func (t *txn) normaliseNumber(code string, right priority.IPRight, cat priority.Category, raw string) (priority.ApplicationNumber, error) {
	_, registered, err := t.loadOffice(code)
	if err != nil {
		return priority.ApplicationNumber{}, err
	}
	var s settingsRecord
	if registered {
		if s, err = t.loadSettings(code); err != nil {
			return priority.ApplicationNumber{}, err
		}
	}
	pats, err := s.patterns(right)
	if err != nil {
		return priority.ApplicationNumber{}, err
	}
	return priority.NormaliseApplicationNumber(code, cat, raw, pats)
}

// normaliseCited validates a number of office `code` cited by another office
// (the priority application of a claim, or a lookup of the claims citing
// it). The cited office's patterns only advise: when they exist and none
// matches, or they cannot be read, the number is normalised by the generic
// rule and recognised is false.
func (t *txn) normaliseCited(code string, right priority.IPRight, cat priority.Category, raw string) (n priority.ApplicationNumber, recognised bool, err error) {
	_, registered, err := t.loadOffice(code)
	if err != nil {
		return priority.ApplicationNumber{}, false, err
	}
	var pats []*regexp.Regexp
	readable := true
	if registered {
		s, err := t.loadSettings(code)
		switch {
		case isInvalidRecord(err): // that office's malformed settings must not refuse this number either
			readable = false
		case err != nil:
			return priority.ApplicationNumber{}, false, err
		default:
			if pats, err = s.patterns(right); err != nil {
				return priority.ApplicationNumber{}, false, err
			}
		}
	}
	n, recognised, err = priority.NormaliseCitedNumber(code, cat, raw, pats)
	return n, recognised && readable, err
}

// guessCategory lets lookups accept PCT numbers without naming the category.
func guessCategory(raw string) priority.Category {
	if s := strings.TrimSpace(raw); len(s) >= 4 && strings.EqualFold(s[:4], "PCT/") { // no copy of raw
		return priority.International
	}
	return priority.National
}

// requireTransient returns the transient map after checking that it holds
// exactly the allowed keys (none when allowed is empty).
func (t *txn) requireTransient(allowed ...string) (map[string][]byte, error) {
	tm, err := t.stub.GetTransient()
	if err != nil {
		return nil, errs.Internalf("reading transient data: %v", err)
	}
	if len(tm) > maxTransient {
		return nil, errs.New(errs.InvalidArgument, "transient data has more than %d keys", maxTransient)
	}
	for k, v := range tm {
		if len(k)+len(v) > maxTransientKV {
			return nil, errs.New(errs.InvalidArgument, "transient %s exceeds %d bytes", clipArg(k), maxTransientKV)
		}
	}
	for k := range tm {
		ok := false
		for _, a := range allowed {
			ok = ok || k == a
		}
		if !ok {
			if len(allowed) == 0 {
				return nil, errs.New(errs.InvalidArgument, "this transaction takes no transient data")
			}
			return nil, errs.New(errs.InvalidArgument, "unexpected transient key %q", clipArg(k))
		}
	}
	for _, a := range allowed {
		if _, ok := tm[a]; !ok {
			return nil, errs.New(errs.InvalidArgument, "transient key %q is required", a)
		}
	}
	return tm, nil
}
