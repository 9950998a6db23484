package library

import (
	"io"
	"strings"
	"testing"
	"time"
)

func validArgs() []string {
	return []string{
		"--office", "JP", "--msp-id", "JPMSP", "--listen", "0.0.0.0:7057",
		"--tls-cert", "/t/server.crt", "--tls-key", "/t/server.key",
		"--peer", "peer0.jp.ipledger.test:7051", "--peer-tls-ca", "/t/ca.pem",
		"--identity-cert", "/i/cert.pem", "--identity-key", "/i/key.pem",
		"--channel", "priority", "--chaincode", "ipledger", "--store", "/var/ipledger/library",
		"--max-document-bytes", "4294967296",
	}
}

func TestParseOptions(t *testing.T) {
	o, err := ParseOptions(validArgs(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.Office != "JP" || o.MaxDocumentBytes != 4<<30 || o.ConfigRefresh != 30*time.Second || o.PeerServerName != "" {
		t.Errorf("options = %+v", o)
	}
}

func TestParseOptionsRefusals(t *testing.T) {
	tests := []struct {
		name string
		args func([]string) []string
		want string
	}{
		{"missing flag", func(a []string) []string { return without(a, "--store") }, "--store is required"},
		{"unknown flag", func(a []string) []string { return append(a, "--verbose") }, "not defined"},
		{"stray argument", func(a []string) []string { return append(a, "extra") }, `unexpected argument "extra"`},
		{"office code", func(a []string) []string { return set(a, "--office", "jpn") }, "two-letter office code"},
		{"msp id", func(a []string) []string { return set(a, "--msp-id", "JP MSP") }, "not a valid MSP ID"},
		{"size not a number", func(a []string) []string { return set(a, "--max-document-bytes", "4G") }, "invalid value"},
		{"size zero", func(a []string) []string { return set(a, "--max-document-bytes", "0") }, "positive"},
		{"refresh too short", func(a []string) []string { return append(a, "--config-refresh", "10ms") }, "at least 1s"},
		{"client cert without key", func(a []string) []string { return append(a, "--peer-client-cert", "/c.pem") }, "go together"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseOptions(tc.args(validArgs()), io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// without drops a flag and its value.
func without(args []string, flag string) []string {
	for i := range args {
		if args[i] == flag {
			return append(append([]string(nil), args[:i]...), args[i+2:]...)
		}
	}
	return args
}

func set(args []string, flag, value string) []string {
	return append(without(args, flag), flag, value)
}
