package library

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// FuzzParseRoute: no request target panics the parser, and whatever it accepts is in canonical shape, so the
// store is only ever reached with a lowercase 64-hex digest and the ledger only with well-formed ids.
func FuzzParseRoute(f *testing.F) {
	for _, seed := range []string{
		"/healthz",
		"/documents/" + strings.Repeat("ab", 32),
		"/documents/..%2F..%2Fetc%2Fpasswd",
		"/filings/JP:PATENT:2025113463/versions/1/document?retrieval=JP:PATENT:2025113463:20250317T091244Z_9f3c",
		"/filings/JP%3APATENT%3A1/versions/2/document?retrieval=x",
		"/filings/../versions/1/document",
		"/filings/JP:PATENT:1/versions/99999999999999999999/document?retrieval=x",
	} {
		f.Add(http.MethodGet, seed)
		f.Add(http.MethodPut, seed)
	}
	f.Fuzz(func(t *testing.T, method, target string) {
		u, err := url.ParseRequestURI(target)
		if err != nil {
			return // net/http refuses such a request line before any handler runs
		}
		rt, refusal := parseRoute(&http.Request{Method: method, URL: u})
		if refusal != nil {
			if refusal.Status() < 400 {
				t.Fatalf("refusal %v with status %d", refusal, refusal.Status())
			}
			return
		}
		switch rt.kind {
		case routeBlob:
			if !validDigest(rt.digest) {
				t.Fatalf("accepted digest %q", rt.digest)
			}
		case routeDownload:
			if !validFilingID(rt.filingID) || rt.version < 1 || strings.Contains(rt.retrievalID, "/") {
				t.Fatalf("accepted download %+v", rt)
			}
		}
		if strings.Contains(u.EscapedPath(), "..") {
			t.Fatalf("accepted a path with '..': %q", target)
		}
	})
}
