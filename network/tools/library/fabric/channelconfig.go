package fabric

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
)

// MSP is the trust material of one application organisation, as the channel configuration defines it.
type MSP struct {
	ID                string
	RootCerts         [][]byte // PEM
	IntermediateCerts [][]byte // PEM
	CRLs              [][]byte // PEM
}

// ChannelMSPs reads the channel configuration through the gateway and returns its application MSPs.
// It asks cscc first; when the peer refuses (older ACLs, or a gateway without system chaincodes) it
// rebuilds the configuration from the last config block through qscc. Source says which one answered.
func (c *Client) ChannelMSPs(ctx context.Context, channel string) (msps []MSP, source string, err error) {
	raw, csccErr := c.Evaluate(ctx, channel, "cscc", "GetChannelConfig", channel)
	if csccErr == nil {
		msps, err = DecodeConfigMSPs(raw)
		return msps, "cscc", err
	}
	cfg, qsccErr := c.configFromQSCC(ctx, channel)
	if qsccErr != nil {
		return nil, "", fmt.Errorf("channel config: cscc: %w; qscc: %w", csccErr, qsccErr)
	}
	msps, err = configMSPs(cfg)
	return msps, "qscc", err
}

// configFromQSCC finds the last config block from the newest block's metadata and unwraps its config.
func (c *Client) configFromQSCC(ctx context.Context, channel string) (*common.Config, error) {
	raw, err := c.Evaluate(ctx, channel, "qscc", "GetChainInfo", channel)
	if err != nil {
		return nil, err
	}
	var info common.BlockchainInfo
	if err := proto.Unmarshal(raw, &info); err != nil {
		return nil, fmt.Errorf("chain info: %w", err)
	}
	if info.GetHeight() == 0 {
		return nil, errors.New("the channel has no blocks")
	}
	newest, err := c.block(ctx, channel, info.GetHeight()-1)
	if err != nil {
		return nil, err
	}
	index, err := LastConfigIndex(newest)
	if err != nil {
		return nil, err
	}
	configBlock, err := c.block(ctx, channel, index)
	if err != nil {
		return nil, err
	}
	return ConfigFromBlock(configBlock)
}

func (c *Client) block(ctx context.Context, channel string, number uint64) (*common.Block, error) {
	raw, err := c.Evaluate(ctx, channel, "qscc", "GetBlockByNumber", channel, fmt.Sprint(number))
	if err != nil {
		return nil, err
	}
	var b common.Block
	if err := proto.Unmarshal(raw, &b); err != nil {
		return nil, fmt.Errorf("block %d: %w", number, err)
	}
	return &b, nil
}

// LastConfigIndex reads the last config block number from a block's signatures metadata, where orderers
// have kept it since Fabric 2.x (the LAST_CONFIG slot is only filled by older orderers, so it is a fallback).
func LastConfigIndex(b *common.Block) (uint64, error) {
	metadata := b.GetMetadata().GetMetadata()
	if i := int(common.BlockMetadataIndex_SIGNATURES); i < len(metadata) && len(metadata[i]) > 0 {
		var m common.Metadata
		if err := proto.Unmarshal(metadata[i], &m); err != nil {
			return 0, fmt.Errorf("signatures metadata: %w", err)
		}
		var obm common.OrdererBlockMetadata
		if err := proto.Unmarshal(m.GetValue(), &obm); err != nil {
			return 0, fmt.Errorf("orderer block metadata: %w", err)
		}
		if obm.GetLastConfig() != nil {
			return obm.GetLastConfig().GetIndex(), nil
		}
	}
	if i := int(common.BlockMetadataIndex_LAST_CONFIG); i < len(metadata) && len(metadata[i]) > 0 {
		var m common.Metadata
		if err := proto.Unmarshal(metadata[i], &m); err != nil {
			return 0, fmt.Errorf("last config metadata: %w", err)
		}
		var lc common.LastConfig
		if err := proto.Unmarshal(m.GetValue(), &lc); err != nil {
			return 0, fmt.Errorf("last config: %w", err)
		}
		return lc.GetIndex(), nil
	}
	return 0, fmt.Errorf("block %d carries no last config index", b.GetHeader().GetNumber())
}

// ConfigFromBlock unwraps Envelope → Payload → ConfigEnvelope of a config block.
func ConfigFromBlock(b *common.Block) (*common.Config, error) {
	data := b.GetData().GetData()
	if len(data) != 1 {
		return nil, fmt.Errorf("block %d holds %d transactions, a config block holds 1", b.GetHeader().GetNumber(), len(data))
	}
	var env common.Envelope
	if err := proto.Unmarshal(data[0], &env); err != nil {
		return nil, fmt.Errorf("config envelope: %w", err)
	}
	var payload common.Payload
	if err := proto.Unmarshal(env.GetPayload(), &payload); err != nil {
		return nil, fmt.Errorf("config payload: %w", err)
	}
	var ch common.ChannelHeader
	if err := proto.Unmarshal(payload.GetHeader().GetChannelHeader(), &ch); err != nil {
		return nil, fmt.Errorf("config channel header: %w", err)
	}
	if ch.GetType() != int32(common.HeaderType_CONFIG) {
		return nil, fmt.Errorf("block %d is not a config block (header type %d)", b.GetHeader().GetNumber(), ch.GetType())
	}
	var ce common.ConfigEnvelope
	if err := proto.Unmarshal(payload.GetData(), &ce); err != nil {
		return nil, fmt.Errorf("config envelope data: %w", err)
	}
	if ce.GetConfig() == nil {
		return nil, errors.New("config block without config")
	}
	return ce.GetConfig(), nil
}

// DecodeConfigMSPs decodes a marshalled common.Config (cscc GetChannelConfig) into its application MSPs.
func DecodeConfigMSPs(raw []byte) ([]MSP, error) {
	var cfg common.Config
	if err := proto.Unmarshal(raw, &cfg); err != nil {
		return nil, fmt.Errorf("channel config: %w", err)
	}
	return configMSPs(&cfg)
}

// configMSPs takes the MSPs of the Application group only: orderer-only organisations have no office and
// therefore never call a library.
func configMSPs(cfg *common.Config) ([]MSP, error) {
	app := cfg.GetChannelGroup().GetGroups()["Application"]
	if app == nil {
		return nil, errors.New("channel config has no Application group")
	}
	var out []MSP
	for org, group := range app.GetGroups() {
		value := group.GetValues()["MSP"]
		if value == nil {
			return nil, fmt.Errorf("organisation %s has no MSP value", org)
		}
		var mc msp.MSPConfig
		if err := proto.Unmarshal(value.GetValue(), &mc); err != nil {
			return nil, fmt.Errorf("organisation %s MSP: %w", org, err)
		}
		if mc.GetType() != 0 { // FABRIC; idemix identities cannot hold an X.509 TLS certificate
			continue
		}
		var fc msp.FabricMSPConfig
		if err := proto.Unmarshal(mc.GetConfig(), &fc); err != nil {
			return nil, fmt.Errorf("organisation %s Fabric MSP config: %w", org, err)
		}
		out = append(out, MSP{
			ID:                fc.GetName(),
			RootCerts:         fc.GetRootCerts(),
			IntermediateCerts: fc.GetIntermediateCerts(),
			CRLs:              fc.GetRevocationList(),
		})
	}
	// Map order is random; a stable order keeps logs and verification attempts reproducible.
	slices.SortFunc(out, func(a, b MSP) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}
