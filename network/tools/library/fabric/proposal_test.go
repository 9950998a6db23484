package fabric

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/hex"
	"math/big"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
)

func newTestIdentity(t testing.TB) *Identity {
	t.Helper()
	certPEM, _, key := testIdentity(t)
	cert, err := parseCertificatePEM(certPEM)
	if err != nil {
		t.Fatal(err)
	}
	return &Identity{MSPID: "JPMSP", CertPEM: certPEM, Cert: cert, Key: key}
}

func unmarshal(t *testing.T, b []byte, m proto.Message) {
	t.Helper()
	if err := proto.Unmarshal(b, m); err != nil {
		t.Fatal(err)
	}
}

// TestProposalLayout decodes a proposal layer by layer, as the peer does.
func TestProposalLayout(t *testing.T) {
	id := newTestIdentity(t)
	nonce := []byte("0123456789abcdefghijklmn")
	now := time.Date(2025, 3, 17, 9, 12, 44, 5, time.UTC)
	p, err := id.buildProposal(proposalInput{channel: "priority", chaincode: "ipledger",
		args: [][]byte{[]byte("GetRetrieval"), []byte("JP:PATENT:1:x")}, nonce: nonce, now: now})
	if err != nil {
		t.Fatal(err)
	}
	var prop peer.Proposal
	unmarshal(t, p.Signed.ProposalBytes, &prop)
	var header common.Header
	unmarshal(t, prop.Header, &header)
	var ch common.ChannelHeader
	unmarshal(t, header.ChannelHeader, &ch)
	var sh common.SignatureHeader
	unmarshal(t, header.SignatureHeader, &sh)
	var creator msp.SerializedIdentity
	unmarshal(t, sh.Creator, &creator)
	var ext peer.ChaincodeHeaderExtension
	unmarshal(t, ch.Extension, &ext)
	var payload peer.ChaincodeProposalPayload
	unmarshal(t, prop.Payload, &payload)
	var cis peer.ChaincodeInvocationSpec
	unmarshal(t, payload.Input, &cis)

	sum := sha256.Sum256(append(append([]byte{}, nonce...), sh.Creator...))
	checks := []struct {
		name      string
		got, want any
	}{
		{"header type", ch.Type, int32(common.HeaderType_ENDORSER_TRANSACTION)},
		{"channel", ch.ChannelId, "priority"},
		{"epoch", ch.Epoch, uint64(0)},
		{"timestamp", ch.Timestamp.AsTime(), now},
		{"tx id = hex(sha256(nonce‖creator))", ch.TxId, hex.EncodeToString(sum[:])},
		{"tx id returned", p.TxID, ch.TxId},
		{"extension chaincode", ext.ChaincodeId.GetName(), "ipledger"},
		{"nonce", string(sh.Nonce), string(nonce)},
		{"creator MSP", creator.Mspid, "JPMSP"},
		{"creator certificate", string(creator.IdBytes), string(id.CertPEM)},
		{"spec type", cis.ChaincodeSpec.Type, peer.ChaincodeSpec_GOLANG},
		{"spec chaincode", cis.ChaincodeSpec.ChaincodeId.GetName(), "ipledger"},
		{"function", string(cis.ChaincodeSpec.Input.Args[0]), "GetRetrieval"},
		{"argument", string(cis.ChaincodeSpec.Input.Args[1]), "JP:PATENT:1:x"},
		{"no transient data", len(payload.TransientMap), 0},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// Signatures verify with the certificate's key and always carry a low S (Fabric refuses high S). With a
// random S each time, 64 signatures leave a chance of 2^-64 that normalisation was never exercised.
func TestSignaturesAreLowS(t *testing.T) {
	id := newTestIdentity(t)
	half := new(big.Int).Rsh(id.Key.Params().N, 1)
	for i := range 64 {
		p, err := id.NewProposal("priority", "ipledger", []byte("GetOffice"), []byte("JP"))
		if err != nil {
			t.Fatal(err)
		}
		digest := sha256.Sum256(p.Signed.ProposalBytes)
		pub := id.Cert.PublicKey.(*ecdsa.PublicKey)
		if !ecdsa.VerifyASN1(pub, digest[:], p.Signed.Signature) {
			t.Fatalf("signature %d does not verify", i)
		}
		var sig struct{ R, S *big.Int }
		if _, err := asn1.Unmarshal(p.Signed.Signature, &sig); err != nil {
			t.Fatal(err)
		}
		if sig.S.Cmp(half) > 0 {
			t.Fatalf("signature %d has a high S", i)
		}
	}
}

func TestLowS(t *testing.T) {
	n := big.NewInt(101)
	for _, tc := range []struct{ s, want int64 }{{1, 1}, {50, 50}, {51, 50}, {100, 1}} {
		if got := lowS(n, big.NewInt(tc.s)); got.Int64() != tc.want {
			t.Errorf("lowS(%d) = %d, want %d", tc.s, got, tc.want)
		}
	}
}

func TestNoncesDiffer(t *testing.T) {
	id := newTestIdentity(t)
	a, _ := id.NewProposal("priority", "ipledger", []byte("f"))
	b, _ := id.NewProposal("priority", "ipledger", []byte("f"))
	if a.TxID == b.TxID {
		t.Error("two proposals share a transaction id")
	}
}
