package fabric

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	gp "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// fakeGateway checks proposals like a peer would (transaction id, signature by the creator) and answers
// from the chaincode and system-chaincode calls the library makes.
type fakeGateway struct {
	gp.UnimplementedGatewayServer
	t            *testing.T
	refuseCSCC   bool
	configBlocks map[uint64]*common.Block
}

func (g *fakeGateway) Evaluate(_ context.Context, req *gp.EvaluateRequest) (*gp.EvaluateResponse, error) {
	chaincode, args, err := checkProposal(req)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	ok := func(payload []byte) (*gp.EvaluateResponse, error) {
		return &gp.EvaluateResponse{Result: &peer.Response{Status: 200, Payload: payload}}, nil
	}
	refused := func(text string) (*gp.EvaluateResponse, error) {
		st, _ := status.New(codes.Unknown, "evaluate call to endorser returned error: "+text).
			WithDetails(&gp.ErrorDetail{Address: "peer0.jp.ipledger.test:7051", MspId: "JPMSP", Message: text})
		return nil, st.Err()
	}
	switch chaincode + "/" + string(args[0]) {
	case "ipledger/GetOffice":
		if string(args[1]) == "JP" {
			return ok([]byte(`{"officeCode":"JP"}`))
		}
		return refused("chaincode response 500, NOT_FOUND: office " + string(args[1]) + " is not registered")
	case "ipledger/Nope":
		return refused("chaincode response 500, Function Nope not found in contract SmartContract")
	case "cscc/GetChannelConfig":
		if g.refuseCSCC {
			return refused("chaincode response 500, access denied for [GetChannelConfig][priority]")
		}
		return ok(mustMarshal(g.t, testConfig(g.t)))
	case "qscc/GetChainInfo":
		return ok(mustMarshal(g.t, &common.BlockchainInfo{Height: 10}))
	case "qscc/GetBlockByNumber":
		var n uint64
		fmt.Sscan(string(args[2]), &n)
		if b, found := g.configBlocks[n]; found {
			return ok(mustMarshal(g.t, b))
		}
		return refused(fmt.Sprintf("chaincode response 500, block %d unknown", n))
	}
	return nil, status.Error(codes.FailedPrecondition, "no peers available to evaluate chaincode "+chaincode)
}

// checkProposal verifies what a peer verifies before running anything.
func checkProposal(req *gp.EvaluateRequest) (string, [][]byte, error) {
	var prop peer.Proposal
	var header common.Header
	var ch common.ChannelHeader
	var sh common.SignatureHeader
	var creator msp.SerializedIdentity
	var payload peer.ChaincodeProposalPayload
	var cis peer.ChaincodeInvocationSpec
	// Each layer is inside the previous one, so they are decoded in order.
	steps := []struct {
		bytes func() []byte
		m     proto.Message
	}{
		{req.ProposedTransaction.GetProposalBytes, &prop},
		{func() []byte { return prop.Header }, &header},
		{func() []byte { return header.ChannelHeader }, &ch},
		{func() []byte { return header.SignatureHeader }, &sh},
		{func() []byte { return sh.Creator }, &creator},
		{func() []byte { return prop.Payload }, &payload},
		{func() []byte { return payload.Input }, &cis},
	}
	for _, step := range steps {
		if err := proto.Unmarshal(step.bytes(), step.m); err != nil {
			return "", nil, err
		}
	}
	if req.TransactionId != ch.TxId || ch.TxId != TxID(sh.Nonce, sh.Creator) || req.ChannelId != ch.ChannelId {
		return "", nil, errors.New("transaction id or channel mismatch")
	}
	block, _ := pem.Decode(creator.IdBytes)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return "", nil, err
	}
	digest := sha256.Sum256(req.ProposedTransaction.ProposalBytes)
	if !ecdsa.VerifyASN1(cert.PublicKey.(*ecdsa.PublicKey), digest[:], req.ProposedTransaction.Signature) {
		return "", nil, errors.New("bad signature")
	}
	return cis.ChaincodeSpec.ChaincodeId.GetName(), cis.ChaincodeSpec.Input.Args, nil
}

// startGateway serves g over TLS for the name peer0.jp.ipledger.test and returns a client for it.
func startGateway(t *testing.T, g *fakeGateway) *Client {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "peer0.jp.ipledger.test"},
		DNSNames: []string{"peer0.jp.ipledger.test"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	server := grpc.NewServer(grpc.Creds(credentials.NewTLS(&tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}})))
	gp.RegisterGatewayServer(server, g)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go server.Serve(ln)
	t.Cleanup(server.Stop)

	caFile := writeFile(t, t.TempDir(), "ca.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	c, err := NewClient(ClientConfig{Address: ln.Addr().String(), ServerName: "peer0.jp.ipledger.test", TLSCAFile: caFile,
		Timeout: 5 * time.Second}, newTestIdentity(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestEvaluate(t *testing.T) {
	c := startGateway(t, &fakeGateway{t: t})
	tests := []struct {
		name     string
		function string
		args     []string
		result   string
		code     string // chaincode code expected, "" = none
		errText  string // expected in a non-coded error
	}{
		{"result", "GetOffice", []string{"JP"}, `{"officeCode":"JP"}`, "", ""},
		{"coded refusal", "GetOffice", []string{"XX"}, "", "NOT_FOUND", ""},
		{"uncoded chaincode failure", "Nope", nil, "", "", "Function Nope not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.Evaluate(context.Background(), "priority", "ipledger", tc.function, tc.args...)
			switch {
			case tc.result != "":
				if err != nil || string(got) != tc.result {
					t.Fatalf("Evaluate = %q, %v; want %q", got, err, tc.result)
				}
			case tc.code != "":
				if CodeOf(err) != tc.code {
					t.Fatalf("error = %v, want code %s", err, tc.code)
				}
			default:
				if err == nil || CodeOf(err) != "" || !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("error = %v, want an uncoded error with %q", err, tc.errText)
				}
			}
		})
	}
}

func TestEvaluatePeerUnreachable(t *testing.T) {
	c := startGateway(t, &fakeGateway{t: t})
	c.conn.Close()
	if _, err := c.Evaluate(context.Background(), "priority", "ipledger", "GetOffice", "JP"); err == nil || CodeOf(err) != "" {
		t.Fatalf("error = %v, want a transport error", err)
	}
}

func TestChannelMSPs(t *testing.T) {
	metadata := mustMarshal(t, &common.Metadata{Value: mustMarshal(t, &common.OrdererBlockMetadata{LastConfig: &common.LastConfig{Index: 4}})})
	newest := &common.Block{Header: &common.BlockHeader{Number: 9}, Metadata: &common.BlockMetadata{Metadata: [][]byte{metadata}}}
	blocks := map[uint64]*common.Block{9: newest, 4: configBlock(t, 4, testConfig(t), common.HeaderType_CONFIG)}
	for _, tc := range []struct {
		name       string
		refuseCSCC bool
		source     string
	}{{"cscc", false, "cscc"}, {"qscc fallback", true, "qscc"}} {
		t.Run(tc.name, func(t *testing.T) {
			c := startGateway(t, &fakeGateway{t: t, refuseCSCC: tc.refuseCSCC, configBlocks: blocks})
			got, source, err := c.ChannelMSPs(context.Background(), "priority")
			if err != nil || source != tc.source || !reflect.DeepEqual(got, wantMSPs) {
				t.Fatalf("ChannelMSPs = %+v, %q, %v; want %+v from %s", got, source, err, wantMSPs, tc.source)
			}
		})
	}
}

func TestParseChaincodeText(t *testing.T) {
	tests := []struct {
		text string
		want *ChaincodeError
	}{
		{"chaincode response 500, NOT_FOUND: retrieval x does not exist", &ChaincodeError{"NOT_FOUND", "retrieval x does not exist"}},
		{"evaluate call to endorser returned error: chaincode response 500, NO_GRANT: a: b", &ChaincodeError{"NO_GRANT", "a: b"}},
		{"chaincode response 500, Incorrect number of params. Expected 2, received 1", nil},
		{"NOT_FOUND: outside a chaincode response", nil},
		{"rpc error: connection refused", nil},
	}
	for _, tc := range tests {
		got := parseChaincodeText(tc.text)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseChaincodeText(%q) = %+v, want %+v", tc.text, got, tc.want)
		}
	}
}
