package contract

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
)

func TestTheContractBuildsAValidChaincode(t *testing.T) {
	if _, err := contractapi.NewChaincode(New()); err != nil {
		t.Fatalf("NewChaincode: %v", err)
	}
}

func TestEveryEvaluateTransactionExists(t *testing.T) {
	c := New()
	for _, name := range c.GetEvaluateTransactions() {
		if !reflect.ValueOf(c).MethodByName(name).IsValid() {
			t.Errorf("evaluate transaction %s is not a method", name)
		}
	}
}

// metadataTags reads the contract metadata as a client would.
func metadataTags(t testing.TB) map[string][]string {
	cc, err := contractapi.NewChaincode(New())
	if err != nil {
		t.Fatal(err)
	}
	stub := newFakeStub(newFakeLedger(), "tx", time.Now(), "", nil)
	stub.function = "org.hyperledger.fabric:GetMetadata"
	resp := cc.Invoke(stub)
	if resp.Status != 200 {
		t.Fatalf("GetMetadata: %s", resp.Message)
	}
	var md struct {
		Contracts map[string]struct {
			Transactions []struct {
				Name string   `json:"name"`
				Tag  []string `json:"tag"`
			} `json:"transactions"`
		} `json:"contracts"`
	}
	if err := json.Unmarshal(resp.Payload, &md); err != nil {
		t.Fatal(err)
	}
	tags := map[string][]string{}
	for _, tx := range md.Contracts["ipledger"].Transactions {
		tags[tx.Name] = tx.Tag
	}
	return tags
}

func TestMetadataTagsQueriesAsEvaluate(t *testing.T) {
	tags := metadataTags(t)
	if len(tags) != 44 {
		t.Fatalf("%d transactions in the metadata, want the 44 of CONTRACT.md", len(tags))
	}
	for name, tag := range tags {
		wantEvaluate := slices.Contains(evaluateTransactions, name)
		if got := slices.Contains(tag, "EVALUATE") || slices.Contains(tag, "evaluate"); got != wantEvaluate {
			t.Errorf("%s tags %v, evaluate-only = %v", name, tag, wantEvaluate)
		}
	}
}

// serializedIdentity builds the creator bytes of an identity of mspID (NodeOU unit) with a
// throw-away certificate, so the real cid library resolves the MSP ID and the unit.
func serializedIdentity(t testing.TB, mspID, unit string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "User1", OrganizationalUnit: []string{unit}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := proto.Marshal(&msp.SerializedIdentity{Mspid: mspID, IdBytes: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestInvokeThroughTheChaincodeResolvesTheCallerFromItsCertificate(t *testing.T) {
	cc, err := contractapi.NewChaincode(New())
	if err != nil {
		t.Fatal(err)
	}
	ledger := newFakeLedger()
	unit, msp := "client", jpMSP
	invoke := func(fn string, args ...string) (int32, string) {
		stub := newFakeStub(ledger, "0f", time.Now(), msp, nil) // the contract compares it with the real clock
		stub.function, stub.args, stub.creator = fn, args, serializedIdentity(t, msp, unit)
		resp := cc.Invoke(stub)
		if resp.Status == 200 {
			stub.commit()
			return resp.Status, string(resp.Payload)
		}
		return resp.Status, resp.Message
	}
	// Only an administrator of a listed office may propose or confirm the founding registry.
	offices := toJSON(t, consortium()[:2])
	if status, msg := invoke("InitConsortium", offices); status == 200 || !strings.HasPrefix(msg, "NOT_AUTHORIZED: ") {
		t.Fatalf("InitConsortium as a client: %d %s", status, msg)
	}
	unit = "admin"
	status, payload := invoke("InitConsortium", offices)
	var p FoundingProposal
	if status != 200 || json.Unmarshal([]byte(payload), &p) != nil {
		t.Fatalf("InitConsortium: %d %s", status, payload)
	}
	// The peer's organisation comes from Fabric's CORE_PEER_LOCALMSPID, as a peer sets it for its chaincode.
	t.Setenv("CORE_PEER_LOCALMSPID", usMSP)
	for _, msp = range []string{jpMSP, usMSP} {
		if status, msg := invoke("ConfirmFounding", p.RegistryHash); status != 200 {
			t.Fatalf("ConfirmFounding by %s: %d %s", msp, status, msg)
		}
	}
	unit, msp = "client", jpMSP
	status, payload = invoke("GetCallerOffice")
	var o Office
	if status != 200 || json.Unmarshal([]byte(payload), &o) != nil || o.OfficeCode != "JP" {
		t.Fatalf("GetCallerOffice: %d %s", status, payload)
	}
	// A chaincode error reaches the client as the coded message unchanged.
	if status, msg := invoke("GetOffice", "ZZ"); status == 200 || msg != "UNKNOWN_OFFICE: office code ZZ is not an assigned WIPO ST.3 code" {
		t.Fatalf("GetOffice(ZZ): %d %q", status, msg)
	}
}
