package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as the library binary when this variable is set, so exit codes can be observed.
func TestMain(m *testing.M) {
	if os.Getenv("LIBRARY_RUN_MAIN") == "1" {
		os.Args = append([]string{"library"}, strings.Split(os.Getenv("LIBRARY_ARGS"), "\x1f")...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func command(args ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "LIBRARY_RUN_MAIN=1", "LIBRARY_ARGS="+strings.Join(args, "\x1f"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	return cmd, &stderr
}

// files writes a self-signed certificate with its PKCS#8 key and returns their paths.
func files(t *testing.T, dir, name string) (certPath, keyPath string) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(key)
	certPath, keyPath = filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}), 0o600)
	return certPath, keyPath
}

type setup struct {
	args                 map[string]string
	serverCert, listen   string
	identityCert, tlsKey string
}

func newSetup(t *testing.T) setup {
	dir := t.TempDir()
	serverCert, serverKey := files(t, dir, "server")
	idCert, idKey := files(t, dir, "identity")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	listen := ln.Addr().String()
	ln.Close()
	return setup{
		args: map[string]string{
			"--office": "JP", "--msp-id": "JPMSP", "--listen": listen,
			"--tls-cert": serverCert, "--tls-key": serverKey,
			// Nothing listens on port 1: the peer is down, which must not stop the library from starting.
			"--peer": "127.0.0.1:1", "--peer-tls-ca": serverCert,
			"--identity-cert": idCert, "--identity-key": idKey,
			"--channel": "priority", "--chaincode": "ipledger", "--store": filepath.Join(dir, "store"),
			"--max-document-bytes": "1024",
		},
		serverCert: serverCert, listen: listen, identityCert: idCert, tlsKey: serverKey,
	}
}

func (s setup) argv(overrides map[string]string) []string {
	var out []string
	for k, v := range s.args {
		if o, ok := overrides[k]; ok {
			v = o
		}
		if v != "" {
			out = append(out, k, v)
		}
	}
	return out
}

func TestExitStatus(t *testing.T) {
	s := newSetup(t)
	tests := []struct {
		name      string
		overrides map[string]string
		status    int
		stderr    string
	}{
		{"missing flag", map[string]string{"--channel": ""}, 2, "--channel is required"},
		{"bad size", map[string]string{"--max-document-bytes": "-1"}, 2, "--max-document-bytes"},
		{"missing TLS certificate", map[string]string{"--tls-cert": "/nonexistent/server.crt"}, 1, "--tls-cert: open /nonexistent/server.crt"},
		{"missing identity key", map[string]string{"--identity-key": "/nonexistent/key.pem"}, 1, "--identity-key: open /nonexistent/key.pem"},
		{"identity key of another certificate", map[string]string{"--identity-key": s.tlsKey}, 1, "does not match the certificate " + s.identityCert},
		{"peer CA not PEM", map[string]string{"--peer-tls-ca": s.tlsKey}, 1, "peer TLS CA " + s.tlsKey},
		{"listen address invalid", map[string]string{"--listen": "256.0.0.1:1"}, 1, "--listen 256.0.0.1:1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cmd, stderr := command(s.argv(tc.overrides)...)
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != tc.status || !strings.Contains(stderr.String(), tc.stderr) {
				t.Fatalf("exit %v, stderr %q; want status %d and %q", err, stderr, tc.status, tc.stderr)
			}
		})
	}
}

// The library starts while its peer is down, answers /healthz and stops cleanly on SIGTERM.
func TestServesHealthAndStopsOnSIGTERM(t *testing.T) {
	s := newSetup(t)
	cmd, stderr := command(s.argv(nil)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	pemBytes, _ := os.ReadFile(s.serverCert)
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pemBytes)
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := client.Get("https://" + s.listen + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("healthz = %d", resp.StatusCode)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("library never answered: %v; stderr %s", err, stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v; stderr %s", err, stderr)
	}
	if !strings.Contains(stderr.String(), "library stopped") {
		t.Errorf("no stop message: %s", stderr)
	}
}
