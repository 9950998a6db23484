package contract

import (
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/queryresult"
	mspproto "github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// fakeLedger is the committed world state shared by all fake transactions.
type fakeLedger struct {
	state   map[string][]byte
	sbe     map[string][]byte            // key-level endorsement policies
	private map[string]map[string][]byte // collection → key → value
	history map[string][]*queryresult.KeyModification
}

func newFakeLedger() *fakeLedger {
	return &fakeLedger{
		state:   map[string][]byte{},
		sbe:     map[string][]byte{},
		private: map[string]map[string][]byte{},
		history: map[string][]*queryresult.KeyModification{},
	}
}

// fakeStub simulates one transaction. Like a Fabric peer it reads committed
// state only (no read-your-own-writes) and buffers writes until commit, so a
// failing transaction leaves no trace. Only the stub methods the contract
// uses are implemented; any other call panics through the nil interface.
type fakeStub struct {
	shim.ChaincodeStubInterface
	ledger    *fakeLedger
	txID      string
	ts        time.Time
	transient map[string][]byte
	peerMSP   string // the endorsing peer's org: decides private-data visibility

	writes       map[string][]byte // nil value = delete
	sbeWrites    map[string][]byte
	privWrites   map[string]map[string][]byte
	events       []string
	eventPayload []byte
	function     string
	args         []string
	creator      []byte
}

func newFakeStub(l *fakeLedger, txID string, ts time.Time, peerMSP string, transient map[string][]byte) *fakeStub {
	return &fakeStub{
		ledger: l, txID: txID, ts: ts, peerMSP: peerMSP, transient: transient,
		writes: map[string][]byte{}, sbeWrites: map[string][]byte{}, privWrites: map[string]map[string][]byte{},
	}
}

func (s *fakeStub) writeCount() int {
	n := len(s.writes) + len(s.sbeWrites)
	for _, c := range s.privWrites {
		n += len(c)
	}
	return n
}

// commit applies the buffered writes and records key history.
func (s *fakeStub) commit() {
	keys := make([]string, 0, len(s.writes))
	for k := range s.writes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := s.writes[k]
		mod := &queryresult.KeyModification{TxId: s.txID, Timestamp: timestamppb.New(s.ts), Value: v, IsDelete: v == nil}
		// Fabric returns history newest first.
		s.ledger.history[k] = append([]*queryresult.KeyModification{mod}, s.ledger.history[k]...)
		if v == nil {
			delete(s.ledger.state, k)
			delete(s.ledger.sbe, k)
		} else {
			s.ledger.state[k] = v
		}
	}
	for k, p := range s.sbeWrites {
		s.ledger.sbe[k] = p
	}
	for c, kv := range s.privWrites {
		if s.ledger.private[c] == nil {
			s.ledger.private[c] = map[string][]byte{}
		}
		for k, v := range kv {
			if v == nil {
				delete(s.ledger.private[c], k)
				continue
			}
			s.ledger.private[c][k] = v
		}
	}
}

func (s *fakeStub) GetTxID() string { return s.txID }

func (s *fakeStub) GetTxTimestamp() (*timestamppb.Timestamp, error) {
	return timestamppb.New(s.ts), nil
}

func (s *fakeStub) GetTransient() (map[string][]byte, error) {
	if s.transient == nil {
		return map[string][]byte{}, nil
	}
	return s.transient, nil
}

func (s *fakeStub) GetCreator() ([]byte, error) {
	if s.creator == nil {
		return nil, errors.New("no creator in fake")
	}
	return s.creator, nil
}

func (s *fakeStub) GetFunctionAndParameters() (string, []string) { return s.function, s.args }

func (s *fakeStub) GetArgs() [][]byte {
	out := [][]byte{[]byte(s.function)}
	for _, a := range s.args {
		out = append(out, []byte(a))
	}
	return out
}

func (s *fakeStub) GetState(key string) ([]byte, error) {
	if key == "" {
		return nil, errors.New("empty key")
	}
	return slices.Clone(s.ledger.state[key]), nil
}

func (s *fakeStub) PutState(key string, value []byte) error {
	if key == "" || len(value) == 0 {
		return errors.New("fake: PutState needs a key and a non-empty value")
	}
	s.writes[key] = slices.Clone(value)
	return nil
}

func (s *fakeStub) DelState(key string) error {
	s.writes[key] = nil
	return nil
}

// GetStateValidationParameter reads the committed policy, as Fabric does.
func (s *fakeStub) GetStateValidationParameter(key string) ([]byte, error) {
	return slices.Clone(s.ledger.sbe[key]), nil
}

func (s *fakeStub) SetStateValidationParameter(key string, ep []byte) error {
	s.sbeWrites[key] = slices.Clone(ep)
	return nil
}

func (s *fakeStub) SetEvent(name string, payload []byte) error {
	if name == "" {
		return errors.New("event name can not be empty string")
	}
	s.events = append(s.events, name)
	s.eventPayload = payload
	return nil
}

func (s *fakeStub) PutPrivateData(collection, key string, value []byte) error {
	if collection == "" || key == "" || len(value) == 0 {
		return errors.New("fake: PutPrivateData needs collection, key and value")
	}
	if s.privWrites[collection] == nil {
		s.privWrites[collection] = map[string][]byte{}
	}
	s.privWrites[collection][key] = slices.Clone(value)
	return nil
}

// DelPrivateData buffers a delete (nil value) like DelState.
func (s *fakeStub) DelPrivateData(collection, key string) error {
	if collection == "" || key == "" {
		return errors.New("fake: DelPrivateData needs collection and key")
	}
	if s.privWrites[collection] == nil {
		s.privWrites[collection] = map[string][]byte{}
	}
	s.privWrites[collection][key] = nil
	return nil
}

// GetPrivateData on a peer outside the implicit collection's org fails when
// the value exists (only its hash is there), as Fabric's does: "private data
// matching public hash version is not available"; nil when there is none.
func (s *fakeStub) GetPrivateData(collection, key string) ([]byte, error) {
	if collection != "_implicit_org_"+s.peerMSP {
		if _, ok := s.ledger.private[collection][key]; ok {
			return nil, errors.New("GET_STATE failed: private data matching public hash version is not available")
		}
		return nil, nil
	}
	return slices.Clone(s.ledger.private[collection][key]), nil
}

// GetPrivateDataHash works on every peer: the hash is on everyone's ledger.
func (s *fakeStub) GetPrivateDataHash(collection, key string) ([]byte, error) {
	v, ok := s.ledger.private[collection][key]
	if !ok {
		return nil, nil
	}
	sum := sha256.Sum256(v)
	return sum[:], nil
}

const compositeNS = "\x00"

func (s *fakeStub) CreateCompositeKey(objectType string, attributes []string) (string, error) {
	for _, a := range append([]string{objectType}, attributes...) {
		if !utf8.ValidString(a) || strings.ContainsAny(a, "\x00\U0010FFFF") {
			return "", fmt.Errorf("fake: invalid composite key part %q", a)
		}
	}
	k := compositeNS + objectType + compositeNS
	for _, a := range attributes {
		k += a + compositeNS
	}
	return k, nil
}

func (s *fakeStub) SplitCompositeKey(key string) (string, []string, error) {
	parts := strings.Split(strings.TrimSuffix(strings.TrimPrefix(key, compositeNS), compositeNS), compositeNS)
	return parts[0], parts[1:], nil
}

// rangeKeys lists committed keys in [start, end) in order.
func (s *fakeStub) rangeKeys(start, end string) []string {
	var keys []string
	for k := range s.ledger.state {
		if k >= start && k < end {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

func (s *fakeStub) iter(keys []string) *fakeIterator {
	it := &fakeIterator{}
	for _, k := range keys {
		it.items = append(it.items, &queryresult.KV{Key: k, Value: slices.Clone(s.ledger.state[k])})
	}
	return it
}

func (s *fakeStub) page(start, end string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	if bookmark != "" {
		start = bookmark
	}
	keys := s.rangeKeys(start, end)
	next := ""
	if len(keys) > int(pageSize) {
		next = keys[pageSize]
		keys = keys[:pageSize]
	}
	return s.iter(keys), &peer.QueryResponseMetadata{FetchedRecordsCount: int32(len(keys)), Bookmark: next}, nil
}

func simpleKeyCheck(keys ...string) error {
	for _, k := range keys {
		if strings.HasPrefix(k, compositeNS) {
			return errors.New("fake: composite key used in a simple range query")
		}
	}
	return nil
}

func (s *fakeStub) GetStateByRange(start, end string) (shim.StateQueryIteratorInterface, error) {
	if err := simpleKeyCheck(start, end); err != nil {
		return nil, err
	}
	return s.iter(s.rangeKeys(start, end)), nil
}

func (s *fakeStub) GetStateByRangeWithPagination(start, end string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	if err := simpleKeyCheck(start, end); err != nil {
		return nil, nil, err
	}
	return s.page(start, end, pageSize, bookmark)
}

func (s *fakeStub) GetStateByPartialCompositeKey(objectType string, keys []string) (shim.StateQueryIteratorInterface, error) {
	prefix, err := s.CreateCompositeKey(objectType, keys)
	if err != nil {
		return nil, err
	}
	return s.iter(s.rangeKeys(prefix, prefix+"\U0010FFFF")), nil
}

func (s *fakeStub) GetStateByPartialCompositeKeyWithPagination(objectType string, keys []string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	prefix, err := s.CreateCompositeKey(objectType, keys)
	if err != nil {
		return nil, nil, err
	}
	return s.page(prefix, prefix+"\U0010FFFF", pageSize, bookmark)
}

func (s *fakeStub) GetHistoryForKey(key string) (shim.HistoryQueryIteratorInterface, error) {
	return &fakeHistory{items: slices.Clone(s.ledger.history[key])}, nil
}

type fakeIterator struct {
	items []*queryresult.KV
	pos   int
}

func (i *fakeIterator) HasNext() bool { return i.pos < len(i.items) }
func (i *fakeIterator) Close() error  { return nil }
func (i *fakeIterator) Next() (*queryresult.KV, error) {
	if !i.HasNext() {
		return nil, errors.New("iterator exhausted")
	}
	i.pos++
	return i.items[i.pos-1], nil
}

type fakeHistory struct {
	items []*queryresult.KeyModification
	pos   int
}

func (i *fakeHistory) HasNext() bool { return i.pos < len(i.items) }
func (i *fakeHistory) Close() error  { return nil }
func (i *fakeHistory) Next() (*queryresult.KeyModification, error) {
	if !i.HasNext() {
		return nil, errors.New("iterator exhausted")
	}
	i.pos++
	return i.items[i.pos-1], nil
}

// fakeIdentity reports an MSP ID and a certificate whose NodeOU is admin or client.
type fakeIdentity struct {
	cid.ClientIdentity
	msp    string
	client bool // a client of the MSP rather than an administrator
}

func (f fakeIdentity) GetMSPID() (string, error) { return f.msp, nil }

func (f fakeIdentity) GetX509Certificate() (*x509.Certificate, error) {
	unit := "admin"
	if f.client {
		unit = "client"
	}
	return &x509.Certificate{Subject: pkix.Name{OrganizationalUnit: []string{unit}}}, nil
}

// fakeContext is the transaction context handed to contract methods.
type fakeContext struct {
	stub *fakeStub
	id   cid.ClientIdentity
}

func (c *fakeContext) GetStub() shim.ChaincodeStubInterface  { return c.stub }
func (c *fakeContext) GetClientIdentity() cid.ClientIdentity { return c.id }

// errPolicyFailure is a committing peer's verdict ENDORSEMENT_POLICY_FAILURE:
// the transaction is invalid and writes nothing.
var errPolicyFailure = errors.New("ENDORSEMENT_POLICY_FAILURE")

// validate models Fabric's v2 validation of a transaction endorsed by peers
// of the given MSPs (one entry per endorsement). Every key written, deleted or
// given a new policy must satisfy the policy it had before this transaction,
// or the chaincode policy when it had none; a write to an implicit collection
// needs a peer of its org (the org's Endorsement policy). The chaincode policy
// is MAJORITY of the channel's orgs (channel).
func (s *fakeStub) validate(endorsers, channel []string) error {
	keys := slices.Collect(maps.Keys(s.writes))
	for k := range s.sbeWrites {
		if _, dup := s.writes[k]; !dup {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	needChaincodePolicy := len(keys) == 0 && len(s.privWrites) == 0
	for _, k := range keys {
		p, ok := s.ledger.sbe[k]
		if !ok {
			needChaincodePolicy = true
			continue
		}
		if !satisfies(p, endorsers) {
			return fmt.Errorf("%w: key %q needs %s, endorsed by %v", errPolicyFailure, k, describePolicy(p), endorsers)
		}
	}
	for c := range s.privWrites {
		org := strings.TrimPrefix(c, "_implicit_org_")
		if !slices.Contains(endorsers, org) {
			return fmt.Errorf("%w: collection %s needs a peer of %s, endorsed by %v", errPolicyFailure, c, org, endorsers)
		}
	}
	if needChaincodePolicy {
		n := 0
		for _, org := range channel {
			if slices.Contains(endorsers, org) {
				n++
			}
		}
		if 2*n <= len(channel) {
			return fmt.Errorf("%w: the chaincode policy needs a majority of %v, endorsed by %v", errPolicyFailure, channel, endorsers)
		}
	}
	return nil
}

// satisfies evaluates a signature policy the way Fabric's cauthdsl does:
// each endorsement satisfies at most one principal of the whole policy.
func satisfies(raw []byte, endorsers []string) bool {
	env := &common.SignaturePolicyEnvelope{}
	if err := proto.Unmarshal(raw, env); err != nil {
		return false
	}
	used := make([]bool, len(endorsers))
	return evaluatePolicy(env.GetRule(), env.GetIdentities(), endorsers, used)
}

func evaluatePolicy(p *common.SignaturePolicy, ids []*mspproto.MSPPrincipal, endorsers []string, used []bool) bool {
	if gate := p.GetNOutOf(); gate != nil {
		verified := int32(0)
		trial := make([]bool, len(used))
		for _, rule := range gate.GetRules() {
			copy(trial, used)
			if evaluatePolicy(rule, ids, endorsers, trial) {
				verified++
				copy(used, trial)
			}
		}
		return verified >= gate.GetN()
	}
	msp, ok := principalMSP(ids, p.GetSignedBy())
	if !ok {
		return false
	}
	for i, e := range endorsers {
		if !used[i] && e == msp {
			used[i] = true
			return true
		}
	}
	return false
}

// principalMSP is the MSP of a peer principal (endorsements come from peers).
func principalMSP(ids []*mspproto.MSPPrincipal, i int32) (string, bool) {
	if i < 0 || int(i) >= len(ids) || ids[i].GetPrincipalClassification() != mspproto.MSPPrincipal_ROLE {
		return "", false
	}
	role := &mspproto.MSPRole{}
	if proto.Unmarshal(ids[i].GetPrincipal(), role) != nil {
		return "", false
	}
	r := role.GetRole()
	return role.GetMspIdentifier(), r == mspproto.MSPRole_PEER || r == mspproto.MSPRole_MEMBER
}

// describePolicy renders a policy for test expectations:
// "AND(JPMSP, 2 of [EPMSP, KRMSP, USMSP])", "OR(…)", a lone "JPMSP".
func describePolicy(raw []byte) string {
	env := &common.SignaturePolicyEnvelope{}
	if err := proto.Unmarshal(raw, env); err != nil {
		return "unreadable: " + err.Error()
	}
	return describeRule(env.GetRule(), env.GetIdentities())
}

func describeRule(p *common.SignaturePolicy, ids []*mspproto.MSPPrincipal) string {
	gate := p.GetNOutOf()
	if gate == nil {
		msp, ok := principalMSP(ids, p.GetSignedBy())
		if !ok {
			return "?"
		}
		return msp
	}
	parts := make([]string, len(gate.GetRules()))
	for i, r := range gate.GetRules() {
		parts[i] = describeRule(r, ids)
	}
	n, list := int(gate.GetN()), strings.Join(parts, ", ")
	switch {
	case len(parts) == 1 && n == 1:
		return list
	case n == len(parts):
		return "AND(" + list + ")"
	case n == 1:
		return "OR(" + list + ")"
	}
	return fmt.Sprintf("%d of [%s]", n, list)
}
