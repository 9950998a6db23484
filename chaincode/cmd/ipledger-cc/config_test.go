package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"
)

// testPEM returns a self-signed certificate and its PKCS#8 key.
func testPEM(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "ipledger-cc"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: []string{"ipledger-cc"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk})
}

func TestLoadConfig(t *testing.T) {
	cert, key := testPEM(t)
	otherCert, _ := testPEM(t)
	files := map[string][]byte{"/tls/cert.pem": cert, "/tls/key.pem": key, "/tls/ca.pem": cert, "/tls/other.pem": otherCert,
		"/tls/empty.pem": {}, "/tls/junk.pem": []byte("not pem")}
	readFile := func(p string) ([]byte, error) {
		if b, ok := files[p]; ok {
			return b, nil
		}
		return nil, errors.New("no such file")
	}
	base := map[string]string{
		envAddress: "0.0.0.0:9999", envID: "ipledger_1.0:abc", envTLSKey: "/tls/key.pem", envTLSCert: "/tls/cert.pem",
		envPeerMSP: "JPMSP",
	}
	with := func(changes map[string]string) func(string) string {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		for k, v := range changes {
			env[k] = v
		}
		return func(k string) string { return env[k] }
	}
	tests := map[string]struct {
		env      map[string]string
		wantErr  string // substring naming the variable
		wantMode string
	}{
		"TLS with a key pair is the default":             {env: nil, wantMode: "enabled"},
		"a client CA turns on client authentication":     {env: map[string]string{envClientCA: "/tls/ca.pem"}, wantMode: "with client authentication"},
		"TLS can be disabled explicitly":                 {env: map[string]string{envTLSDisabled: "true", envTLSKey: "", envTLSCert: ""}, wantMode: "disabled"},
		"false keeps TLS on":                             {env: map[string]string{envTLSDisabled: "false"}, wantMode: "enabled"},
		"a missing address is named":                     {env: map[string]string{envAddress: ""}, wantErr: envAddress},
		"an address without port is named":               {env: map[string]string{envAddress: "0.0.0.0"}, wantErr: envAddress},
		"an address with a bad port is named":            {env: map[string]string{envAddress: "0.0.0.0:99999"}, wantErr: envAddress},
		"a missing chaincode id is named":                {env: map[string]string{envID: ""}, wantErr: envID},
		"a missing peer MSP is named":                    {env: map[string]string{envPeerMSP: ""}, wantErr: envPeerMSP},
		"a malformed peer MSP is named":                  {env: map[string]string{envPeerMSP: "JP MSP"}, wantErr: envPeerMSP},
		"an ambiguous TLS switch is named":               {env: map[string]string{envTLSDisabled: "1"}, wantErr: envTLSDisabled},
		"a missing key file variable is named":           {env: map[string]string{envTLSKey: ""}, wantErr: envTLSKey},
		"an unreadable cert file is named":               {env: map[string]string{envTLSCert: "/nope.pem"}, wantErr: envTLSCert},
		"an empty key file is named":                     {env: map[string]string{envTLSKey: "/tls/empty.pem"}, wantErr: envTLSKey},
		"a key that does not match the cert is refused":  {env: map[string]string{envTLSCert: "/tls/other.pem"}, wantErr: envTLSKey},
		"a client CA file without certificates is named": {env: map[string]string{envClientCA: "/tls/junk.pem"}, wantErr: envClientCA},
		"an unreadable client CA file is named":          {env: map[string]string{envClientCA: "/nope.pem"}, wantErr: envClientCA},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg, err := loadConfig(with(tc.env), readFile)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to name %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.tlsMode(); got != tc.wantMode {
				t.Fatalf("mode %q, want %q", got, tc.wantMode)
			}
			if cfg.Address != "0.0.0.0:9999" || cfg.ChaincodeID != "ipledger_1.0:abc" || cfg.PeerMSP != "JPMSP" {
				t.Fatalf("%+v", cfg)
			}
		})
	}
}
