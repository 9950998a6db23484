package contract

import (
	"testing"

	"github.com/ipledger/ipledger/chaincode/errs"
)

// seedFilings deposits filings of several offices, rights and dates.
func seedFilings(h *harness) {
	h.t.Helper()
	for _, f := range []struct{ msp, right, number, date string }{
		{jpMSP, "PATENT", "JP 2024-000001", "2024-01-10"},
		{jpMSP, "PATENT", "JP 2024-000002", "2024-02-10"},
		{jpMSP, "TRADEMARK", "2024-900001", "2024-02-10"},
		{jpMSP, "PATENT", "JP 2024-000003", "2024-03-10"},
		{jpMSP, "UTILITY_MODEL", "2024-500001", "2024-04-10"},
		{krMSP, "PATENT", "10-2024-0000001", "2024-02-15"},
	} {
		h.must(f.msp, "DepositFirstFiling", filingJSON(h.t, f.right, f.number, f.date))
	}
	h.must(jpMSP, "WithdrawFirstFiling", "JP:PATENT:2024000002", "abandoned")
}

func ids(fs []FirstFiling) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return out
}

func TestListFirstFilings(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	seedFilings(h)
	tests := map[string]struct {
		args []string // office, right, status, from, to
		want []string
	}{
		"all filings of an office by date": {args: []string{"JP", "", "", "", ""}, want: []string{
			"JP:PATENT:2024000001", "JP:PATENT:2024000002", "JP:TRADEMARK:2024900001", "JP:PATENT:2024000003", "JP:UTILITY_MODEL:2024500001"}},
		"one IP right":                {args: []string{"JP", "PATENT", "", "", ""}, want: []string{"JP:PATENT:2024000001", "JP:PATENT:2024000002", "JP:PATENT:2024000003"}},
		"one status":                  {args: []string{"JP", "", "WITHDRAWN", "", ""}, want: []string{"JP:PATENT:2024000002"}},
		"an inclusive date range":     {args: []string{"JP", "", "", "2024-02-10", "2024-03-10"}, want: []string{"JP:PATENT:2024000002", "JP:TRADEMARK:2024900001", "JP:PATENT:2024000003"}},
		"a range across all offices":  {args: []string{"", "PATENT", "AVAILABLE", "2024-02-01", "2024-02-28"}, want: []string{"KR:PATENT:1020240000001"}},
		"an office with nothing":      {args: []string{"EP", "", "", "", ""}, want: []string{}},
		"all offices without filters": {args: []string{"", "", "", "", "2024-01-31"}, want: []string{"JP:PATENT:2024000001"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := h.sub(t)
			var p page[FirstFiling]
			decode(t, h.must(usMSP, "ListFirstFilings", append(tc.args, "100", "")...), &p)
			if got := ids(p.Records); len(got) != len(tc.want) || (len(got) > 0 && got[0] != tc.want[0]) || p.Bookmark != "" {
				t.Fatalf("got %v (bookmark %q), want %v", got, p.Bookmark, tc.want)
			}
			for i := range tc.want {
				if ids(p.Records)[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", ids(p.Records), tc.want)
				}
			}
		})
	}
	t.Run("pages with a filter may be short but the bookmark continues", func(t *testing.T) {
		h := h.sub(t)
		var all []string
		bookmark, pages := "", 0
		for {
			var p page[FirstFiling]
			decode(t, h.must(usMSP, "ListFirstFilings", "JP", "", "AVAILABLE", "", "", "2", bookmark), &p)
			pages++
			if p.FetchedCount > 2 || len(p.Records) > p.FetchedCount {
				t.Fatalf("page %+v", p)
			}
			all = append(all, ids(p.Records)...)
			if bookmark = p.Bookmark; bookmark == "" {
				break
			}
		}
		if len(all) != 4 || pages != 3 {
			t.Fatalf("got %v in %d pages", all, pages)
		}
	})
	bad := map[string]struct {
		args []string
		code errs.Code
	}{
		"an unknown status":             {args: []string{"JP", "", "LOST", "", "", "", ""}, code: errs.InvalidArgument},
		"an unknown right":              {args: []string{"JP", "DESIGN", "", "", "", "", ""}, code: errs.InvalidArgument},
		"a malformed office":            {args: []string{"J", "", "", "", "", "", ""}, code: errs.InvalidOfficeCode},
		"an impossible from date":       {args: []string{"JP", "", "", "2024-02-30", "", "", ""}, code: errs.InvalidDate},
		"a from date after the to date": {args: []string{"JP", "", "", "2024-03-01", "2024-02-01", "", ""}, code: errs.InvalidDate},
		"a bookmark of another office":  {args: []string{"KR", "", "", "", "", "", encodeBookmark(filingDateIndexPrefix + "JP~2024")}, code: errs.InvalidArgument},
	}
	for name, tc := range bad {
		t.Run(name+" is rejected", func(t *testing.T) {
			h := h.sub(t)
			h.expectCode(tc.code, usMSP, opts{}, "ListFirstFilings", tc.args...)
		})
	}
	t.Run("lookups by number normalise it", func(t *testing.T) {
		h := h.sub(t)
		var f FirstFiling
		decode(t, h.must(usMSP, "FindFirstFiling", "JP", "PATENT", "2024000003"), &f)
		if f.FilingDate != "2024-03-10" {
			t.Fatalf("%+v", f)
		}
		h.expectCode(errs.NotFound, usMSP, opts{}, "FindFirstFiling", "JP", "PATENT", "JP 2024-000009")
		decode(t, h.must(usMSP, "GetFirstFiling", "KR:PATENT:1020240000001"), &f)
		if f.OfficeCode != "KR" {
			t.Fatalf("%+v", f)
		}
	})
}

func TestClaimsOnAFirstFilingThatIsNotOnTheLedger(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	for seq, osf := range []string{usMSP, krMSP, epMSP} {
		number := map[string]string{usMSP: "US 25/000,001", krMSP: "10-2025-0000001", epMSP: "EP 25000001"}[osf]
		h.must(osf, "RecordPriorityClaim", claimJSON(t, claimSpec{laterRight: "PATENT", laterNumber: number, laterDate: "2025-01-10", seq: seq + 1,
			prOffice: "CN", prRight: "PATENT", prNumber: "CN 202410000001.5", prDate: "2024-03-01"}))
	}
	var p page[PriorityClaim]
	decode(t, h.must(jpMSP, "ListClaimsOnFirstFiling", "CN", "PATENT", "cn 2024100000015", "2", ""), &p)
	if len(p.Records) != 2 || p.Bookmark == "" || p.Records[0].OfficeCode != "EP" {
		t.Fatalf("%+v", p)
	}
	decode(t, h.must(jpMSP, "ListClaimsOnFirstFiling", "CN", "PATENT", "CN 202410000001.5", "2", p.Bookmark), &p)
	if len(p.Records) != 1 || p.Bookmark != "" || p.Records[0].OfficeCode != "US" {
		t.Fatalf("%+v", p)
	}
	h.expectCode(errs.UnknownOffice, jpMSP, opts{}, "GetLaterApplicationClaims", "CN", "PATENT", "1")
}

func TestRecordHistory(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := h.depositJP()
	for i := range 3 {
		h.must(jpMSP, "CorrectFirstFiling", id, toJSON(t, correctionInput{DocumentFormat: []string{"TIFF_ZIP", "PDF", "ST92_PACKAGE"}[i], Reason: "rescan"}))
	}
	var p page[HistoryEntry]
	decode(t, h.must(usMSP, "GetRecordHistory", "filing", id, "3", ""), &p)
	if len(p.Records) != 3 || p.Bookmark != "3" || p.FetchedCount != 3 {
		t.Fatalf("%+v", p)
	}
	var newest FirstFiling
	decode(t, toJSON(t, p.Records[0].Record), &newest)
	if newest.Version != 4 || p.Records[0].Timestamp == "" || p.Records[0].TxID == "" {
		t.Fatalf("newest first: %+v", newest)
	}
	decode(t, h.must(usMSP, "GetRecordHistory", "filing", id, "3", p.Bookmark), &p)
	if len(p.Records) != 1 || p.Bookmark != "" {
		t.Fatalf("%+v", p)
	}
	for recordType, recordID := range map[string]string{
		"office": "JP", "officeSettings": "JP", "access": id, "confidentialHash": id,
	} {
		t.Run("the history of a "+recordType+" record is readable", func(t *testing.T) {
			h := h.sub(t)
			decode(t, h.must(usMSP, "GetRecordHistory", recordType, recordID, "", ""), &p)
			if len(p.Records) == 0 {
				t.Fatalf("no history for %s %s", recordType, recordID)
			}
		})
	}
	bad := map[string][]string{
		"an unknown record type":          {"invoice", id, "", ""},
		"a malformed proposal id":         {"proposal", "x", "", ""},
		"a malformed retrieval id":        {"retrieval", id, "", ""},
		"a malformed claim id":            {"claim", id, "", ""},
		"a malformed filing id":           {"filing", "JP", "", ""},
		"a malformed commitment id":       {"confidentialHash", "JP:PATENT", "", ""},
		"a bookmark that is not a number": {"filing", id, "", "abc"},
		"a bookmark past the end":         {"filing", id, "", "40"},
		"a zero bookmark":                 {"filing", id, "", "0"},
	}
	for name, args := range bad {
		t.Run(name+" is rejected", func(t *testing.T) {
			h := h.sub(t)
			h.expectCode(errs.InvalidArgument, usMSP, opts{}, "GetRecordHistory", args...)
		})
	}
	t.Run("a record that never existed has an empty history", func(t *testing.T) {
		h := h.sub(t)
		decode(t, h.must(usMSP, "GetRecordHistory", "claim", "US:PATENT:1:1", "", ""), &p)
		if len(p.Records) != 0 {
			t.Fatalf("%+v", p)
		}
		decode(t, h.must(usMSP, "GetRecordHistory", "office", "CN", "", ""), &p)
		h.expectCode(errs.InvalidOfficeCode, usMSP, opts{}, "GetRecordHistory", "office", "C", "", "")
	})
}
