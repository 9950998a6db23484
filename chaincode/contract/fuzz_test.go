package contract

import (
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ipledger/ipledger/chaincode/errs"
)

// Fuzz targets of issue 9: every transaction's argument parsing and every
// stored-record decoder. Each asserts no panic, coded errors, and what an
// accepted value guarantees (parse → format round trips). The seeds run as
// ordinary tests; `go test -run '^$' -fuzz=FuzzX ./contract` explores further.

func FuzzParseFilingID(f *testing.F) {
	for _, s := range []string{jpFilingID, "JP:PATENT:", "JP:PLANT:1", "jp:PATENT:1", "JP:PATENT:1:2", "JPN:PATENT:1",
		"JP:PATENT:" + strings.Repeat("1", 33), "JP:PATENT:a", "::", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		r, err := parseFilingID(id)
		if err != nil {
			checkCoded(t, err, errs.InvalidArgument)
			return
		}
		if r.ID() != id || !isNormalised(r.Number) || len(r.Office) != 2 || !isIPRight(string(r.Right)) {
			t.Fatalf("%q parsed as %+v", id, r)
		}
	})
}

func FuzzParseRetrievalID(f *testing.F) {
	for _, s := range []string{jpFilingID + ":20250317T091244Z_9f3c", jpFilingID + ":100000101T000000Z_ab",
		jpFilingID + ":20250317T091244Z_", jpFilingID + ":20250317T091244Z_" + strings.Repeat("a", 129), jpFilingID} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		r, err := parseRetrievalID(id)
		if err != nil {
			checkCoded(t, err, errs.InvalidArgument)
			return
		}
		if r.ID() != id || !validStampedID(r.Stamped) || len(r.attrs()) != 4 {
			t.Fatalf("%q parsed as %+v", id, r)
		}
	})
}

func FuzzParseClaimID(f *testing.F) {
	for _, s := range []string{"US:PATENT:25123456:1", "US:PATENT:25123456:999", "US:PATENT:25123456:1000",
		"US:PATENT:25123456:01", "US:PATENT:25123456:-1", "US:PATENT:25123456:+1", "US:PATENT:25123456:0x1", "US:PATENT:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		r, err := parseClaimID(id)
		if err != nil {
			checkCoded(t, err, errs.InvalidArgument)
			return
		}
		if r.ID() != id || r.Seq < 1 || r.Seq > maxSequence || len(seqKey(r.Seq)) != 3 {
			t.Fatalf("%q parsed as %+v", id, r)
		}
	})
}

func FuzzProposalID(f *testing.F) {
	for _, s := range []string{"20250317T091244Z_9f3c", "100000101T000000Z_ab", "20250317T091244Z_", "20250317T091244Z_G",
		"20250317T091244Z_" + strings.Repeat("f", 128), "20250317T091244Z_" + strings.Repeat("f", 129)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if validProposalID(id) && (len(id) > maxIDArg || !strings.HasPrefix(id[16:], "_") || strings.ContainsAny(id, ":\x00")) {
			t.Fatalf("accepted %q", id)
		}
		_ = seqKey(len(id) - 100) // never panics, whatever the number
	})
}

func FuzzPagination(f *testing.F) {
	for _, s := range [][2]string{{"", ""}, {"1", "AA"}, {"100", "aWxsZWdhbA"}, {"101", "***"}, {"+5", "AAAA="},
		{"-1", "1"}, {"007", "1000000000"}, {"1e2", "0"}} {
		f.Add(s[0], s[1])
	}
	start, end := "\x00ipl.filing\x00", "\x00ipl.filing\x00"+rangeEnd
	f.Fuzz(func(t *testing.T, pageSize, bookmark string) {
		if n, err := parsePageSize(pageSize); err != nil {
			checkCoded(t, err, errs.InvalidArgument)
		} else if n < 1 || n > maxPageSize || (pageSize == "" && n != defaultPageSize) {
			t.Fatalf("page size %q → %d", pageSize, n)
		}
		if key, err := decodeBookmark(bookmark, start, end); err != nil {
			checkCoded(t, err, errs.InvalidArgument)
		} else if bookmark != "" && (key < start || key >= end) {
			t.Fatalf("bookmark %q leaves the range: %q", bookmark, key)
		} else if back, err := decodeBookmark(encodeBookmark(key), start, end); err != nil || back != key {
			t.Fatalf("bookmark of %q does not round-trip: %v", key, err)
		}
		if n, err := parseHistoryBookmark(bookmark); err != nil {
			checkCoded(t, err, errs.InvalidArgument)
		} else if bookmark != "" && strconv.Itoa(n) != bookmark {
			t.Fatalf("history bookmark %q → %d", bookmark, n)
		}
	})
}

func FuzzCheckArguments(f *testing.F) {
	f.Add("GetFirstFiling", jpFilingID, "", 0)
	f.Add("ipledger:ListOffices", "100", strings.Repeat("A", maxBookmarkArg+1), 2)
	f.Add("NoSuchTransaction", "x", "y", 5)
	f.Fuzz(func(t *testing.T, fn, a, b string, extra int) {
		params := []string{a, b}
		for i := 0; i < extra%8; i++ {
			params = append(params, a)
		}
		if i := strings.LastIndex(fn, ":"); i >= 0 {
			fn = fn[i+1:]
		}
		err := checkArguments(fn, params)
		if err != nil {
			checkCoded(t, err, errs.InvalidArgument)
			return
		}
		specs, known := argumentSpecs[fn]
		for i, p := range params {
			max := maxAnyArg
			if known && i < len(specs) {
				max = specs[i].max
			}
			if len(p) > max {
				t.Fatalf("argument %d of %s (%d bytes) passed", i+1, fn, len(p))
			}
		}
	})
}

// storedKinds maps the record types to their key shapes for FuzzStoredRecords.
var storedKinds = []struct {
	name  string
	attrs int
	make  func() stored
}{
	{"office", 1, func() stored { return &officeRecord{} }},
	{"settings", 1, func() stored { return &settingsRecord{} }},
	{"msp", 1, func() stored { return &mspBinding{} }},
	{"proposal", 1, func() stored { return &Proposal{} }},
	{"founding", 1, func() stored { return &foundingRecord{} }},
	{"founded", 0, func() stored { return &foundedRecord{} }},
	{"openChange", 3, func() stored { return &openProposalRef{} }},
	{"filing", 3, func() stored { return &FirstFiling{} }},
	{"access", 3, func() stored { return &AccessRecord{} }},
	{"retrieval", 4, func() stored { return &Retrieval{} }},
	{"claim", 4, func() stored { return &PriorityClaim{} }},
	{"accessCode", 3, func() stored { return &accessCodeRecord{} }},
	{"attempt", 4, func() stored { return &accessAttemptRecord{} }},
	{"confidential", 3, func() stored { return &FilingConfidential{} }},
	{"confidentialHash", 3, func() stored { return &confidentialCommitment{} }},
}

// FuzzStoredRecords feeds arbitrary bytes under arbitrary keys to every
// stored-record decoder.
func FuzzStoredRecords(f *testing.F) {
	tpl := seedLedger(f)
	for k, v := range tpl.state {
		_, attrs, _ := (&fakeStub{}).SplitCompositeKey(k)
		f.Add(strings.Join(attrs, "\x1f"), v)
	}
	for _, kv := range tpl.private {
		for k, v := range kv {
			_, attrs, _ := (&fakeStub{}).SplitCompositeKey(k)
			f.Add(strings.Join(attrs, "\x1f"), v)
		}
	}
	f.Add("US\x1fPATENT\x1f25123456\x1f001", []byte(`{"sequenceNumber":1000}`))
	f.Add("JP", []byte(`{"officeCode":"JP"} {}`))
	f.Fuzz(func(t *testing.T, key string, raw []byte) {
		attrs := strings.Split(key, "\x1f")
		for _, kind := range storedKinds {
			rec := kind.make()
			err := decodeStored(raw, attrs, rec)
			if err != nil {
				if !isInvalidRecord(err) {
					t.Fatalf("%s: %v is not an invalid-record error", kind.name, err)
				}
				checkCoded(t, err, errs.Internal)
				continue
			}
			if len(attrs) != kind.attrs && kind.name != "openChange" {
				t.Fatalf("%s accepted under a key of %d attributes", kind.name, len(attrs))
			}
			// Accepted records re-encode to a record that is accepted again, unchanged.
			again, err := marshal(rec)
			if err != nil {
				t.Fatal(err)
			}
			back := kind.make()
			if err := decodeStored(again, attrs, back); err != nil || !reflect.DeepEqual(rec, back) {
				t.Fatalf("%s: re-encoded record %s: %v", kind.name, again, err)
			}
		}
	})
}

// FuzzTransactions calls any transaction with any arguments and transient
// data on a small ledger, whose records may be poisoned (as modified
// chaincode on an owner's peer could): never a panic, always a coded error
// that leaves the ledger unchanged (asserted by the harness).
func FuzzTransactions(f *testing.F) {
	tpl := seedLedger(f)
	names := slices.Sorted(maps.Keys(argumentSpecs))
	index := func(fn string) uint8 { return uint8(slices.Index(names, fn)) }
	f.Add(index("GetFirstFiling"), uint8(0), jpFilingID, "", "", "", "", "", "", "", uint8(0), []byte(nil))
	f.Add(index("RedeemAccessCode"), uint8(1), "JP", "PATENT", "JP 2024-012345", "2024-03-15", "", "", "", `{"accessCode":"AB21"}`, uint8(0), []byte(nil))
	f.Add(index("WithdrawPriorityClaim"), uint8(1), "US:PATENT:25123456:1", "", "", "", "", "", "", "", uint8(7), []byte(`{"sequenceNumber":1000}`))
	f.Add(index("ListFirstFilings"), uint8(2), "JP", "PATENT", "", "2024-01-01", "2024-12-31", "1", "", "", uint8(3), []byte(`[]`))
	f.Add(index("RecordPriorityClaim"), uint8(3), claimJSONRaw, "", "", "", "", "", "", "", uint8(0), []byte(nil))
	f.Add(index("ProposeMembershipChange"), uint8(0), `{"action":"SUSPEND_OFFICE","officeCode":"KR"}`, "", "", "", "", "", "", "", uint8(0), []byte(nil))
	f.Add(index("GetRecordHistory"), uint8(2), "claim", "US:PATENT:25123456:1", "1", "1", "", "", "", "", uint8(9), []byte("{"))
	msps := []string{jpMSP, usMSP, epMSP, krMSP, "CNMSP"}
	f.Fuzz(func(t *testing.T, fnIndex, caller uint8, a1, a2, a3, a4, a5, a6, a7, transient string, poisonAt uint8, poison []byte) {
		h := tpl.harness(t)
		if len(poison) > 0 {
			keys := slices.Sorted(maps.Keys(h.ledger.state))
			h.ledger.state[keys[int(poisonAt)%len(keys)]] = poison
		}
		fn := names[int(fnIndex)%len(names)]
		args := []string{a1, a2, a3, a4, a5, a6, a7}[:len(argumentSpecs[fn])]
		o := opts{peer: jpMSP}
		if transient != "" {
			o.transient = map[string]string{"accessCode": transient, "confidential": transient}
			if len(transient)%2 == 0 {
				delete(o.transient, "confidential")
			}
		}
		before := h.snapshot()
		_, err := h.call(msps[int(caller)%len(msps)], o, fn, args...)
		if err != nil && h.snapshot() != before {
			t.Fatalf("%s failed (%v) but the ledger changed", fn, err)
		}
	})
}

const claimJSONRaw = `{"laterApplication":{"applicationNumber":"US 25/123,457","ipRight":"PATENT","filingDate":"2025-03-17"},` +
	`"sequenceNumber":1,"priority":{"officeCode":"JP","applicationNumber":"JP 2024-012345","ipRight":"PATENT","filingDate":"2024-03-15"}}`

// checkCoded asserts a refusal has one of the codes and a bounded message.
func checkCoded(t *testing.T, err error, want ...errs.Code) {
	t.Helper()
	if !slices.Contains(want, errs.CodeOf(err)) || !wireFormat.MatchString(err.Error()) {
		t.Fatalf("error %v, want one of %v", err, want)
	}
	if len(err.Error()) > 800 {
		t.Fatalf("error message of %d bytes", len(err.Error()))
	}
}

// template is a small committed ledger every fuzz iteration starts from.
type template struct {
	state, sbe map[string][]byte
	private    map[string]map[string][]byte
	clock      time.Time
}

var (
	templateOnce   sync.Once
	templateLedger template
)

// seedLedger builds (once) a consortium with a deposited, coded and granted
// filing, a retrieval, a pending attempt, a claim and an open proposal.
func seedLedger(f *testing.F) template {
	templateOnce.Do(func() {
		h := newHarness(f)
		h.initConsortium()
		id := h.depositJP()
		h.setCode(jpMSP, id, "AB21")
		h.must(jpMSP, "GrantAccess", id, "US")
		h.must(usMSP, "RequestRetrieval", id)
		h.mustWith(krMSP, redeemOpts(f, "0000", jpMSP), "RedeemAccessCode", redeemArgs()...)
		h.record(usMSP, usClaim())
		h.must(jpMSP, "ProposeMembershipChange", suspendKR(f))
		templateLedger = template{state: h.ledger.state, sbe: h.ledger.sbe, private: h.ledger.private, clock: h.clock}
	})
	return templateLedger
}

// harness starts a fresh world on a copy of the template.
func (tpl template) harness(t *testing.T) *harness {
	h := newHarness(t)
	h.ledger.state, h.ledger.sbe = maps.Clone(tpl.state), maps.Clone(tpl.sbe)
	for c, kv := range tpl.private {
		h.ledger.private[c] = maps.Clone(kv)
	}
	h.clock = tpl.clock
	return h
}
