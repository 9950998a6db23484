package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/ipledger/ipledger/chaincode/errs"
	"github.com/ipledger/ipledger/chaincode/priority"
)

// A member running modified chaincode can store anything under the keys its
// peer alone endorses (access record, confidential commitment, private data),
// and colluding members or an earlier chaincode version (owner-only policies)
// could have written any other key. Every record read from the ledger is
// therefore decoded strictly and checked against the key it was read from
// before any code relies on it: a malformed record becomes an INTERNAL error,
// never a panic and never a write to a key named by the record's own content.

// maxStoredRecord bounds a stored value before it is decoded (the largest
// legitimate record, an access record with every office, is far smaller).
const maxStoredRecord = 4 << 20

// invalidRecord marks an error about the content of a stored record (as
// opposed to a failing ledger read), so that listings can skip the record.
type invalidRecord struct{ err *errs.Error }

func (e *invalidRecord) Error() string { return e.err.Error() }
func (e *invalidRecord) Unwrap() error { return e.err }

func isInvalidRecord(err error) bool {
	var ir *invalidRecord
	return errors.As(err, &ir)
}

func badRecord(format string, args ...any) error {
	return &invalidRecord{err: errs.Internalf(format, args...)}
}

// stored is a record kept in world state or private data.
type stored interface {
	// check verifies the decoded record against the attributes of its key.
	check(key []string) error
}

// decodeStored decodes one stored value: exactly one JSON object of the
// record's shape, no unknown fields, no trailing data, then check.
func decodeStored(raw []byte, key []string, v stored) error {
	if len(raw) > maxStoredRecord {
		return badRecord("stored record %s exceeds %d bytes", keyName(key), maxStoredRecord)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRecord("stored record %s cannot be decoded: %s", keyName(key), jsonProblem(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRecord("stored record %s has trailing data", keyName(key))
	}
	return v.check(key)
}

// keyName renders key attributes for messages, bounded.
func keyName(key []string) string { return clipArg(strings.Join(key, ":")) }

// load reads the record under a composite key; found is false when there is none.
func (t *txn) load(kind string, attrs []string, v stored) (found bool, err error) {
	key, err := t.key(kind, attrs...)
	if err != nil {
		return false, err
	}
	raw, err := t.stub.GetState(key)
	if err != nil {
		return false, errs.Internalf("reading state: %v", err)
	}
	if raw == nil {
		return false, nil
	}
	return true, decodeStored(raw, attrs, v)
}

// decodeAt decodes a value met while iterating, checking it against its own key.
func (t *txn) decodeAt(compositeKey string, raw []byte, v stored) error {
	_, attrs, err := t.stub.SplitCompositeKey(compositeKey)
	if err != nil {
		return errs.Internalf("splitting key: %v", err)
	}
	return decodeStored(raw, attrs, v)
}

// fieldCheck records the first invalid field of a stored record.
type fieldCheck struct {
	what string
	key  []string
	bad  string
}

func checking(what string, key []string) *fieldCheck { return &fieldCheck{what: what, key: key} }

// ok notes field as invalid unless valid holds.
func (c *fieldCheck) ok(field string, valid bool) {
	if !valid && c.bad == "" {
		c.bad = field
	}
}

func (c *fieldCheck) err() error {
	if c.bad == "" {
		return nil
	}
	return badRecord("stored %s %s is invalid: field %s", c.what, keyName(c.key), c.bad)
}

// keyIs checks the number of key attributes (a record under a foreign key shape is refused).
func (c *fieldCheck) keyIs(n int) bool {
	c.ok("key", len(c.key) == n)
	return len(c.key) == n
}

func isOfficeCode(s string) bool { return priority.ValidateOfficeCode(s) == nil }

func isIPRight(s string) bool {
	_, err := priority.ParseIPRight(s)
	return err == nil
}

func isCategory(s string) bool {
	c, err := priority.ParseCategory(s)
	return err == nil && string(c) == s
}

func isDate(s string) bool {
	_, err := priority.ParseDate(s)
	return err == nil
}

func isOptDate(s string) bool { return s == "" || isDate(s) }

// isStamp accepts the contract's timestamps: RFC 3339 UTC with seconds.
func isStamp(s string) bool {
	at, err := time.Parse(time.RFC3339, s)
	return err == nil && at.UTC().Format(time.RFC3339) == s
}

func isOptStamp(s string) bool { return s == "" || isStamp(s) }

func isSHA256(s string) bool {
	h, err := priority.CheckSHA256("", s)
	return err == nil && h == s
}

func isNormalised(s string) bool {
	return s != "" && len(s) <= priority.MaxNormalisedNumberLen && isAlnumUpper(s)
}

func isText(s string, min, max int) bool { return priority.ValidText(s, min, max) }

func isOptText(s string, max int) bool { return s == "" || isText(s, 1, max) }

func isHex(s string, min, max int) bool { return priority.CheckHex("", s, min, max) == nil }

func oneOf(s string, values ...string) bool { return slices.Contains(values, s) }

// isCanonicalRights accepts a set of IP rights in canonical order without duplicates.
func isCanonicalRights(in []string) bool {
	out, err := priority.CanonicalIPRights(in)
	return err == nil && slices.Equal(toStrings(out), in)
}

// isSortedCodes accepts distinct office codes in ascending order.
func isSortedCodes(codes []string) bool {
	for i, c := range codes {
		if !isOfficeCode(c) || (i > 0 && codes[i-1] >= c) {
			return false
		}
	}
	return true
}

func (b mspBinding) check(key []string) error {
	c := checking("MSP binding", key)
	if c.keyIs(1) {
		c.ok("mspId", priority.CheckMSPID(key[0]) == nil)
	}
	c.ok("officeCode", isOfficeCode(b.OfficeCode))
	return c.err()
}

func (o officeRecord) check(key []string) error {
	c := checking("office", key)
	if c.keyIs(1) {
		c.ok("officeCode", o.OfficeCode == key[0] && isOfficeCode(o.OfficeCode))
	}
	c.ok("mspId", priority.CheckMSPID(o.MSPID) == nil)
	c.ok("name", isText(o.Name, 1, maxNameLen))
	c.ok("status", oneOf(o.Status, statusActive, statusSuspended))
	c.ok("roles", isCanonicalRights(o.Roles.Depositing) && isCanonicalRights(o.Roles.Accessing))
	c.ok("createdAt", isStamp(o.CreatedAt))
	c.ok("updatedAt", isStamp(o.UpdatedAt))
	return c.err()
}

// check re-validates settings with the rules that held when they were set;
// the stricter rules for new number patterns (§2.1) apply only on update so
// that settings stored before them stay readable.
func (s settingsRecord) check(key []string) error {
	c := checking("office settings", key)
	if c.keyIs(1) {
		c.ok("officeCode", s.OfficeCode == key[0] && isOfficeCode(s.OfficeCode))
	}
	cal, err := priority.NewCalendar(s.Calendar.ClosedWeekdays, s.Calendar.ClosedDates)
	c.ok("calendar", err == nil && slices.Equal(cal.ClosedWeekdays(), s.Calendar.ClosedWeekdays) &&
		slices.Equal(cal.ClosedDates(), s.Calendar.ClosedDates))
	last := -1
	for _, p := range s.ApplicationNumberPatterns {
		r, err := priority.ParseIPRight(p.IPRight)
		_, compileErr := priority.CompilePatterns(p.Patterns)
		c.ok("applicationNumberPatterns", err == nil && r.Rank() > last && compileErr == nil)
		last = r.Rank()
	}
	c.ok("restorationPolicy", len(s.RestorationPolicy) == len(priority.AllIPRights))
	for i, rr := range s.RestorationPolicy {
		if i >= len(priority.AllIPRights) {
			break
		}
		crit, err := priority.CanonicalCriteria(rr.Criteria)
		c.ok("restorationPolicy", rr.IPRight == string(priority.AllIPRights[i]) && err == nil &&
			slices.Equal(toStrings(crit), rr.Criteria) && rr.Allowed == (len(crit) > 0))
	}
	c.ok("settingsVersion", s.SettingsVersion >= 1)
	c.ok("settingsUpdatedAt", isStamp(s.SettingsUpdatedAt))
	return c.err()
}

func (r openProposalRef) check(key []string) error {
	c := checking("open-proposal index", key)
	c.ok("proposalId", validProposalID(r.ProposalID))
	return c.err()
}

func (p Proposal) check(key []string) error {
	c := checking("proposal", key)
	if c.keyIs(1) {
		c.ok("id", p.ID == key[0] && validProposalID(p.ID))
	}
	_, known := appliedEvents[p.Action]
	c.ok("action", known)
	c.ok("officeCode", isOfficeCode(p.OfficeCode))
	if p.Action == actionAdd {
		c.ok("mspId", priority.CheckMSPID(p.MSPID) == nil)
		c.ok("name", isText(p.Name, 1, maxNameLen))
	} else {
		c.ok("mspId", p.MSPID == "")
		c.ok("name", p.Name == "")
	}
	c.ok("roles", isCanonicalRights(p.Roles.Depositing) && isCanonicalRights(p.Roles.Accessing))
	c.ok("reason", isOptText(p.Reason, maxReasonLen))
	c.ok("proposedBy", isOfficeCode(p.ProposedBy))
	c.ok("approvals", len(p.Approvals) > 0 && isSortedCodes(p.Approvals))
	c.ok("status", oneOf(p.Status, proposalOpen, proposalApplied, proposalWithdrawn, proposalExpired))
	c.ok("expiresAt", isStamp(p.ExpiresAt))
	c.ok("createdAt", isStamp(p.CreatedAt))
	c.ok("updatedAt", isStamp(p.UpdatedAt))
	c.ok("closedAt", (p.Status == proposalOpen) == (p.ClosedAt == "") && isOptStamp(p.ClosedAt))
	return c.err()
}

// checkFilingKey compares a record's filing identity with its key.
func checkFilingKey(c *fieldCheck, key []string, id, office, right, number string) {
	c.ok("id", id == office+":"+right+":"+number)
	c.ok("officeCode", office == key[0] && isOfficeCode(office))
	c.ok("ipRight", right == key[1] && isIPRight(right))
	c.ok("number", number == key[2] && isNormalised(number))
}

func (f FirstFiling) check(key []string) error {
	c := checking("first filing", key)
	if c.keyIs(3) {
		checkFilingKey(c, key, f.ID, f.OfficeCode, f.IPRight, f.ApplicationNumberNormalised)
	}
	c.ok("applicationCategory", isCategory(f.ApplicationCategory))
	c.ok("applicationNumber", isText(f.ApplicationNumber, 1, priority.MaxApplicationNumberLen))
	c.ok("filingDate", isDate(f.FilingDate))
	c.ok("documentSha256", isSHA256(f.DocumentSHA256))
	c.ok("documentFormat", checkDocumentFormat(f.DocumentFormat) == nil)
	c.ok("version", f.Version >= 1)
	c.ok("status", oneOf(f.Status, filingAvailable, filingPublished, filingWithdrawn))
	c.ok("publicationDate", isOptDate(f.PublicationDate))
	c.ok("confidentialHash", f.ConfidentialHash == "" || isSHA256(f.ConfidentialHash))
	c.ok("lastChangeReason", isOptText(f.LastChangeReason, maxReasonLen))
	c.ok("depositedAt", isStamp(f.DepositedAt))
	c.ok("updatedAt", isStamp(f.UpdatedAt))
	return c.err()
}

func (a AccessRecord) check(key []string) error {
	c := checking("access record", key)
	if c.keyIs(3) {
		c.ok("filingId", a.FilingID == strings.Join(key, ":"))
		c.ok("ownerOffice", a.OwnerOffice == key[0])
	}
	c.ok("accessCodeVersion", a.AccessCodeVersion >= 0 && a.AccessCodeSet == (a.AccessCodeVersion > 0))
	c.ok("accessCodeSetAt", isOptStamp(a.AccessCodeSetAt) && a.AccessCodeSet == (a.AccessCodeSetAt != ""))
	for i, e := range a.Offices {
		// Entries are looked up by binary search: sorted, distinct, never the owner.
		c.ok("offices", isOfficeCode(e.OfficeCode) && e.OfficeCode != a.OwnerOffice &&
			(i == 0 || a.Offices[i-1].OfficeCode < e.OfficeCode))
		c.ok("offices.grant", oneOf(e.Grant, grantNone, grantActive, grantRevoked))
		c.ok("offices.route", oneOf(e.Route, "", routeAccessCode, routeDirectGrant))
		c.ok("offices.grantedAt", isOptStamp(e.GrantedAt))
		c.ok("offices.revokedAt", isOptStamp(e.RevokedAt))
		c.ok("offices.revocationReason", isOptText(e.RevocationReason, maxReasonLen))
		c.ok("offices.revokedCodeVersion", e.RevokedCodeVersion >= 0 && e.RevokedCodeVersion <= a.AccessCodeVersion &&
			(e.Grant == grantRevoked || e.RevokedCodeVersion == 0))
		c.ok("offices.failedAttempts", e.FailedAttempts >= 0 && e.FailedAttempts <= maxFailedAttempts)
		c.ok("offices.lockedAt", isOptStamp(e.LockedAt) && e.Locked == (e.LockedAt != ""))
		c.ok("offices.pendingAttemptAt", isOptStamp(e.PendingAttemptAt) && e.PendingAttempt == (e.PendingAttemptAt != ""))
	}
	c.ok("updatedAt", isStamp(a.UpdatedAt))
	return c.err()
}

func (r Retrieval) check(key []string) error {
	c := checking("retrieval", key)
	if c.keyIs(4) {
		c.ok("id", r.ID == strings.Join(key, ":") && validStampedID(key[3]))
		c.ok("filingId", r.FilingID == strings.Join(key[:3], ":"))
		c.ok("ownerOffice", r.OwnerOffice == key[0])
	}
	c.ok("requestingOffice", isOfficeCode(r.RequestingOffice) && r.RequestingOffice != r.OwnerOffice)
	c.ok("grantRoute", oneOf(r.GrantRoute, routeAccessCode, routeDirectGrant))
	c.ok("documentVersion", r.DocumentVersion >= 1)
	c.ok("expectedSha256", isSHA256(r.ExpectedSHA256))
	c.ok("status", oneOf(r.Status, retrievalPending, retrievalSuccess, retrievalError))
	c.ok("receivedSha256", r.ReceivedSHA256 == "" || isSHA256(r.ReceivedSHA256))
	c.ok("errorCode", r.ErrorCode == "" || r.ErrorCode == string(errs.HashMismatch) || slices.Contains(failureReasons, r.ErrorCode))
	c.ok("errorMessage", isOptText(r.ErrorMessage, maxReasonLen))
	c.ok("requestedAt", isStamp(r.RequestedAt))
	c.ok("completedAt", isOptStamp(r.CompletedAt) && (r.Status == retrievalPending) == (r.CompletedAt == ""))
	return c.err()
}

func (cl PriorityClaim) check(key []string) error {
	c := checking("priority claim", key)
	later, prio := cl.LaterApplication, cl.Priority
	if c.keyIs(4) {
		// The key, not the record, decides which claim this is (finding 2 of issue 9).
		c.ok("sequenceNumber", cl.SequenceNumber >= 1 && cl.SequenceNumber <= maxSequence && seqKey(cl.SequenceNumber) == key[3])
		c.ok("id", cl.ID == strings.Join(key[:3], ":")+":"+itoa(cl.SequenceNumber))
		checkFilingKey(c, key, strings.Join(key[:3], ":"), cl.OfficeCode, later.IPRight, later.ApplicationNumberNormalised)
	}
	c.ok("laterApplication.applicationNumber", isText(later.ApplicationNumber, 1, priority.MaxApplicationNumberLen))
	c.ok("laterApplication.applicationCategory", isCategory(later.ApplicationCategory))
	c.ok("laterApplication.filingDate", isDate(later.FilingDate))
	c.ok("priority.officeCode", isOfficeCode(prio.OfficeCode))
	c.ok("priority.applicationNumber", isText(prio.ApplicationNumber, 1, priority.MaxApplicationNumberLen))
	c.ok("priority.applicationNumberNormalised", isNormalised(prio.ApplicationNumberNormalised))
	c.ok("priority.ipRight", isIPRight(prio.IPRight))
	c.ok("priority.applicationCategory", isCategory(prio.ApplicationCategory))
	c.ok("priority.filingDate", isDate(prio.FilingDate) && prio.FilingDate < later.FilingDate)
	c.ok("firstFilingId", cl.FirstFilingID == "" ||
		cl.FirstFilingID == prio.OfficeCode+":"+prio.IPRight+":"+prio.ApplicationNumberNormalised)
	c.ok("periodMonths", cl.PeriodMonths == 6 || cl.PeriodMonths == 12)
	c.ok("nominalPeriodEnd", isDate(cl.NominalPeriodEnd))
	c.ok("periodEnd", isDate(cl.PeriodEnd))
	c.ok("restorationEnd", cl.RestorationAvailable == (cl.RestorationEnd != "") &&
		isOptDate(cl.RestorationEnd) && isOptDate(cl.NominalRestorationEnd))
	c.ok("timeliness", oneOf(cl.Timeliness, string(priority.InTime), string(priority.LateRestorable)))
	c.ok("status", oneOf(cl.Status, claimRecorded, claimRestorationRequested, claimRestored, claimRestorationRefused, claimWithdrawn))
	rs := cl.Restoration
	c.ok("restoration", oneOf(rs.Criterion, "", string(priority.DueCare), string(priority.Unintentional)) &&
		isOptDate(rs.RequestDate) && isOptStamp(rs.RequestedAt) &&
		oneOf(rs.Decision, "", "GRANTED", "REFUSED") && isOptStamp(rs.DecidedAt))
	c.ok("warnings", slices.IsSorted(cl.Warnings) && !slices.ContainsFunc(cl.Warnings, func(w string) bool {
		return !slices.Contains(claimWarnings, w)
	}))
	c.ok("createdAt", isStamp(cl.CreatedAt))
	c.ok("updatedAt", isStamp(cl.UpdatedAt))
	return c.err()
}

func (r accessCodeRecord) check(key []string) error {
	c := checking("access code", key)
	if c.keyIs(3) {
		c.ok("filingId", r.FilingID == strings.Join(key, ":"))
	}
	c.ok("salt", isHex(r.Salt, priority.MinSaltLen, priority.MaxSaltLen))
	c.ok("codeHash", isSHA256(r.CodeHash))
	c.ok("codeVersion", r.CodeVersion >= 1)
	return c.err()
}

func (r accessAttemptRecord) check(key []string) error {
	c := checking("access-code attempt", key)
	if c.keyIs(4) {
		c.ok("filingId", r.FilingID == strings.Join(key[:3], ":"))
		c.ok("officeCode", r.OfficeCode == key[3] && isOfficeCode(r.OfficeCode))
	}
	c.ok("codeVersion", r.CodeVersion >= 1)
	c.ok("salt", isHex(r.Salt, 32, 32))
	c.ok("attemptHash", isSHA256(r.AttemptHash))
	c.ok("attemptedAt", isStamp(r.AttemptedAt))
	c.ok("txId", isHex(r.TxID, 1, maxTxIDLen))
	return c.err()
}

func (r FilingConfidential) check(key []string) error {
	c := checking("confidential data", key)
	if c.keyIs(3) {
		c.ok("filingId", r.FilingID == strings.Join(key, ":"))
	}
	c.ok("content", validateConfidential(confidentialInput{Salt: r.Salt, Title: r.Title, Applicants: r.Applicants, Contact: r.Contact}) == nil)
	return c.err()
}

func (r confidentialCommitment) check(key []string) error {
	c := checking("confidential commitment", key)
	if c.keyIs(3) {
		c.ok("filingId", r.FilingID == strings.Join(key, ":"))
	}
	c.ok("confidentialHash", r.ConfidentialHash == "" || isSHA256(r.ConfidentialHash))
	c.ok("updatedAt", isStamp(r.UpdatedAt))
	return c.err()
}
