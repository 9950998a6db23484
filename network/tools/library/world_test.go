package library

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ipledger/network/tools/library/fabric"
)

// Fixture identifiers: JP's library holds filing jpFiling; the US requested it (retrievalID).
const (
	jpFiling    = "JP:PATENT:2025113463"
	retrievalID = jpFiling + ":20250317T091244Z_9f3c01"
	testMaxSize = 1 << 20
)

var document = []byte("%PDF-1.7 folding widget, first filing\n")

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// world is a running library for JP with a fake ledger of four offices:
// JP and US ACTIVE, EP SUSPENDED, KR in the channel but not registered. US certificates come from an
// intermediate CA listed in the channel config; strangerCA is outside the channel.
type world struct {
	t       *testing.T
	ledger  *fakeLedger
	store   *Store
	stdout  *syncBuffer
	server  *httptest.Server
	roots   *x509.CertPool // trusts the library's server certificate
	clients map[string]tls.Certificate
}

// syncBuffer collects stdout audit lines written from server goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Split(strings.TrimSpace(b.buf.String()), "\n")
}

func newWorld(t *testing.T) *world {
	t.Helper()
	jpCA, usCA, krCA, epCA := newRootCA(t, "ca.jp"), newRootCA(t, "ca.us"), newRootCA(t, "ca.kr"), newRootCA(t, "ca.ep")
	usInt := usCA.intermediate(t, "int.us")
	strangerCA := newRootCA(t, "ca.stranger")
	tlsCA := newRootCA(t, "tlsca.jp")

	w := &world{t: t, ledger: newFakeLedger(), stdout: &syncBuffer{}, roots: x509.NewCertPool(), clients: map[string]tls.Certificate{}}
	w.roots.AddCert(tlsCA.cert)
	issue := func(name string, ca *testCA, notBefore, notAfter time.Time) *x509.Certificate {
		leaf, key := ca.leaf(t, name, notBefore, notAfter)
		w.clients[name] = clientCert(leaf, key)
		return leaf
	}
	issue("jp", jpCA, time.Time{}, time.Time{})
	issue("us", usInt, time.Time{}, time.Time{})
	revoked := issue("us-revoked", usInt, time.Time{}, time.Time{})
	issue("us-expired", usInt, time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour))
	issue("kr", krCA, time.Time{}, time.Time{})
	issue("ep", epCA, time.Time{}, time.Time{})
	issue("stranger", strangerCA, time.Time{}, time.Time{})

	w.ledger.msps = []fabric.MSP{
		{ID: "EPMSP", RootCerts: [][]byte{certPEM(epCA.cert)}},
		{ID: "JPMSP", RootCerts: [][]byte{certPEM(jpCA.cert)}},
		{ID: "KRMSP", RootCerts: [][]byte{certPEM(krCA.cert)}},
		{ID: "USMSP", RootCerts: [][]byte{certPEM(usCA.cert)}, IntermediateCerts: [][]byte{certPEM(usInt.cert)},
			// A CRL by the wrong CA must be ignored, the intermediate's must count.
			CRLs: [][]byte{strangerCA.crl(t), usInt.crl(t, revoked)}},
	}
	w.ledger.offices = map[string]Office{
		"JPMSP": {OfficeCode: "JP", MSPID: "JPMSP", Status: "ACTIVE"},
		"USMSP": {OfficeCode: "US", MSPID: "USMSP", Status: "ACTIVE"},
		"EPMSP": {OfficeCode: "EP", MSPID: "EPMSP", Status: "SUSPENDED"},
	}
	w.ledger.filings[jpFiling] = FirstFiling{ID: jpFiling, OfficeCode: "JP", Version: 1, Status: "AVAILABLE", DocumentSHA256: digestOf(document)}
	w.ledger.retrievals[retrievalID] = Retrieval{ID: retrievalID, FilingID: jpFiling, OwnerOffice: "JP", RequestingOffice: "US",
		DocumentVersion: 1, ExpectedSHA256: digestOf(document), Status: "PENDING"}
	w.ledger.access[jpFiling] = AccessRecord{FilingID: jpFiling, OwnerOffice: "JP", Offices: []AccessEntry{{OfficeCode: "US", Grant: "ACTIVE"}}}

	dir := t.TempDir()
	var err error
	if w.store, err = OpenStore(dir); err != nil {
		t.Fatal(err)
	}
	audit, err := OpenAuditor(dir, w.stdout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { audit.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	handler := NewHandler(HandlerConfig{
		Office: "JP", MSPID: "JPMSP", MaxDocumentBytes: testMaxSize, Ledger: w.ledger,
		Members: NewMembership(w.ledger, 30*time.Second, time.Now, log), Store: w.store, Audit: audit, Log: log,
	})
	w.server = httptest.NewUnstartedServer(handler)
	w.server.Config = NewServer(handler, tlsCA.serverCert(t), nil)
	w.server.TLS = w.server.Config.TLSConfig
	w.server.StartTLS()
	t.Cleanup(w.server.Close)
	w.putBlob(document)
	return w
}

// putBlob stores content directly, bypassing the API.
func (w *world) putBlob(content []byte) {
	w.t.Helper()
	if _, _, err := w.store.Put(digestOf(content), bytes.NewReader(content), testMaxSize); err != nil {
		w.t.Fatal(err)
	}
}

// client returns an HTTPS client presenting the named certificate ("" = none).
func (w *world) client(name string) *http.Client {
	cfg := &tls.Config{RootCAs: w.roots}
	if name != "" {
		cfg.Certificates = []tls.Certificate{w.clients[name]}
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}
}

func (w *world) url(target string) string { return w.server.URL + target }

// do sends a request and returns the response with its body read.
func (w *world) do(who, method, target string, body io.Reader, header http.Header) (*http.Response, []byte) {
	w.t.Helper()
	req, err := http.NewRequest(method, w.url(target), body)
	if err != nil {
		w.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := w.client(who).Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	return resp, data
}

// raw sends a request line exactly as written, bypassing every client-side URL normalisation.
func (w *world) raw(who, method, target string) (*http.Response, []byte) {
	w.t.Helper()
	cfg := &tls.Config{RootCAs: w.roots}
	if who != "" {
		cfg.Certificates = []tls.Certificate{w.clients[who]}
	}
	conn, err := tls.Dial("tcp", w.server.Listener.Addr().String(), cfg)
	if err != nil {
		w.t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, method+" "+target+" HTTP/1.1\r\nHost: library.test\r\nConnection: close\r\n\r\n"); err != nil {
		w.t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, data
}

// downloadPath is the download URL for a filing, version and retrieval.
func downloadPath(filing, version, retrieval string) string {
	return "/filings/" + filing + "/versions/" + version + "/document?retrieval=" + retrieval
}

// errorCode checks an error answer's shape and returns its code.
func errorCode(t *testing.T, resp *http.Response, body []byte) string {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json (body %q)", ct, body)
	}
	var e struct{ Code, Message string }
	if err := json.Unmarshal(body, &e); err != nil || e.Code == "" || e.Message == "" {
		t.Errorf("error body %q is not {code, message}", body)
	}
	if h := resp.Header.Get(ErrorHeader); h != e.Code {
		t.Errorf("%s header = %q, want the body's code %q", ErrorHeader, h, e.Code)
	}
	return e.Code
}

// lastAudit returns the newest audit line from stdout, checking audit.jsonl holds the same line.
func (w *world) lastAudit() auditEvent {
	w.t.Helper()
	lines := w.stdout.lines()
	last := lines[len(lines)-1]
	file, err := os.ReadFile(filepath.Join(w.store.root, "audit.jsonl"))
	if err != nil {
		w.t.Fatal(err)
	}
	if !strings.HasSuffix(string(file), last+"\n") {
		w.t.Errorf("audit.jsonl does not end with the stdout line %s", last)
	}
	var ev auditEvent
	if err := json.Unmarshal([]byte(last), &ev); err != nil {
		w.t.Fatalf("audit line %q: %v", last, err)
	}
	return ev
}
