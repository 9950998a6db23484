package library

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

func blobPath(digest string) string { return "/documents/" + digest }

func TestUploadAndHead(t *testing.T) {
	w := newWorld(t)
	content := []byte("a new priority document")
	digest := digestOf(content)

	resp, body := w.do("jp", http.MethodHead, blobPath(digest), nil, nil)
	if resp.StatusCode != 404 {
		t.Fatalf("HEAD before upload = %d, want 404", resp.StatusCode)
	}
	for i, wantStatus := range []int{http.StatusCreated, http.StatusOK} {
		resp, body = w.do("jp", http.MethodPut, blobPath(digest), bytes.NewReader(content), nil)
		var got struct {
			SHA256 string `json:"sha256"`
			Size   int64  `json:"size"`
		}
		if err := json.Unmarshal(body, &got); err != nil || resp.StatusCode != wantStatus || got.SHA256 != digest || got.Size != int64(len(content)) {
			t.Fatalf("PUT #%d = %d %s, want %d {sha256, size}", i+1, resp.StatusCode, body, wantStatus)
		}
		if ev := w.lastAudit(); ev.Event != eventStored || ev.SHA256 != digest || ev.Bytes != int64(len(content)) || ev.Caller.Office != "JP" {
			t.Errorf("audit = %+v", ev)
		}
	}
	resp, _ = w.do("jp", http.MethodHead, blobPath(digest), nil, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Length") != strconv.Itoa(len(content)) {
		t.Fatalf("HEAD = %d length %q, want 200 %d", resp.StatusCode, resp.Header.Get("Content-Length"), len(content))
	}
	final := filepath.Join(w.store.root, "blobs", digest[:2], digest)
	info, err := os.Stat(final)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode&0o027 != 0 {
		t.Errorf("blob mode = %o, want 0600 or 0640", mode)
	}
	stored, _ := os.ReadFile(final)
	if !bytes.Equal(stored, content) {
		t.Errorf("stored %q, want %q", stored, content)
	}
	assertNoTemp(t, w)
}

func TestUploadRefusals(t *testing.T) {
	content := []byte("document body")
	big := bytes.Repeat([]byte("x"), testMaxSize+1)
	tests := []struct {
		name   string
		who    string
		method string
		digest string
		body   func() io.Reader
		status int
		code   Code
	}{
		{"upload without certificate", "", http.MethodPut, digestOf(content), bodyOf(content), 401, CertificateRequired},
		{"upload by another office", "us", http.MethodPut, digestOf(content), bodyOf(content), 403, NotOwnOffice},
		{"HEAD by another office", "us", http.MethodHead, digestOf(document), nil, 403, NotOwnOffice},
		{"upload by a stranger", "stranger", http.MethodPut, digestOf(content), bodyOf(content), 403, UnknownCertificate},
		{"upload by a revoked JP-looking caller", "us-revoked", http.MethodPut, digestOf(content), bodyOf(content), 403, CertificateRevoked},
		{"bytes of another hash", "jp", http.MethodPut, digestOf([]byte("other")), bodyOf(content), 422, HashMismatch},
		{"Content-Length over the limit", "jp", http.MethodPut, digestOf(big), bodyOf(big), 413, DocumentTooLarge},
		{"chunked body over the limit", "jp", http.MethodPut, digestOf(big), func() io.Reader { return struct{ io.Reader }{bytes.NewReader(big)} }, 413, DocumentTooLarge},
		{"uppercase digest", "jp", http.MethodPut, "A" + digestOf(content)[1:], bodyOf(content), 400, BadRequest},
		{"short digest", "jp", http.MethodPut, digestOf(content)[:63], bodyOf(content), 400, BadRequest},
		{"DELETE", "jp", http.MethodDelete, digestOf(document), nil, 405, MethodNotAllowed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			var body io.Reader
			if tc.body != nil {
				body = tc.body() // struct{io.Reader} hides the length: the client sends it chunked
			}
			resp, data := w.do(tc.who, tc.method, blobPath(tc.digest), body, nil)
			if resp.StatusCode != tc.status {
				t.Fatalf("%s = %d, want %d (%s)", tc.method, resp.StatusCode, tc.status, data)
			}
			if tc.method != http.MethodHead {
				if code := errorCode(t, resp, data); code != string(tc.code) {
					t.Fatalf("code = %s, want %s", code, tc.code)
				}
			}
			if tc.code == MethodNotAllowed && resp.Header.Get("Allow") != "HEAD, PUT" {
				t.Errorf("Allow = %q", resp.Header.Get("Allow"))
			}
			if tc.method == http.MethodPut {
				if _, err := w.store.Stat(tc.digest); err == nil {
					t.Errorf("a refused upload was stored")
				}
			}
			assertNoTemp(t, w)
		})
	}
}

// failingReader delivers n bytes and then fails, like a client that goes away mid-upload.
type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n == 0 {
		return 0, errors.New("client gone")
	}
	k := min(len(p), f.n)
	for i := range k {
		p[i] = 'x'
	}
	f.n -= k
	return k, nil
}

func TestUploadInterruptedLeavesNothing(t *testing.T) {
	w := newWorld(t)
	digest := digestOf(bytes.Repeat([]byte("x"), 64<<10))
	req, _ := http.NewRequest(http.MethodPut, w.url(blobPath(digest)), &failingReader{n: 32 << 10})
	req.ContentLength = 64 << 10
	if resp, err := w.client("jp").Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("upload unexpectedly completed: %d", resp.StatusCode)
	}
	// The server notices the cut body asynchronously; wait for its refusal line.
	deadline := time.Now().Add(5 * time.Second)
	for {
		lines := w.stdout.lines()
		if n := len(lines); n > 0 && bytes.Contains([]byte(lines[n-1]), []byte(`"code":"BAD_REQUEST"`)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no refusal logged for the interrupted upload: %v", w.stdout.lines())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := w.store.Stat(digest); err == nil {
		t.Error("a half-written blob is visible")
	}
	assertNoTemp(t, w)
}

func TestConcurrentIdenticalUploads(t *testing.T) {
	w := newWorld(t)
	content := bytes.Repeat([]byte("concurrent "), 50000)
	digest := digestOf(content)
	statuses := make(chan int, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPut, w.url(blobPath(digest)), bytes.NewReader(content))
			resp, err := w.client("jp").Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	created := 0
	for s := range statuses {
		switch s {
		case http.StatusCreated:
			created++
		case http.StatusOK:
		default:
			t.Errorf("status %d", s)
		}
	}
	if created != 1 {
		t.Errorf("%d uploads answered 201, want exactly 1", created)
	}
	f, err := w.store.Open(digest)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stored, _ := io.ReadAll(f)
	if !bytes.Equal(stored, content) {
		t.Error("stored content differs")
	}
	assertNoTemp(t, w)
}

// patternReader produces size bytes without holding them in memory.
type patternReader struct{ left int64 }

func (p *patternReader) Read(b []byte) (int, error) {
	if p.left == 0 {
		return 0, io.EOF
	}
	n := int(min(int64(len(b)), p.left))
	for i := range n {
		b[i] = byte(p.left - int64(i))
	}
	p.left -= int64(n)
	return n, nil
}

// A large upload streams through a fixed amount of memory (the real limit is GiBs; 128 MiB keeps the test short).
func TestLargeUploadStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 128 MiB")
	}
	const size = 128 << 20
	w := newWorld(t)
	w.server.Config.Handler.(*Handler).maxBytes = size
	h := newHashingReader(&patternReader{left: size})
	if _, err := io.Copy(io.Discard, h); err != nil {
		t.Fatal(err)
	}
	digest := h.digest()

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	req, _ := http.NewRequest(http.MethodPut, w.url(blobPath(digest)), &patternReader{left: size})
	req.ContentLength = size
	resp, err := w.client("jp").Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	runtime.ReadMemStats(&after)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("PUT = %d, want 201", resp.StatusCode)
	}
	if grown := int64(after.HeapInuse) - int64(before.HeapInuse); grown > 16<<20 {
		t.Errorf("heap grew by %d bytes during a %d byte upload", grown, size)
	}
	if got, _ := w.store.Stat(digest); got != size {
		t.Errorf("stored size = %d, want %d", got, size)
	}
}

func bodyOf(b []byte) func() io.Reader { return func() io.Reader { return bytes.NewReader(b) } }

func assertNoTemp(t *testing.T, w *world) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(w.store.root, "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("temp files left behind: %v", entries)
	}
}
