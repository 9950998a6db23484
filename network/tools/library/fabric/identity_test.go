package fabric

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testIdentity creates a self-signed P-256 certificate and key, returning their PEM encodings.
func testIdentity(t testing.TB) (certPEM, keyPEM []byte, key *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "User1@jp.ipledger.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}), key
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadIdentity(t *testing.T) {
	certPEM, keyPEM, key := testIdentity(t)
	otherCert, _, _ := testIdentity(t)
	sec1, _ := x509.MarshalECPrivateKey(key)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 1024)
	rsaPKCS8, _ := x509.MarshalPKCS8PrivateKey(rsaKey)
	dir := t.TempDir()
	good := writeFile(t, dir, "cert.pem", certPEM)
	tests := []struct {
		name     string
		cert     string
		key      string
		wantErr  string // "" = loads
		wantPath string // the file the error must name
	}{
		{"PKCS#8 key", good, writeFile(t, dir, "key.pem", keyPEM), "", ""},
		{"SEC 1 key", good, writeFile(t, dir, "sec1.pem", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1})), "", ""},
		{"missing certificate", filepath.Join(dir, "nope.pem"), filepath.Join(dir, "key.pem"), "no such file", "nope.pem"},
		{"missing key", good, filepath.Join(dir, "nokey.pem"), "no such file", "nokey.pem"},
		{"certificate not PEM", writeFile(t, dir, "bad.pem", []byte("hello")), filepath.Join(dir, "key.pem"), "no PEM CERTIFICATE", "bad.pem"},
		{"RSA key", good, writeFile(t, dir, "rsa.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: rsaPKCS8})), "want an EC key", "rsa.pem"},
		{"key of another certificate", writeFile(t, dir, "other.pem", otherCert), filepath.Join(dir, "key.pem"), "does not match", "other.pem"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := LoadIdentity("JPMSP", tc.cert, tc.key)
			if tc.wantErr == "" {
				if err != nil || id.MSPID != "JPMSP" || string(id.CertPEM) != string(certPEM) {
					t.Fatalf("LoadIdentity = %v, %v", id, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), tc.wantPath) {
				t.Fatalf("error = %v, want %q naming %s", err, tc.wantErr, tc.wantPath)
			}
		})
	}
}
