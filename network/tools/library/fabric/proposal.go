package fabric

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// nonceLength matches the official clients; the peer only requires a non-empty nonce.
const nonceLength = 24

// Proposal is a signed chaincode proposal and the transaction id it carries.
type Proposal struct {
	TxID   string
	Signed *peer.SignedProposal
}

// proposalInput pins the random and time-dependent parts so tests can rebuild the exact bytes.
type proposalInput struct {
	channel, chaincode string
	args               [][]byte // function name first
	nonce              []byte
	now                time.Time
}

// NewProposal builds and signs an ENDORSER_TRANSACTION proposal invoking chaincode with args
// (the function name first).
func (id *Identity) NewProposal(channel, chaincode string, args ...[]byte) (*Proposal, error) {
	nonce := make([]byte, nonceLength)
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return id.buildProposal(proposalInput{channel: channel, chaincode: chaincode, args: args, nonce: nonce, now: time.Now()})
}

// TxID is hex(SHA-256(nonce ‖ creator)); the peer recomputes it and refuses a proposal whose id differs.
func TxID(nonce, creator []byte) string {
	h := sha256.New()
	h.Write(nonce)
	h.Write(creator)
	return hex.EncodeToString(h.Sum(nil))
}

func (id *Identity) buildProposal(in proposalInput) (*Proposal, error) {
	creator, err := id.Creator()
	if err != nil {
		return nil, err
	}
	txID := TxID(in.nonce, creator)
	ccID := &peer.ChaincodeID{Name: in.chaincode}
	extension, err := proto.Marshal(&peer.ChaincodeHeaderExtension{ChaincodeId: ccID})
	if err != nil {
		return nil, err
	}
	channelHeader, err := proto.Marshal(&common.ChannelHeader{
		Type:      int32(common.HeaderType_ENDORSER_TRANSACTION),
		ChannelId: in.channel,
		TxId:      txID,
		Timestamp: timestamppb.New(in.now),
		Extension: extension,
		// Epoch stays 0 (the endorser refuses anything else); TlsCertHash stays empty because the
		// gateway, not this client, is the peer's TLS client.
	})
	if err != nil {
		return nil, err
	}
	signatureHeader, err := proto.Marshal(&common.SignatureHeader{Creator: creator, Nonce: in.nonce})
	if err != nil {
		return nil, err
	}
	header, err := proto.Marshal(&common.Header{ChannelHeader: channelHeader, SignatureHeader: signatureHeader})
	if err != nil {
		return nil, err
	}
	invocation, err := proto.Marshal(&peer.ChaincodeInvocationSpec{ChaincodeSpec: &peer.ChaincodeSpec{
		Type:        peer.ChaincodeSpec_GOLANG,
		ChaincodeId: ccID,
		Input:       &peer.ChaincodeInput{Args: in.args},
	}})
	if err != nil {
		return nil, err
	}
	payload, err := proto.Marshal(&peer.ChaincodeProposalPayload{Input: invocation})
	if err != nil {
		return nil, err
	}
	proposalBytes, err := proto.Marshal(&peer.Proposal{Header: header, Payload: payload})
	if err != nil {
		return nil, err
	}
	signature, err := id.Sign(proposalBytes)
	if err != nil {
		return nil, fmt.Errorf("signing the proposal: %w", err)
	}
	return &Proposal{TxID: txID, Signed: &peer.SignedProposal{ProposalBytes: proposalBytes, Signature: signature}}, nil
}
