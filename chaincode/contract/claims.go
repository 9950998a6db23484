package contract

import (
	"slices"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/ipledger/ipledger/chaincode/errs"
	"github.com/ipledger/ipledger/chaincode/priority"
)

// RecordPriorityClaim records a claim of a later application filed at the
// caller (the OSF) after checking it against the Paris Convention rules with
// the caller's calendar and restoration policy. Refused claims are errors and
// leave no record.
func (c *Contract) RecordPriorityClaim(ctx contractapi.TransactionContextInterface, claimJSON string) (*RecordedClaim, error) {
	t, caller, err := c.beginAsActiveOffice(ctx)
	if err != nil {
		return nil, err
	}
	var in claimInput
	if err := decodeStrict("claimJSON", []byte(claimJSON), &in); err != nil {
		return nil, err
	}
	later, laterDate, err := t.parseLater(caller, in.LaterApplication)
	if err != nil {
		return nil, err
	}
	if in.SequenceNumber < 1 || in.SequenceNumber > maxSequence {
		return nil, errs.New(errs.InvalidArgument, "sequenceNumber must be from 1 to %d", maxSequence)
	}
	prio, prioDate, prioRegistered, prioRecognised, err := t.parsePriority(in.Priority)
	if err != nil {
		return nil, err
	}
	// Cheap legal checks first, in the documented order.
	if !prioDate.Before(laterDate) {
		return nil, errs.New(errs.PriorityDateNotEarlier, "priority date %s is not earlier than the later filing date %s", prioDate, laterDate)
	}
	if _, err := priority.PeriodMonths(priority.IPRight(prio.IPRight), priority.IPRight(later.IPRight)); err != nil {
		return nil, err
	}

	claim := PriorityClaim{OfficeCode: caller.OfficeCode, LaterApplication: later, SequenceNumber: in.SequenceNumber, Priority: prio}
	ref := claim.ref()
	claim.ID = ref.ID()
	siblings, err := t.claimsOf(ref.Later, false)
	if err != nil {
		return nil, err
	}
	earliest := prioDate.String()
	for _, s := range siblings {
		if s.SequenceNumber == claim.SequenceNumber {
			return nil, errs.New(errs.AlreadyExists, "priority claim %s already exists", claim.ID)
		}
		if s.Status == claimWithdrawn {
			continue
		}
		if s.LaterApplication.FilingDate != later.FilingDate {
			return nil, errs.New(errs.InvalidArgument, "later application %s was recorded with filing date %s", ref.Later.ID(), s.LaterApplication.FilingDate)
		}
		if s.countsForEarliest() && s.Priority.FilingDate < earliest {
			earliest = s.Priority.FilingDate
		}
	}
	warnings, err := t.linkFirstFiling(&claim, prioRegistered)
	if err != nil {
		return nil, err
	}
	if !prioRecognised {
		warnings = append(warnings, warnUnrecognisedNumber)
		slices.Sort(warnings)
	}

	settings, err := t.loadSettings(caller.OfficeCode)
	if err != nil {
		return nil, err
	}
	cal, err := settings.calendar()
	if err != nil {
		return nil, err
	}
	rule := settings.restoration(priority.IPRight(later.IPRight))
	a, err := priority.AssessClaim(priority.IPRight(prio.IPRight), priority.IPRight(later.IPRight), prioDate, laterDate, cal, rule.Allowed)
	if err != nil {
		return nil, err
	}
	setDeadline(&claim, a.Deadline, rule.Allowed)
	claim.Timeliness, claim.Status = string(a.Timeliness), claimRecorded
	claim.Warnings = warnings
	claim.CreatedAt, claim.UpdatedAt = t.now, t.now

	if err := t.putClaim(ref, claim, caller); err != nil {
		return nil, err
	}
	idx, err := t.key(kindClaimByPrio, append([]string{prio.OfficeCode, prio.IPRight, prio.ApplicationNumberNormalised}, ref.attrs()...)...)
	if err != nil {
		return nil, err
	}
	if err := t.putJSON(idx, claim.ID); err != nil {
		return nil, err
	}
	if err := t.emit("PriorityClaimRecorded", event{RecordType: recClaim, RecordID: claim.ID, OfficeCode: caller.OfficeCode, SubjectOffice: prio.OfficeCode, Status: claim.Status}); err != nil {
		return nil, err
	}
	return result(RecordedClaim{Claim: claim, EarliestPriorityDate: earliest})
}

func setDeadline(c *PriorityClaim, d priority.Deadline, restorationAllowed bool) {
	c.PeriodMonths = d.Months
	c.NominalPeriodEnd, c.PeriodEnd = d.NominalPeriodEnd.String(), d.PeriodEnd.String()
	c.RestorationAvailable = restorationAllowed
	if restorationAllowed {
		c.NominalRestorationEnd, c.RestorationEnd = d.NominalRestorationEnd.String(), d.RestorationEnd.String()
	}
}

// parseLater validates the later application against the caller's formats.
func (t *txn) parseLater(caller officeRecord, in laterInput) (LaterApplication, priority.Date, error) {
	right, err := priority.ParseIPRight(in.IPRight)
	if err != nil {
		return LaterApplication{}, priority.Date{}, err
	}
	cat, err := priority.ParseCategory(in.ApplicationCategory)
	if err != nil {
		return LaterApplication{}, priority.Date{}, err
	}
	num, err := t.normaliseNumber(caller.OfficeCode, right, cat, in.ApplicationNumber)
	if err != nil {
		return LaterApplication{}, priority.Date{}, err
	}
	d, err := t.parsePastDate("later filingDate", in.FilingDate)
	if err != nil {
		return LaterApplication{}, priority.Date{}, err
	}
	return LaterApplication{
		ApplicationNumber: num.Raw, ApplicationNumberNormalised: num.Normalised,
		IPRight: string(right), ApplicationCategory: string(cat), FilingDate: d.String(),
	}, d, nil
}

// parsePriority validates the claimed earlier application. Its office need
// not be a consortium member: any Paris Union or WTO filing gives priority.
// Its number is checked with that office's patterns as advice only
// (recognised), so that office cannot refuse claims recorded by others.
func (t *txn) parsePriority(in priorityInput) (app PriorityApplication, filed priority.Date, registered, recognised bool, err error) {
	if err := priority.ValidateOfficeCode(in.OfficeCode); err != nil {
		return PriorityApplication{}, priority.Date{}, false, false, err
	}
	right, err := priority.ParseIPRight(in.IPRight)
	if err != nil {
		return PriorityApplication{}, priority.Date{}, false, false, err
	}
	cat, err := priority.ParseCategory(in.ApplicationCategory)
	if err != nil {
		return PriorityApplication{}, priority.Date{}, false, false, err
	}
	if _, registered, err = t.loadOffice(in.OfficeCode); err != nil {
		return PriorityApplication{}, priority.Date{}, false, false, err
	}
	num, recognised, err := t.normaliseCited(in.OfficeCode, right, cat, in.ApplicationNumber)
	if err != nil {
		return PriorityApplication{}, priority.Date{}, false, false, err
	}
	d, err := parseDateArg("priority filingDate", in.FilingDate)
	if err != nil {
		return PriorityApplication{}, priority.Date{}, false, false, err
	}
	return PriorityApplication{
		OfficeCode: in.OfficeCode, ApplicationNumber: num.Raw, ApplicationNumberNormalised: num.Normalised,
		IPRight: string(right), ApplicationCategory: string(cat), FilingDate: d.String(),
	}, d, registered, recognised, nil
}

// linkFirstFiling links the claim to the deposited first filing when there is
// one and collects the warnings for the examiner.
func (t *txn) linkFirstFiling(c *PriorityClaim, registered bool) ([]string, error) {
	warnings := []string{}
	if !registered {
		return append(warnings, warnExternalOffice), nil
	}
	p := c.Priority
	ref := filingRef{Office: p.OfficeCode, Right: priority.IPRight(p.IPRight), Number: p.ApplicationNumberNormalised}
	f, found, err := t.loadFiling(ref)
	if err != nil {
		return nil, err
	}
	if !found {
		warnings = append(warnings, warnNotOnLedger)
	} else {
		if f.FilingDate != p.FilingDate {
			return nil, errs.New(errs.DateMismatch, "priority filing date %s does not match first filing %s", p.FilingDate, f.ID)
		}
		c.FirstFilingID = f.ID
		if f.Status == filingWithdrawn {
			warnings = append(warnings, warnFirstFilingWithdrawn)
		}
	}
	// Paris Art. 4C(4): an application that itself claims an earlier one is
	// normally not the first application; the examiner decides.
	for _, r := range priority.AllIPRights {
		// Another office's claims only inform a warning: skip malformed ones
		// rather than let that office's records refuse this claim.
		claims, err := t.claimsOf(filingRef{Office: p.OfficeCode, Right: r, Number: p.ApplicationNumberNormalised}, true)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(claims, func(x PriorityClaim) bool { return x.Status != claimWithdrawn }) {
			warnings = append(warnings, warnNotFirstApplication)
			break
		}
	}
	slices.Sort(warnings)
	return warnings, nil
}

// claimsOf returns all claims of one later application, by sequence number;
// skipInvalid drops malformed records instead of failing.
func (t *txn) claimsOf(later filingRef, skipInvalid bool) ([]PriorityClaim, error) {
	out := []PriorityClaim{}
	err := t.iterateAll(kindClaim, later.attrs(), func(k string, v []byte) (bool, error) {
		var c PriorityClaim
		if err := t.decodeAt(k, v, &c); err != nil {
			if skipInvalid && isInvalidRecord(err) {
				return false, nil
			}
			return false, err
		}
		out = append(out, c)
		return false, nil
	})
	return out, err
}

// ownedClaim loads a claim by id and requires the caller to be its OSF.
func (t *txn) ownedClaim(caller officeRecord, id string) (claimRef, PriorityClaim, error) {
	ref, c, err := t.loadClaimRef(id)
	if err != nil {
		return claimRef{}, PriorityClaim{}, err
	}
	if ref.Later.Office != caller.OfficeCode {
		return claimRef{}, PriorityClaim{}, errs.New(errs.NotAuthorized, "priority claim %s belongs to office %s", ref.ID(), ref.Later.Office)
	}
	return ref, c, nil
}

func (t *txn) loadClaim(id string) (PriorityClaim, error) {
	_, c, err := t.loadClaimRef(id)
	return c, err
}

func (t *txn) loadClaimRef(id string) (claimRef, PriorityClaim, error) {
	ref, err := parseClaimID(id)
	if err != nil {
		return claimRef{}, PriorityClaim{}, err
	}
	var c PriorityClaim
	found, err := t.load(kindClaim, ref.attrs(), &c)
	if err != nil {
		return claimRef{}, PriorityClaim{}, err
	}
	if !found {
		return claimRef{}, PriorityClaim{}, errs.New(errs.NotFound, "priority claim %s does not exist", ref.ID())
	}
	return ref, c, nil
}

// putClaim stores a claim under the key named by ref (the validated claim
// id, never the stored record) and the policy "the OSF and a majority of the
// ACTIVE offices": other offices rely on its timeliness and status, which
// every endorsing peer recomputes or checks from ledger data and arguments.
func (t *txn) putClaim(ref claimRef, c PriorityClaim, caller officeRecord) error {
	active, err := t.activeMSPs()
	if err != nil {
		return err
	}
	key, err := t.key(kindClaim, ref.attrs()...)
	if err != nil {
		return err
	}
	if err := t.putJSON(key, c); err != nil {
		return err
	}
	return t.setPolicy(key, ownerAndMajority(caller.MSPID, active))
}

// saveClaimChange stores a changed claim under the key it was read from.
func (t *txn) saveClaimChange(ref claimRef, c PriorityClaim, caller officeRecord) (*PriorityClaim, error) {
	c.UpdatedAt = t.now
	if err := t.putClaim(ref, c, caller); err != nil {
		return nil, err
	}
	if err := t.emit("PriorityClaimChanged", event{RecordType: recClaim, RecordID: ref.ID(), OfficeCode: caller.OfficeCode, SubjectOffice: c.Priority.OfficeCode, Status: c.Status}); err != nil {
		return nil, err
	}
	return result(c)
}

// RequestRestoration records the applicant's request to restore the right of
// priority of a late (LATE_RESTORABLE) claim.
func (c *Contract) RequestRestoration(ctx contractapi.TransactionContextInterface, claimID, criterion, requestDate string) (*PriorityClaim, error) {
	t, caller, err := c.beginAsActiveOffice(ctx)
	if err != nil {
		return nil, err
	}
	ref, claim, err := t.ownedClaim(caller, claimID)
	if err != nil {
		return nil, err
	}
	crit, err := priority.ParseCriterion(criterion)
	if err != nil {
		return nil, err
	}
	reqDate, err := t.parsePastDate("requestDate", requestDate)
	if err != nil {
		return nil, err
	}
	if reqDate.String() < claim.LaterApplication.FilingDate {
		return nil, errs.New(errs.InvalidDate, "requestDate %s is before the later filing date %s", reqDate, claim.LaterApplication.FilingDate)
	}
	if claim.Status != claimRecorded || claim.Timeliness != string(priority.LateRestorable) {
		return nil, errs.New(errs.InvalidTransition, "priority claim %s is %s/%s; only RECORDED late claims can be restored", claim.ID, claim.Status, claim.Timeliness)
	}
	settings, err := t.loadSettings(caller.OfficeCode)
	if err != nil {
		return nil, err
	}
	rule := settings.restoration(priority.IPRight(claim.LaterApplication.IPRight))
	if !rule.Allowed || !slices.Contains(rule.Criteria, string(crit)) {
		return nil, errs.New(errs.RestorationNotAvailable, "office %s does not restore priority for %s on the %s criterion", caller.OfficeCode, claim.LaterApplication.IPRight, crit)
	}
	if claim.RestorationEnd == "" || reqDate.String() > claim.RestorationEnd {
		return nil, errs.New(errs.RestorationNotAvailable, "the restoration request of %s is later than the restoration deadline %s", reqDate, claim.RestorationEnd)
	}
	claim.Status = claimRestorationRequested
	claim.Restoration = Restoration{Criterion: string(crit), RequestDate: reqDate.String(), RequestedAt: t.now}
	return t.saveClaimChange(ref, claim, caller)
}

// DecideRestoration records the OSF's decision on a restoration request.
func (c *Contract) DecideRestoration(ctx contractapi.TransactionContextInterface, claimID, decision string) (*PriorityClaim, error) {
	t, caller, err := c.beginAsActiveOffice(ctx)
	if err != nil {
		return nil, err
	}
	ref, claim, err := t.ownedClaim(caller, claimID)
	if err != nil {
		return nil, err
	}
	var next string
	switch decision {
	case "GRANTED":
		next = claimRestored
	case "REFUSED":
		next = claimRestorationRefused
	default:
		return nil, errs.New(errs.InvalidArgument, "decision must be GRANTED or REFUSED")
	}
	if claim.Status != claimRestorationRequested {
		return nil, errs.New(errs.InvalidTransition, "priority claim %s is %s, not RESTORATION_REQUESTED", claim.ID, claim.Status)
	}
	claim.Status, claim.Restoration.Decision, claim.Restoration.DecidedAt = next, decision, t.now
	return t.saveClaimChange(ref, claim, caller)
}

// WithdrawPriorityClaim withdraws a claim (kept on record as WITHDRAWN).
func (c *Contract) WithdrawPriorityClaim(ctx contractapi.TransactionContextInterface, claimID string) (*PriorityClaim, error) {
	t, caller, err := c.beginAsActiveOffice(ctx)
	if err != nil {
		return nil, err
	}
	ref, claim, err := t.ownedClaim(caller, claimID)
	if err != nil {
		return nil, err
	}
	if claim.Status == claimWithdrawn {
		return nil, errs.New(errs.InvalidTransition, "priority claim %s is already withdrawn", claim.ID)
	}
	claim.Status = claimWithdrawn
	return t.saveClaimChange(ref, claim, caller)
}
