package contract

import (
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/queryresult"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
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
