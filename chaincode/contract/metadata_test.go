package contract

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/metadata"

	"github.com/ipledger/ipledger/chaincode/priority"
)

// metadataDump is the committed contract metadata; the Python client is
// checked against it (tests/unit/domain/test_contract_schema.py).
const metadataDump = "../contract-metadata.json"

var updateDump = flag.Bool("update", false, "rewrite "+metadataDump+" from the contract")

var (
	servedOnce sync.Once
	servedRaw  []byte
	servedMD   metadata.ContractChaincodeMetadata
	servedErr  error
)

// servedMetadata is what org.hyperledger.fabric:GetMetadata answers, with
// its schemas compiled as contractapi compiles them for validation.
func servedMetadata(t testing.TB) *metadata.ContractChaincodeMetadata {
	t.Helper()
	servedOnce.Do(func() {
		cc, err := newContractChaincode()
		if err != nil {
			servedErr = err
			return
		}
		stub := newFakeStub(newFakeLedger(), "tx", time.Now(), "", nil)
		stub.function = "org.hyperledger.fabric:GetMetadata"
		resp := cc.Invoke(stub)
		if resp.Status != 200 {
			servedErr = errorString(resp.Message)
			return
		}
		servedRaw = resp.Payload
		if servedErr = json.Unmarshal(servedRaw, &servedMD); servedErr == nil {
			servedErr = servedMD.CompileSchemas()
		}
	})
	if servedErr != nil {
		t.Fatalf("contract metadata: %v", servedErr)
	}
	return &servedMD
}

type errorString string

func (e errorString) Error() string { return string(e) }

// enumerations are the value sets of the contract's string fields, from the
// constants the contract uses; JSON schema from reflection cannot carry them.
func enumerations() map[string][]string {
	weekdays := []string{}
	for _, w := range weekdayNames() {
		weekdays = append(weekdays, w)
	}
	actions := slices.Sorted(func(yield func(string) bool) {
		for a := range appliedEvents {
			if !yield(a) {
				return
			}
		}
	})
	return map[string][]string{
		"IpRight":                toStrings(priority.AllIPRights),
		"ApplicationCategory":    {string(priority.National), string(priority.Regional), string(priority.International)},
		"DocumentFormat":         documentFormats,
		"Weekday":                weekdays,
		"RestorationCriterion":   toStrings(priority.AllCriteria),
		"OfficeStatus":           {statusActive, statusSuspended},
		"MembershipAction":       actions,
		"ProposalStatus":         {proposalOpen, proposalApplied, proposalWithdrawn, proposalExpired},
		"FoundingStatus":         {foundingOpen, foundingActive, foundingVoid},
		"FilingStatus":           {filingAvailable, filingPublished, filingWithdrawn},
		"GrantStatus":            {grantNone, grantActive, grantRevoked},
		"GrantRoute":             {routeAccessCode, routeDirectGrant},
		"RedemptionOutcome":      {resultGranted, resultMismatch, resultPending},
		"RetrievalStatus":        {retrievalPending, retrievalSuccess, retrievalError},
		"RetrievalFailureReason": failureReasons,
		"ClaimTimeliness":        {string(priority.InTime), string(priority.LateRestorable)},
		"ClaimStatus":            {claimRecorded, claimRestorationRequested, claimRestored, claimRestorationRefused, claimWithdrawn},
		"RestorationDecision":    {"GRANTED", "REFUSED"},
		"ClaimWarning":           claimWarnings,
		"RecordType":             {recOffice, "officeSettings", recFounding, recProposal, recFiling, recConfidentialHash, recAccess, recRetrieval, recClaim},
	}
}

func weekdayNames() []string {
	var out []string
	for _, w := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		out = append(out, priority.WeekdayName(w))
	}
	return out
}

// enumeratedFields says which enumeration each enumerated string field (or
// string array field) of a result schema takes: "Schema.property".
var enumeratedFields = map[string]string{
	"Roles.depositing": "IpRight", "Roles.accessing": "IpRight",
	"CalendarSpec.closedWeekdays": "Weekday",
	"NumberPatterns.ipRight":      "IpRight",
	"RestorationRule.ipRight":     "IpRight", "RestorationRule.criteria": "RestorationCriterion",
	"Office.status":           "OfficeStatus",
	"FoundingProposal.status": "FoundingStatus",
	"Proposal.action":         "MembershipAction", "Proposal.status": "ProposalStatus",
	"FirstFiling.ipRight": "IpRight", "FirstFiling.applicationCategory": "ApplicationCategory",
	"FirstFiling.documentFormat": "DocumentFormat", "FirstFiling.status": "FilingStatus",
	"AccessEntry.grant": "GrantStatus", "AccessEntry.route": "GrantRoute",
	"RedemptionResult.result": "RedemptionOutcome",
	"Retrieval.grantRoute":    "GrantRoute", "Retrieval.status": "RetrievalStatus",
	"LaterApplication.ipRight": "IpRight", "LaterApplication.applicationCategory": "ApplicationCategory",
	"PriorityApplication.ipRight": "IpRight", "PriorityApplication.applicationCategory": "ApplicationCategory",
	"Restoration.criterion": "RestorationCriterion", "Restoration.decision": "RestorationDecision",
	"PriorityClaim.timeliness": "ClaimTimeliness", "PriorityClaim.status": "ClaimStatus",
	"PriorityClaim.warnings":           "ClaimWarning",
	"LaterApplicationClaims.ipRight":   "IpRight",
	"PriorityDeadline.priorityIpRight": "IpRight", "PriorityDeadline.laterIpRight": "IpRight",
	"PriorityDeadline.restorationCriteria": "RestorationCriterion",
}

// dumpMetadata renders the committed dump: the served metadata (keys
// sorted, transactions by name), its parameters named from argumentSpecs
// (Go reflection cannot see parameter names, so contractapi serves param0,
// param1, ...), plus the enumerations under "x-ipledger".
func dumpMetadata(t testing.TB) []byte {
	t.Helper()
	servedMetadata(t)
	var doc map[string]any
	if err := json.Unmarshal(servedRaw, &doc); err != nil {
		t.Fatal(err)
	}
	contract := doc["contracts"].(map[string]any)["ipledger"].(map[string]any)
	txs := contract["transactions"].([]any)
	slices.SortFunc(txs, func(a, b any) int {
		return strings.Compare(a.(map[string]any)["name"].(string), b.(map[string]any)["name"].(string))
	})
	for _, raw := range txs {
		tx := raw.(map[string]any)
		name := tx["name"].(string)
		specs, known := argumentSpecs[name]
		if !known {
			t.Fatalf("%s has no entry in argumentSpecs", name)
		}
		params, _ := tx["parameters"].([]any)
		if len(params) != len(specs) {
			t.Fatalf("%s: %d parameters, argumentSpecs names %d", name, len(params), len(specs))
		}
		for i, p := range params {
			p.(map[string]any)["name"] = specs[i].name
		}
	}
	doc["x-ipledger"] = map[string]any{
		"comment":          "Generated by `go test ./contract -run TestContractMetadataDump -update` in chaincode/; do not edit.",
		"enumerations":     enumerations(),
		"enumeratedFields": enumeratedFields,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The committed dump is the contract's metadata; a contract change that is
// not dumped (and so not followed by the Python client) fails here.
func TestContractMetadataDumpIsCurrent(t *testing.T) {
	want := dumpMetadata(t)
	if *updateDump {
		if err := os.WriteFile(metadataDump, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(metadataDump)
	if err != nil {
		t.Fatalf("%v; run `go test ./contract -run TestContractMetadataDump -update` in chaincode/", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale: run `go test ./contract -run TestContractMetadataDump -update` in chaincode/ and follow the change in the Python client", filepath.Base(metadataDump))
	}
}

// Every transaction returns a typed result, so the metadata describes it.
func TestEveryTransactionHasAResultSchema(t *testing.T) {
	md := servedMetadata(t)
	for _, tx := range md.Contracts["ipledger"].Transactions {
		if tx.Returns.Schema == nil || len(tx.Returns.Schema.Ref.String()) == 0 {
			t.Errorf("%s: result schema %v, want a reference to a component", tx.Name, tx.Returns.Schema)
		}
	}
}

// The enumeration table names real schema properties.
func TestEnumeratedFieldsExist(t *testing.T) {
	md := servedMetadata(t)
	enums := enumerations()
	for field, enum := range enumeratedFields {
		schema, prop, _ := strings.Cut(field, ".")
		if _, ok := md.Components.Schemas[schema].Properties[prop]; !ok {
			t.Errorf("%s is not a property of the metadata", field)
		}
		if _, ok := enums[enum]; !ok {
			t.Errorf("%s: no enumeration %s", field, enum)
		}
	}
}
