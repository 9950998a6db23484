package contract

import (
	"strings"
	"testing"

	"github.com/ipledger/ipledger/chaincode/errs"
)

func redeemArgs() []string { return []string{"JP", "PATENT", "JP 2024-012345", "2024-03-15"} }

func TestRedeemingTheRightCodeGrantsAccess(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := h.depositJP()
	h.setCode(jpMSP, id, "AB21")
	var r RedemptionResult
	decode(t, h.mustWith(usMSP, redeemOpts(t, "ab21", jpMSP), "RedeemAccessCode", redeemArgs()...), &r)
	if r.Result != "ACCESS_GRANTED" || r.FailedAttempts != 0 || r.RemainingAttempts != 5 || r.Locked {
		t.Fatalf("%+v", r)
	}
	_, e := h.lastEventOf("AccessGranted")
	if e.SubjectOffice != "US" || e.Status != "ACTIVE" || e.RecordType != "access" {
		t.Fatalf("event %+v", e)
	}
	// Redemption writes only the access record, which carries JP's SBE, so
	// JP's peer alone can endorse it.
	for k := range h.last.writes {
		if k != h.compositeKey(kindAccess, "JP", "PATENT", "2024012345") {
			t.Fatalf("redemption wrote key %q", k)
		}
	}
	var a AccessRecord
	decode(t, h.must(krMSP, "GetAccessRecord", id), &a)
	if e, _ := a.find("US"); e.Grant != "ACTIVE" || e.Route != "ACCESS_CODE" {
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
		res, err := h.call(epMSP, redeemOpts(t, "0000", jpMSP), "RedeemAccessCode", redeemArgs()...)
		if err != nil {
			t.Fatalf("attempt %d: a mismatch must be a successful transaction, got %v", i, err)
		}
		var r RedemptionResult
		decode(t, res, &r)
		if r.Result != "ACCESS_CODE_MISMATCH" || r.FailedAttempts != i || r.RemainingAttempts != 5-i || r.Locked != (i == 5) {
			t.Fatalf("attempt %d: %+v", i, r)
		}
		seenCodes[errs.AccessCodeMismatch] = true
		_, e := h.lastEventOf("AccessCodeRejected")
		want := "REJECTED"
		if i == 5 {
			want = "LOCKED"
		}
		if e.Status != want || strings.Contains(string(h.last.eventPayload), "AB21") || strings.Contains(res, "AB21") {
			t.Fatalf("attempt %d: event %+v / result %s", i, e, res)
		}
	}
	msg := h.expectCode(errs.AccessLocked, epMSP, redeemOpts(t, "AB21", jpMSP), "RedeemAccessCode", redeemArgs()...)
	if strings.Contains(msg, "AB21") {
		t.Fatal("error reveals the code")
	}
	// The lock is per (document, office): US may still redeem.
	h.mustWith(usMSP, redeemOpts(t, "AB21", jpMSP), "RedeemAccessCode", redeemArgs()...)

	h.expectCode(errs.NotAuthorized, usMSP, opts{}, "ResetAccessLock", id, "EP")
	h.must(jpMSP, "ResetAccessLock", id, "EP")
	h.lastEventOf("AccessLockReset")
	h.expectCode(errs.InvalidTransition, jpMSP, opts{}, "ResetAccessLock", id, "EP")
	h.expectCode(errs.InvalidTransition, jpMSP, opts{}, "ResetAccessLock", id, "KR")
	var r RedemptionResult
	decode(t, h.mustWith(epMSP, redeemOpts(t, "AB21", jpMSP), "RedeemAccessCode", redeemArgs()...), &r)
	if r.Result != "ACCESS_GRANTED" {
		t.Fatalf("%+v", r)
	}
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
