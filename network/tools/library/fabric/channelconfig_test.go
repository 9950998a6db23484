package fabric

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
)

func mustMarshal(t testing.TB, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// orgGroup is an organisation's config group carrying an MSP value.
func orgGroup(t testing.TB, mspType int32, fc *msp.FabricMSPConfig) *common.ConfigGroup {
	return &common.ConfigGroup{Values: map[string]*common.ConfigValue{
		"MSP": {Value: mustMarshal(t, &msp.MSPConfig{Type: mspType, Config: mustMarshal(t, fc)})},
	}}
}

func testConfig(t testing.TB) *common.Config {
	return &common.Config{ChannelGroup: &common.ConfigGroup{Groups: map[string]*common.ConfigGroup{
		"Application": {Groups: map[string]*common.ConfigGroup{
			"USOrg": orgGroup(t, 0, &msp.FabricMSPConfig{Name: "USMSP", RootCerts: [][]byte{[]byte("us-root")},
				IntermediateCerts: [][]byte{[]byte("us-int")}, RevocationList: [][]byte{[]byte("us-crl")}}),
			"JPOrg":     orgGroup(t, 0, &msp.FabricMSPConfig{Name: "JPMSP", RootCerts: [][]byte{[]byte("jp-root")}}),
			"IdemixOrg": orgGroup(t, 1, &msp.FabricMSPConfig{Name: "IDEMIX"}),
		}},
		// Orderer organisations hold no office and are ignored.
		"Orderer": {Groups: map[string]*common.ConfigGroup{
			"OrdererOrg": orgGroup(t, 0, &msp.FabricMSPConfig{Name: "OrdererMSP"}),
		}},
	}}}
}

var wantMSPs = []MSP{
	{ID: "JPMSP", RootCerts: [][]byte{[]byte("jp-root")}},
	{ID: "USMSP", RootCerts: [][]byte{[]byte("us-root")}, IntermediateCerts: [][]byte{[]byte("us-int")}, CRLs: [][]byte{[]byte("us-crl")}},
}

func TestDecodeConfigMSPs(t *testing.T) {
	got, err := DecodeConfigMSPs(mustMarshal(t, testConfig(t)))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, wantMSPs) {
		t.Errorf("MSPs = %+v, want %+v", got, wantMSPs)
	}
}

func TestDecodeConfigMSPsRefusals(t *testing.T) {
	tests := []struct {
		name string
		raw  func() []byte
		want string
	}{
		{"not a config", func() []byte { return []byte{0xff, 0xff} }, "channel config"},
		{"no application group", func() []byte { return mustMarshal(t, &common.Config{ChannelGroup: &common.ConfigGroup{}}) }, "no Application group"},
		{"organisation without MSP", func() []byte {
			c := testConfig(t)
			c.ChannelGroup.Groups["Application"].Groups["KROrg"] = &common.ConfigGroup{}
			return mustMarshal(t, c)
		}, "KROrg has no MSP"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := DecodeConfigMSPs(tc.raw()); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want %q", err, tc.want)
			}
		})
	}
}

// configBlock wraps a config the way an orderer writes a config block.
func configBlock(t testing.TB, number uint64, cfg *common.Config, headerType common.HeaderType) *common.Block {
	payload := &common.Payload{
		Header: &common.Header{ChannelHeader: mustMarshal(t, &common.ChannelHeader{Type: int32(headerType), ChannelId: "priority"})},
		Data:   mustMarshal(t, &common.ConfigEnvelope{Config: cfg}),
	}
	env := &common.Envelope{Payload: mustMarshal(t, payload)}
	return &common.Block{Header: &common.BlockHeader{Number: number}, Data: &common.BlockData{Data: [][]byte{mustMarshal(t, env)}}}
}

func TestConfigFromBlock(t *testing.T) {
	cfg, err := ConfigFromBlock(configBlock(t, 3, testConfig(t), common.HeaderType_CONFIG))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := configMSPs(cfg); !reflect.DeepEqual(got, wantMSPs) {
		t.Errorf("MSPs = %+v", got)
	}
	if _, err := ConfigFromBlock(configBlock(t, 4, testConfig(t), common.HeaderType_ENDORSER_TRANSACTION)); err == nil {
		t.Error("a transaction block was read as a config block")
	}
}

func TestLastConfigIndex(t *testing.T) {
	signatures := mustMarshal(t, &common.Metadata{Value: mustMarshal(t, &common.OrdererBlockMetadata{LastConfig: &common.LastConfig{Index: 7}})})
	legacy := mustMarshal(t, &common.Metadata{Value: mustMarshal(t, &common.LastConfig{Index: 5})})
	tests := []struct {
		name     string
		metadata [][]byte
		want     uint64
		wantErr  bool
	}{
		{"signatures metadata", [][]byte{signatures, nil, nil, nil, nil}, 7, false},
		{"legacy LAST_CONFIG slot", [][]byte{nil, legacy, nil, nil, nil}, 5, false},
		{"none", [][]byte{nil, nil}, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := LastConfigIndex(&common.Block{Header: &common.BlockHeader{Number: 9}, Metadata: &common.BlockMetadata{Metadata: tc.metadata}})
			if got != tc.want || (err != nil) != tc.wantErr {
				t.Fatalf("LastConfigIndex = %d, %v; want %d (error %v)", got, err, tc.want, tc.wantErr)
			}
		})
	}
}
