package contract

import (
	"strings"
	"testing"

	"github.com/ipledger/ipledger/chaincode/errs"
)

// grantedJP deposits JP's patent and grants US access directly.
func grantedJP(h *harness) string {
	id := h.depositJP()
	h.must(jpMSP, "GrantAccess", id, "US")
	return id
}

func TestRetrievalSucceedsWhenTheHashMatches(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := grantedJP(h)
	var r Retrieval
	decode(t, h.must(usMSP, "RequestRetrieval", id), &r)
	if r.Status != "PENDING" || r.RequestingOffice != "US" || r.OwnerOffice != "JP" || r.DocumentVersion != 1 ||
		r.ExpectedSHA256 != docHash || r.GrantRoute != "DIRECT_GRANT" || !strings.HasPrefix(r.ID, id+":20250317T") {
		t.Fatalf("%+v", r)
	}
	_, e := h.lastEventOf("RetrievalRequested")
	if e.SubjectOffice != "JP" || e.RecordID != r.ID {
		t.Fatalf("%+v", e)
	}
	ref, _ := parseRetrievalID(r.ID)
	if p := h.policyOf(h.compositeKey(kindRetrieval, ref.attrs()...)); p != "AND(USMSP, OR(JPMSP, 2 of [EPMSP, JPMSP, KRMSP]))" {
		t.Fatalf("retrieval SBE %s", p)
	}
	h.expectCode(errs.NotAuthorized, jpMSP, opts{}, "AcknowledgeRetrieval", r.ID, docHash)
	decode(t, h.must(usMSP, "AcknowledgeRetrieval", r.ID, strings.ToUpper(docHash)), &r)
	if r.Status != "SUCCESS" || r.ReceivedSHA256 != docHash || r.CompletedAt == "" {
		t.Fatalf("%+v", r)
	}
	h.lastEventOf("RetrievalCompleted")
	h.expectCode(errs.InvalidTransition, usMSP, opts{}, "AcknowledgeRetrieval", r.ID, docHash)
	h.expectCode(errs.InvalidTransition, usMSP, opts{}, "FailRetrieval", r.ID, "OTHER", "")
}

func TestAHashMismatchIsRecordedAsAnError(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := grantedJP(h)
	var r Retrieval
	decode(t, h.must(usMSP, "RequestRetrieval", id), &r)
	// The OFF corrects the document after the request: the request keeps
	// the version it asked for.
	h.must(jpMSP, "CorrectFirstFiling", id, `{"documentSha256":"`+docHash2+`","reason":"better scan"}`)
	decode(t, h.must(usMSP, "AcknowledgeRetrieval", r.ID, docHash2), &r)
	if r.Status != "ERROR" || r.ErrorCode != "HASH_MISMATCH" || strings.Contains(r.ErrorMessage, docHash) {
		t.Fatalf("%+v", r)
	}
	seenCodes[errs.HashMismatch] = true
	_, e := h.lastEventOf("RetrievalCompleted")
	if e.Status != "ERROR" {
		t.Fatalf("%+v", e)
	}
	var r2 Retrieval
	decode(t, h.must(usMSP, "RequestRetrieval", id), &r2)
	if r2.DocumentVersion != 2 || r2.ExpectedSHA256 != docHash2 {
		t.Fatalf("%+v", r2)
	}
	decode(t, h.must(usMSP, "FailRetrieval", r2.ID, "DOWNLOAD_FAILED", "timeout at the library"), &r2)
	if r2.Status != "ERROR" || r2.ErrorCode != "DOWNLOAD_FAILED" {
		t.Fatalf("%+v", r2)
	}
	var log page[Retrieval]
	decode(t, h.must(krMSP, "ListRetrievals", id, "", ""), &log)
	if len(log.Records) != 2 || log.Records[0].ID != r.ID || log.Records[1].ID != r2.ID {
		t.Fatalf("log must be chronological: %+v", log)
	}
	var got Retrieval
	decode(t, h.must(krMSP, "GetRetrieval", r.ID), &got)
	if got.ID != r.ID {
		t.Fatalf("%+v", got)
	}
}

func TestRetrievalPreconditions(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := grantedJP(h)
	var r Retrieval
	decode(t, h.must(usMSP, "RequestRetrieval", id), &r)
	tests := map[string]struct {
		msp, fn string
		args    []string
		code    errs.Code
	}{
		"an office without a grant":             {msp: krMSP, fn: "RequestRetrieval", args: []string{id}, code: errs.NoGrant},
		"the owner itself":                      {msp: jpMSP, fn: "RequestRetrieval", args: []string{id}, code: errs.InvalidArgument},
		"an unknown document":                   {msp: usMSP, fn: "RequestRetrieval", args: []string{"JP:PATENT:1"}, code: errs.NotFound},
		"a bad received hash":                   {msp: usMSP, fn: "AcknowledgeRetrieval", args: []string{r.ID, "12"}, code: errs.InvalidArgument},
		"an unknown failure reason":             {msp: usMSP, fn: "FailRetrieval", args: []string{r.ID, "BORED", ""}, code: errs.InvalidArgument},
		"a failure message with a control char": {msp: usMSP, fn: "FailRetrieval", args: []string{r.ID, "OTHER", "a\x00"}, code: errs.InvalidArgument},
		"another office failing it":             {msp: krMSP, fn: "FailRetrieval", args: []string{r.ID, "OTHER", ""}, code: errs.NotAuthorized},
		"a malformed retrieval id":              {msp: usMSP, fn: "GetRetrieval", args: []string{id + ":abc"}, code: errs.InvalidArgument},
		"an unknown retrieval":                  {msp: usMSP, fn: "GetRetrieval", args: []string{id + ":20250101T000000Z_ff"}, code: errs.NotFound},
		"the log of an unknown document":        {msp: usMSP, fn: "ListRetrievals", args: []string{"JP:PATENT:1", "", ""}, code: errs.NotFound},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := h.sub(t)
			h.expectCode(tc.code, tc.msp, opts{}, tc.fn, tc.args...)
		})
	}
	t.Run("an office whose grant was revoked has no grant", func(t *testing.T) {
		h := h.sub(t)
		h.must(jpMSP, "RevokeAccess", id, "US", "applicant instruction")
		h.expectCode(errs.NoGrant, usMSP, opts{}, "RequestRetrieval", id)
		h.must(jpMSP, "GrantAccess", id, "US")
	})
	t.Run("a withdrawn document is unavailable", func(t *testing.T) {
		h := h.sub(t)
		h.must(jpMSP, "WithdrawFirstFiling", id, "applicant request")
		h.expectCode(errs.DocumentUnavailable, usMSP, opts{}, "RequestRetrieval", id)
		// A retrieval already open can still be closed.
		h.must(usMSP, "AcknowledgeRetrieval", r.ID, docHash)
	})
	t.Run("an office without the accessing role", func(t *testing.T) {
		h := h.sub(t)
		var d FirstFiling
		decode(t, h.must(jpMSP, "DepositFirstFiling", filingJSON(t, "TRADEMARK", "JP 2024-700001", "2024-05-01")), &d)
		h.expectCode(errs.RoleNotAllowed, epMSP, opts{}, "RequestRetrieval", d.ID)
	})
}
