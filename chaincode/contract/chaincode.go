package contract

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"

	"github.com/ipledger/ipledger/chaincode/errs"
)

// NewChaincode returns the chaincode cmd/ipledger-cc serves: the contract
// behind a guard that turns a panic in any transaction into an INTERNAL
// error. The shim runs each transaction in its own goroutine and recovers
// nothing, so a single panic (say on a record a member wrote with modified
// chaincode) would end the chaincode process that every office's
// transactions on this peer depend on. contractapi's before/after hooks run
// outside the transaction function and cannot recover its panic, hence a
// wrapper around the whole dispatch.
func NewChaincode() (shim.Chaincode, error) {
	cc, err := newContractChaincode()
	if err != nil {
		return nil, err
	}
	return &guard{next: cc, log: os.Stderr}, nil
}

// newContractChaincode is the contract as contractapi serves it, with the
// serializer that renders results on the wire.
func newContractChaincode() (*contractapi.ContractChaincode, error) {
	cc, err := contractapi.NewChaincode(New())
	if err != nil {
		return nil, err
	}
	cc.TransactionSerializer = &wireSerializer{}
	return cc, nil
}

type guard struct {
	next shim.Chaincode
	log  io.Writer // where panics are reported: the chaincode's stderr
}

func (g *guard) Init(stub shim.ChaincodeStubInterface) (resp *peer.Response) {
	defer g.recoverAsInternal(stub, &resp)
	return g.next.Init(stub)
}

func (g *guard) Invoke(stub shim.ChaincodeStubInterface) (resp *peer.Response) {
	defer g.recoverAsInternal(stub, &resp)
	return g.next.Invoke(stub)
}

// recoverAsInternal replaces the response of a panicking transaction. The
// panic value and stack go to the chaincode log only: they may quote data.
func (g *guard) recoverAsInternal(stub shim.ChaincodeStubInterface, resp **peer.Response) {
	r := recover()
	if r == nil {
		return
	}
	txID := safely(stub.GetTxID)
	fmt.Fprintf(g.log, "ipledger-cc: transaction %s panicked: %v\n%s", txID, r, debug.Stack())
	*resp = shim.Error(errs.Internalf("the chaincode failed unexpectedly in transaction %s; see the chaincode log", clipArg(txID)).Error())
}

// safely calls f, which may itself panic on a broken stub.
func safely(f func() string) (s string) {
	defer func() {
		if recover() != nil {
			s = "?"
		}
	}()
	return f()
}
