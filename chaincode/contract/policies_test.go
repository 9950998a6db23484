package contract

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
)

// Key-level policies of the test consortium (EP, JP, KR and US ACTIVE).
const (
	jpAndMajority = "AND(JPMSP, 2 of [EPMSP, KRMSP, USMSP])"
	usAndMajority = "AND(USMSP, 2 of [EPMSP, JPMSP, KRMSP])"
	usRetrieval   = "AND(USMSP, OR(JPMSP, 2 of [EPMSP, JPMSP, KRMSP]))"
)

// sbeCall is one transaction as a client submits it.
type sbeCall struct {
	msp  string
	o    opts
	fn   string
	args []string
}

func with(endorsers []string, o opts) opts {
	o.endorsers = endorsers
	return o
}

func lateClaim() claimSpec {
	return claimSpec{laterRight: "PATENT", laterNumber: "US 25/123,456", laterDate: "2025-03-17",
		prOffice: "CN", prRight: "PATENT", prNumber: "CN 2024123", prDate: "2024-02-01"}
}

// The trust rule of CONTRACT.md §1, per submit transaction: the endorsers
// the contract documents are enough, the beneficiary's peer alone is not (nor
// a majority without the owner where the owner must agree), and the keys
// written carry the documented policies.
func TestEveryTransactionNeedsTheDocumentedEndorsers(t *testing.T) {
	id := jpFilingID
	keyOf := func(h *harness, kind string) string { return h.compositeKey(kind, "JP", "PATENT", "2024012345") }
	usClaimKey := func(h *harness) string { return h.compositeKey(kindClaim, "US", "PATENT", "25123456", "001") }
	retrievalKey := func(h *harness, res string) string {
		var r Retrieval
		decode(h.t, res, &r)
		ref, err := parseRetrievalID(r.ID)
		if err != nil {
			h.t.Fatal(err)
		}
		return h.compositeKey(kindRetrieval, ref.attrs()...)
	}
	requested := func(h *harness) string {
		var r Retrieval
		decode(h.t, h.must(usMSP, "RequestRetrieval", grantedJP(h)), &r)
		return r.ID
	}
	lateRecorded := func(h *harness) {
		h.initConsortium()
		h.record(usMSP, lateClaim())
	}
	tests := map[string]struct {
		run      func(h *harness) sbeCall // prepares the ledger, returns the call
		refused  [][]string               // endorsers that must not be enough
		enough   []string
		policies func(h *harness, res string) map[string]string // key → policy after commit
	}{
		"InitConsortium": {
			run: func(h *harness) sbeCall {
				return sbeCall{jpMSP, opts{}, "InitConsortium", []string{toJSON(h.t, consortium())}}
			},
			refused: [][]string{{jpMSP}, {jpMSP, usMSP}},
			enough:  []string{jpMSP, usMSP, epMSP},
		},
		// The last confirmation founds the registry: its keys get their policies then.
		"ConfirmFounding": {
			run: func(h *harness) sbeCall {
				offices := consortium()
				var p FoundingProposal
				decode(h.t, h.must(offices[0].MSPID, "InitConsortium", toJSON(h.t, offices)), &p)
				for _, o := range offices[:len(offices)-1] {
					h.must(o.MSPID, "ConfirmFounding", p.RegistryHash)
				}
				return sbeCall{offices[len(offices)-1].MSPID, opts{}, "ConfirmFounding", []string{p.RegistryHash}}
			},
			refused: [][]string{{krMSP}, {krMSP, usMSP}},
			enough:  []string{krMSP, usMSP, epMSP},
			policies: func(h *harness, _ string) map[string]string {
				return map[string]string{
					h.compositeKey(kindSettings, "KR"): "AND(KRMSP, 2 of [EPMSP, JPMSP, USMSP])",
					h.compositeKey(kindOffice, "KR"):   "",
				}
			},
		},
		"UpdateOfficeSettings": {
			run: func(h *harness) sbeCall {
				h.initConsortium()
				return sbeCall{usMSP, opts{}, "UpdateOfficeSettings", []string{patternSettings(h.t, `^\d{8}$`)}}
			},
			refused: [][]string{{usMSP}, {jpMSP, epMSP, krMSP}},
			enough:  []string{usMSP, jpMSP, epMSP},
			policies: func(h *harness, _ string) map[string]string {
				return map[string]string{h.compositeKey(kindSettings, "US"): usAndMajority}
			},
		},
		"ProposeMembershipChange": {
			run: func(h *harness) sbeCall {
				h.initConsortium()
				return sbeCall{jpMSP, opts{}, "ProposeMembershipChange", []string{suspendKR(h.t)}}
			},
			refused: [][]string{{jpMSP}, {jpMSP, usMSP}},
			enough:  []string{jpMSP, usMSP, epMSP},
		},
		"ApproveMembershipChange": {
			run: func(h *harness) sbeCall {
				h.initConsortium()
				var p Proposal
				decode(h.t, h.must(jpMSP, "ProposeMembershipChange", addCN(h.t)), &p)
				h.must(usMSP, "ApproveMembershipChange", p.ID)
				return sbeCall{epMSP, opts{}, "ApproveMembershipChange", []string{p.ID}}
			},
			refused: [][]string{{epMSP}, {epMSP, jpMSP}},
			enough:  []string{epMSP, jpMSP, usMSP},
			policies: func(h *harness, _ string) map[string]string {
				return map[string]string{h.compositeKey(kindSettings, "CN"): "AND(CNMSP, 2 of [EPMSP, JPMSP, KRMSP, USMSP])"}
			},
		},
		"WithdrawMembershipProposal": {
			run: func(h *harness) sbeCall {
				h.initConsortium()
				var p Proposal
				decode(h.t, h.must(jpMSP, "ProposeMembershipChange", suspendKR(h.t)), &p)
				return sbeCall{jpMSP, opts{}, "WithdrawMembershipProposal", []string{p.ID}}
			},
			refused: [][]string{{jpMSP}},
			enough:  []string{jpMSP, krMSP, usMSP},
		},
		"DepositFirstFiling": {
			run: func(h *harness) sbeCall {
				h.initConsortium()
				return sbeCall{jpMSP, opts{}, "DepositFirstFiling", []string{filingJSON(h.t, "PATENT", "JP 2024-012345", "2024-03-15")}}
			},
			refused: [][]string{{jpMSP}, {jpMSP, usMSP}},
			enough:  []string{jpMSP, usMSP, krMSP},
			policies: func(h *harness, _ string) map[string]string {
				return map[string]string{
					keyOf(h, kindFiling): jpAndMajority, keyOf(h, kindAccess): "JPMSP", keyOf(h, kindConfidentialHash): "JPMSP",
				}
			},
		},
		"SetFilingConfidential": {
			run: func(h *harness) sbeCall {
				h.initConsortium()
				h.depositJP()
				return sbeCall{jpMSP, opts{transient: map[string]string{"confidential": confidentialJSON(h.t)}}, "SetFilingConfidential", []string{id}}
			},
			// Only the owner's peer may see the transient data, and only it is needed.
			refused: [][]string{{usMSP, epMSP, krMSP}},
			enough:  []string{jpMSP},
			policies: func(h *harness, _ string) map[string]string {
				return map[string]string{keyOf(h, kindFiling): jpAndMajority, keyOf(h, kindConfidentialHash): "JPMSP"}
			},
		},
		"SetAccessCode": {
			run: func(h *harness) sbeCall {
				h.initConsortium()
				h.depositJP()
				return sbeCall{jpMSP, opts{transient: map[string]string{"accessCode": toJSON(h.t, accessCodeInput{AccessCode: "AB21", Salt: saltHex})}}, "SetAccessCode", []string{id}}
			},
			refused: [][]string{{usMSP, epMSP, krMSP}},
			enough:  []string{jpMSP},
			policies: func(h *harness, _ string) map[string]string {
				return map[string]string{keyOf(h, kindAccess): "JPMSP"}
			},
		},
		"CorrectFirstFiling": {
			run: func(h *harness) sbeCall {
				h.initConsortium()
				h.depositJP()
				return sbeCall{jpMSP, opts{}, "CorrectFirstFiling", []string{id, `{"documentSha256":"` + docHash2 + `","reason":"better scan"}`}}
			},
			refused: [][]string{{jpMSP}, {epMSP, krMSP, usMSP}, {jpMSP, epMSP}},
			enough:  []string{jpMSP, epMSP, krMSP},
			policies: func(h *harness, _ string) map[string]string {
				return map[string]string{keyOf(h, kindFiling): jpAndMajority}
			},
		},
		"CorrectFirstFiling of the filing date": {
			run: func(h *harness) sbeCall {
				h.initConsortium()
				h.depositJP()
				return sbeCall{jpMSP, opts{}, "CorrectFirstFiling", []string{id, `{"filingDate":"2024-03-14","reason":"date accorded"}`}}
			},
			refused: [][]string{{jpMSP}, {epMSP, krMSP, usMSP}},
			enough:  []string{jpMSP, epMSP, usMSP},
		},
		"WithdrawFirstFiling": {
			run: func(h *harness) sbeCall {
				h.initConsortium()
				h.depositJP()
				return sbeCall{jpMSP, opts{}, "WithdrawFirstFiling", []string{id, "applicant request"}}
			},
			refused: [][]string{{jpMSP}, {epMSP, krMSP, usMSP}},
			enough:  []string{jpMSP, usMSP, krMSP},
			policies: func(h *harness, _ string) map[string]string {
				return map[string]string{keyOf(h, kindFiling): jpAndMajority}
			},
		},
		"MarkFirstFilingPublished": {
			run: func(h *harness) sbeCall {
				h.initConsortium()
				h.depositJP()
				return sbeCall{jpMSP, opts{}, "MarkFirstFilingPublished", []string{id, "2025-03-17"}}
			},
			refused: [][]string{{jpMSP}, {jpMSP, usMSP}},
			enough:  []string{jpMSP, usMSP, krMSP},
		},
		"GrantAccess": {
			run: func(h *harness) sbeCall {
				h.initConsortium()
				h.depositJP()
				return sbeCall{jpMSP, opts{}, "GrantAccess", []string{id, "US"}}
			},
			refused: [][]string{{usMSP}, {epMSP, krMSP, usMSP}},
			enough:  []string{jpMSP},
			policies: func(h *harness, _ string) map[string]string {
				return map[string]string{keyOf(h, kindAccess): "JPMSP"}
			},
		},
		"RevokeAccess": {
			run: func(h *harness) sbeCall {
				h.initConsortium()
				grantedJP(h)
				return sbeCall{jpMSP, opts{}, "RevokeAccess", []string{id, "US", "applicant instruction"}}
			},
			refused: [][]string{{usMSP}},
			enough:  []string{jpMSP},
		},
		"ResetAccessLock": {
			run: func(h *harness) sbeCall {
				h.initConsortium()
				h.setCode(jpMSP, h.depositJP(), "AB21")
				h.redeem(usMSP, "CD34")
				return sbeCall{jpMSP, opts{}, "ResetAccessLock", []string{id, "US"}}
			},
			refused: [][]string{{usMSP}},
			enough:  []string{jpMSP},
		},
		"RedeemAccessCode": {
			run: func(h *harness) sbeCall {
				h.initConsortium()
				h.setCode(jpMSP, h.depositJP(), "AB21")
				return sbeCall{usMSP, redeemOpts(h.t, "AB21", jpMSP), "RedeemAccessCode", redeemArgs()}
			},
			refused: [][]string{{usMSP}, {usMSP, epMSP, krMSP}},
			enough:  []string{jpMSP},
		},
		"SettleAccessCodeRedemption": {
			run: func(h *harness) sbeCall {
				h.initConsortium()
				h.setCode(jpMSP, h.depositJP(), "AB21")
				h.mustWith(usMSP, redeemOpts(h.t, "AB21", jpMSP), "RedeemAccessCode", redeemArgs()...)
				return sbeCall{usMSP, opts{peer: jpMSP}, "SettleAccessCodeRedemption", []string{id, "US"}}
			},
			refused: [][]string{{usMSP}},
			enough:  []string{jpMSP},
		},
		"RequestRetrieval": {
			run: func(h *harness) sbeCall {
				h.initConsortium()
				return sbeCall{usMSP, opts{}, "RequestRetrieval", []string{grantedJP(h)}}
			},
			refused: [][]string{{usMSP}, {usMSP, jpMSP}},
			enough:  []string{usMSP, jpMSP, epMSP},
			policies: func(h *harness, res string) map[string]string {
				return map[string]string{retrievalKey(h, res): usRetrieval}
			},
		},
		"AcknowledgeRetrieval": {
			run: func(h *harness) sbeCall {
				h.initConsortium()
				return sbeCall{usMSP, opts{}, "AcknowledgeRetrieval", []string{requested(h), docHash}}
			},
			refused: [][]string{{usMSP}, {jpMSP}, {usMSP, epMSP}, {jpMSP, epMSP, krMSP}},
			enough:  []string{usMSP, jpMSP},
			policies: func(h *harness, res string) map[string]string {
				return map[string]string{retrievalKey(h, res): usRetrieval}
			},
		},
		// The owner cannot keep its failed delivery off the record by refusing to endorse.
		"FailRetrieval without the owner": {
			run: func(h *harness) sbeCall {
				h.initConsortium()
				return sbeCall{usMSP, opts{}, "FailRetrieval", []string{requested(h), "DELIVERY_FAILED", "no answer"}}
			},
			refused: [][]string{{usMSP}, {usMSP, krMSP}},
			enough:  []string{usMSP, epMSP, krMSP},
		},
		"RecordPriorityClaim": {
			run: func(h *harness) sbeCall {
				h.initConsortium()
				return sbeCall{usMSP, opts{}, "RecordPriorityClaim", []string{claimJSON(h.t, lateClaim())}}
			},
			refused: [][]string{{usMSP}, {usMSP, jpMSP}},
			enough:  []string{usMSP, jpMSP, epMSP},
			policies: func(h *harness, _ string) map[string]string {
				return map[string]string{usClaimKey(h): usAndMajority}
			},
		},
		"RequestRestoration": {
			run: func(h *harness) sbeCall {
				lateRecorded(h)
				return sbeCall{usMSP, opts{}, "RequestRestoration", []string{"US:PATENT:25123456:1", "DUE_CARE", "2025-03-17"}}
			},
			refused: [][]string{{usMSP}, {jpMSP, epMSP, krMSP}},
			enough:  []string{usMSP, jpMSP, epMSP},
			policies: func(h *harness, _ string) map[string]string {
				return map[string]string{usClaimKey(h): usAndMajority}
			},
		},
		"DecideRestoration": {
			run: func(h *harness) sbeCall {
				lateRecorded(h)
				h.must(usMSP, "RequestRestoration", "US:PATENT:25123456:1", "DUE_CARE", "2025-03-17")
				return sbeCall{usMSP, opts{}, "DecideRestoration", []string{"US:PATENT:25123456:1", "GRANTED"}}
			},
			refused: [][]string{{usMSP}, {usMSP, krMSP}},
			enough:  []string{usMSP, krMSP, epMSP},
		},
		"WithdrawPriorityClaim": {
			run: func(h *harness) sbeCall {
				lateRecorded(h)
				return sbeCall{usMSP, opts{}, "WithdrawPriorityClaim", []string{"US:PATENT:25123456:1"}}
			},
			refused: [][]string{{usMSP}, {jpMSP, epMSP, krMSP}},
			enough:  []string{usMSP, jpMSP, krMSP},
		},
	}
	t.Run("every submit transaction is covered", func(t *testing.T) {
		covered := map[string]bool{}
		for name := range tests {
			fn, _, _ := strings.Cut(name, " ")
			covered[fn] = true
		}
		for name := range metadataTags(t) {
			if !slices.Contains(evaluateTransactions, name) && !covered[name] {
				t.Errorf("no endorsement test for %s", name)
			}
		}
	})
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			c := tc.run(h)
			for _, endorsers := range tc.refused {
				before := h.snapshot()
				if _, err := h.call(c.msp, with(endorsers, c.o), c.fn, c.args...); !errors.Is(err, errPolicyFailure) {
					t.Fatalf("endorsed by %v: %v, want %v", endorsers, err, errPolicyFailure)
				}
				if h.snapshot() != before {
					t.Fatal("an invalid transaction changed the ledger")
				}
			}
			res, err := h.call(c.msp, with(tc.enough, c.o), c.fn, c.args...)
			if err != nil {
				t.Fatalf("endorsed by %v: %v", tc.enough, err)
			}
			if tc.policies == nil {
				return
			}
			want := tc.policies(h, res)
			for _, key := range slices.Sorted(maps.Keys(want)) {
				if got := h.policyOf(key); got != want[key] {
					t.Errorf("%q: policy %q, want %q", key, got, want[key])
				}
			}
		})
	}
}

// Policies follow the registry: a majority counts the ACTIVE offices, and a
// key's policy is recomputed whenever the key is written - and written only
// when it changed, so that concurrent writers of a key keep failing with
// MVCC_READ_CONFLICT (Fabric answers a policy changed earlier in the block
// with ENDORSEMENT_POLICY_FAILURE).
func TestPoliciesFollowTheActiveOffices(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	h.depositJP()
	filingKey := h.compositeKey(kindFiling, "JP", "PATENT", "2024012345")
	for _, c := range []sbeCall{
		{jpMSP, opts{}, "CorrectFirstFiling", []string{jpFilingID, `{"documentFormat":"TIFF_ZIP","reason":"rescan"}`}},
		{usMSP, opts{}, "UpdateOfficeSettings", []string{patternSettings(t, `^\d{8}$`)}},
	} {
		h.mustWith(c.msp, c.o, c.fn, c.args...)
		if len(h.last.sbeWrites) != 0 {
			t.Fatalf("%s wrote an unchanged policy again: %v", c.fn, slices.Collect(maps.Keys(h.last.sbeWrites)))
		}
	}
	var p Proposal
	decode(t, h.must(jpMSP, "ProposeMembershipChange", suspendKR(t)), &p)
	h.must(usMSP, "ApproveMembershipChange", p.ID)
	h.must(epMSP, "ApproveMembershipChange", p.ID)
	if got := h.policyOf(filingKey); got != jpAndMajority {
		t.Fatalf("a suspension rewrites no policy: %s", got)
	}
	// Validated against the policy of the deposit, in which KR still counted.
	h.mustWith(jpMSP, opts{endorsers: []string{jpMSP, krMSP, usMSP}}, "MarkFirstFilingPublished", jpFilingID, "2025-03-17")
	if _, written := h.last.sbeWrites[filingKey]; !written {
		t.Fatal("the changed policy was not written")
	}
	if got := h.policyOf(filingKey); got != "AND(JPMSP, OR(EPMSP, USMSP))" {
		t.Fatalf("after KR's suspension: %s", got)
	}
	_, err := h.call(jpMSP, opts{endorsers: []string{jpMSP, krMSP}}, "WithdrawFirstFiling", jpFilingID, "gone")
	if !errors.Is(err, errPolicyFailure) {
		t.Fatalf("a suspended office's peer still makes a majority: %v", err)
	}
	h.mustWith(jpMSP, opts{endorsers: []string{jpMSP, epMSP}}, "WithdrawFirstFiling", jpFilingID, "gone")
}

// The builders, including the degenerate consortia.
func TestPolicyShapes(t *testing.T) {
	tests := map[string]struct {
		p    policyRule
		want string
		ok   [][]string // each endorser list must satisfy the policy
		not  [][]string
	}{
		"owner only": {ownerOnly("A"), "A", [][]string{{"A"}}, [][]string{{"B"}, {}}},
		"owner and a majority of five": {
			ownerAndMajority("A", []string{"A", "B", "C", "D", "E"}), "AND(A, 2 of [B, C, D, E])",
			[][]string{{"A", "B", "C"}, {"E", "D", "A"}}, [][]string{{"A", "B"}, {"B", "C", "D", "E"}},
		},
		"owner and a majority of two": {
			ownerAndMajority("A", []string{"A", "B"}), "AND(A, B)", [][]string{{"A", "B"}}, [][]string{{"A"}, {"B"}},
		},
		"the only office is the majority": {ownerAndMajority("A", []string{"A"}), "A", [][]string{{"A"}}, [][]string{{"B"}}},
		"a retrieval": {
			requesterAndOwnerOrMajority("R", "O", []string{"O", "P", "Q", "R"}), "AND(R, OR(O, 2 of [O, P, Q]))",
			[][]string{{"R", "O"}, {"R", "P", "Q"}, {"O", "R"}}, [][]string{{"R"}, {"O", "P", "Q"}, {"R", "P"}},
		},
		"a retrieval from a suspended owner": {
			requesterAndOwnerOrMajority("R", "O", []string{"P", "Q", "R"}), "AND(R, OR(O, OR(P, Q)))",
			[][]string{{"R", "O"}, {"R", "Q"}}, [][]string{{"R"}, {"O", "P"}},
		},
		"a retrieval when only the requester is ACTIVE": {
			requesterAndOwnerOrMajority("R", "O", []string{"R"}), "R", [][]string{{"R"}}, [][]string{{"O"}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			raw, err := tc.p.envelope()
			if err != nil {
				t.Fatal(err)
			}
			if got := describePolicy(raw); got != tc.want {
				t.Fatalf("policy %s, want %s", got, tc.want)
			}
			again, _ := tc.p.envelope()
			if string(again) != string(raw) {
				t.Fatal("the policy bytes differ between two encodings: endorsers would disagree")
			}
			for _, e := range tc.ok {
				if !satisfies(raw, e) {
					t.Errorf("%v should satisfy %s", e, tc.want)
				}
			}
			for _, e := range tc.not {
				if satisfies(raw, e) {
					t.Errorf("%v should not satisfy %s", e, tc.want)
				}
			}
		})
	}
}

// Fabric counts each endorsement once per policy, so "the owner AND a
// majority of all offices" would need two endorsements of the owner's org.
func TestTheOwnerIsNotCountedTwice(t *testing.T) {
	naive, err := allOf(peerOf("A"), nOf(3, []string{"A", "B", "C", "D"})).envelope()
	if err != nil {
		t.Fatal(err)
	}
	if satisfies(naive, []string{"A", "B", "C"}) {
		t.Fatal("the evaluator counts an endorsement twice; it does not model Fabric")
	}
	ours, _ := ownerAndMajority("A", []string{"A", "B", "C", "D"}).envelope()
	if !satisfies(ours, []string{"A", "B", "C"}) {
		t.Fatal("one endorsement per office of a majority must be enough")
	}
}
