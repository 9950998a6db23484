package contract

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/hyperledger/fabric-contract-api-go/v2/metadata"

	"github.com/ipledger/ipledger/chaincode/errs"
)

// seenCodes collects every error code the tests provoked; TestMain checks
// that the whole catalogue is covered when the full suite runs.
var seenCodes = map[errs.Code]bool{}

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 && flag.Lookup("test.run").Value.String() == "" {
		var missing []string
		for _, c := range allCodes {
			if !seenCodes[c] {
				missing = append(missing, string(c))
			}
		}
		if len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "error codes never provoked by a test: %s\n", strings.Join(missing, ", "))
			code = 1
		}
	}
	os.Exit(code)
}

// allCodes is the catalogue of CONTRACT.md §7.
var allCodes = []errs.Code{
	errs.NotAuthorized, errs.UnknownOffice, errs.OfficeSuspended, errs.RoleNotAllowed, errs.InvalidArgument,
	errs.InvalidOfficeCode, errs.InvalidApplicationNumber, errs.InvalidDate, errs.FutureDate, errs.AlreadyExists,
	errs.NotFound, errs.DateMismatch, errs.AccessCodeNotSet, errs.AccessCodeMismatch, errs.AccessLocked,
	errs.NoGrant, errs.DocumentUnavailable, errs.HashMismatch, errs.PriorityDateNotEarlier, errs.IncompatibleIPType,
	errs.PriorityPeriodExpired, errs.RestorationNotAvailable, errs.InvalidTransition, errs.WrongEndorser, errs.ClockSkew,
}

var wireFormat = regexp.MustCompile(`^[A-Z_]+: \S`)

// harness drives the contract against one fake ledger. Subtests take a view
// bound to their own *testing.T with sub(t); the world is shared.
type harness struct {
	t testing.TB
	*world
}

type world struct {
	ledger *fakeLedger
	c      *Contract
	clock  time.Time
	txSeq  int
	last   *fakeStub // the last committed submit
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	w := &world{ledger: newFakeLedger(), c: New(), clock: time.Date(2025, 3, 17, 9, 0, 0, 0, time.UTC)}
	w.c.clock = func() time.Time { return w.clock } // the peers' clock is the harness's
	w.c.peerMSP = func(ctx contractapi.TransactionContextInterface) (string, error) {
		return ctx.GetStub().(*fakeStub).peerMSP, nil // the endorsing peer of each call (opts.peer)
	}
	return &harness{t: t, world: w}
}

func (h *harness) sub(t *testing.T) *harness { return &harness{t: t, world: h.world} }

// opts tunes one invocation.
type opts struct {
	transient    map[string]string
	rawTransient map[string][]byte // passed as is (no copy), when transient is nil
	peer         string            // endorsing peer's MSP; default = caller's
	client       bool              // call as a client identity instead of an administrator
	txTime       time.Time         // the proposal's timestamp as the client crafts it; default = the peers' clock
	skew         time.Duration     // or: the proposal's timestamp relative to the peers' clock
	// endorsers, when set, are the MSPs of the peers that endorse a submit:
	// the committing peers validate its writes against them (fakeStub.validate)
	// and an invalid transaction commits nothing (errPolicyFailure).
	endorsers []string
}

// call invokes a contract method by name like the peer would, checks the
// cross-cutting invariants and commits the writes of a successful submit.
func (h *harness) call(msp string, o opts, fn string, args ...string) (string, error) {
	h.t.Helper()
	h.txSeq++
	h.clock = h.clock.Add(time.Minute)
	txID := fmt.Sprintf("%064x", h.txSeq)
	peerMSP := o.peer
	if peerMSP == "" {
		peerMSP = msp
	}
	transient := o.rawTransient
	if o.transient != nil {
		transient = map[string][]byte{}
		for k, v := range o.transient {
			transient[k] = []byte(v)
		}
	}
	ts := h.clock.Add(o.skew)
	if !o.txTime.IsZero() {
		ts = o.txTime
	}
	stub := newFakeStub(h.ledger, txID, ts, peerMSP, transient)
	ctx := &fakeContext{stub: stub, id: fakeIdentity{msp: msp, client: o.client}}
	m := reflect.ValueOf(h.c).MethodByName(fn)
	if !m.IsValid() {
		h.t.Fatalf("no transaction %s", fn)
	}
	if err := checkArguments(fn, args); err != nil { // as the contract's BeforeTransaction hook
		seenCodes[errs.CodeOf(err)] = true
		return "", err
	}
	in := []reflect.Value{reflect.ValueOf(ctx)}
	for _, a := range args {
		in = append(in, reflect.ValueOf(a))
	}
	outs := m.Call(in)
	err, _ := outs[1].Interface().(error)
	res := h.render(fn, outs[0])

	evaluate := slices.Contains(evaluateTransactions, fn)
	switch {
	case err != nil:
		if !wireFormat.MatchString(err.Error()) {
			h.t.Fatalf("%s: error %q is not in <CODE>: <message> form", fn, err)
		}
		seenCodes[errs.CodeOf(err)] = true
	case evaluate:
		if stub.writeCount() != 0 || len(stub.events) != 0 {
			h.t.Fatalf("%s is evaluate-only but wrote %d keys and %d events", fn, stub.writeCount(), len(stub.events))
		}
	default:
		if len(stub.events) != 1 {
			h.t.Fatalf("%s emitted %d events, want exactly 1", fn, len(stub.events))
		}
		// Payloads carry exactly the documented fields: no room for private data.
		dec := json.NewDecoder(strings.NewReader(string(stub.eventPayload)))
		dec.DisallowUnknownFields()
		var e event
		if err := dec.Decode(&e); err != nil || e.RecordType == "" || e.RecordID == "" || e.TxID != txID {
			h.t.Fatalf("%s event payload %s: %v", fn, stub.eventPayload, err)
		}
		if o.endorsers != nil {
			if err := stub.validate(o.endorsers, h.channelOrgs()); err != nil {
				return res, err
			}
		}
		stub.commit()
		h.last = stub
	}
	return res, err
}

// render turns a transaction's typed result into the string a client
// receives, as contractapi does with the chaincode's serializer, so every
// result of every test is also checked against its schema in the metadata.
func (h *harness) render(fn string, v reflect.Value) string {
	h.t.Helper()
	md := servedMetadata(h.t)
	var returns *metadata.ReturnMetadata
	for i, tx := range md.Contracts["ipledger"].Transactions {
		if tx.Name == fn {
			returns = &md.Contracts["ipledger"].Transactions[i].Returns
		}
	}
	if returns == nil {
		h.t.Fatalf("%s is not in the contract metadata", fn)
	}
	s, err := (&wireSerializer{}).ToString(v, v.Type(), returns, &md.Components)
	if err != nil {
		h.t.Fatalf("%s: %v", fn, err)
	}
	return s
}

func (h *harness) submit(msp, fn string, args ...string) (string, error) {
	h.t.Helper()
	return h.call(msp, opts{}, fn, args...)
}

func (h *harness) must(msp, fn string, args ...string) string {
	h.t.Helper()
	return h.mustWith(msp, opts{}, fn, args...)
}

func (h *harness) mustWith(msp string, o opts, fn string, args ...string) string {
	h.t.Helper()
	res, err := h.call(msp, o, fn, args...)
	if err != nil {
		h.t.Fatalf("%s by %s: %v", fn, msp, err)
	}
	return res
}

// expectCode asserts that a call fails with the given code and writes nothing.
func (h *harness) expectCode(want errs.Code, msp string, o opts, fn string, args ...string) string {
	h.t.Helper()
	before := h.snapshot()
	_, err := h.call(msp, o, fn, args...)
	if got := errs.CodeOf(err); got != want {
		h.t.Fatalf("%s by %s: code %q, want %q (err: %v)", fn, msp, got, want, err)
	}
	if after := h.snapshot(); after != before {
		h.t.Fatalf("%s failed but the ledger changed", fn)
	}
	return err.Error()
}

// snapshot is a cheap fingerprint of the committed ledger.
func (h *harness) snapshot() string {
	keys := make([]string, 0, len(h.ledger.state))
	for k := range h.ledger.state {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.Write(h.ledger.state[k])
	}
	var priv []string
	for c, kv := range h.ledger.private {
		for k, v := range kv {
			priv = append(priv, c+k+string(v))
		}
	}
	sort.Strings(priv)
	b.WriteString(strings.Join(priv, ""))
	return b.String()
}

func (h *harness) lastEvent() (string, event) {
	h.t.Helper()
	if h.last == nil || len(h.last.events) == 0 {
		h.t.Fatal("no event")
	}
	var e event
	decode(h.t, string(h.last.eventPayload), &e)
	return h.last.events[len(h.last.events)-1], e
}

func decode(t testing.TB, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("decoding %q: %v", s, err)
	}
}

func toJSON(t testing.TB, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// policyOf renders the committed key-level policy of a key ("" for none).
func (h *harness) policyOf(key string) string {
	h.t.Helper()
	p, ok := h.ledger.sbe[key]
	if !ok {
		return ""
	}
	return describePolicy(p)
}

// channelOrgs are the channel's member orgs: the MSPs bound in the registry,
// or the test consortium's before InitConsortium.
func (h *harness) channelOrgs() []string {
	prefix := compositeNS + kindMSPOffice + compositeNS
	var orgs []string
	for k := range h.ledger.state {
		if strings.HasPrefix(k, prefix) {
			orgs = append(orgs, strings.TrimSuffix(strings.TrimPrefix(k, prefix), compositeNS))
		}
	}
	if len(orgs) == 0 {
		return []string{epMSP, jpMSP, krMSP, usMSP}
	}
	slices.Sort(orgs)
	return orgs
}

// rogue commits writes that a modified chaincode made (write edits the
// stub) when the given endorsers satisfy the policies, as committing peers
// would; otherwise it commits nothing and returns errPolicyFailure.
func (h *harness) rogue(endorsers []string, write func(s *fakeStub)) error {
	h.t.Helper()
	h.txSeq++
	h.clock = h.clock.Add(time.Minute)
	stub := newFakeStub(h.ledger, fmt.Sprintf("%064x", h.txSeq), h.clock, endorsers[0], nil)
	write(stub)
	if err := stub.validate(endorsers, h.channelOrgs()); err != nil {
		return err
	}
	stub.commit()
	return nil
}

func (h *harness) compositeKey(kind string, attrs ...string) string {
	h.t.Helper()
	k, err := newFakeStub(h.ledger, "", h.clock, "", nil).CreateCompositeKey(kind, attrs)
	if err != nil {
		h.t.Fatal(err)
	}
	return k
}

// --- fixtures ---------------------------------------------------------------

const (
	jpMSP = "JPMSP"
	usMSP = "USMSP"
	epMSP = "EPMSP"
	krMSP = "KRMSP"
)

var allRights = []string{"PATENT", "UTILITY_MODEL", "INDUSTRIAL_DESIGN", "TRADEMARK"}

// consortium is the default four-office consortium; number patterns follow the
// DAS per-office formats.
func consortium() []officeInput {
	roles := Roles{Depositing: allRights, Accessing: allRights}
	return []officeInput{
		{OfficeCode: "JP", MSPID: jpMSP, Name: "Japan Patent Office", Roles: roles,
			ApplicationNumberPatterns: []NumberPatterns{{IPRight: "PATENT", Patterns: []string{`^(?:JP ?)?(?P<num>(?:19|20)\d{2}-?\d{6})$`}}}},
		{OfficeCode: "US", MSPID: usMSP, Name: "United States Patent and Trademark Office", Roles: roles,
			ApplicationNumberPatterns: []NumberPatterns{{IPRight: "PATENT", Patterns: []string{`^(?:US ?)?(?P<num>\d{2}/\d{3},\d{3})$`}}}},
		{OfficeCode: "EP", MSPID: epMSP, Name: "European Patent Office", Roles: Roles{Depositing: []string{"PATENT"}, Accessing: []string{"PATENT"}},
			ApplicationNumberPatterns: []NumberPatterns{{IPRight: "PATENT", Patterns: []string{`^(?:EP ?)?(?P<num>\d{8})(?:\.\d)?$`}}}},
		{OfficeCode: "KR", MSPID: krMSP, Name: "Korean Intellectual Property Office", Roles: roles},
	}
}

// initConsortium founds the default consortium. Founding takes one
// transaction per office more than InitConsortium once did alone; it starts
// that much earlier so later calls keep the times tests were written with.
func (h *harness) initConsortium() {
	h.t.Helper()
	offices := consortium()
	h.clock = h.clock.Add(-time.Duration(len(offices)) * time.Minute)
	h.found(offices)
}

// found proposes a registry as its first office and has every listed office
// confirm it, each endorsed by its own peer; returns the registry hash.
func (h *harness) found(offices []officeInput) string {
	h.t.Helper()
	var p FoundingProposal
	decode(h.t, h.must(offices[0].MSPID, "InitConsortium", toJSON(h.t, offices)), &p)
	for _, o := range offices {
		h.must(o.MSPID, "ConfirmFounding", p.RegistryHash)
	}
	return p.RegistryHash
}

const (
	docHash  = "aa11223344556677889900aabbccddeeff00112233445566778899aabbccddee"
	docHash2 = "bb11223344556677889900aabbccddeeff00112233445566778899aabbccddee"
	saltHex  = "0123456789abcdef0123456789abcdef"
)

func filingJSON(t testing.TB, right, number, date string) string {
	return toJSON(t, filingInput{IPRight: right, ApplicationNumber: number, FilingDate: date, DocumentSHA256: docHash, DocumentFormat: "PDF"})
}

// depositJP deposits JP 2024-012345 (patent, 2024-03-15) and returns its id.
func (h *harness) depositJP() string {
	h.t.Helper()
	var f FirstFiling
	decode(h.t, h.must(jpMSP, "DepositFirstFiling", filingJSON(h.t, "PATENT", "JP 2024-012345", "2024-03-15")), &f)
	return f.ID
}

func (h *harness) setCode(msp, filingID, code string) {
	h.t.Helper()
	h.mustWith(msp, opts{transient: map[string]string{"accessCode": toJSON(h.t, accessCodeInput{AccessCode: code, Salt: saltHex})}}, "SetAccessCode", filingID)
}

func redeemOpts(t testing.TB, code, ownerMSP string) opts {
	return opts{transient: map[string]string{"accessCode": toJSON(t, redeemInput{AccessCode: code})}, peer: ownerMSP}
}
