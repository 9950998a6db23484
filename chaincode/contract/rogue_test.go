package contract

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/ipledger/ipledger/chaincode/errs"
	"github.com/ipledger/ipledger/chaincode/priority"
)

// Tests of issue 9: a member office runs modified chaincode on its own peer
// and crafts any proposal. Its peer alone can still store anything under the
// keys only their owner endorses (access record, confidential commitment,
// private data), and any key could hold such a record when offices collude or
// when it was written by an earlier version with owner-only policies
// (finding 3). poison simulates such a write.

// poison overwrites a committed key as modified chaincode could.
func (h *harness) poison(key string, raw string) {
	h.t.Helper()
	if _, ok := h.ledger.state[key]; !ok {
		h.t.Fatalf("poisoning a key that does not exist: %q", key)
	}
	h.ledger.state[key] = []byte(raw)
}

// rewrite decodes the record under key, lets change edit it and stores it back.
func rewrite[T any](h *harness, key string, change func(*T)) {
	h.t.Helper()
	var rec T
	if err := json.Unmarshal(h.ledger.state[key], &rec); err != nil {
		h.t.Fatal(err)
	}
	change(&rec)
	h.poison(key, toJSON(h.t, rec))
}

func usClaim() claimSpec {
	return claimSpec{laterRight: "PATENT", laterNumber: "US 25/123,456", laterDate: "2025-03-17",
		prOffice: "CN", prRight: "PATENT", prNumber: "CN 2024123", prDate: "2024-03-15"}
}

// Finding 2: the sequence number stored in a claim drove the key of the
// update (seqKey panicked on 1000) and nothing recovered, so one poisoned
// record killed the chaincode of every peer asked to endorse a change on it.
func TestAPoisonedClaimIsRefusedNotACrash(t *testing.T) {
	tests := map[string]struct {
		raw    string
		change func(*PriorityClaim)
	}{
		"a sequence number of 1000":        {change: func(c *PriorityClaim) { c.SequenceNumber = 1000 }},
		"a negative sequence number":       {change: func(c *PriorityClaim) { c.SequenceNumber = -5 }},
		"the sequence number of another":   {change: func(c *PriorityClaim) { c.SequenceNumber, c.ID = 2, "US:PATENT:25123456:2" }},
		"another office's claim":           {change: func(c *PriorityClaim) { c.OfficeCode = "JP" }},
		"another later application":        {change: func(c *PriorityClaim) { c.LaterApplication.ApplicationNumberNormalised = "1" }},
		"an unknown status":                {change: func(c *PriorityClaim) { c.Status = "GRANTED_FOREVER" }},
		"an impossible later filing date":  {change: func(c *PriorityClaim) { c.LaterApplication.FilingDate = "2025-02-30" }},
		"not JSON":                         {raw: "\x00\xff"},
		"a JSON array":                     {raw: "[]"},
		"an unknown field":                 {raw: `{"id":"US:PATENT:25123456:1","extra":1}`},
		"trailing data after the record":   {raw: `{"id":"US:PATENT:25123456:1"} {}`},
		"a number where a string belongs":  {raw: `{"id":1}`},
		"a huge number in the sequence":    {raw: `{"sequenceNumber":1e400}`},
		"an empty object lacking every id": {raw: `{}`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			h.initConsortium()
			h.record(usMSP, usClaim())
			key := h.compositeKey(kindClaim, "US", "PATENT", "25123456", "001")
			if tc.change != nil {
				rewrite(h, key, tc.change)
			} else {
				h.poison(key, tc.raw)
			}
			for _, call := range []struct {
				fn   string
				args []string
			}{
				{"WithdrawPriorityClaim", []string{"US:PATENT:25123456:1"}},
				{"DecideRestoration", []string{"US:PATENT:25123456:1", "GRANTED"}},
				{"RequestRestoration", []string{"US:PATENT:25123456:1", "DUE_CARE", "2025-03-17"}},
				{"GetPriorityClaim", []string{"US:PATENT:25123456:1"}},
				{"GetLaterApplicationClaims", []string{"US", "PATENT", "US 25/123,456"}},
			} {
				// Any other peer (here KR's, asked by US) answers with an error.
				h.expectCode(errs.Internal, usMSP, opts{peer: krMSP}, call.fn, call.args...)
			}
		})
	}
}

// panickingStub stands for any unexpected failure inside a transaction: every
// ledger access panics.
type panickingStub struct{ *fakeStub }

func (panickingStub) GetTxTimestamp() (*timestamppb.Timestamp, error) { panic("injected failure") }
func (panickingStub) GetState(string) ([]byte, error)                 { panic("injected failure") }

// The guard covers every transaction of the contract, whatever fails inside.
func TestEveryTransactionTurnsAPanicIntoAnInternalError(t *testing.T) {
	cc, err := NewChaincode()
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	cc.(*guard).log = &log
	c := reflect.ValueOf(New())
	for name := range metadataTags(t) {
		t.Run(name, func(t *testing.T) {
			m := c.MethodByName(name)
			args := make([]string, m.Type().NumIn()-1) // all but the context
			for i := range args {
				args[i] = "x"
			}
			stub := panickingStub{newFakeStub(newFakeLedger(), "0a", time.Now(), jpMSP, nil)}
			stub.function, stub.args = name, args
			resp := cc.Invoke(stub)
			if resp.Status == 200 || !strings.HasPrefix(resp.Message, "INTERNAL: ") || strings.Contains(resp.Message, "injected") {
				t.Fatalf("%s: %d %q", name, resp.Status, resp.Message)
			}
			if !strings.Contains(log.String(), "injected failure") {
				t.Fatal("the panic is not in the chaincode log")
			}
		})
	}
}

// A member can rewrite its own records; honest peers must neither act on a
// record that contradicts its key nor let it break listings shared by all.
func TestPoisonedRecordsAreRefusedAndListingsSkipThem(t *testing.T) {
	type listing struct {
		fn   string
		args []string
		want int // records left in the page
	}
	tests := map[string]struct {
		poison  func(h *harness, filingID, retrievalID string)
		refused []string // fn, args...: must answer INTERNAL
		by      string   // caller of refused
		listing listing
	}{
		"a filing claiming to belong to another office": {
			// Without the key check the update would have been written to US's own key.
			poison: func(h *harness, _, _ string) {
				rewrite(h, h.compositeKey(kindFiling, "JP", "PATENT", "2024012345"), func(f *FirstFiling) { f.OfficeCode = "US" })
			},
			refused: []string{"WithdrawFirstFiling", jpFilingID, "gone"}, by: usMSP,
			listing: listing{"ListFirstFilings", []string{"JP", "", "", "", "", "", ""}, 0},
		},
		"a filing with a malformed digest": {
			poison: func(h *harness, _, _ string) {
				rewrite(h, h.compositeKey(kindFiling, "JP", "PATENT", "2024012345"), func(f *FirstFiling) { f.DocumentSHA256 = "zz" })
			},
			refused: []string{"RequestRetrieval", jpFilingID}, by: krMSP,
			listing: listing{"ListFirstFilings", []string{"", "", "", "", "", "", ""}, 0},
		},
		"an access record with unsorted entries": {
			poison: func(h *harness, _, _ string) {
				rewrite(h, h.compositeKey(kindAccess, "JP", "PATENT", "2024012345"), func(a *AccessRecord) {
					a.Offices = append(a.Offices, AccessEntry{OfficeCode: "EP", Grant: grantActive, Route: routeDirectGrant})
				})
			},
			refused: []string{"RequestRetrieval", jpFilingID}, by: epMSP,
		},
		"an access record of another filing": {
			poison: func(h *harness, _, _ string) {
				rewrite(h, h.compositeKey(kindAccess, "JP", "PATENT", "2024012345"), func(a *AccessRecord) { a.FilingID = "JP:PATENT:1" })
			},
			refused: []string{"GetAccessRecord", jpFilingID}, by: krMSP,
		},
		"a retrieval rewritten to another requester": {
			poison: func(h *harness, _, rid string) {
				ref, _ := parseRetrievalID(rid)
				rewrite(h, h.compositeKey(kindRetrieval, ref.attrs()...), func(r *Retrieval) { r.RequestingOffice = "JP" })
			},
			refused: []string{"GetRetrieval", "<retrieval>"}, by: krMSP,
			listing: listing{"ListRetrievals", []string{jpFilingID, "", ""}, 0},
		},
		"a retrieval completed without a completion time": {
			poison: func(h *harness, _, rid string) {
				ref, _ := parseRetrievalID(rid)
				rewrite(h, h.compositeKey(kindRetrieval, ref.attrs()...), func(r *Retrieval) { r.Status = retrievalSuccess })
			},
			refused: []string{"AcknowledgeRetrieval", "<retrieval>", docHash}, by: usMSP,
		},
		"a confidential commitment of another filing": {
			poison: func(h *harness, _, _ string) {
				rewrite(h, h.compositeKey(kindConfidentialHash, "JP", "PATENT", "2024012345"), func(c *confidentialCommitment) { c.FilingID = "JP:PATENT:1" })
			},
			refused: []string{"GetFirstFiling", jpFilingID}, by: krMSP,
			listing: listing{"ListFirstFilings", []string{"JP", "", "", "", "", "", ""}, 0},
		},
		"office settings with an impossible calendar": {
			poison: func(h *harness, _, _ string) {
				rewrite(h, h.compositeKey(kindSettings, "US"), func(s *settingsRecord) {
					s.Calendar.ClosedWeekdays = []string{"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"}
				})
			},
			refused: []string{"ComputePriorityDeadline", "US", "PATENT", "2024-03-15", "PATENT"}, by: krMSP,
			listing: listing{"ListOffices", []string{"", ""}, 3},
		},
		"office settings under another office's key": {
			poison: func(h *harness, _, _ string) {
				rewrite(h, h.compositeKey(kindSettings, "US"), func(s *settingsRecord) { s.OfficeCode = "JP" })
			},
			refused: []string{"GetOffice", "US"}, by: krMSP,
			listing: listing{"ListOffices", []string{"", ""}, 3},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			h.initConsortium()
			id := grantedJP(h)
			var r Retrieval
			decode(t, h.must(usMSP, "RequestRetrieval", id), &r)
			tc.poison(h, id, r.ID)
			args := slices.Clone(tc.refused[1:])
			for i, a := range args {
				if a == "<retrieval>" {
					args[i] = r.ID
				}
			}
			h.expectCode(errs.Internal, tc.by, opts{}, tc.refused[0], args...)
			if tc.listing.fn != "" {
				var p struct {
					Records  []json.RawMessage `json:"records"`
					Fetched  int               `json:"fetchedCount"`
					Bookmark string            `json:"bookmark"`
				}
				decode(t, h.must(krMSP, tc.listing.fn, tc.listing.args...), &p)
				if len(p.Records) != tc.listing.want || p.Fetched <= len(p.Records) {
					t.Fatalf("%s: %d records of %d fetched, want %d", tc.listing.fn, len(p.Records), p.Fetched, tc.listing.want)
				}
			}
		})
	}
}

// The private records the owner's peer reads are checked as well.
func TestAPoisonedAttemptIsRefused(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := h.depositJP()
	h.setCode(jpMSP, id, "AB21")
	h.mustWith(usMSP, redeemOpts(t, "AB21", jpMSP), "RedeemAccessCode", redeemArgs()...)
	tryKey := h.compositeKey(kindAccessTry, "JP", "PATENT", "2024012345", "US")
	h.ledger.private["_implicit_org_"+jpMSP][tryKey] = []byte(`{"filingId":"JP:PATENT:2024012345","officeCode":"KR"}`)
	h.expectCode(errs.Internal, usMSP, opts{peer: jpMSP}, "SettleAccessCodeRedemption", id, "US")
	codeKey := h.compositeKey(kindAccessCode, "JP", "PATENT", "2024012345")
	h.ledger.private["_implicit_org_"+jpMSP][codeKey] = []byte(`{"filingId":"JP:PATENT:2024012345","salt":"00","codeHash":"","codeVersion":0}`)
	h.expectCode(errs.Internal, krMSP, redeemOpts(t, "AB21", jpMSP), "RedeemAccessCode", redeemArgs()...)
}

func suspendKR(t testing.TB) string {
	return changeJSON(t, changeInput{Action: "SUSPEND_OFFICE", OfficeCode: "KR", Reason: "rogue"})
}

// Finding 1: the id of a proposal made with a year-10000 timestamp failed the
// id check, so it could be neither approved nor withdrawn, and it held the
// only open-proposal slot of its target for ever.
func TestAFarFutureProposalCannotJamGovernance(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	far := opts{txTime: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	h.expectCode(errs.ClockSkew, krMSP, far, "ProposeMembershipChange",
		changeJSON(t, changeInput{Action: "CHANGE_ROLES", OfficeCode: "KR", Roles: &Roles{Depositing: allRights, Accessing: allRights}}))
	var p Proposal
	decode(t, h.must(jpMSP, "ProposeMembershipChange", suspendKR(t)), &p)
	h.must(usMSP, "ApproveMembershipChange", p.ID)
	decode(t, h.must(epMSP, "ApproveMembershipChange", p.ID), &p)
	if p.Status != "APPLIED" {
		t.Fatalf("%+v", p)
	}
}

// Finding 1: with one open proposal per target an office could squat the
// slot on itself with a harmless proposal, so it could never be suspended.
func TestAnOfficeCannotSquatProposalsAboutItself(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	var squat, p Proposal
	decode(t, h.must(krMSP, "ProposeMembershipChange",
		changeJSON(t, changeInput{Action: "CHANGE_ROLES", OfficeCode: "KR", Roles: &Roles{Depositing: allRights, Accessing: allRights}})), &squat)
	decode(t, h.must(jpMSP, "ProposeMembershipChange", suspendKR(t)), &p)
	h.must(usMSP, "ApproveMembershipChange", p.ID)
	decode(t, h.must(epMSP, "ApproveMembershipChange", p.ID), &p)
	if p.Status != "APPLIED" {
		t.Fatalf("%+v", p)
	}
	// The squatting proposal is still open; KR, now suspended, can do nothing with it.
	h.expectCode(errs.OfficeSuspended, krMSP, opts{}, "WithdrawMembershipProposal", squat.ID)
}

// Finding 6: the proposal timestamp is chosen by the client; endorsing peers
// accept it only within ±10 minutes of their own clock.
func TestTheTransactionTimeMustBeCloseToThePeersClock(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	tests := map[string]struct {
		o    opts
		code errs.Code
	}{
		"on time":                      {opts{}, ""},
		"ten minutes ahead":            {opts{skew: 10 * time.Minute}, ""},
		"ten minutes behind":           {opts{skew: -10 * time.Minute}, ""},
		"a second more than 10m ahead": {opts{skew: 10*time.Minute + time.Second}, errs.ClockSkew},
		"a second more than 10m late":  {opts{skew: -10*time.Minute - time.Second}, errs.ClockSkew},
		"five years ahead":             {opts{skew: 5 * 365 * 24 * time.Hour}, errs.ClockSkew},
		"in the year 10000":            {opts{txTime: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, errs.ClockSkew},
		"at the epoch":                 {opts{txTime: time.Unix(0, 0)}, errs.ClockSkew},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := h.sub(t)
			for _, call := range [][]string{{"GetCallerOffice"}, {"ListOffices", "", ""}, {"WithdrawFirstFiling", "JP:PATENT:1", "x"}} {
				if tc.code == "" {
					if _, err := h.call(jpMSP, tc.o, call[0], call[1:]...); errs.Is(err, errs.ClockSkew) {
						t.Fatalf("%s: %v", call[0], err)
					}
					continue
				}
				h.expectCode(tc.code, jpMSP, tc.o, call[0], call[1:]...)
			}
		})
	}
	// The filing dated 2029 of the issue: "today" comes from a timestamp the peers accepted.
	h.expectCode(errs.ClockSkew, jpMSP, opts{txTime: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}, "DepositFirstFiling",
		filingJSON(t, "PATENT", "JP 2029-000001", "2029-01-01"))
}

// Finding 4: after the owner revoked a grant obtained with the access code,
// the grantee redeemed the same code again and was granted again.
func TestARevokedGrantStaysRevoked(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := h.depositJP()
	h.setCode(jpMSP, id, "AB21")
	if r, _ := h.redeem(usMSP, "AB21"); r.Result != "ACCESS_GRANTED" {
		t.Fatalf("%+v", r)
	}
	h.must(jpMSP, "RevokeAccess", id, "US", "applicant instruction")
	h.expectCode(errs.NotAuthorized, usMSP, redeemOpts(t, "AB21", jpMSP), "RedeemAccessCode", redeemArgs()...)
	h.expectCode(errs.NoGrant, usMSP, opts{}, "RequestRetrieval", id)
	var a AccessRecord
	decode(t, h.must(krMSP, "GetAccessRecord", id), &a)
	if e, _ := a.find("US"); e.Grant != "REVOKED" || e.RevokedCodeVersion != 1 || e.FailedAttempts != 0 {
		t.Fatalf("%+v", e)
	}
	t.Run("a new access code lets the office redeem again", func(t *testing.T) {
		h := h.sub(t)
		h.setCode(jpMSP, id, "CD34")
		if r, _ := h.redeem(usMSP, "CD34"); r.Result != "ACCESS_GRANTED" {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("a direct grant restores access until the next revocation", func(t *testing.T) {
		h := h.sub(t)
		h.must(jpMSP, "RevokeAccess", id, "US", "again")
		decode(t, h.must(jpMSP, "GrantAccess", id, "US"), &a)
		if e, _ := a.find("US"); e.Grant != "ACTIVE" || e.RevokedCodeVersion != 0 {
			t.Fatalf("%+v", e)
		}
		h.must(jpMSP, "RevokeAccess", id, "US", "and again")
		h.expectCode(errs.NotAuthorized, usMSP, redeemOpts(t, "CD34", jpMSP), "RedeemAccessCode", redeemArgs()...)
	})
}

// An attempt pending when the owner revokes (it granted directly meanwhile)
// must not turn into a grant when settled.
func TestRevocationVoidsAPendingAttempt(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := h.depositJP()
	h.setCode(jpMSP, id, "AB21")
	h.mustWith(usMSP, redeemOpts(t, "AB21", jpMSP), "RedeemAccessCode", redeemArgs()...)
	h.must(jpMSP, "GrantAccess", id, "US")
	h.must(jpMSP, "RevokeAccess", id, "US", "applicant instruction")
	tryKey := h.compositeKey(kindAccessTry, "JP", "PATENT", "2024012345", "US")
	if _, left := h.ledger.private["_implicit_org_"+jpMSP][tryKey]; left {
		t.Fatal("the revocation left the attempt behind")
	}
	h.expectCode(errs.InvalidTransition, usMSP, opts{peer: jpMSP}, "SettleAccessCodeRedemption", id, "US")
	var a AccessRecord
	decode(t, h.must(krMSP, "GetAccessRecord", id), &a)
	if e, _ := a.find("US"); e.Grant != "REVOKED" || e.PendingAttempt {
		t.Fatalf("%+v", e)
	}
}

// allocated reports the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// huge is an argument far beyond any bound, made of multi-byte runes and
// separators so that any split or rune conversion before the bound shows.
var huge = strings.Repeat("€:~", 1<<20) // 5 MiB

// Finding 7: parsers split and converted to runes before any length check, so
// one big argument made another office's chaincode allocate many times its size.
func TestOversizedArgumentsAreRefusedBeforeAnyWork(t *testing.T) {
	cc, err := NewChaincode()
	if err != nil {
		t.Fatal(err)
	}
	c := reflect.ValueOf(New())
	for name := range metadataTags(t) {
		n := c.MethodByName(name).Type().NumIn() - 1
		for i := range n {
			t.Run(fmt.Sprintf("%s argument %d", name, i+1), func(t *testing.T) {
				args := make([]string, n)
				for j := range args {
					args[j] = "JP"
				}
				args[i] = huge
				stub := newFakeStub(newFakeLedger(), "0b", time.Now(), jpMSP, nil)
				stub.function, stub.args, stub.creator = name, args, serializedIdentity(t, jpMSP, "admin")
				var status int32
				var msg string
				if used := allocated(func() { resp := cc.Invoke(stub); status, msg = resp.Status, resp.Message }); used > 1<<20 {
					t.Errorf("allocated %d bytes for a %d-byte argument", used, len(huge))
				}
				want := fmt.Sprintf("INVALID_ARGUMENT: %s exceeds ", argumentNames(t, name)[i])
				if status == 200 || !strings.HasPrefix(msg, want) {
					t.Fatalf("%d %q, want %q…", status, clipArg(msg), want)
				}
			})
		}
	}
}

// The parsers bound their input themselves too (JSON fields reach them
// without the per-argument bound).
func TestParsersBoundTheirInputFirst(t *testing.T) {
	tests := map[string]func() error{
		"parseFilingID":    func() error { _, err := parseFilingID(huge); return err },
		"parseRetrievalID": func() error { _, err := parseRetrievalID(huge); return err },
		"parseClaimID":     func() error { _, err := parseClaimID(huge); return err },
		"parsePageSize":    func() error { _, err := parsePageSize(huge); return err },
		"decodeBookmark":   func() error { _, err := decodeBookmark(huge, "", "\U0010FFFF"); return err },
		"ParseDate":        func() error { _, err := priority.ParseDate(huge); return err },
		"ParseIPRight":     func() error { _, err := priority.ParseIPRight(huge); return err },
		"ParseCategory":    func() error { _, err := priority.ParseCategory(huge); return err },
		"ValidateOfficeCode": func() error {
			return priority.ValidateOfficeCode(huge)
		},
		"NormaliseApplicationNumber": func() error {
			_, err := priority.NormaliseApplicationNumber("JP", priority.National, huge, nil)
			return err
		},
		"CheckMSPID": func() error { return priority.CheckMSPID(huge) },
	}
	for name, parse := range tests {
		t.Run(name, func(t *testing.T) {
			var err error
			if used := allocated(func() { err = parse() }); used > 64<<10 {
				t.Errorf("allocated %d bytes", used)
			}
			if err == nil || len(err.Error()) > 400 {
				t.Fatalf("%v", clipArg(fmt.Sprint(err)))
			}
		})
	}
}

// argumentNames are the documented names of a transaction's arguments.
func argumentNames(t *testing.T, fn string) []string {
	t.Helper()
	specs, ok := argumentSpecs[fn]
	if !ok {
		t.Fatalf("no argument specs for %s", fn)
	}
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.name
	}
	return names
}

func TestEveryTransactionHasArgumentBounds(t *testing.T) {
	tags := metadataTags(t)
	c := reflect.ValueOf(New())
	for name := range tags {
		if got, want := len(argumentSpecs[name]), c.MethodByName(name).Type().NumIn()-1; got != want {
			t.Errorf("%s: %d argument specs for %d arguments", name, got, want)
		}
	}
	if len(argumentSpecs) != len(tags) {
		t.Errorf("%d argument specs for %d transactions", len(argumentSpecs), len(tags))
	}
}

func TestOversizedTransientDataIsRefusedBeforeAnyWork(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := h.depositJP()
	tests := map[string]opts{
		"a huge access code value": {rawTransient: map[string][]byte{"accessCode": []byte(huge)}},
		"a huge transient key":     {rawTransient: map[string][]byte{huge: []byte("{}")}},
		"many transient keys": {rawTransient: func() map[string][]byte {
			m := map[string][]byte{}
			for i := range 1000 {
				m[fmt.Sprint(i)] = []byte("{}")
			}
			return m
		}()},
	}
	for name, o := range tests {
		t.Run(name, func(t *testing.T) {
			h := h.sub(t)
			var err error
			if used := allocated(func() { _, err = h.call(jpMSP, o, "SetAccessCode", id) }); used > 1<<20 {
				t.Errorf("allocated %d bytes", used)
			}
			if !errs.Is(err, errs.InvalidArgument) || len(err.Error()) > 300 {
				t.Fatalf("%v", clipArg(fmt.Sprint(err)))
			}
		})
	}
}

func patternSettings(t testing.TB, patterns ...string) string {
	return toJSON(t, settingsInput{
		Calendar:                  &CalendarSpec{ClosedWeekdays: []string{"SATURDAY", "SUNDAY"}, ClosedDates: []string{}},
		ApplicationNumberPatterns: []NumberPatterns{{IPRight: "PATENT", Patterns: patterns}},
		RestorationPolicy:         []RestorationRule{},
	})
}

// Finding 8: an office set its number patterns to ^$, and every claim that
// another office recorded citing one of its applications was refused.
func TestAnOfficesNumberPatternsCannotBlockClaimsCitingIt(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	for name, p := range map[string]string{
		"a pattern matching only the empty number": `^$`,
		"a pattern matching the empty number":      `^(?P<num>\d*)$`,
		"an unanchored pattern":                    `\d{8}`,
		"a pattern anchored at one end":            `^\d{8}`,
		"an alternation anchoring one branch only": `^\d{8}$|\d`,
	} {
		t.Run(name+" is refused", func(t *testing.T) {
			h := h.sub(t)
			h.expectCode(errs.InvalidArgument, usMSP, opts{}, "UpdateOfficeSettings", patternSettings(t, p))
		})
	}
	citing := claimSpec{laterRight: "PATENT", laterNumber: "KR 10-2025-0000001", laterDate: "2025-03-17",
		prOffice: "US", prRight: "PATENT", prNumber: "US 24/123,456", prDate: "2024-03-15"}
	r := h.record(krMSP, citing)
	if r.Claim.Priority.ApplicationNumberNormalised != "24123456" || len(r.Claim.Warnings) != 1 || r.Claim.Warnings[0] != warnNotOnLedger {
		t.Fatalf("a number in US's format: %+v", r.Claim)
	}
	// US's patterns now recognise none of its numbers (set by modified
	// chaincode, or just wrong): claims citing US are still recorded.
	h.must(usMSP, "UpdateOfficeSettings", patternSettings(t, `^Z{9}$`))
	h.must(krMSP, "WithdrawPriorityClaim", r.Claim.ID)
	rewrite(h, h.compositeKey(kindSettings, "US"), func(s *settingsRecord) { s.ApplicationNumberPatterns[0].Patterns = []string{`^$`} })
	citing.seq, citing.prNumber = 2, "US 24/123,457"
	r = h.record(krMSP, citing)
	if r.Claim.Priority.ApplicationNumberNormalised != "24123457" ||
		!slices.Equal(r.Claim.Warnings, []string{warnNotOnLedger, warnUnrecognisedNumber}) {
		t.Fatalf("%+v", r.Claim)
	}
	var list page[PriorityClaim]
	decode(t, h.must(jpMSP, "ListClaimsOnFirstFiling", "US", "PATENT", "US 24/123,457", "", ""), &list)
	if len(list.Records) != 1 || list.Records[0].ID != r.Claim.ID {
		t.Fatalf("the claim is not found by its cited number: %+v", list)
	}
	// The office-independent rules still hold.
	citing.seq, citing.prNumber = 3, "US NO DIGITS"
	h.expectCode(errs.InvalidApplicationNumber, krMSP, opts{}, "RecordPriorityClaim", claimJSON(t, citing))
	// An office's own numbers still follow its own patterns.
	h.expectCode(errs.InvalidApplicationNumber, usMSP, opts{}, "DepositFirstFiling", filingJSON(t, "PATENT", "US 24/123,458", "2024-03-15"))
}

// The chaincode side of finding 3: whatever its arguments, a SUSPENDED office
// gets no write endorsed by an honest peer. Its own peer, with modified
// chaincode, endorses anything; the key policies make that insufficient
// (TestAnOfficesOwnPeerCannotRewriteWhatOthersRelyOn).
func TestASuspendedOfficeCannotSubmitAnything(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := h.depositJP()
	var p Proposal
	decode(t, h.must(jpMSP, "ProposeMembershipChange", suspendKR(t)), &p)
	h.must(usMSP, "ApproveMembershipChange", p.ID)
	h.must(epMSP, "ApproveMembershipChange", p.ID)
	c := reflect.ValueOf(New())
	for name := range metadataTags(t) {
		if slices.Contains(evaluateTransactions, name) || name == "InitConsortium" || name == "ConfirmFounding" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			h := h.sub(t)
			args := make([]string, c.MethodByName(name).Type().NumIn()-1)
			for i := range args {
				args[i] = "JP" // within every argument's byte bound, which is checked first
			}
			args[0] = id
			if name == "RedeemAccessCode" {
				args = redeemArgs()
			}
			h.expectCode(errs.OfficeSuspended, krMSP, opts{peer: jpMSP}, name, args...)
		})
	}
}

// mutated is the record under key with change applied, as modified chaincode would write it.
func mutated[T any](h *harness, key string, change func(*T)) []byte {
	h.t.Helper()
	var rec T
	if err := json.Unmarshal(h.ledger.state[key], &rec); err != nil {
		h.t.Fatal(err)
	}
	change(&rec)
	return []byte(toJSON(h.t, rec))
}

// Finding 3: an office's own peer, running modified chaincode, endorses any
// write the office wants. Records other offices rely on therefore need other
// peers as well: each attack below is what that peer would write, and the
// committing peers refuse it against the key's policy. Only the parties the
// policy names, together, could make the same write.
func TestAnOfficesOwnPeerCannotRewriteWhatOthersRelyOn(t *testing.T) {
	retrievalKey := func(h *harness, id string) string {
		ref, err := parseRetrievalID(id)
		if err != nil {
			h.t.Fatal(err)
		}
		return h.compositeKey(kindRetrieval, ref.attrs()...)
	}
	failedRetrieval := func(h *harness) string {
		var r Retrieval
		decode(h.t, h.must(usMSP, "RequestRetrieval", grantedJP(h)), &r)
		h.must(usMSP, "AcknowledgeRetrieval", r.ID, docHash2) // HASH_MISMATCH: ERROR
		return retrievalKey(h, r.ID)
	}
	filingKey := func(h *harness) string { return h.compositeKey(kindFiling, "JP", "PATENT", "2024012345") }
	claimKey := func(h *harness) string { return h.compositeKey(kindClaim, "US", "PATENT", "25123456", "001") }
	tests := map[string]struct {
		setup    func(h *harness) string // prepares the ledger, returns the key attacked
		rogue    string                  // the attacking office's peer
		attack   func(h *harness, s *fakeStub, key string)
		together []string // the endorsers the policy needs for the same write
	}{
		"a requester turns its failed retrieval into a success": {
			setup: failedRetrieval, rogue: usMSP,
			attack: func(h *harness, s *fakeStub, key string) {
				_ = s.PutState(key, mutated(h, key, func(r *Retrieval) { r.Status, r.ErrorCode, r.ErrorMessage = retrievalSuccess, "", "" }))
			},
			together: []string{usMSP, jpMSP},
		},
		"a requester deletes its retrieval from the append-only log": {
			setup: failedRetrieval, rogue: usMSP,
			attack:   func(_ *harness, s *fakeStub, key string) { _ = s.DelState(key) },
			together: []string{usMSP, epMSP, krMSP},
		},
		"a requester makes its retrieval its own key again": {
			setup: failedRetrieval, rogue: usMSP,
			attack: func(h *harness, s *fakeStub, key string) {
				raw, err := ownerOnly(usMSP).envelope()
				if err != nil {
					h.t.Fatal(err)
				}
				_ = s.SetStateValidationParameter(key, raw)
			},
			together: []string{usMSP, jpMSP},
		},
		"the owner erases the failure it is blamed for": {
			setup: failedRetrieval, rogue: jpMSP,
			attack: func(h *harness, s *fakeStub, key string) {
				_ = s.PutState(key, mutated(h, key, func(r *Retrieval) { r.Status, r.ErrorCode, r.ErrorMessage = retrievalSuccess, "", "" }))
			},
			together: []string{jpMSP, usMSP},
		},
		"an OSF marks its late claim IN_TIME": {
			setup: func(h *harness) string {
				h.record(usMSP, lateClaim())
				return claimKey(h)
			},
			rogue: usMSP,
			attack: func(h *harness, s *fakeStub, key string) {
				_ = s.PutState(key, mutated(h, key, func(c *PriorityClaim) { c.Timeliness = string(priority.InTime) }))
			},
			together: []string{usMSP, jpMSP, krMSP},
		},
		"an OSF grants itself restoration without a request": {
			setup: func(h *harness) string {
				h.record(usMSP, lateClaim())
				return claimKey(h)
			},
			rogue: usMSP,
			attack: func(h *harness, s *fakeStub, key string) {
				_ = s.PutState(key, mutated(h, key, func(c *PriorityClaim) { c.Status = claimRestored }))
			},
			together: []string{usMSP, epMSP, krMSP},
		},
		"an owner changes a filing's date after others claimed it": {
			setup: func(h *harness) string {
				h.depositJP()
				h.record(usMSP, usClaim())
				return filingKey(h)
			},
			rogue: jpMSP,
			attack: func(h *harness, s *fakeStub, key string) {
				_ = s.PutState(key, mutated(h, key, func(f *FirstFiling) { f.FilingDate = "2024-03-01" }))
			},
			together: []string{jpMSP, usMSP, epMSP},
		},
		"an owner brings a withdrawn filing back": {
			setup: func(h *harness) string {
				h.depositJP()
				h.must(jpMSP, "WithdrawFirstFiling", jpFilingID, "applicant request")
				return filingKey(h)
			},
			rogue: jpMSP,
			attack: func(h *harness, s *fakeStub, key string) {
				_ = s.PutState(key, mutated(h, key, func(f *FirstFiling) { f.Status = filingAvailable }))
			},
			together: []string{jpMSP, krMSP, usMSP},
		},
		"an office closes the day a deadline fell on, alone": {
			setup: func(h *harness) string { return h.compositeKey(kindSettings, "US") },
			rogue: usMSP,
			attack: func(h *harness, s *fakeStub, key string) {
				_ = s.PutState(key, mutated(h, key, func(st *settingsRecord) { st.Calendar.ClosedDates = []string{"2025-02-03"} }))
			},
			together: []string{usMSP, jpMSP, epMSP},
		},
		"a suspended office keeps changing its settings": {
			setup: func(h *harness) string {
				var p Proposal
				decode(h.t, h.must(jpMSP, "ProposeMembershipChange", suspendKR(h.t)), &p)
				h.must(usMSP, "ApproveMembershipChange", p.ID)
				h.must(epMSP, "ApproveMembershipChange", p.ID)
				return h.compositeKey(kindSettings, "KR")
			},
			rogue: krMSP,
			attack: func(h *harness, s *fakeStub, key string) {
				_ = s.PutState(key, mutated(h, key, func(st *settingsRecord) { st.RestorationPolicy[0].Allowed = false }))
			},
			together: []string{krMSP, jpMSP, usMSP},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			h.initConsortium()
			key := tc.setup(h)
			before := h.snapshot()
			policy := h.policyOf(key)
			if err := h.rogue([]string{tc.rogue}, func(s *fakeStub) { tc.attack(h, s, key) }); !errors.Is(err, errPolicyFailure) {
				t.Fatalf("the write of %s's own peer was accepted against %q: %v", tc.rogue, policy, err)
			}
			if h.snapshot() != before || h.policyOf(key) != policy {
				t.Fatal("a refused write changed the ledger")
			}
			// The same write with the endorsers the policy names is valid: the policy decides.
			if err := h.rogue(tc.together, func(s *fakeStub) { tc.attack(h, s, key) }); err != nil {
				t.Fatalf("endorsed by %v: %v", tc.together, err)
			}
		})
	}
}

// What stays owner-only (CONTRACT.md §1): the access record and the
// confidential commitment concern the owner's own document, which the owner
// may hand out or withhold anyway, and their owner-only transactions cannot
// involve other peers (the code hash and the confidential data are private).
func TestTheOwnersPeerAloneControlsAccessToItsDocument(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := grantedJP(h)
	accessKey := h.compositeKey(kindAccess, "JP", "PATENT", "2024012345")
	err := h.rogue([]string{jpMSP}, func(s *fakeStub) {
		_ = s.PutState(accessKey, mutated(h, accessKey, func(a *AccessRecord) { a.Offices[0].Grant = grantRevoked }))
	})
	if err != nil {
		t.Fatalf("the owner's own peer may change its grants: %v", err)
	}
	// A retrieval made under the grant stays on record all the same.
	h.expectCode(errs.NoGrant, usMSP, opts{}, "RequestRetrieval", id)
	if err := h.rogue([]string{usMSP}, func(s *fakeStub) { _ = s.DelState(accessKey) }); !errors.Is(err, errPolicyFailure) {
		t.Fatalf("a grantee deleted the owner's access record: %v", err)
	}
}

// Every endorsing peer computes the same claim, timeliness included: the
// result depends on the ledger, the arguments and the transaction time, never
// on the peer's own clock (which only accepts or refuses the time).
func TestEndorsersOfAClaimAgreeWhateverTheirClocks(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	proposal := time.Date(2025, 3, 17, 23, 55, 0, 0, time.UTC) // near midnight: "today" must not follow a peer's clock
	var writes []map[string][]byte
	for _, peerClock := range []time.Duration{-9 * time.Minute, 0, 9 * time.Minute} {
		peer := New()
		peer.clock = func() time.Time { return proposal.Add(peerClock) }
		stub := newFakeStub(h.ledger, "0c", proposal, usMSP, nil)
		ctx := &fakeContext{stub: stub, id: fakeIdentity{msp: usMSP}}
		if _, err := peer.RecordPriorityClaim(ctx, claimJSON(t, lateClaim())); err != nil {
			t.Fatal(err)
		}
		all := maps.Clone(stub.writes)
		for k, v := range stub.sbeWrites {
			all["policy of "+k] = v
		}
		writes = append(writes, all)
	}
	for i := 1; i < len(writes); i++ {
		if !maps.EqualFunc(writes[0], writes[i], func(a, b []byte) bool { return string(a) == string(b) }) {
			t.Fatalf("peers disagree on the write set:\n%q\n%q", writes[0], writes[i])
		}
	}
}
