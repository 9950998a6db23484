package contract

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"

	"github.com/hyperledger/fabric-contract-api-go/v2/metadata"
	"github.com/hyperledger/fabric-contract-api-go/v2/serializer"
	"github.com/xeipuuv/gojsonschema"

	"github.com/ipledger/ipledger/chaincode/errs"
)

// wireSerializer renders transaction results. Transactions return typed
// structs so that the contract metadata carries their schemas; this keeps the
// bytes on the wire what they were when results were JSON strings: encoded by
// marshal (no HTML escaping, unlike contractapi's json.Marshal), then checked
// against the result schema of the metadata as contractapi's own serializer
// does. Arguments are all strings and are left to contractapi.
type wireSerializer struct {
	serializer.JSONSerializer
}

var _ serializer.TransactionSerializer = (*wireSerializer)(nil)

// ToString implements serializer.TransactionSerializer.
func (s *wireSerializer) ToString(v reflect.Value, t reflect.Type, returns *metadata.ReturnMetadata, components *metadata.ComponentMetadata) (string, error) {
	if t.Kind() != reflect.Ptr || t.Elem().Kind() != reflect.Struct {
		return s.JSONSerializer.ToString(v, t, returns, components)
	}
	if v.IsNil() {
		return "", nil // the transaction failed: its error is the response
	}
	raw, err := marshal(v.Interface())
	if err != nil {
		return "", err
	}
	if returns != nil && returns.CompiledSchema != nil {
		if err := matchesSchema(raw, returns.CompiledSchema); err != nil {
			return "", err
		}
	}
	return string(raw), nil
}

// matchesSchema validates a rendered result against a schema compiled by
// metadata.CompileSchemas, which names the value "return".
func matchesSchema(raw []byte, schema *gojsonschema.Schema) error {
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return errs.Internalf("rendered result is not JSON: %v", err)
	}
	res, err := schema.Validate(gojsonschema.NewGoLoader(map[string]any{"return": doc}))
	if err != nil {
		return errs.Internalf("validating the result: %v", err)
	}
	if res.Valid() {
		return nil
	}
	problems := make([]string, 0, len(res.Errors()))
	for _, e := range res.Errors() {
		problems = append(problems, e.String())
	}
	sort.Strings(problems)
	return errs.Internalf("the result does not match its schema in the contract metadata: %s", strings.Join(problems, "; "))
}
