package contract

import (
	"bytes"
	"slices"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"

	"github.com/ipledger/ipledger/chaincode/errs"
)

// Key-level (state-based) endorsement policies. The trust rule of
// CONTRACT.md §1: a record another office relies on is never endorsed by its
// beneficiary alone, because a member can run modified chaincode on its own
// peer and that peer endorses whatever it is asked to.
//
// A policy is a Fabric SignaturePolicyEnvelope of peer principals; it cannot
// refer to the channel's MAJORITY, so "a majority" is spelt out over the
// ACTIVE offices of the registry when the key is written, and recomputed on
// every later write of the key (written again only when it changed).
//
// Fabric's evaluator uses each endorsement once for the whole policy (a
// signature consumed by one branch is not seen by another). A majority that
// counts the owner is therefore written as "owner AND n/2 of the others",
// never "owner AND (n/2+1) of all", which would need the owner twice.

// policyRule is a node of a signature policy: an MSP's peer or a gate.
type policyRule struct {
	msp   string       // a peer of this MSP; "" for a gate
	need  int          // the gate's threshold
	rules []policyRule // the gate's rules
}

func peerOf(mspID string) policyRule { return policyRule{msp: mspID} }

func allOf(rules ...policyRule) policyRule { return policyRule{need: len(rules), rules: rules} }

func anyOf(rules ...policyRule) policyRule { return policyRule{need: 1, rules: rules} }

func nOf(need int, mspIDs []string) policyRule {
	r := policyRule{need: need}
	for _, m := range mspIDs {
		r.rules = append(r.rules, peerOf(m))
	}
	return r
}

// ownerOnly is the policy of records only their owner relies on.
func ownerOnly(owner string) policyRule { return allOf(peerOf(owner)) }

// ownerAndMajority needs the owner and a majority of the ACTIVE offices
// counting the owner: n/2 others (governance's 2×votes > n). With no other
// ACTIVE office the owner is the majority.
func ownerAndMajority(owner string, active []string) policyRule {
	others := without(active, owner)
	need := (len(others) + 1) / 2 // = n/2 with n = len(others)+1 offices
	if need == 0 {
		return ownerOnly(owner)
	}
	return allOf(peerOf(owner), nOf(need, others))
}

// requesterAndOwnerOrMajority is the retrieval policy: the requester, and
// either the owner or enough other ACTIVE offices to form a majority with
// the requester. The alternative keeps the owner from vetoing the record of
// its own failed delivery.
func requesterAndOwnerOrMajority(requester, owner string, active []string) policyRule {
	others := without(active, requester)
	need := (len(others) + 1) / 2
	if need == 0 {
		return allOf(peerOf(requester))
	}
	return allOf(peerOf(requester), anyOf(peerOf(owner), nOf(need, others)))
}

func without(mspIDs []string, drop string) []string {
	out := make([]string, 0, len(mspIDs))
	for _, m := range mspIDs {
		if m != drop {
			out = append(out, m)
		}
	}
	return out
}

// envelope serialises a policy. Identities are sorted and listed once, so
// every endorser writes the same bytes for the same policy.
func (r policyRule) envelope() ([]byte, error) {
	var ids []string
	r.collect(&ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	env := &common.SignaturePolicyEnvelope{Rule: r.signaturePolicy(ids)}
	for _, id := range ids {
		role, err := proto.Marshal(&msp.MSPRole{MspIdentifier: id, Role: msp.MSPRole_PEER})
		if err != nil {
			return nil, errs.Internalf("encoding endorsement principal: %v", err)
		}
		env.Identities = append(env.Identities, &msp.MSPPrincipal{PrincipalClassification: msp.MSPPrincipal_ROLE, Principal: role})
	}
	raw, err := proto.MarshalOptions{Deterministic: true}.Marshal(env)
	if err != nil {
		return nil, errs.Internalf("encoding endorsement policy: %v", err)
	}
	return raw, nil
}

func (r policyRule) collect(ids *[]string) {
	if r.msp != "" {
		*ids = append(*ids, r.msp)
	}
	for _, sub := range r.rules {
		sub.collect(ids)
	}
}

func (r policyRule) signaturePolicy(ids []string) *common.SignaturePolicy {
	if r.msp != "" {
		i, _ := slices.BinarySearch(ids, r.msp) // collected: always found
		return &common.SignaturePolicy{Type: &common.SignaturePolicy_SignedBy{SignedBy: int32(i)}}
	}
	gate := &common.SignaturePolicy_NOutOf{N: int32(r.need)}
	for _, sub := range r.rules {
		gate.Rules = append(gate.Rules, sub.signaturePolicy(ids))
	}
	return &common.SignaturePolicy{Type: &common.SignaturePolicy_NOutOf_{NOutOf: gate}}
}

// setPolicy gives key the key-level endorsement policy p. It is called on
// every write of a key that has one, so the majority follows the registry,
// but writes the policy only when it changed: Fabric invalidates a
// transaction whose key got a new policy earlier in the same block as an
// ENDORSEMENT_POLICY_FAILURE, so concurrent writers of a key would no longer
// see the MVCC_READ_CONFLICT that clients retry on.
func (t *txn) setPolicy(key string, p policyRule) error {
	raw, err := p.envelope()
	if err != nil {
		return err
	}
	current, err := t.stub.GetStateValidationParameter(key)
	if err != nil {
		return errs.Internalf("reading endorsement policy: %v", err)
	}
	if bytes.Equal(current, raw) {
		return nil
	}
	if err := t.stub.SetStateValidationParameter(key, raw); err != nil {
		return errs.Internalf("setting endorsement policy: %v", err)
	}
	return nil
}

// activeMSPs lists the MSP IDs of the ACTIVE offices, sorted: the offices
// whose peers form the majorities of key-level policies written now.
func (t *txn) activeMSPs() ([]string, error) {
	all, err := t.allOffices()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, o := range all {
		if o.Status == statusActive {
			out = append(out, o.MSPID)
		}
	}
	slices.Sort(out)
	return out, nil
}

// officeMSP is the MSP of a registered office named by a stored record.
func (t *txn) officeMSP(code string) (string, error) {
	o, found, err := t.loadOffice(code)
	if err != nil {
		return "", err
	}
	if !found {
		return "", errs.Internalf("office %s is not registered", code)
	}
	return o.MSPID, nil
}
