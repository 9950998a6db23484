package library

import (
	"net/http"
	"strings"
	"testing"
)

// Request targets are sent raw, so no client library cleans them before the server sees them.
func TestRequestTargets(t *testing.T) {
	digest := digestOf(document)
	long := strings.Repeat("a", 600)
	tests := []struct {
		name   string
		method string
		target string
		status int
		code   Code
	}{
		{"dot-dot segment", "HEAD", "/documents/../documents/" + digest, 400, BadRequest},
		{"dot-dot at the end", "GET", "/documents/..", 400, BadRequest},
		{"dot segment", "GET", "/./healthz", 400, BadRequest},
		{"escaped dots", "HEAD", "/documents/%2e%2e/" + digest, 400, BadRequest},
		{"escaped slash", "HEAD", "/documents/..%2F..%2Fetc%2Fpasswd", 400, BadRequest},
		{"escaped slash in filing id", "GET", downloadPath("JP:PATENT:1%2F..", "1", retrievalID), 400, BadRequest},
		{"escaped backslash", "HEAD", "/documents/" + digest + "%5C", 400, BadRequest},
		{"backslash", "HEAD", "/documents\\" + digest, 400, BadRequest},
		{"escaped NUL", "HEAD", "/documents/" + digest + "%00", 400, BadRequest},
		{"escaped letter", "HEAD", "/documents/%61" + digest[1:], 400, BadRequest},
		{"double slash", "HEAD", "//documents/" + digest, 400, BadRequest},
		{"trailing slash", "HEAD", "/documents/" + digest + "/", 400, BadRequest},
		{"uppercase digest", "HEAD", "/documents/" + strings.ToUpper(digest), 400, BadRequest},
		{"digest with suffix", "HEAD", "/documents/" + digest + ";x", 400, BadRequest},
		{"path too long", "GET", "/documents/" + long, 414, RequestTooLarge},
		{"query too long", "GET", "/healthz?" + long, 414, RequestTooLarge},
		{"unknown route", "GET", "/admin", 404, NotFound},
		{"documents without digest", "GET", "/documents", 404, NotFound},
		{"too many segments", "HEAD", "/documents/" + digest + "/x", 404, NotFound},
		{"POST on download", "POST", okPath, 405, MethodNotAllowed},
		{"HEAD on download", "HEAD", okPath, 405, MethodNotAllowed},
		{"PUT on healthz", "PUT", "/healthz", 405, MethodNotAllowed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			resp, body := w.raw("jp", tc.method, tc.target)
			if resp.StatusCode != tc.status {
				t.Fatalf("%s %s = %d, want %d (%s)", tc.method, tc.target, resp.StatusCode, tc.status, body)
			}
			if tc.method != "HEAD" {
				if code := errorCode(t, resp, body); code != string(tc.code) {
					t.Fatalf("code = %s, want %s", code, tc.code)
				}
			}
			if got := w.ledger.readLog(); len(got) != 0 {
				t.Errorf("a malformed request reached the ledger: %v", got)
			}
		})
	}
}

// Many URL encoders escape ':' — the one escape accepted, and only as a colon.
func TestEscapedColonsInFilingID(t *testing.T) {
	w := newWorld(t)
	escaped := strings.ReplaceAll(jpFiling, ":", "%3A")
	resp, body := w.raw("us", "GET", downloadPath(escaped, "1", strings.ReplaceAll(retrievalID, ":", "%3a")))
	if resp.StatusCode != 200 || string(body) != string(document) {
		t.Fatalf("GET = %d %q, want the document", resp.StatusCode, body)
	}
}

func TestHealth(t *testing.T) {
	w := newWorld(t)
	resp, body := w.do("", http.MethodGet, "/healthz", nil, nil)
	if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != `{"status":"OK"}` {
		t.Fatalf("healthz = %d %s", resp.StatusCode, body)
	}
}

// The Go server itself refuses headers over MaxHeaderBytes before the handler runs.
func TestHeaderLimit(t *testing.T) {
	w := newWorld(t)
	resp, _ := w.do("", http.MethodGet, "/healthz", nil, http.Header{"X-Pad": {strings.Repeat("a", 20<<10)}})
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("status = %d, want 431", resp.StatusCode)
	}
}
