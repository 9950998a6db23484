package library

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

var okPath = downloadPath(jpFiling, "1", retrievalID)

func TestDownloadDelivers(t *testing.T) {
	w := newWorld(t)
	resp, body := w.do("us", http.MethodGet, okPath, nil, nil)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, document) {
		t.Fatalf("GET = %d %q, want 200 with the document", resp.StatusCode, body)
	}
	digest := digestOf(document)
	for header, want := range map[string]string{
		"Content-Type":      "application/octet-stream",
		"Etag":              `"` + digest + `"`,
		"X-Ipledger-Sha256": digest,
		"Accept-Ranges":     "bytes",
		"Content-Length":    strconv.Itoa(len(document)),
	} {
		if got := resp.Header.Get(header); got != want {
			t.Errorf("%s = %q, want %q", header, got, want)
		}
	}
	if got, want := w.ledger.readLog(), []string{"OfficeByMSP", "Retrieval", "FirstFiling", "AccessRecord"}; !slices.Equal(got, want) {
		t.Errorf("ledger reads = %v, want %v", got, want)
	}
}

func TestDownloadRefusals(t *testing.T) {
	otherFiling := "JP:PATENT:2025000002"
	krFiling := "KR:PATENT:2025000003"
	tests := []struct {
		name   string
		who    string
		path   string
		change func(*fakeLedger)
		status int
		code   Code
	}{
		{"no client certificate", "", okPath, nil, 401, CertificateRequired},
		{"CA outside the channel", "stranger", okPath, nil, 403, UnknownCertificate},
		{"expired certificate", "us-expired", okPath, nil, 403, UnknownCertificate},
		{"revoked certificate", "us-revoked", okPath, nil, 403, CertificateRevoked},
		{"MSP without office", "kr", okPath, nil, 403, NotAMember},
		{"suspended office", "ep", okPath, nil, 403, NotAMember},
		{"US suspended after requesting", "us", okPath, func(l *fakeLedger) {
			o := l.offices["USMSP"]
			o.Status = "SUSPENDED"
			l.offices["USMSP"] = o
		}, 403, NotAMember},
		{"unknown retrieval", "us", downloadPath(jpFiling, "1", jpFiling+":20250317T091244Z_ffff"), nil, 404, RetrievalNotFound},
		{"retrieval of another office", "jp", okPath, nil, 403, NoPendingRetrieval},
		{"second fetch after SUCCESS", "us", okPath, func(l *fakeLedger) { setRetrieval(l, func(r *Retrieval) { r.Status = "SUCCESS" }) }, 403, NoPendingRetrieval},
		{"retrieval ERROR", "us", okPath, func(l *fakeLedger) { setRetrieval(l, func(r *Retrieval) { r.Status = "ERROR" }) }, 403, NoPendingRetrieval},
		{"retrieval for another filing", "us", downloadPath(otherFiling, "1", retrievalID), nil, 403, NoPendingRetrieval},
		{"filing of another library", "us", downloadPath(krFiling, "1", krFiling+":20250317T091244Z_01"), func(l *fakeLedger) {
			id := krFiling + ":20250317T091244Z_01"
			l.retrievals[id] = Retrieval{ID: id, FilingID: krFiling, OwnerOffice: "KR", RequestingOffice: "US", DocumentVersion: 1, Status: "PENDING"}
		}, 404, WrongLibrary},
		{"other version", "us", downloadPath(jpFiling, "2", retrievalID), nil, 409, VersionMismatch},
		{"withdrawn filing", "us", okPath, func(l *fakeLedger) { setFiling(l, func(f *FirstFiling) { f.Status = "WITHDRAWN" }) }, 410, FilingWithdrawn},
		{"grant revoked", "us", okPath, func(l *fakeLedger) { setGrant(l, "US", "REVOKED") }, 403, NoGrant},
		{"no grant entry", "us", okPath, func(l *fakeLedger) { l.access[jpFiling] = AccessRecord{FilingID: jpFiling} }, 403, NoGrant},
		{"no access record", "us", okPath, func(l *fakeLedger) { delete(l.access, jpFiling) }, 403, NoGrant},
		{"blob not stored", "us", okPath, func(l *fakeLedger) {
			setRetrieval(l, func(r *Retrieval) { r.ExpectedSHA256 = digestOf([]byte("never uploaded")) })
		}, 404, DocumentMissing},
		{"malformed hash on the ledger", "us", okPath, func(l *fakeLedger) {
			setRetrieval(l, func(r *Retrieval) { r.ExpectedSHA256 = "../../etc/passwd" })
		}, 500, Internal},
		{"peer unreachable", "us", okPath, func(l *fakeLedger) { l.readErr = errors.New("connection refused") }, 503, LedgerUnavailable},
		{"channel config unreadable", "us", okPath, func(l *fakeLedger) { l.configErr = errors.New("connection refused") }, 503, LedgerUnavailable},
		{"version zero", "us", downloadPath(jpFiling, "0", retrievalID), nil, 400, BadRequest},
		{"version with leading zero", "us", downloadPath(jpFiling, "01", retrievalID), nil, 400, BadRequest},
		{"version not a number", "us", downloadPath(jpFiling, "1e3", retrievalID), nil, 400, BadRequest},
		{"version too long", "us", downloadPath(jpFiling, "1234567890", retrievalID), nil, 400, BadRequest},
		{"lowercase office", "us", downloadPath("jp:PATENT:2025113463", "1", retrievalID), nil, 400, BadRequest},
		{"unknown IP right", "us", downloadPath("JP:SOFTWARE:2025113463", "1", retrievalID), nil, 400, BadRequest},
		{"number too long", "us", downloadPath("JP:PATENT:"+string(bytes.Repeat([]byte("1"), 33)), "1", retrievalID), nil, 400, BadRequest},
		{"no retrieval", "us", "/filings/" + jpFiling + "/versions/1/document", nil, 400, BadRequest},
		{"two retrievals", "us", okPath + "&retrieval=" + retrievalID, nil, 400, BadRequest},
		{"extra parameter", "us", okPath + "&x=1", nil, 400, BadRequest},
		{"malformed retrieval", "us", downloadPath(jpFiling, "1", jpFiling+":yesterday"), nil, 400, BadRequest},
		{"query too long", "us", okPath + "&pad=" + string(bytes.Repeat([]byte("a"), 512)), nil, 414, RequestTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			if tc.change != nil {
				w.ledger.update(tc.change)
			}
			resp, body := w.do(tc.who, http.MethodGet, tc.path, nil, nil)
			if code := errorCode(t, resp, body); resp.StatusCode != tc.status || code != string(tc.code) {
				t.Fatalf("GET = %d %s, want %d %s (%s)", resp.StatusCode, code, tc.status, tc.code, body)
			}
			if ev := w.lastAudit(); ev.Event != eventRefused || ev.Code != tc.code {
				t.Errorf("audit = %s %s, want refused %s", ev.Event, ev.Code, tc.code)
			}
		})
	}
}

// TestAuthorisationOrder breaks several rules at once: the first rule in the documented order must win,
// and no ledger read is made past a refusal.
func TestAuthorisationOrder(t *testing.T) {
	suspend := func(l *fakeLedger) { o := l.offices["USMSP"]; o.Status = "SUSPENDED"; l.offices["USMSP"] = o }
	done := func(l *fakeLedger) { setRetrieval(l, func(r *Retrieval) { r.Status = "SUCCESS" }) }
	foreign := func(l *fakeLedger) { setRetrieval(l, func(r *Retrieval) { r.OwnerOffice = "KR" }) }
	withdraw := func(l *fakeLedger) { setFiling(l, func(f *FirstFiling) { f.Status = "WITHDRAWN" }) }
	revoke := func(l *fakeLedger) { setGrant(l, "US", "REVOKED") }
	missing := func(l *fakeLedger) {
		setRetrieval(l, func(r *Retrieval) { r.ExpectedSHA256 = digestOf([]byte("gone")) })
	}
	v2 := downloadPath(jpFiling, "2", retrievalID)
	tests := []struct {
		name    string
		who     string
		path    string
		changes []func(*fakeLedger)
		code    Code
		reads   []string
	}{
		{"certificate before everything", "stranger", v2, []func(*fakeLedger){suspend, done, withdraw, revoke}, UnknownCertificate, nil},
		{"office before retrieval", "us", v2, []func(*fakeLedger){suspend, done, withdraw, revoke}, NotAMember, []string{"OfficeByMSP"}},
		{"retrieval state before library", "us", v2, []func(*fakeLedger){done, foreign, withdraw, revoke}, NoPendingRetrieval, []string{"OfficeByMSP", "Retrieval"}},
		{"library before version", "us", v2, []func(*fakeLedger){foreign, withdraw, revoke}, WrongLibrary, []string{"OfficeByMSP", "Retrieval"}},
		{"version before withdrawal", "us", v2, []func(*fakeLedger){withdraw, revoke}, VersionMismatch, []string{"OfficeByMSP", "Retrieval"}},
		{"withdrawal before grant", "us", okPath, []func(*fakeLedger){withdraw, revoke, missing}, FilingWithdrawn, []string{"OfficeByMSP", "Retrieval", "FirstFiling"}},
		{"grant before blob", "us", okPath, []func(*fakeLedger){revoke, missing}, NoGrant, []string{"OfficeByMSP", "Retrieval", "FirstFiling", "AccessRecord"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			for _, c := range tc.changes {
				w.ledger.update(c)
			}
			resp, body := w.do(tc.who, http.MethodGet, tc.path, nil, nil)
			if code := errorCode(t, resp, body); code != string(tc.code) {
				t.Fatalf("code = %s, want %s (%s)", code, tc.code, body)
			}
			if got := w.ledger.readLog(); !slices.Equal(got, tc.reads) {
				t.Errorf("ledger reads = %v, want %v", got, tc.reads)
			}
		})
	}
}

func TestDownloadRanges(t *testing.T) {
	w := newWorld(t)
	etag := `"` + digestOf(document) + `"`
	size := strconv.Itoa(len(document))
	tests := []struct {
		name   string
		header http.Header
		status int
		body   []byte
		code   Code
	}{
		{"first bytes", http.Header{"Range": {"bytes=0-4"}}, 206, document[:5], ""},
		{"suffix", http.Header{"Range": {"bytes=-3"}}, 206, document[len(document)-3:], ""},
		{"resume with matching If-Range", http.Header{"Range": {"bytes=10-"}, "If-Range": {etag}}, 206, document[10:], ""},
		{"If-Range of other content sends all", http.Header{"Range": {"bytes=10-"}, "If-Range": {`"0000"`}}, 200, document, ""},
		{"unsatisfiable", http.Header{"Range": {"bytes=" + size + "-"}}, 416, nil, RangeNotSatisfiable},
		{"If-Match of other content", http.Header{"If-Match": {`"0000"`}}, 412, nil, PreconditionFailed},
		{"If-None-Match of this content", http.Header{"If-None-Match": {etag}}, 304, []byte{}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(w.ledger.readLog())
			resp, body := w.do("us", http.MethodGet, okPath, nil, tc.header)
			if resp.StatusCode != tc.status {
				t.Fatalf("status = %d, want %d (%s)", resp.StatusCode, tc.status, body)
			}
			if tc.code != "" {
				if code := errorCode(t, resp, body); code != string(tc.code) {
					t.Fatalf("code = %s, want %s", code, tc.code)
				}
			} else if !bytes.Equal(body, tc.body) {
				t.Fatalf("body = %q, want %q", body, tc.body)
			}
			// Every request, ranges included, is judged on the ledger again.
			if reads := len(w.ledger.readLog()) - before; reads != 4 {
				t.Errorf("ledger reads = %d, want 4", reads)
			}
			ev := w.lastAudit()
			if ev.Range != tc.header.Get("Range") || ev.Bytes != int64(len(tc.body)) {
				t.Errorf("audit range %q bytes %d, want %q %d", ev.Range, ev.Bytes, tc.header.Get("Range"), len(tc.body))
			}
		})
	}
}

// A grant revoked between two range requests of the same retrieval stops the second one.
func TestRangeAfterRevocation(t *testing.T) {
	w := newWorld(t)
	if resp, _ := w.do("us", http.MethodGet, okPath, nil, http.Header{"Range": {"bytes=0-9"}}); resp.StatusCode != 206 {
		t.Fatalf("first range = %d, want 206", resp.StatusCode)
	}
	w.ledger.update(func(l *fakeLedger) { setGrant(l, "US", "REVOKED") })
	resp, body := w.do("us", http.MethodGet, okPath, nil, http.Header{"Range": {"bytes=10-"}})
	if code := errorCode(t, resp, body); code != string(NoGrant) {
		t.Fatalf("second range = %d %s, want NO_GRANT", resp.StatusCode, code)
	}
}

// A blob damaged on disk is served as is: the requester compares it with the ledger and reports
// HASH_MISMATCH there, which re-hashing here would hide.
func TestTamperedBlobIsServed(t *testing.T) {
	w := newWorld(t)
	digest := digestOf(document)
	tampered := bytes.ToUpper(document)
	if err := os.WriteFile(filepath.Join(w.store.root, "blobs", digest[:2], digest), tampered, 0o600); err != nil {
		t.Fatal(err)
	}
	resp, body := w.do("us", http.MethodGet, okPath, nil, nil)
	if resp.StatusCode != 200 || !bytes.Equal(body, tampered) || resp.Header.Get("X-Ipledger-Sha256") != digest {
		t.Fatalf("GET = %d %q sha %s, want the tampered bytes under the ledger's hash", resp.StatusCode, body, resp.Header.Get("X-Ipledger-Sha256"))
	}
}

func TestAuditLines(t *testing.T) {
	w := newWorld(t)
	w.do("us", http.MethodGet, okPath, nil, http.Header{"Range": {"bytes=0-4"}})
	got := w.lastAudit()
	us := w.clients["us"].Leaf
	want := auditEvent{
		Time: got.Time, Event: eventDelivered,
		Caller:   auditCaller{MSP: "USMSP", Office: "US", Subject: us.Subject.String(), Serial: us.SerialNumber.Text(16)},
		FilingID: jpFiling, Version: 1, RetrievalID: retrievalID, SHA256: digestOf(document), Bytes: 5,
		Range: "bytes=0-4", Remote: got.Remote, DurationMs: got.DurationMs,
	}
	if got != want {
		t.Errorf("delivery audit =\n %+v\nwant\n %+v", got, want)
	}
	if got.Time == "" || got.Remote == "" || got.DurationMs < 0 {
		t.Errorf("time %q, remote %q, duration %d must be set", got.Time, got.Remote, got.DurationMs)
	}

	w.do("kr", http.MethodGet, okPath, nil, nil)
	got = w.lastAudit()
	if got.Event != eventRefused || got.Code != NotAMember || got.Caller.MSP != "KRMSP" || got.Caller.Office != "" ||
		got.RetrievalID != retrievalID || got.SHA256 != "" || got.Bytes != 0 {
		t.Errorf("refusal audit = %+v", got)
	}
}

func setRetrieval(l *fakeLedger, change func(*Retrieval)) {
	r := l.retrievals[retrievalID]
	change(&r)
	l.retrievals[retrievalID] = r
}

func setFiling(l *fakeLedger, change func(*FirstFiling)) {
	f := l.filings[jpFiling]
	change(&f)
	l.filings[jpFiling] = f
}

func setGrant(l *fakeLedger, office, grant string) {
	a := l.access[jpFiling]
	a.Offices = []AccessEntry{{OfficeCode: office, Grant: grant}}
	l.access[jpFiling] = a
}
