//go:build rogue

package contract

// What a member office can run on its own peer: the honest contract plus transactions that write any state
// without any rule. Built only with `-tags rogue`, for the rogue-office live tests
// (tests/integration/rogue); a real deployment never contains it. The honest peers' validation, not this
// code, must stop every attack.

import (
	"encoding/json"
	"fmt"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

func rogueKey(ctx contractapi.TransactionContextInterface, objectType, attrsJSON string) (string, error) {
	var attrs []string
	if err := json.Unmarshal([]byte(attrsJSON), &attrs); err != nil {
		return "", fmt.Errorf("attributes must be a JSON array of strings: %w", err)
	}
	return ctx.GetStub().CreateCompositeKey(objectType, attrs)
}

// RoguePutState writes value under the composite key (objectType, attrs...), checking nothing.
func (c *Contract) RoguePutState(ctx contractapi.TransactionContextInterface, objectType, attrsJSON, value string) error {
	key, err := rogueKey(ctx, objectType, attrsJSON)
	if err != nil {
		return err
	}
	return ctx.GetStub().PutState(key, []byte(value))
}

// RogueDeleteState deletes the composite key (objectType, attrs...), checking nothing.
func (c *Contract) RogueDeleteState(ctx contractapi.TransactionContextInterface, objectType, attrsJSON string) error {
	key, err := rogueKey(ctx, objectType, attrsJSON)
	if err != nil {
		return err
	}
	return ctx.GetStub().DelState(key)
}

// RogueGetState reads the raw bytes under the composite key, so the tests can change one field of a record.
func (c *Contract) RogueGetState(ctx contractapi.TransactionContextInterface, objectType, attrsJSON string) (string, error) {
	key, err := rogueKey(ctx, objectType, attrsJSON)
	if err != nil {
		return "", err
	}
	value, err := ctx.GetStub().GetState(key)
	return string(value), err
}
