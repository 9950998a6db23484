package contract

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/ipledger/ipledger/chaincode/errs"
	"github.com/ipledger/ipledger/chaincode/priority"
)

// maxClockSkew is how far a proposal's timestamp may be from the endorsing
// peer's clock. The timestamp is chosen by the client; it becomes every
// "…At" value, "today" and the time part of ids, so it must be close to the
// real time. Ten minutes tolerates ordinary clock drift.
const maxClockSkew = 10 * time.Minute

// txn bundles what every transaction needs from the stub. Time comes only
// from the transaction timestamp so that all endorsers compute the same
// result; the peer's clock only bounds that timestamp.
type txn struct {
	ctx   contractapi.TransactionContextInterface
	stub  shim.ChaincodeStubInterface
	at    time.Time // the transaction timestamp, UTC, whole seconds
	now   string    // at in RFC 3339
	today priority.Date
	txID  string
}

// begin starts every transaction. It refuses a timestamp outside
// maxClockSkew of this peer's clock, so whatever a client crafts, what is
// written is at most ten minutes off and ids keep their format.
func (c *Contract) begin(ctx contractapi.TransactionContextInterface) (*txn, error) {
	stub := ctx.GetStub()
	ts, err := stub.GetTxTimestamp()
	if err != nil {
		return nil, errs.Internalf("reading the transaction timestamp: %v", err)
	}
	at := ts.AsTime().UTC().Truncate(time.Second)
	if skew := at.Sub(c.clock()); skew > maxClockSkew || skew < -maxClockSkew || ts.CheckValid() != nil {
		return nil, errs.New(errs.ClockSkew, "the transaction timestamp %s is more than %v from the endorsing peer's clock; check the client's clock",
			clipArg(at.Format(time.RFC3339)), maxClockSkew)
	}
	return &txn{
		ctx:   ctx,
		stub:  stub,
		at:    at,
		now:   at.Format(time.RFC3339),
		today: priority.DateOf(at),
		txID:  stub.GetTxID(),
	}, nil
}

// getPrivate reads a value of a private data collection; nil means that this
// peer does not hold it. A peer outside the collection (another office's peer)
// keeps only the value's hash, and Fabric answers its read with an error
// ("private data matching public hash version is not available") instead of
// nil, so a readable hash with an unreadable value is reported as nil too.
func (t *txn) getPrivate(collection, key string) ([]byte, error) {
	raw, err := t.stub.GetPrivateData(collection, key)
	if err == nil {
		return raw, nil
	}
	if hash, hashErr := t.stub.GetPrivateDataHash(collection, key); hashErr == nil && hash != nil {
		return nil, nil
	}
	return nil, errs.Internalf("reading private data: %v", err)
}

// putJSON stores v. Only structs are stored (never maps), so encoding/json
// emits fields in declaration order and the bytes are identical on every peer.
func (t *txn) putJSON(key string, v any) error {
	raw, err := marshal(v)
	if err != nil {
		return err
	}
	if err := t.stub.PutState(key, raw); err != nil {
		return errs.Internalf("writing state: %v", err)
	}
	return nil
}

func (t *txn) delState(key string) error {
	if err := t.stub.DelState(key); err != nil {
		return errs.Internalf("deleting state: %v", err)
	}
	return nil
}

// marshal encodes without HTML escaping so stored text stays as given.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, errs.Internalf("encoding record: %v", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// result returns a transaction's typed result; contractapi renders it as
// JSON (wireSerializer) and its type is the result schema of the contract
// metadata.
func result[T any](v T) (*T, error) { return &v, nil }
