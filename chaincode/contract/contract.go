// Package contract is the ipledger smart contract: office registry and
// governance, first filings (priority documents), access grants, retrieval
// audit and priority claims. Domain rules live in package priority; this
// package maps them onto Fabric state, private data, key-level endorsement
// policies and events. CONTRACT.md documents every transaction.
package contract

import (
	"slices"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/hyperledger/fabric-contract-api-go/v2/metadata"
)

// Contract is the single (default) contract of the ipledger chaincode.
// Only transaction methods are exported on it; helpers are plain functions so
// that contractapi does not expose them as transactions.
type Contract struct {
	contractapi.Contract

	// clock is the endorsing peer's own clock. It only decides whether a
	// proposal's timestamp is acceptable (§0 of CONTRACT.md); nothing written
	// depends on it, so endorsers still agree on every write.
	clock func() time.Time

	// peerMSP names the organisation of the endorsing peer this chaincode
	// serves (Fabric's CORE_PEER_LOCALMSPID). Only founding uses it: a peer
	// endorses founding a registry only if its own office is in it.
	peerMSP func(contractapi.TransactionContextInterface) (string, error)
}

// New returns the contract with its metadata.
func New() *Contract {
	c := &Contract{clock: time.Now, peerMSP: func(contractapi.TransactionContextInterface) (string, error) { return shim.GetMSPID() }}
	c.BeforeTransaction = beforeTransaction
	c.Name = "ipledger"
	c.Info = metadata.InfoMetadata{
		Title:       "ipledger priority-data exchange",
		Description: "Priority documents, access, retrievals and priority claims between IP offices",
		Version:     "1.0.0",
	}
	return c
}

// evaluateTransactions are the queries; they write nothing and are tagged
// evaluate-only in the contract metadata so clients never submit them.
var evaluateTransactions = []string{
	"GetCallerOffice", "GetOffice", "ListOffices",
	"GetFoundingProposal", "ListFoundingProposals",
	"GetMembershipProposal", "ListMembershipProposals",
	"GetFirstFiling", "FindFirstFiling", "ListFirstFilings",
	"GetFilingConfidential", "CheckConfidentialIntegrity",
	"GetAccessRecord",
	"GetRetrieval", "ListRetrievals",
	"GetPriorityClaim", "ListClaimsOnFirstFiling", "GetLaterApplicationClaims", "ComputePriorityDeadline",
	"GetRecordHistory",
}

// GetEvaluateTransactions implements contractapi.EvaluationContractInterface.
func (c *Contract) GetEvaluateTransactions() []string {
	return slices.Clone(evaluateTransactions)
}
