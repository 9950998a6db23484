package contract

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/ipledger/ipledger/chaincode/errs"
)

// foundingVectors are shared with the Python operator's tests, so both
// compute the same registry hash from the same document.
type foundingVectors struct {
	Vectors []struct {
		Name      string `json:"name"`
		Registry  bool   `json:"registry"`
		Argument  string `json:"argument"`
		Canonical string `json:"canonical"`
		SHA256    string `json:"sha256"`
	} `json:"vectors"`
}

func TestFoundingHashSharedVectors(t *testing.T) {
	raw, err := os.ReadFile("testdata/founding-vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var file foundingVectors
	decode(t, string(raw), &file)
	if len(file.Vectors) == 0 {
		t.Fatal("no vectors")
	}
	for _, v := range file.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			canonical, err := canonicalJSON("officesJSON", []byte(v.Argument))
			if err != nil {
				t.Fatal(err)
			}
			if string(canonical) != v.Canonical {
				t.Fatalf("canonical form\n got %s\nwant %s", canonical, v.Canonical)
			}
			if got := registryHash(canonical); got != v.SHA256 {
				t.Fatalf("hash %s, want %s", got, v.SHA256)
			}
			if !v.Registry {
				return
			}
			// The transaction hashes the same bytes the client's argument stands for.
			h := newHarness(t)
			var p struct {
				RegistryHash string
				Registry     json.RawMessage // the bytes as sent
			}
			decode(t, h.must(jpMSP, "InitConsortium", v.Argument), &p)
			if p.RegistryHash != v.SHA256 || string(p.Registry) != v.Canonical {
				t.Fatalf("InitConsortium: %s %s", p.RegistryHash, p.Registry)
			}
		})
	}
}

func TestCanonicalJSONRefusesWhatHasNoCanonicalForm(t *testing.T) {
	for name, arg := range map[string]string{
		"a number":          `[{"officeCode":"JP","x":1}]`,
		"a nested number":   `[[[0.5]]]`,
		"trailing data":     `[] []`,
		"malformed JSON":    `[{`,
		"an empty argument": ``,
		"too large":         `"` + strings.Repeat("a", maxJSONArg) + `"`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := canonicalJSON("officesJSON", []byte(arg)); errs.CodeOf(err) != errs.InvalidArgument {
				t.Fatalf("got %v, want INVALID_ARGUMENT", err)
			}
		})
	}
}

// propose makes msp propose offices and returns the proposal.
func (h *harness) propose(msp string, offices []officeInput) FoundingProposal {
	h.t.Helper()
	var p FoundingProposal
	decode(h.t, h.must(msp, "InitConsortium", toJSON(h.t, offices)), &p)
	return p
}

func (h *harness) founding(msp, hash string) FoundingProposal {
	h.t.Helper()
	var p FoundingProposal
	decode(h.t, h.must(msp, "GetFoundingProposal", hash), &p)
	return p
}

// registered lists the office codes in the registry as stored.
func (h *harness) registered() []string {
	h.t.Helper()
	var codes []string
	for k := range h.ledger.state {
		if strings.HasPrefix(k, compositeNS+kindOffice+compositeNS) {
			_, attrs, _ := (&fakeStub{}).SplitCompositeKey(k)
			codes = append(codes, attrs[0])
		}
	}
	slices.Sort(codes)
	return codes
}

func TestFoundingActivatesExactlyWhenTheLastOfficeConfirms(t *testing.T) {
	h := newHarness(t)
	p := h.propose(krMSP, consortium())
	if p.Status != "OPEN" || p.ProposedBy != "KR" || len(p.Confirmations) != 0 ||
		!slices.Equal(p.Awaiting, []string{"EP", "JP", "KR", "US"}) || p.ActivatedAt != "" {
		t.Fatalf("proposal %+v", p)
	}
	if name, e := h.lastEvent(); name != "ConsortiumFoundingProposed" || e.RecordType != "founding" ||
		e.RecordID != p.RegistryHash || e.OfficeCode != "KR" || e.Status != "OPEN" {
		t.Fatalf("event %s %+v", name, e)
	}
	if h.registered() != nil {
		t.Fatalf("proposing wrote the registry: %v", h.registered())
	}
	order := []string{usMSP, krMSP, jpMSP, epMSP}
	for i, msp := range order[:3] {
		decode(t, h.must(msp, "ConfirmFounding", p.RegistryHash), &p)
		if p.Status != "OPEN" || len(p.Confirmations) != i+1 || len(p.Awaiting) != 3-i {
			t.Fatalf("after %d confirmations: %+v", i+1, p)
		}
		if name, e := h.lastEvent(); name != "ConsortiumFoundingConfirmed" || e.RecordID != p.RegistryHash || e.Status != "OPEN" {
			t.Fatalf("event %s %+v", name, e)
		}
		if h.registered() != nil {
			t.Fatalf("the registry was written after %d of 4 confirmations", i+1)
		}
		h.expectCode(errs.UnknownOffice, msp, opts{}, "GetCallerOffice")
	}
	decode(t, h.must(epMSP, "ConfirmFounding", p.RegistryHash), &p)
	if p.Status != "ACTIVE" || !slices.Equal(p.Confirmations, []string{"EP", "JP", "KR", "US"}) ||
		len(p.Awaiting) != 0 || p.ActivatedAt == "" {
		t.Fatalf("after the last confirmation: %+v", p)
	}
	if name, e := h.lastEvent(); name != "ConsortiumInitialised" || e.RecordType != "office" ||
		e.RecordID != "EP,JP,KR,US" || e.OfficeCode != "EP" || e.Status != "ACTIVE" {
		t.Fatalf("event %s %+v", name, e)
	}
	if !slices.Equal(h.registered(), []string{"EP", "JP", "KR", "US"}) {
		t.Fatalf("registry %v", h.registered())
	}
	var kr Office
	decode(t, h.must(krMSP, "GetCallerOffice"), &kr)
	if kr.Status != "ACTIVE" || kr.CreatedAt != p.ActivatedAt || kr.SettingsVersion != 1 {
		t.Fatalf("KR %+v", kr)
	}
}

func TestFoundingRegistersOfficesWithDefaults(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	var offices page[Office]
	decode(t, h.must(krMSP, "ListOffices", "", ""), &offices)
	codes := []string{}
	for _, o := range offices.Records {
		codes = append(codes, o.OfficeCode)
	}
	if !slices.Equal(codes, []string{"EP", "JP", "KR", "US"}) {
		t.Fatalf("offices = %v, want sorted by code", codes)
	}
	kr := offices.Records[2]
	if kr.Status != "ACTIVE" || !slices.Equal(kr.Calendar.ClosedWeekdays, []string{"SATURDAY", "SUNDAY"}) ||
		len(kr.ApplicationNumberPatterns) != 0 || len(kr.RestorationPolicy) != 4 || !kr.RestorationPolicy[0].Allowed ||
		kr.RestorationPolicy[3].Allowed || kr.SettingsVersion != 1 {
		t.Fatalf("defaults not applied: %+v", kr)
	}
	if ep := offices.Records[0]; ep.ApplicationNumberPatterns[0].Patterns[0] != `^(?:EP ?)?(?P<num>\d{8})(?:\.\d)?$` ||
		!slices.Equal(ep.Roles.Depositing, []string{"PATENT"}) {
		t.Fatalf("EP as proposed: %+v", ep)
	}
	if p := h.policyOf(h.compositeKey(kindSettings, "KR")); p != "AND(KRMSP, 2 of [EPMSP, JPMSP, USMSP])" {
		t.Fatalf("settings SBE = %s", p)
	}
	for _, key := range []string{h.compositeKey(kindOffice, "KR"), h.compositeKey(kindFounded)} {
		if p := h.policyOf(key); p != "" {
			t.Fatalf("registry and founding keys follow the chaincode policy, got SBE %s on %q", p, key)
		}
	}
}

// The heart of finding 5: a member that proposes another registry, or any
// number of them, founds nothing without the confirmation of every office
// it lists, and does not stop the honest registry from being founded.
func TestARogueFoundingProposalCannotFoundWithoutTheOthers(t *testing.T) {
	h := newHarness(t)
	rogue := consortium()
	rogue[0].MSPID = "ROGUEMSP"                             // JP's seat bound to the rogue's MSP
	rogue[1].ApplicationNumberPatterns = []NumberPatterns{} // the rogue's own office, patterns relaxed
	evil := h.propose(usMSP, rogue)
	h.must(usMSP, "ConfirmFounding", evil.RegistryHash)
	h.must(krMSP, "ConfirmFounding", evil.RegistryHash) // even a careless office does not suffice
	h.must(epMSP, "ConfirmFounding", evil.RegistryHash)
	if p := h.founding(usMSP, evil.RegistryHash); p.Status != "OPEN" || !slices.Equal(p.Awaiting, []string{"JP"}) {
		t.Fatalf("rogue proposal %+v", p)
	}
	if h.registered() != nil {
		t.Fatal("the rogue registry was written")
	}
	// JP's real MSP is not the one the rogue listed for JP.
	h.expectCode(errs.NotAuthorized, jpMSP, opts{}, "ConfirmFounding", evil.RegistryHash)

	honest := h.propose(jpMSP, consortium())
	if honest.RegistryHash == evil.RegistryHash {
		t.Fatal("different registries share a hash")
	}
	for _, msp := range []string{jpMSP, usMSP, epMSP, krMSP} {
		h.must(msp, "ConfirmFounding", honest.RegistryHash)
	}
	if p := h.founding(jpMSP, honest.RegistryHash); p.Status != "ACTIVE" {
		t.Fatalf("honest proposal %+v", p)
	}
	if p := h.founding(jpMSP, evil.RegistryHash); p.Status != "VOID" || len(p.Awaiting) != 0 {
		t.Fatalf("rogue proposal after founding %+v", p)
	}
	var us Office
	decode(t, h.must(usMSP, "GetCallerOffice"), &us)
	if len(us.ApplicationNumberPatterns) != 1 {
		t.Fatalf("the rogue's settings were founded: %+v", us)
	}
	// Afterwards neither a new proposal nor a confirmation of the void one changes anything.
	h.expectCode(errs.AlreadyExists, usMSP, opts{}, "InitConsortium", toJSON(t, rogue))
	h.expectCode(errs.AlreadyExists, usMSP, opts{}, "ConfirmFounding", evil.RegistryHash)
}

// A rogue's registry listing only itself is confirmed by all (one) of its
// offices; what stops it is that an honest peer endorses founding only a
// registry its own office is in, and MAJORITY needs honest peers.
func TestAPeerOutsideTheRegistryDoesNotEndorseFounding(t *testing.T) {
	h := newHarness(t)
	alone := consortium()[1:2] // US only
	p := h.propose(usMSP, alone)
	for _, peer := range []string{jpMSP, epMSP, krMSP} {
		msg := h.expectCode(errs.WrongEndorser, usMSP, opts{peer: peer}, "ConfirmFounding", p.RegistryHash)
		if !strings.Contains(msg, peer) {
			t.Fatalf("message %q does not name the peer's organisation", msg)
		}
	}
	// Only the rogue's own peer would endorse: one organisation of four is no majority.
	h.mustWith(usMSP, opts{peer: usMSP}, "ConfirmFounding", p.RegistryHash)

	// Confirmations that found nothing need no particular endorser.
	h2 := newHarness(t)
	q := h2.propose(jpMSP, consortium())
	h2.mustWith(usMSP, opts{peer: krMSP}, "ConfirmFounding", q.RegistryHash)
}

func TestFoundingWithoutThePeersMSPIsInternal(t *testing.T) {
	h := newHarness(t)
	h.c.peerMSP = func(contractapi.TransactionContextInterface) (string, error) {
		return "", errors.New("'CORE_PEER_LOCALMSPID' is not set")
	}
	p := h.propose(jpMSP, consortium()[:2])
	h.must(jpMSP, "ConfirmFounding", p.RegistryHash) // not the last: the peer is not asked
	msg := h.expectCode(errs.Internal, usMSP, opts{}, "ConfirmFounding", p.RegistryHash)
	if !strings.Contains(msg, "CORE_PEER_LOCALMSPID") {
		t.Fatalf("message %q does not say what to set", msg)
	}
}

func TestConfirmFoundingRefusals(t *testing.T) {
	h := newHarness(t)
	p := h.propose(jpMSP, consortium())
	unknown := strings.Repeat("ab", 32)
	tests := map[string]struct {
		msp  string
		o    opts
		hash string
		code errs.Code
	}{
		"a client of a listed office is not authorised": {msp: usMSP, o: opts{client: true}, hash: p.RegistryHash, code: errs.NotAuthorized},
		"an office the registry does not list":          {msp: "CNMSP", hash: p.RegistryHash, code: errs.NotAuthorized},
		"an identity without MSP":                       {msp: "", hash: p.RegistryHash, code: errs.NotAuthorized},
		"an unknown registry hash":                      {msp: usMSP, hash: unknown, code: errs.NotFound},
		"a malformed hash":                              {msp: usMSP, hash: "JP", code: errs.InvalidArgument},
		"a hash too long for its argument":              {msp: usMSP, hash: strings.Repeat("a", maxHashArg+1), code: errs.InvalidArgument},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := h.sub(t)
			h.expectCode(tc.code, tc.msp, tc.o, "ConfirmFounding", tc.hash)
		})
	}
	t.Run("an upper-case hash names the same proposal", func(t *testing.T) {
		h := h.sub(t)
		var got FoundingProposal
		decode(t, h.must(usMSP, "ConfirmFounding", strings.ToUpper(p.RegistryHash)), &got)
		if !slices.Equal(got.Confirmations, []string{"US"}) {
			t.Fatalf("%+v", got)
		}
	})
}

func TestFoundingIsIdempotent(t *testing.T) {
	h := newHarness(t)
	offices := consortium()
	p := h.propose(jpMSP, offices)
	same := func(msp, fn string, arg string, status string) {
		t.Helper()
		before := h.snapshot()
		var again FoundingProposal
		decode(t, h.must(msp, fn, arg), &again)
		if h.snapshot() != before {
			t.Fatalf("%s by %s again wrote to the ledger", fn, msp)
		}
		if again.RegistryHash != p.RegistryHash || again.Status != status {
			t.Fatalf("%s by %s again: %+v", fn, msp, again)
		}
	}
	// Before founding: the same registry proposed again (by anyone listed) and a repeated confirmation.
	same(usMSP, "InitConsortium", toJSON(t, offices), "OPEN")
	if got := h.founding(usMSP, p.RegistryHash); got.ProposedBy != "JP" {
		t.Fatalf("a repeated proposal changed the proposer: %+v", got)
	}
	h.must(usMSP, "ConfirmFounding", p.RegistryHash)
	same(usMSP, "ConfirmFounding", p.RegistryHash, "OPEN")
	for _, msp := range []string{jpMSP, epMSP, krMSP} {
		h.must(msp, "ConfirmFounding", p.RegistryHash)
	}
	// After founding: the same content succeeds and changes nothing; anything else is ALREADY_EXISTS.
	same(krMSP, "InitConsortium", toJSON(t, offices), "ACTIVE")
	same(krMSP, "ConfirmFounding", p.RegistryHash, "ACTIVE")
	if name, _ := h.lastEvent(); name != "ConsortiumFoundingConfirmed" {
		t.Fatalf("a repeated confirmation emitted %s", name)
	}
	other := consortium()
	other[3].Name = "KIPO"
	h.expectCode(errs.AlreadyExists, krMSP, opts{}, "InitConsortium", toJSON(t, other))
	// Reordering is another document (the hash is over the registry as sent).
	reordered := append([]officeInput{offices[1]}, append(offices[:1:1], offices[2:]...)...)
	h.expectCode(errs.AlreadyExists, usMSP, opts{}, "InitConsortium", toJSON(t, reordered))
}

// Before founding no office is registered, so everything but founding is
// refused exactly as for a stranger; a pending proposal changes nothing.
func TestEveryOtherTransactionIsRefusedBeforeFounding(t *testing.T) {
	h := newHarness(t)
	p := h.propose(jpMSP, consortium())
	for _, msp := range []string{jpMSP, usMSP, epMSP} {
		h.must(msp, "ConfirmFounding", p.RegistryHash)
	}
	founding := []string{"InitConsortium", "ConfirmFounding", "GetFoundingProposal", "ListFoundingProposals"}
	c := reflect.ValueOf(New())
	for name := range metadataTags(t) {
		if slices.Contains(founding, name) {
			continue
		}
		t.Run(name, func(t *testing.T) {
			h := h.sub(t)
			args := make([]string, c.MethodByName(name).Type().NumIn()-1)
			for i := range args {
				args[i] = "JP"
			}
			if name == "RedeemAccessCode" {
				args = redeemArgs()
			}
			for _, msp := range []string{jpMSP, krMSP} {
				h.expectCode(errs.UnknownOffice, msp, opts{}, name, args...)
			}
		})
	}
}

func TestFoundingQueries(t *testing.T) {
	h := newHarness(t)
	first := h.propose(usMSP, consortium()[1:])
	second := h.propose(jpMSP, consortium())
	t.Run("before founding any member identity reads proposals", func(t *testing.T) {
		h := h.sub(t)
		if p := h.founding("CNMSP", first.RegistryHash); p.Status != "OPEN" || p.ProposedBy != "US" {
			t.Fatalf("%+v", p)
		}
		var all page[FoundingProposal]
		decode(t, h.must(krMSP, "ListFoundingProposals", "", "", ""), &all)
		if len(all.Records) != 2 || all.Bookmark != "" {
			t.Fatalf("%+v", all)
		}
	})
	for _, msp := range []string{jpMSP, usMSP, epMSP, krMSP} {
		h.must(msp, "ConfirmFounding", second.RegistryHash)
	}
	t.Run("after founding the status says which registry won", func(t *testing.T) {
		h := h.sub(t)
		for status, want := range map[string][]string{
			"": {first.RegistryHash, second.RegistryHash}, "OPEN": {},
			"ACTIVE": {second.RegistryHash}, "VOID": {first.RegistryHash},
		} {
			var got page[FoundingProposal]
			decode(t, h.must(krMSP, "ListFoundingProposals", status, "", ""), &got)
			hashes := []string{}
			for _, p := range got.Records {
				hashes = append(hashes, p.RegistryHash)
			}
			slices.Sort(hashes)
			slices.Sort(want)
			if !slices.Equal(hashes, want) {
				t.Fatalf("status %q: %v, want %v", status, hashes, want)
			}
		}
	})
	t.Run("pages follow the registry hash", func(t *testing.T) {
		h := h.sub(t)
		var p1, p2 page[FoundingProposal]
		decode(t, h.must(jpMSP, "ListFoundingProposals", "", "1", ""), &p1)
		decode(t, h.must(jpMSP, "ListFoundingProposals", "", "1", p1.Bookmark), &p2)
		if len(p1.Records) != 1 || len(p2.Records) != 1 || p1.Records[0].RegistryHash >= p2.Records[0].RegistryHash {
			t.Fatalf("%+v %+v", p1, p2)
		}
	})
	t.Run("after founding only registered offices read them", func(t *testing.T) {
		h := h.sub(t)
		h.expectCode(errs.UnknownOffice, "CNMSP", opts{}, "GetFoundingProposal", second.RegistryHash)
		h.expectCode(errs.UnknownOffice, "CNMSP", opts{}, "ListFoundingProposals", "", "", "")
	})
	t.Run("the history of a proposal shows each confirmation", func(t *testing.T) {
		h := h.sub(t)
		var hist page[HistoryEntry]
		decode(t, h.must(jpMSP, "GetRecordHistory", "founding", second.RegistryHash, "", ""), &hist)
		if len(hist.Records) != 5 { // proposed, then four confirmations
			t.Fatalf("%d history entries", len(hist.Records))
		}
		h.expectCode(errs.InvalidArgument, jpMSP, opts{}, "GetRecordHistory", "founding", "JP", "", "")
	})
	for name, args := range map[string][]string{
		"an unknown status":  {"APPLIED", "", ""},
		"a foreign bookmark": {"", "5", "aWxsZWdhbA"},
	} {
		t.Run(name+" is rejected", func(t *testing.T) {
			h := h.sub(t)
			h.expectCode(errs.InvalidArgument, jpMSP, opts{}, "ListFoundingProposals", args...)
		})
	}
	t.Run("an unknown hash is not found", func(t *testing.T) {
		h := h.sub(t)
		h.expectCode(errs.NotFound, jpMSP, opts{}, "GetFoundingProposal", strings.Repeat("0", 64))
	})
}

// A founding proposal is written under the chaincode policy, but is checked
// like every stored record before anything relies on it.
func TestAStoredFoundingProposalIsChecked(t *testing.T) {
	edit := func(change func(*foundingRecord)) func(testing.TB, string) string {
		return func(t testing.TB, raw string) string {
			var rec foundingRecord
			decode(t, raw, &rec)
			change(&rec)
			out, err := marshal(rec)
			if err != nil {
				t.Fatal(err)
			}
			return string(out)
		}
	}
	for name, poison := range map[string]func(testing.TB, string) string{
		"a registry that does not match its hash": edit(func(r *foundingRecord) {
			r.Registry = json.RawMessage(strings.Replace(string(r.Registry), "Japan", "Japon", 1))
		}),
		"a registry not in canonical form": func(_ testing.TB, raw string) string {
			return strings.Replace(raw, `"registry":[{`, `"registry":[ {`, 1) // same hash once canonical
		},
		"a confirmation by an unlisted office":  edit(func(r *foundingRecord) { r.Confirmations = []string{"CN"} }),
		"unsorted confirmations":                edit(func(r *foundingRecord) { r.Confirmations = []string{"US", "JP"} }),
		"no confirmations list":                 edit(func(r *foundingRecord) { r.Confirmations = nil }),
		"an ACTIVE status without every office": edit(func(r *foundingRecord) { r.Status, r.ActivatedAt = "ACTIVE", r.CreatedAt }),
		"a proposer the registry does not list": edit(func(r *foundingRecord) { r.ProposedBy = "CN" }),
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			p := h.propose(jpMSP, consortium())
			h.must(usMSP, "ConfirmFounding", p.RegistryHash)
			key := h.compositeKey(kindFounding, p.RegistryHash)
			h.poison(key, poison(t, string(h.ledger.state[key])))
			h.expectCode(errs.Internal, usMSP, opts{}, "GetFoundingProposal", p.RegistryHash)
			h.expectCode(errs.Internal, usMSP, opts{}, "ConfirmFounding", p.RegistryHash)
			var list page[FoundingProposal]
			decode(t, h.must(usMSP, "ListFoundingProposals", "", "", ""), &list)
			if len(list.Records) != 0 || list.FetchedCount != 1 {
				t.Fatalf("the listing did not skip the record: %+v", list)
			}
		})
	}
}

// A ledger initialised before founding proposals existed has offices but no
// founded record: it counts as founded, with another registry than any proposed.
func TestALedgerInitialisedBeforeFoundingCountsAsFounded(t *testing.T) {
	h := newHarness(t)
	hash := h.found(consortium())
	delete(h.ledger.state, h.compositeKey(kindFounded))
	delete(h.ledger.state, h.compositeKey(kindFounding, hash))
	msg := h.expectCode(errs.AlreadyExists, jpMSP, opts{}, "InitConsortium", toJSON(t, consortium()))
	if !strings.Contains(msg, "before founding confirmations existed") {
		t.Fatalf("message %q", msg)
	}
}

// FuzzCanonicalJSON: the registry's canonical form is a fixed point, valid
// JSON of the same value, and never produced for input with a number.
func FuzzCanonicalJSON(f *testing.F) {
	raw, err := os.ReadFile("testdata/founding-vectors.json")
	if err != nil {
		f.Fatal(err)
	}
	var file foundingVectors
	decode(f, string(raw), &file)
	for _, v := range file.Vectors {
		f.Add([]byte(v.Argument))
	}
	for _, s := range []string{`[1]`, `{"a":"\ud800"}`, "\"\xff\"", `[[[[[]]]]]`, `{"<":"&","\u2028":"\u007f"}`, `null `, ` [] x`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, arg []byte) {
		canonical, err := canonicalJSON("officesJSON", arg)
		if err != nil {
			checkCoded(t, err, errs.InvalidArgument)
			return
		}
		again, err := canonicalJSON("officesJSON", canonical)
		if err != nil || string(again) != string(canonical) {
			t.Fatalf("canonical form %q is not a fixed point: %q, %v", canonical, again, err)
		}
		var before, after any
		if json.Unmarshal(arg, &before) != nil || json.Unmarshal(canonical, &after) != nil || !reflect.DeepEqual(before, after) {
			t.Fatalf("%q and its canonical form %q differ", arg, canonical)
		}
	})
}
