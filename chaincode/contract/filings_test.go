package contract

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ipledger/ipledger/chaincode/errs"
)

func TestDepositFirstFiling(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	var f FirstFiling
	decode(t, h.must(jpMSP, "DepositFirstFiling", filingJSON(t, "PATENT", "JP 2024-012345", "2024-03-15")), &f)
	want := FirstFiling{
		ID: "JP:PATENT:2024012345", OfficeCode: "JP", IPRight: "PATENT", ApplicationCategory: "NATIONAL",
		ApplicationNumber: "JP 2024-012345", ApplicationNumberNormalised: "2024012345", FilingDate: "2024-03-15",
		DocumentSHA256: docHash, DocumentFormat: "PDF", Version: 1, Status: "AVAILABLE",
		DepositedAt: "2025-03-17T09:02:00Z", UpdatedAt: "2025-03-17T09:02:00Z",
	}
	if f != want {
		t.Fatalf("deposit\n got %+v\nwant %+v", f, want)
	}
	for kind, want := range map[string]string{
		kindFiling: "AND(JPMSP, 2 of [EPMSP, KRMSP, USMSP])", kindAccess: "JPMSP", kindConfidentialHash: "JPMSP",
	} {
		if p := h.policyOf(h.compositeKey(kind, "JP", "PATENT", "2024012345")); p != want {
			t.Fatalf("%s SBE = %s, want %s", kind, p, want)
		}
	}
	var a AccessRecord
	decode(t, h.must(usMSP, "GetAccessRecord", f.ID), &a)
	if a.OwnerOffice != "JP" || a.AccessCodeSet || len(a.Offices) != 0 {
		t.Fatalf("access record %+v", a)
	}
	name, e := h.lastEventOf("FirstFilingDeposited")
	if name == "" || e.RecordType != "filing" || e.RecordID != f.ID || e.OfficeCode != "JP" || e.Status != "AVAILABLE" {
		t.Fatalf("event %+v", e)
	}
}

// lastEventOf returns the last event when it has the given name.
func (h *harness) lastEventOf(name string) (string, event) {
	h.t.Helper()
	got, e := h.lastEvent()
	if got != name {
		h.t.Fatalf("event %s, want %s", got, name)
	}
	return got, e
}

func TestDepositRejections(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	h.depositJP()
	mk := func(mut func(*filingInput)) string {
		in := filingInput{IPRight: "PATENT", ApplicationNumber: "JP 2024-099999", FilingDate: "2024-03-15", DocumentSHA256: docHash, DocumentFormat: "PDF"}
		mut(&in)
		return toJSON(t, in)
	}
	tests := map[string]struct {
		msp       string
		arg       string
		transient map[string]string
		code      errs.Code
	}{
		"the same number again is a duplicate":               {msp: jpMSP, arg: filingJSON(t, "PATENT", "JP 2024-012345", "2024-03-15"), code: errs.AlreadyExists},
		"the same number written differently is a duplicate": {msp: jpMSP, arg: filingJSON(t, "PATENT", "JP2024012345", "2024-03-15"), code: errs.AlreadyExists},
		"a number not matching the office format":            {msp: jpMSP, arg: mk(func(i *filingInput) { i.ApplicationNumber = "JP 2024-12" }), code: errs.InvalidApplicationNumber},
		"a PCT number of another receiving office": {msp: jpMSP, arg: mk(func(i *filingInput) {
			i.ApplicationNumber = "PCT/EP2024/123456"
			i.ApplicationCategory = "INTERNATIONAL"
		}), code: errs.InvalidApplicationNumber},
		"an unknown category":                        {msp: jpMSP, arg: mk(func(i *filingInput) { i.ApplicationCategory = "GLOBAL" }), code: errs.InvalidArgument},
		"an impossible filing date":                  {msp: jpMSP, arg: mk(func(i *filingInput) { i.FilingDate = "2024-02-30" }), code: errs.InvalidDate},
		"a filing date two days ahead":               {msp: jpMSP, arg: mk(func(i *filingInput) { i.FilingDate = "2025-03-19" }), code: errs.FutureDate},
		"a short document hash":                      {msp: jpMSP, arg: mk(func(i *filingInput) { i.DocumentSHA256 = "abc" }), code: errs.InvalidArgument},
		"an unknown document format":                 {msp: jpMSP, arg: mk(func(i *filingInput) { i.DocumentFormat = "DOCX" }), code: errs.InvalidArgument},
		"an unknown IP right":                        {msp: jpMSP, arg: mk(func(i *filingInput) { i.IPRight = "COPYRIGHT" }), code: errs.InvalidArgument},
		"an office without the depositing role":      {msp: epMSP, arg: mk(func(i *filingInput) { i.IPRight = "TRADEMARK"; i.ApplicationNumber = "EP 1" }), code: errs.RoleNotAllowed},
		"an unregistered MSP":                        {msp: "CNMSP", arg: mk(func(*filingInput) {}), code: errs.UnknownOffice},
		"an office code smuggled into the JSON":      {msp: krMSP, arg: strings.Replace(mk(func(*filingInput) {}), "{", `{"officeCode":"JP",`, 1), code: errs.InvalidArgument},
		"confidential data in the deposit transient": {msp: jpMSP, arg: mk(func(*filingInput) {}), transient: map[string]string{"confidential": "{}"}, code: errs.InvalidArgument},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := h.sub(t)
			h.expectCode(tc.code, tc.msp, opts{transient: tc.transient}, "DepositFirstFiling", tc.arg)
		})
	}
}

func TestDepositIsAlwaysUnderTheCallersOffice(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	// KR deposits a number that looks Japanese: it is KR's filing, never JP's.
	var f FirstFiling
	decode(t, h.must(krMSP, "DepositFirstFiling", filingJSON(t, "PATENT", "JP 2024-012345", "2024-03-15")), &f)
	if f.OfficeCode != "KR" || !strings.HasPrefix(f.ID, "KR:") {
		t.Fatalf("%+v", f)
	}
	h.expectCode(errs.NotFound, usMSP, opts{}, "GetFirstFiling", "JP:PATENT:2024012345")
}

func TestDepositOfAnInternationalApplication(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	in := filingInput{IPRight: "PATENT", ApplicationNumber: "PCT/JP2024/012345", FilingDate: "2024-03-15", DocumentSHA256: docHash, DocumentFormat: "ST92_PACKAGE", ApplicationCategory: "INTERNATIONAL"}
	var f FirstFiling
	decode(t, h.must(jpMSP, "DepositFirstFiling", toJSON(t, in)), &f)
	if f.ID != "JP:PATENT:PCTJP2024012345" || f.ApplicationCategory != "INTERNATIONAL" {
		t.Fatalf("%+v", f)
	}
	decode(t, h.must(usMSP, "FindFirstFiling", "JP", "PATENT", "pct/jp2024/012345"), &f)
	if f.ID != "JP:PATENT:PCTJP2024012345" {
		t.Fatalf("find %+v", f)
	}
}

func TestCorrectFirstFiling(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := h.depositJP()
	corr := toJSON(t, correctionInput{FilingDate: "2024-03-14", DocumentSHA256: strings.ToUpper(docHash2), Reason: "wrong date on the form"})
	var f FirstFiling
	decode(t, h.must(jpMSP, "CorrectFirstFiling", id, corr), &f)
	if f.Version != 2 || f.FilingDate != "2024-03-14" || f.DocumentSHA256 != docHash2 || f.LastChangeReason != "wrong date on the form" {
		t.Fatalf("%+v", f)
	}
	h.lastEventOf("FirstFilingCorrected")
	if _, moved := h.ledger.state[filingRef{"JP", "PATENT", "2024012345"}.dateIndexKey("2024-03-15")]; moved {
		t.Fatal("old date index entry left behind")
	}
	if _, ok := h.ledger.state[filingRef{"JP", "PATENT", "2024012345"}.dateIndexKey("2024-03-14")]; !ok {
		t.Fatal("new date index entry missing")
	}
	var hist struct {
		Records []struct{ Record json.RawMessage }
	}
	decode(t, h.must(usMSP, "GetRecordHistory", "filing", id, "", ""), &hist)
	if len(hist.Records) != 2 {
		t.Fatalf("history %+v", hist)
	}
	var v1 FirstFiling
	decode(t, string(hist.Records[1].Record), &v1)
	if v1.Version != 1 || v1.DocumentSHA256 != docHash {
		t.Fatalf("version 1 not kept: %+v", v1)
	}

	tests := map[string]struct {
		msp  string
		id   string
		arg  string
		code errs.Code
	}{
		"another office cannot correct":      {msp: krMSP, id: id, arg: corr, code: errs.NotAuthorized},
		"a correction without a reason":      {msp: jpMSP, id: id, arg: `{"documentFormat":"TIFF_ZIP"}`, code: errs.InvalidArgument},
		"a correction that changes nothing":  {msp: jpMSP, id: id, arg: `{"documentFormat":"PDF","reason":"x"}`, code: errs.InvalidArgument},
		"an unknown filing":                  {msp: jpMSP, id: "JP:PATENT:1", arg: corr, code: errs.NotFound},
		"a malformed filing id":              {msp: jpMSP, id: "JP-PATENT-1", arg: corr, code: errs.InvalidArgument},
		"a filing id with a lower-case part": {msp: jpMSP, id: "JP:PATENT:abc", arg: corr, code: errs.InvalidArgument},
		"a future corrected date":            {msp: jpMSP, id: id, arg: `{"filingDate":"2030-01-01","reason":"x"}`, code: errs.FutureDate},
		"a bad format":                       {msp: jpMSP, id: id, arg: `{"documentFormat":"GIF","reason":"x"}`, code: errs.InvalidArgument},
		"a bad hash":                         {msp: jpMSP, id: id, arg: `{"documentSha256":"zz","reason":"x"}`, code: errs.InvalidArgument},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := h.sub(t)
			h.expectCode(tc.code, tc.msp, opts{}, "CorrectFirstFiling", tc.id, tc.arg)
		})
	}
}

func TestPublicationAndWithdrawal(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := h.depositJP()
	h.expectCode(errs.InvalidDate, jpMSP, opts{}, "MarkFirstFilingPublished", id, "2024-03-01")
	h.expectCode(errs.NotAuthorized, usMSP, opts{}, "MarkFirstFilingPublished", id, "2025-01-01")
	var f FirstFiling
	decode(t, h.must(jpMSP, "MarkFirstFilingPublished", id, "2025-01-01"), &f)
	if f.Status != "PUBLISHED" || f.PublicationDate != "2025-01-01" {
		t.Fatalf("%+v", f)
	}
	h.lastEventOf("FirstFilingPublished")
	h.expectCode(errs.InvalidTransition, jpMSP, opts{}, "MarkFirstFilingPublished", id, "2025-01-02")
	h.expectCode(errs.InvalidDate, jpMSP, opts{}, "CorrectFirstFiling", id, `{"filingDate":"2025-02-01","reason":"x"}`)

	h.expectCode(errs.NotAuthorized, krMSP, opts{}, "WithdrawFirstFiling", id, "mine now")
	h.expectCode(errs.InvalidArgument, jpMSP, opts{}, "WithdrawFirstFiling", id, "")
	decode(t, h.must(jpMSP, "WithdrawFirstFiling", id, "applicant request"), &f)
	if f.Status != "WITHDRAWN" {
		t.Fatalf("%+v", f)
	}
	h.lastEventOf("FirstFilingWithdrawn")
	h.expectCode(errs.InvalidTransition, jpMSP, opts{}, "WithdrawFirstFiling", id, "again")
	h.expectCode(errs.InvalidTransition, jpMSP, opts{}, "CorrectFirstFiling", id, `{"documentFormat":"TIFF_ZIP","reason":"x"}`)
	h.expectCode(errs.InvalidTransition, jpMSP, opts{transient: map[string]string{"accessCode": `{"accessCode":"AB21","salt":"` + saltHex + `"}`}}, "SetAccessCode", id)
}
