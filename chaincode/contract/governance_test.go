package contract

import (
	"slices"
	"testing"
	"time"

	"github.com/ipledger/ipledger/chaincode/errs"
)

func changeJSON(t testing.TB, in changeInput) string { return toJSON(t, in) }

func addCN(t testing.TB) string {
	return changeJSON(t, changeInput{Action: "ADD_OFFICE", OfficeCode: "CN", MSPID: "CNMSP", Name: "CNIPA",
		Roles: &Roles{Depositing: []string{"PATENT"}, Accessing: []string{"PATENT"}}})
}

func TestAddingAnOfficeNeedsAMajority(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	var p Proposal
	decode(t, h.must(jpMSP, "ProposeMembershipChange", addCN(t)), &p)
	if p.Status != "OPEN" || !slices.Equal(p.Approvals, []string{"JP"}) || p.ProposedBy != "JP" {
		t.Fatalf("proposal %+v", p)
	}
	if name, _ := h.lastEvent(); name != "MembershipChangeProposed" {
		t.Fatalf("event %s", name)
	}
	h.expectCode(errs.AlreadyExists, jpMSP, opts{}, "ApproveMembershipChange", p.ID)
	h.expectCode(errs.AlreadyExists, usMSP, opts{}, "ProposeMembershipChange", addCN(t))

	decode(t, h.must(usMSP, "ApproveMembershipChange", p.ID), &p)
	if p.Status != "OPEN" || !slices.Equal(p.Approvals, []string{"JP", "US"}) {
		t.Fatalf("two of four must not apply: %+v", p)
	}
	if name, _ := h.lastEvent(); name != "MembershipChangeApproved" {
		t.Fatalf("event %s", name)
	}
	h.expectCode(errs.UnknownOffice, "CNMSP", opts{}, "GetCallerOffice")

	decode(t, h.must(krMSP, "ApproveMembershipChange", p.ID), &p)
	if p.Status != "APPLIED" || p.ClosedAt == "" {
		t.Fatalf("three of four must apply: %+v", p)
	}
	name, e := h.lastEvent()
	if name != "OfficeAdded" || e.SubjectOffice != "CN" || e.RecordID != p.ID {
		t.Fatalf("event %s %+v", name, e)
	}
	var cn Office
	decode(t, h.must("CNMSP", "GetCallerOffice"), &cn)
	if cn.OfficeCode != "CN" || cn.Status != "ACTIVE" || cn.SettingsVersion != 1 {
		t.Fatalf("new office %+v", cn)
	}
	// CN counts in the majority from the transaction that adds it.
	if p := h.policyOf(h.compositeKey(kindSettings, "CN")); p != "AND(CNMSP, 2 of [EPMSP, JPMSP, KRMSP, USMSP])" {
		t.Fatalf("settings SBE %s", p)
	}
	h.expectCode(errs.InvalidTransition, epMSP, opts{}, "ApproveMembershipChange", p.ID)
	// The open-proposal slot is free again.
	h.must(jpMSP, "ProposeMembershipChange", changeJSON(t, changeInput{Action: "SUSPEND_OFFICE", OfficeCode: "CN", Reason: "test"}))
}

func TestSuspensionAndReactivation(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	var p Proposal
	decode(t, h.must(jpMSP, "ProposeMembershipChange", changeJSON(t, changeInput{Action: "SUSPEND_OFFICE", OfficeCode: "KR", Reason: "maintenance"})), &p)
	h.must(usMSP, "ApproveMembershipChange", p.ID)
	h.must(epMSP, "ApproveMembershipChange", p.ID)
	if name, e := h.lastEvent(); name != "OfficeSuspended" || e.SubjectOffice != "KR" {
		t.Fatalf("event %s", name)
	}

	t.Run("a suspended office cannot write", func(t *testing.T) {
		h := h.sub(t)
		h.expectCode(errs.OfficeSuspended, krMSP, opts{}, "DepositFirstFiling", filingJSON(t, "PATENT", "KR 10-2024-0012345", "2024-03-15"))
		h.expectCode(errs.OfficeSuspended, krMSP, opts{}, "ProposeMembershipChange", addCN(t))
	})
	t.Run("a suspended office can still read", func(t *testing.T) {
		h := h.sub(t)
		h.must(krMSP, "GetOffice", "JP")
	})
	t.Run("suspending it twice is an invalid transition", func(t *testing.T) {
		h := h.sub(t)
		h.expectCode(errs.InvalidTransition, jpMSP, opts{}, "ProposeMembershipChange", changeJSON(t, changeInput{Action: "SUSPEND_OFFICE", OfficeCode: "KR"}))
	})
	t.Run("with three active offices two approvals apply", func(t *testing.T) {
		h := h.sub(t)
		decode(t, h.must(jpMSP, "ProposeMembershipChange", changeJSON(t, changeInput{Action: "REACTIVATE_OFFICE", OfficeCode: "KR"})), &p)
		decode(t, h.must(usMSP, "ApproveMembershipChange", p.ID), &p)
		if p.Status != "APPLIED" {
			t.Fatalf("2 of 3 active must apply: %+v", p)
		}
		if name, _ := h.lastEvent(); name != "OfficeReactivated" {
			t.Fatalf("event %s", name)
		}
		h.must(krMSP, "ProposeMembershipChange", addCN(t))
	})
	t.Run("reactivating an active office is an invalid transition", func(t *testing.T) {
		h := h.sub(t)
		h.expectCode(errs.InvalidTransition, jpMSP, opts{}, "ProposeMembershipChange", changeJSON(t, changeInput{Action: "REACTIVATE_OFFICE", OfficeCode: "US"}))
	})
}

func TestChangeRolesAndWithdrawal(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	var p Proposal
	roles := &Roles{Depositing: []string{"TRADEMARK"}, Accessing: []string{}}
	decode(t, h.must(usMSP, "ProposeMembershipChange", changeJSON(t, changeInput{Action: "CHANGE_ROLES", OfficeCode: "KR", Roles: roles})), &p)
	h.expectCode(errs.NotAuthorized, jpMSP, opts{}, "WithdrawMembershipProposal", p.ID)
	decode(t, h.must(usMSP, "WithdrawMembershipProposal", p.ID), &p)
	if p.Status != "WITHDRAWN" {
		t.Fatalf("%+v", p)
	}
	if name, _ := h.lastEvent(); name != "MembershipChangeWithdrawn" {
		t.Fatalf("event %s", name)
	}
	h.expectCode(errs.InvalidTransition, usMSP, opts{}, "WithdrawMembershipProposal", p.ID)
	h.expectCode(errs.InvalidTransition, jpMSP, opts{}, "ApproveMembershipChange", p.ID)

	decode(t, h.must(usMSP, "ProposeMembershipChange", changeJSON(t, changeInput{Action: "CHANGE_ROLES", OfficeCode: "KR", Roles: roles})), &p)
	h.must(jpMSP, "ApproveMembershipChange", p.ID)
	h.must(epMSP, "ApproveMembershipChange", p.ID)
	if name, _ := h.lastEvent(); name != "OfficeRolesChanged" {
		t.Fatalf("event %s", name)
	}
	var kr Office
	decode(t, h.must(krMSP, "GetCallerOffice"), &kr)
	if !slices.Equal(kr.Roles.Depositing, []string{"TRADEMARK"}) || len(kr.Roles.Accessing) != 0 {
		t.Fatalf("roles %+v", kr.Roles)
	}
	h.expectCode(errs.RoleNotAllowed, krMSP, opts{}, "DepositFirstFiling", filingJSON(t, "PATENT", "KR 10-2024-0012345", "2024-03-15"))

	var list page[Proposal]
	decode(t, h.must(jpMSP, "ListMembershipProposals", "WITHDRAWN", "", ""), &list)
	if len(list.Records) != 1 || list.Records[0].Status != "WITHDRAWN" {
		t.Fatalf("list %+v", list)
	}
	decode(t, h.must(jpMSP, "ListMembershipProposals", "", "", ""), &list)
	if len(list.Records) != 2 || list.Records[0].CreatedAt > list.Records[1].CreatedAt {
		t.Fatalf("list must be in creation order: %+v", list)
	}
	h.expectCode(errs.InvalidArgument, jpMSP, opts{}, "ListMembershipProposals", "DONE", "", "")
	var got Proposal
	decode(t, h.must(krMSP, "GetMembershipProposal", p.ID), &got)
	if got.ID != p.ID {
		t.Fatalf("get %+v", got)
	}
}

func TestProposalValidation(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	tests := map[string]struct {
		in   changeInput
		code errs.Code
	}{
		"an unknown action":                 {in: changeInput{Action: "DISSOLVE", OfficeCode: "KR"}, code: errs.InvalidArgument},
		"adding an existing office":         {in: changeInput{Action: "ADD_OFFICE", OfficeCode: "KR", MSPID: "X1MSP", Name: "x", Roles: &Roles{}}, code: errs.AlreadyExists},
		"adding an office with a bound MSP": {in: changeInput{Action: "ADD_OFFICE", OfficeCode: "CN", MSPID: krMSP, Name: "x", Roles: &Roles{}}, code: errs.AlreadyExists},
		"adding an office without roles":    {in: changeInput{Action: "ADD_OFFICE", OfficeCode: "CN", MSPID: "CNMSP", Name: "x"}, code: errs.InvalidArgument},
		"adding an office without a name":   {in: changeInput{Action: "ADD_OFFICE", OfficeCode: "CN", MSPID: "CNMSP", Roles: &Roles{}}, code: errs.InvalidArgument},
		"suspending with an MSP field":      {in: changeInput{Action: "SUSPEND_OFFICE", OfficeCode: "KR", MSPID: "KRMSP"}, code: errs.InvalidArgument},
		"suspending with roles":             {in: changeInput{Action: "SUSPEND_OFFICE", OfficeCode: "KR", Roles: &Roles{}}, code: errs.InvalidArgument},
		"suspending an unregistered office": {in: changeInput{Action: "SUSPEND_OFFICE", OfficeCode: "CN"}, code: errs.NotFound},
		"changing roles without roles":      {in: changeInput{Action: "CHANGE_ROLES", OfficeCode: "KR"}, code: errs.InvalidArgument},
		"a malformed target office":         {in: changeInput{Action: "SUSPEND_OFFICE", OfficeCode: "K1"}, code: errs.InvalidOfficeCode},
		"a reason with a control character": {in: changeInput{Action: "SUSPEND_OFFICE", OfficeCode: "KR", Reason: "a\x07"}, code: errs.InvalidArgument},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := h.sub(t)
			h.expectCode(tc.code, jpMSP, opts{}, "ProposeMembershipChange", changeJSON(t, tc.in))
		})
	}
	t.Run("a malformed proposal id is rejected", func(t *testing.T) {
		h := h.sub(t)
		h.expectCode(errs.InvalidArgument, jpMSP, opts{}, "ApproveMembershipChange", "nope")
	})
	t.Run("an unknown proposal is not found", func(t *testing.T) {
		h := h.sub(t)
		h.expectCode(errs.NotFound, jpMSP, opts{}, "GetMembershipProposal", "20250101T000000Z_ab")
	})
}

func TestTheLastActiveOfficeCannotBeSuspended(t *testing.T) {
	h := newHarness(t)
	h.found(consortium()[:1])
	h.expectCode(errs.InvalidTransition, jpMSP, opts{}, "ProposeMembershipChange", changeJSON(t, changeInput{Action: "SUSPEND_OFFICE", OfficeCode: "JP"}))
	// Alone, the founding office's own approval is a majority.
	var p Proposal
	decode(t, h.must(jpMSP, "ProposeMembershipChange", addCN(t)), &p)
	if p.Status != "APPLIED" {
		t.Fatalf("%+v", p)
	}
}

func TestApplyingRechecksPreconditions(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	var add Proposal
	decode(t, h.must(jpMSP, "ProposeMembershipChange", addCN(t)), &add)
	// Another proposal binds the MSP first via a different code.
	var other Proposal
	decode(t, h.must(usMSP, "ProposeMembershipChange", changeJSON(t, changeInput{Action: "ADD_OFFICE", OfficeCode: "DE", MSPID: "CNMSP", Name: "DPMA", Roles: &Roles{}})), &other)
	h.must(jpMSP, "ApproveMembershipChange", other.ID)
	h.must(epMSP, "ApproveMembershipChange", other.ID)
	h.must(usMSP, "ApproveMembershipChange", add.ID)
	h.expectCode(errs.InvalidTransition, epMSP, opts{}, "ApproveMembershipChange", add.ID)
}

func TestProposalsExpire(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	var p Proposal
	decode(t, h.must(jpMSP, "ProposeMembershipChange", suspendKR(t)), &p)
	created, _ := time.Parse(time.RFC3339, p.CreatedAt)
	if p.ExpiresAt != created.Add(30*24*time.Hour).Format(time.RFC3339) {
		t.Fatalf("expiresAt %s for createdAt %s", p.ExpiresAt, p.CreatedAt)
	}
	h.must(usMSP, "ApproveMembershipChange", p.ID)
	h.expectCode(errs.AlreadyExists, usMSP, opts{}, "ProposeMembershipChange", suspendKR(t))
	h.clock = created.Add(30 * 24 * time.Hour).Add(-2 * time.Minute) // the next call is the last minute
	h.expectCode(errs.NotAuthorized, usMSP, opts{}, "WithdrawMembershipProposal", p.ID)

	h.clock = created.Add(30 * 24 * time.Hour)
	t.Run("an expired proposal can no longer be approved", func(t *testing.T) {
		h := h.sub(t)
		h.expectCode(errs.InvalidTransition, epMSP, opts{}, "ApproveMembershipChange", p.ID)
	})
	t.Run("any active office closes an expired proposal", func(t *testing.T) {
		h := h.sub(t)
		var closed Proposal
		decode(t, h.must(krMSP, "WithdrawMembershipProposal", p.ID), &closed) // KR is the target, not the proposer
		if closed.Status != "EXPIRED" || closed.ClosedAt == "" {
			t.Fatalf("%+v", closed)
		}
		if name, e := h.lastEvent(); name != "MembershipChangeWithdrawn" || e.Status != "EXPIRED" || e.OfficeCode != "KR" {
			t.Fatalf("event %s %+v", name, e)
		}
		h.expectCode(errs.InvalidTransition, jpMSP, opts{}, "WithdrawMembershipProposal", p.ID)
		var list page[Proposal]
		decode(t, h.must(jpMSP, "ListMembershipProposals", "EXPIRED", "", ""), &list)
		if len(list.Records) != 1 || list.Records[0].ID != p.ID {
			t.Fatalf("%+v", list)
		}
	})
	t.Run("a new identical proposal supersedes an expired one", func(t *testing.T) {
		h := h.sub(t)
		var q Proposal
		decode(t, h.must(epMSP, "ProposeMembershipChange", changeJSON(t, changeInput{Action: "ADD_OFFICE", OfficeCode: "CN", MSPID: "CNMSP", Name: "CNIPA",
			Roles: &Roles{Depositing: []string{"PATENT"}, Accessing: []string{"PATENT"}}})), &q)
		h.clock = h.clock.Add(31 * 24 * time.Hour)
		var again Proposal
		decode(t, h.must(jpMSP, "ProposeMembershipChange", addCN(t)), &again)
		if again.Status != "OPEN" || again.ID == q.ID {
			t.Fatalf("%+v", again)
		}
		var old Proposal
		decode(t, h.must(jpMSP, "GetMembershipProposal", q.ID), &old)
		if old.Status != "EXPIRED" {
			t.Fatalf("%+v", old)
		}
	})
}

func TestDifferentProposalsForOneOfficeCoexist(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	roles := func(r ...string) *Roles { return &Roles{Depositing: r, Accessing: r} }
	var a, b Proposal
	decode(t, h.must(jpMSP, "ProposeMembershipChange", changeJSON(t, changeInput{Action: "CHANGE_ROLES", OfficeCode: "KR", Roles: roles("PATENT")})), &a)
	decode(t, h.must(usMSP, "ProposeMembershipChange", changeJSON(t, changeInput{Action: "CHANGE_ROLES", OfficeCode: "KR", Roles: roles("TRADEMARK")})), &b)
	// The same change with another reason is the same change.
	h.expectCode(errs.AlreadyExists, epMSP, opts{}, "ProposeMembershipChange",
		changeJSON(t, changeInput{Action: "CHANGE_ROLES", OfficeCode: "KR", Roles: roles("PATENT"), Reason: "again"}))
	h.must(usMSP, "ApproveMembershipChange", a.ID)
	h.must(epMSP, "ApproveMembershipChange", a.ID)
	h.must(jpMSP, "ApproveMembershipChange", b.ID)
	decode(t, h.must(epMSP, "ApproveMembershipChange", b.ID), &b)
	var kr Office
	decode(t, h.must(krMSP, "GetCallerOffice"), &kr)
	if b.Status != "APPLIED" || !slices.Equal(kr.Roles.Depositing, []string{"TRADEMARK"}) {
		t.Fatalf("the later majority applies last: %+v / %+v", b, kr.Roles)
	}
	// Applied: the identical change may be proposed again.
	h.must(epMSP, "ProposeMembershipChange", changeJSON(t, changeInput{Action: "CHANGE_ROLES", OfficeCode: "KR", Roles: roles("PATENT")}))
}
