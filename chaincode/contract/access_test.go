package contract

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ipledger/ipledger/chaincode/errs"
)

func redeemArgs() []string { return []string{"JP", "PATENT", "JP 2024-012345", "2024-03-15"} }

// redeem runs both phases like the Python API: the attempt, then its
// settlement, both endorsed by the owner's peer. It returns the settlement.
func (h *harness) redeem(msp, code string) (RedemptionResult, string) {
	h.t.Helper()
	var p RedemptionResult
	decode(h.t, h.mustWith(msp, redeemOpts(h.t, code, jpMSP), "RedeemAccessCode", redeemArgs()...), &p)
	if p.Result != "ATTEMPT_PENDING" {
		h.t.Fatalf("attempt: %+v", p)
	}
	res := h.mustWith(msp, opts{peer: jpMSP}, "SettleAccessCodeRedemption", jpFilingID, officeOf(msp))
	var r RedemptionResult
	decode(h.t, res, &r)
	return r, res
}

const jpFilingID = "JP:PATENT:2024012345"

func officeOf(msp string) string { return strings.TrimSuffix(msp, "MSP") }

func TestRedeemingTheRightCodeGrantsAccess(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := h.depositJP()
	h.setCode(jpMSP, id, "AB21")
	accessKey := h.compositeKey(kindAccess, "JP", "PATENT", "2024012345")
	tryKey := h.compositeKey(kindAccessTry, "JP", "PATENT", "2024012345", "US")

	var p RedemptionResult
	decode(t, h.mustWith(usMSP, redeemOpts(t, "ab21", jpMSP), "RedeemAccessCode", redeemArgs()...), &p)
	if p.Result != "ATTEMPT_PENDING" || p.FailedAttempts != 1 || p.RemainingAttempts != 4 || p.Locked {
		t.Fatalf("attempt %+v", p)
	}
	if _, e := h.lastEventOf("AccessCodeAttempted"); e.SubjectOffice != "US" || e.Status != "PENDING" {
		t.Fatalf("event %+v", e)
	}
	// The attempt writes the owner-SBE access record and the owner's private
	// attempt only, so JP's peer alone can endorse it.
	for k := range h.last.writes {
		if k != accessKey {
			t.Fatalf("attempt wrote key %q", k)
		}
	}
	priv := h.last.privWrites["_implicit_org_"+jpMSP]
	if len(h.last.privWrites) != 1 || len(priv) != 1 || priv[tryKey] == nil {
		t.Fatalf("attempt private writes %v", h.last.privWrites)
	}
	if v := strings.ToUpper(string(priv[tryKey])); strings.Contains(v, "AB21") {
		t.Fatalf("the attempt stores the code: %s", v)
	}
	var a AccessRecord
	decode(t, h.must(krMSP, "GetAccessRecord", id), &a)
	if e, _ := a.find("US"); e.Grant != "NONE" || e.FailedAttempts != 1 || !e.PendingAttempt {
		t.Fatalf("%+v", a)
	}

	var r RedemptionResult
	decode(t, h.mustWith(usMSP, opts{peer: jpMSP}, "SettleAccessCodeRedemption", id, "US"), &r)
	if r.Result != "ACCESS_GRANTED" || r.FailedAttempts != 0 || r.RemainingAttempts != 5 || r.Locked || r.OfficeCode != "US" {
		t.Fatalf("%+v", r)
	}
	_, e := h.lastEventOf("AccessGranted")
	if e.SubjectOffice != "US" || e.Status != "ACTIVE" || e.RecordType != "access" {
		t.Fatalf("event %+v", e)
	}
	for k := range h.last.writes {
		if k != accessKey {
			t.Fatalf("settlement wrote key %q", k)
		}
	}
	if _, left := h.ledger.private["_implicit_org_"+jpMSP][tryKey]; left {
		t.Fatal("settlement left the attempt behind")
	}
	decode(t, h.must(krMSP, "GetAccessRecord", id), &a)
	if e, _ := a.find("US"); e.Grant != "ACTIVE" || e.Route != "ACCESS_CODE" || e.FailedAttempts != 0 || e.PendingAttempt {
		t.Fatalf("%+v", a)
	}
	h.expectCode(errs.AlreadyExists, usMSP, redeemOpts(t, "AB21", jpMSP), "RedeemAccessCode", redeemArgs()...)
}

func TestWrongCodesAreCountedAndLockRedemption(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := h.depositJP()
	h.setCode(jpMSP, id, "AB21")
	for i := 1; i <= 5; i++ {
		var p RedemptionResult
		res, err := h.call(epMSP, redeemOpts(t, "0000", jpMSP), "RedeemAccessCode", redeemArgs()...)
		if err != nil {
			t.Fatalf("attempt %d: %v", i, err)
		}
		decode(t, res, &p)
		// Counted when the attempt commits, before the comparison.
		if p.Result != "ATTEMPT_PENDING" || p.FailedAttempts != i || p.Locked != (i == 5) {
			t.Fatalf("attempt %d: %+v", i, p)
		}
		settler := epMSP
		if i%2 == 0 {
			settler = jpMSP // the owner may settle too
		}
		res, err = h.call(settler, opts{peer: jpMSP}, "SettleAccessCodeRedemption", id, "EP")
		if err != nil {
			t.Fatalf("settlement %d: a mismatch must be a successful transaction, got %v", i, err)
		}
		var r RedemptionResult
		decode(t, res, &r)
		if r.Result != "ACCESS_CODE_MISMATCH" || r.FailedAttempts != i || r.RemainingAttempts != 5-i || r.Locked != (i == 5) {
			t.Fatalf("settlement %d: %+v", i, r)
		}
		seenCodes[errs.AccessCodeMismatch] = true
		_, e := h.lastEventOf("AccessCodeRejected")
		want := "REJECTED"
		if i == 5 {
			want = "LOCKED"
		}
		if e.Status != want || e.SubjectOffice != "EP" || strings.Contains(string(h.last.eventPayload), "AB21") || strings.Contains(res, "AB21") {
			t.Fatalf("settlement %d: event %+v / result %s", i, e, res)
		}
	}
	msg := h.expectCode(errs.AccessLocked, epMSP, redeemOpts(t, "AB21", jpMSP), "RedeemAccessCode", redeemArgs()...)
	if strings.Contains(msg, "AB21") {
		t.Fatal("error reveals the code")
	}
	// The lock is per (document, office): US may still redeem.
	if r, _ := h.redeem(usMSP, "AB21"); r.Result != "ACCESS_GRANTED" {
		t.Fatalf("%+v", r)
	}

	h.expectCode(errs.NotAuthorized, usMSP, opts{}, "ResetAccessLock", id, "EP")
	h.must(jpMSP, "ResetAccessLock", id, "EP")
	h.lastEventOf("AccessLockReset")
	h.expectCode(errs.InvalidTransition, jpMSP, opts{}, "ResetAccessLock", id, "EP")
	h.expectCode(errs.InvalidTransition, jpMSP, opts{}, "ResetAccessLock", id, "KR")
	if r, _ := h.redeem(epMSP, "AB21"); r.Result != "ACCESS_GRANTED" {
		t.Fatalf("%+v", r)
	}
}

func TestARightCodeOnTheFifthAttemptStillGrants(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := h.depositJP()
	h.setCode(jpMSP, id, "AB21")
	for range 4 {
		h.redeem(krMSP, "0000")
	}
	var p RedemptionResult
	decode(t, h.mustWith(krMSP, redeemOpts(t, "AB21", jpMSP), "RedeemAccessCode", redeemArgs()...), &p)
	if p.FailedAttempts != 5 || !p.Locked || p.RemainingAttempts != 0 {
		t.Fatalf("the fifth attempt is provisionally locked: %+v", p)
	}
	var r RedemptionResult
	decode(t, h.mustWith(krMSP, opts{peer: jpMSP}, "SettleAccessCodeRedemption", id, "KR"), &r)
	if r.Result != "ACCESS_GRANTED" || r.Locked || r.FailedAttempts != 0 {
		t.Fatalf("%+v", r)
	}
}

// TestTheAttemptRevealsNothing is the point of the two phases: two worlds
// that differ only in the presented code see byte-identical results, events
// and public writes, and the same private keys, from the attempt.
func TestTheAttemptRevealsNothing(t *testing.T) {
	type outcome struct {
		result, event string
		events        []string
		writes        map[string][]byte
		privKeys      []string
		privValues    []string
	}
	run := func(code string) outcome {
		h := newHarness(t)
		h.initConsortium()
		id := h.depositJP()
		h.setCode(jpMSP, id, "AB21")
		h.redeem(usMSP, "0000") // a settled earlier failure, identical in both worlds
		res := h.mustWith(usMSP, redeemOpts(t, code, jpMSP), "RedeemAccessCode", redeemArgs()...)
		o := outcome{result: res, event: string(h.last.eventPayload), events: h.last.events, writes: h.last.writes}
		for c, kv := range h.last.privWrites {
			for k, v := range kv {
				o.privKeys = append(o.privKeys, c+"|"+k)
				o.privValues = append(o.privValues, string(v))
			}
		}
		return o
	}
	right, wrong := run("AB21"), run("AB22")
	if right.result != wrong.result || right.event != wrong.event || !reflect.DeepEqual(right.events, wrong.events) {
		t.Fatalf("the attempt's outcome depends on the code:\n%s %s\n%s %s", right.result, right.event, wrong.result, wrong.event)
	}
	if !reflect.DeepEqual(right.writes, wrong.writes) || !reflect.DeepEqual(right.privKeys, wrong.privKeys) || len(right.privKeys) != 1 {
		t.Fatalf("the attempt's writes depend on the code:\n%v %v\n%v %v", right.writes, right.privKeys, wrong.writes, wrong.privKeys)
	}
	// The private value differs (it is the attempt), but neither holds the
	// code nor the stored code hash.
	stored := hashAccessCode(saltHex, "AB21")
	for _, v := range append(right.privValues, wrong.privValues...) {
		if strings.Contains(strings.ToUpper(v), "AB2") || strings.Contains(v, stored) || len(v) != len(right.privValues[0]) {
			t.Fatalf("attempt value %s", v)
		}
	}
}

func TestSettlementPreconditions(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := h.depositJP()
	h.setCode(jpMSP, id, "AB21")
	h.expectCode(errs.InvalidTransition, usMSP, opts{peer: jpMSP}, "SettleAccessCodeRedemption", id, "US")
	h.mustWith(usMSP, redeemOpts(t, "AB21", jpMSP), "RedeemAccessCode", redeemArgs()...)
	tests := map[string]struct {
		msp, peer string
		fn        string
		o         opts
		args      []string
		code      errs.Code
	}{
		"a second attempt before settlement is refused": {msp: usMSP, fn: "RedeemAccessCode", o: redeemOpts(t, "AB21", jpMSP), args: redeemArgs(), code: errs.InvalidTransition},
		"nothing pending for another office":            {msp: krMSP, fn: "SettleAccessCodeRedemption", o: opts{peer: jpMSP}, args: []string{id, "KR"}, code: errs.InvalidTransition},
		"settlement on the caller's peer":               {msp: usMSP, fn: "SettleAccessCodeRedemption", o: opts{peer: usMSP}, args: []string{id, "US"}, code: errs.WrongEndorser},
		"settlement on a third peer":                    {msp: jpMSP, fn: "SettleAccessCodeRedemption", o: opts{peer: krMSP}, args: []string{id, "US"}, code: errs.WrongEndorser},
		"a third office cannot settle":                  {msp: krMSP, fn: "SettleAccessCodeRedemption", o: opts{peer: jpMSP}, args: []string{id, "US"}, code: errs.NotAuthorized},
		"a malformed filing id":                         {msp: usMSP, fn: "SettleAccessCodeRedemption", o: opts{peer: jpMSP}, args: []string{"JP-1", "US"}, code: errs.InvalidArgument},
		"an unknown filing":                             {msp: usMSP, fn: "SettleAccessCodeRedemption", o: opts{peer: jpMSP}, args: []string{"JP:PATENT:999", "US"}, code: errs.NotFound},
		"a malformed office":                            {msp: usMSP, fn: "SettleAccessCodeRedemption", o: opts{peer: jpMSP}, args: []string{id, "U"}, code: errs.InvalidOfficeCode},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := h.sub(t)
			h.expectCode(tc.code, tc.msp, tc.o, tc.fn, tc.args...)
		})
	}
	var r RedemptionResult
	decode(t, h.mustWith(jpMSP, opts{peer: jpMSP}, "SettleAccessCodeRedemption", id, "US"), &r)
	if r.Result != "ACCESS_GRANTED" || r.OfficeCode != "US" {
		t.Fatalf("%+v", r)
	}
	h.expectCode(errs.InvalidTransition, usMSP, opts{peer: jpMSP}, "SettleAccessCodeRedemption", id, "US")
	t.Run("a withdrawn document is not settled", func(t *testing.T) {
		h := h.sub(t)
		h.mustWith(krMSP, redeemOpts(t, "AB21", jpMSP), "RedeemAccessCode", redeemArgs()...)
		h.must(jpMSP, "WithdrawFirstFiling", id, "applicant request")
		h.expectCode(errs.DocumentUnavailable, krMSP, opts{peer: jpMSP}, "SettleAccessCodeRedemption", id, "KR")
	})
}

func TestRedemptionPreconditions(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := h.depositJP()
	t.Run("before a code is set redemption is refused without counting", func(t *testing.T) {
		h := h.sub(t)
		h.expectCode(errs.AccessCodeNotSet, usMSP, redeemOpts(t, "AB21", jpMSP), "RedeemAccessCode", redeemArgs()...)
	})
	h.setCode(jpMSP, id, "AB21")
	tests := map[string]struct {
		msp  string
		o    opts
		args []string
		code errs.Code
	}{
		"endorsement on the caller's own peer cannot read the code": {msp: usMSP, o: redeemOpts(t, "AB21", usMSP), args: redeemArgs(), code: errs.WrongEndorser},
		"a wrong filing date is a date mismatch":                    {msp: usMSP, o: redeemOpts(t, "AB21", jpMSP), args: []string{"JP", "PATENT", "JP 2024-012345", "2024-03-16"}, code: errs.DateMismatch},
		"a wrong IP right is not found":                             {msp: usMSP, o: redeemOpts(t, "AB21", jpMSP), args: []string{"JP", "UTILITY_MODEL", "JP 2024-012345", "2024-03-15"}, code: errs.NotFound},
		"a wrong number is not found":                               {msp: usMSP, o: redeemOpts(t, "AB21", jpMSP), args: []string{"JP", "PATENT", "JP 2024-012346", "2024-03-15"}, code: errs.NotFound},
		"a malformed number is rejected":                            {msp: usMSP, o: redeemOpts(t, "AB21", jpMSP), args: []string{"JP", "PATENT", "JP 24-1", "2024-03-15"}, code: errs.InvalidApplicationNumber},
		"an unregistered office is unknown":                         {msp: usMSP, o: redeemOpts(t, "AB21", jpMSP), args: []string{"CN", "PATENT", "1", "2024-03-15"}, code: errs.UnknownOffice},
		"the owner cannot redeem its own code":                      {msp: jpMSP, o: redeemOpts(t, "AB21", jpMSP), args: redeemArgs(), code: errs.InvalidArgument},
		"an office without the accessing role":                      {msp: epMSP, o: redeemOpts(t, "AB21", jpMSP), args: []string{"JP", "PATENT", "JP 2024-012345", "2024-03-15"}, code: ""},
		"a missing transient code is invalid":                       {msp: usMSP, o: opts{peer: jpMSP}, args: redeemArgs(), code: errs.InvalidArgument},
		"a salt in the redemption transient is invalid":             {msp: usMSP, o: opts{peer: jpMSP, transient: map[string]string{"accessCode": `{"accessCode":"AB21","salt":"00"}`}}, args: redeemArgs(), code: errs.InvalidArgument},
		"a non-hex code is invalid":                                 {msp: usMSP, o: redeemOpts(t, "XYZW", jpMSP), args: redeemArgs(), code: errs.InvalidArgument},
		"an impossible date is invalid":                             {msp: usMSP, o: redeemOpts(t, "AB21", jpMSP), args: []string{"JP", "PATENT", "JP 2024-012345", "2024-02-31"}, code: errs.InvalidDate},
	}
	for name, tc := range tests {
		if tc.code == "" {
			continue // EP has the PATENT accessing role; covered with a design below
		}
		t.Run(name, func(t *testing.T) {
			h := h.sub(t)
			msg := h.expectCode(tc.code, tc.msp, tc.o, "RedeemAccessCode", tc.args...)
			if strings.Contains(msg, "2024-03-15") && tc.code == errs.DateMismatch {
				t.Fatalf("DATE_MISMATCH echoes the recorded date: %s", msg)
			}
		})
	}
	t.Run("an office without the accessing role is refused", func(t *testing.T) {
		h := h.sub(t)
		var d FirstFiling
		decode(t, h.must(jpMSP, "DepositFirstFiling", filingJSON(t, "INDUSTRIAL_DESIGN", "JP 2024-500001", "2024-05-01")), &d)
		h.setCode(jpMSP, d.ID, "AB21")
		h.expectCode(errs.RoleNotAllowed, epMSP, redeemOpts(t, "AB21", jpMSP), "RedeemAccessCode", "JP", "INDUSTRIAL_DESIGN", "JP 2024-500001", "2024-05-01")
	})
	t.Run("a withdrawn document cannot be redeemed", func(t *testing.T) {
		h := h.sub(t)
		h.must(jpMSP, "WithdrawFirstFiling", id, "applicant request")
		h.expectCode(errs.DocumentUnavailable, usMSP, redeemOpts(t, "AB21", jpMSP), "RedeemAccessCode", redeemArgs()...)
	})
}

func TestDirectGrantAndRevocation(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := h.depositJP()
	var a AccessRecord
	decode(t, h.must(jpMSP, "GrantAccess", id, "KR"), &a)
	if e, _ := a.find("KR"); e.Grant != "ACTIVE" || e.Route != "DIRECT_GRANT" {
		t.Fatalf("%+v", a)
	}
	_, e := h.lastEventOf("AccessGranted")
	if e.SubjectOffice != "KR" || e.OfficeCode != "JP" {
		t.Fatalf("%+v", e)
	}
	decode(t, h.must(jpMSP, "GrantAccess", id, "EP"), &a)
	if a.Offices[0].OfficeCode != "EP" || a.Offices[1].OfficeCode != "KR" {
		t.Fatalf("entries must be sorted by office: %+v", a.Offices)
	}
	tests := map[string]struct {
		msp, office string
		code        errs.Code
	}{
		"another office cannot grant":        {msp: usMSP, office: "KR", code: errs.NotAuthorized},
		"an active grant cannot be repeated": {msp: jpMSP, office: "KR", code: errs.AlreadyExists},
		"the owner cannot grant itself":      {msp: jpMSP, office: "JP", code: errs.InvalidArgument},
		"an unregistered office is unknown":  {msp: jpMSP, office: "CN", code: errs.UnknownOffice},
		"a malformed office code is invalid": {msp: jpMSP, office: "C", code: errs.InvalidOfficeCode},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := h.sub(t)
			h.expectCode(tc.code, tc.msp, opts{}, "GrantAccess", id, tc.office)
		})
	}
	h.expectCode(errs.InvalidArgument, jpMSP, opts{}, "RevokeAccess", id, "KR", "")
	h.expectCode(errs.NoGrant, jpMSP, opts{}, "RevokeAccess", id, "US", "never granted")
	decode(t, h.must(jpMSP, "RevokeAccess", id, "KR", "applicant instruction"), &a)
	if e, _ := a.find("KR"); e.Grant != "REVOKED" || e.RevocationReason != "applicant instruction" {
		t.Fatalf("%+v", a)
	}
	h.lastEventOf("AccessRevoked")
	h.expectCode(errs.NoGrant, jpMSP, opts{}, "RevokeAccess", id, "KR", "twice")
	h.must(jpMSP, "GrantAccess", id, "KR")
}

func TestGrantingToASuspendedOfficeOrAWithdrawnDocument(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := h.depositJP()
	var p Proposal
	decode(t, h.must(usMSP, "ProposeMembershipChange", changeJSON(t, changeInput{Action: "SUSPEND_OFFICE", OfficeCode: "KR"})), &p)
	h.must(epMSP, "ApproveMembershipChange", p.ID)
	h.must(jpMSP, "ApproveMembershipChange", p.ID)
	h.expectCode(errs.OfficeSuspended, jpMSP, opts{}, "GrantAccess", id, "KR")
	var d FirstFiling
	decode(t, h.must(jpMSP, "DepositFirstFiling", filingJSON(t, "TRADEMARK", "JP 2024-700001", "2024-05-01")), &d)
	h.expectCode(errs.RoleNotAllowed, jpMSP, opts{}, "GrantAccess", d.ID, "EP")
	h.must(jpMSP, "WithdrawFirstFiling", id, "gone")
	h.expectCode(errs.DocumentUnavailable, jpMSP, opts{}, "GrantAccess", id, "US")
	h.expectCode(errs.NotFound, jpMSP, opts{}, "GetAccessRecord", "JP:PATENT:999")
}
