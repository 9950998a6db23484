package library

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"ipledger/network/tools/library/fabric"
)

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestIdentify(t *testing.T) {
	root, other := newRootCA(t, "root"), newRootCA(t, "other")
	inter := root.intermediate(t, "inter")
	direct, _ := root.leaf(t, "direct", time.Time{}, time.Time{})
	viaInter, _ := inter.leaf(t, "via-intermediate", time.Time{}, time.Time{})
	revokedLeaf, _ := inter.leaf(t, "revoked", time.Time{}, time.Time{})
	notYet, _ := root.leaf(t, "not-yet", time.Now().Add(time.Hour), time.Now().Add(2*time.Hour))
	stranger, _ := other.leaf(t, "stranger", time.Time{}, time.Time{})
	revokedInter := root.intermediate(t, "revoked-inter")
	underRevokedInter, _ := revokedInter.leaf(t, "under-revoked", time.Time{}, time.Time{})

	msps := []fabric.MSP{{
		ID: "AMSP", RootCerts: [][]byte{certPEM(root.cert)},
		IntermediateCerts: [][]byte{certPEM(inter.cert), certPEM(revokedInter.cert)},
		// The root's CRL revokes an intermediate; a CRL by "other" naming the direct leaf must not count.
		CRLs: [][]byte{inter.crl(t, revokedLeaf), root.crl(t, revokedInter.cert), other.crl(t, direct)},
	}}
	trust, err := buildTrust(msps)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		chain []*x509.Certificate
		msp   string
		code  Code
	}{
		{"issued by the root", []*x509.Certificate{direct}, "AMSP", ""},
		{"issued by a configured intermediate", []*x509.Certificate{viaInter}, "AMSP", ""},
		{"intermediate sent by the client", []*x509.Certificate{viaInter, inter.cert}, "AMSP", ""},
		{"revoked leaf", []*x509.Certificate{revokedLeaf}, "AMSP", CertificateRevoked},
		{"revoked intermediate", []*x509.Certificate{underRevokedInter}, "AMSP", CertificateRevoked},
		{"not yet valid", []*x509.Certificate{notYet}, "", UnknownCertificate},
		{"foreign CA", []*x509.Certificate{stranger}, "", UnknownCertificate},
		{"foreign CA sending the root as intermediate", []*x509.Certificate{stranger, root.cert}, "", UnknownCertificate},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msp, refusal := identify(trust, tc.chain, time.Now())
			var code Code
			if refusal != nil {
				code = refusal.Code
			}
			if msp != tc.msp || code != tc.code {
				t.Fatalf("identify = %q %q, want %q %q", msp, code, tc.msp, tc.code)
			}
		})
	}
}

func TestBuildTrustRejectsGarbage(t *testing.T) {
	for name, m := range map[string]fabric.MSP{
		"root":         {ID: "A", RootCerts: [][]byte{[]byte("not pem")}},
		"intermediate": {ID: "A", IntermediateCerts: [][]byte{[]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")}},
		"crl":          {ID: "A", CRLs: [][]byte{[]byte("junk")}},
	} {
		if _, err := buildTrust([]fabric.MSP{m}); err == nil {
			t.Errorf("%s: garbage accepted", name)
		}
	}
}

func TestMembershipRefresh(t *testing.T) {
	oldCA, newCA := newRootCA(t, "old"), newRootCA(t, "new")
	oldLeaf, _ := oldCA.leaf(t, "old-user", time.Time{}, time.Time{})
	newLeaf, _ := newCA.leaf(t, "new-user", time.Time{}, time.Time{})
	ledger := newFakeLedger()
	ledger.msps = []fabric.MSP{{ID: "OLDMSP", RootCerts: [][]byte{certPEM(oldCA.cert)}}}
	clk := &clock{t: time.Now()}
	m := NewMembership(ledger, 30*time.Second, clk.now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx := context.Background()

	type step struct {
		name    string
		before  func()
		leaf    *x509.Certificate
		code    Code
		configs int // config reads so far
	}
	steps := []step{
		{"first use loads", nil, oldLeaf, "", 1},
		{"cached within the period", func() { clk.advance(10 * time.Second) }, oldLeaf, "", 1},
		{"unknown certificate reloads early", func() {
			ledger.update(func(l *fakeLedger) {
				l.msps = append(l.msps, fabric.MSP{ID: "NEWMSP", RootCerts: [][]byte{certPEM(newCA.cert)}})
			})
		}, newLeaf, "", 2},
		{"period over reloads", func() { clk.advance(31 * time.Second) }, oldLeaf, "", 3},
		{"removed MSP trusted until the period ends", func() {
			clk.advance(6 * time.Second)
			ledger.update(func(l *fakeLedger) { l.msps = l.msps[:1] })
		}, newLeaf, "", 3},
		{"removed MSP refused after the period", func() { clk.advance(30 * time.Second) }, newLeaf, UnknownCertificate, 4},
		{"early reloads at most every 5 s", func() { clk.advance(2 * time.Second) }, newLeaf, UnknownCertificate, 4},
		{"peer down: stale config kept", func() {
			clk.advance(31 * time.Second)
			ledger.update(func(l *fakeLedger) { l.configErr = errors.New("unreachable") })
		}, oldLeaf, "", 5},
		{"peer still down: no retry within 5 s", func() { clk.advance(time.Second) }, oldLeaf, "", 5},
	}
	for _, s := range steps {
		if s.before != nil {
			s.before()
		}
		_, refusal := m.Identify(ctx, []*x509.Certificate{s.leaf})
		var code Code
		if refusal != nil {
			code = refusal.Code
		}
		if code != s.code || ledger.configReads != s.configs {
			t.Fatalf("%s: code %q after %d config reads, want %q after %d", s.name, code, ledger.configReads, s.code, s.configs)
		}
	}
}

func TestMembershipWithoutAnyConfig(t *testing.T) {
	ca := newRootCA(t, "ca")
	leaf, _ := ca.leaf(t, "user", time.Time{}, time.Time{})
	ledger := newFakeLedger()
	ledger.configErr = errors.New("unreachable")
	clk := &clock{t: time.Now()}
	m := NewMembership(ledger, 30*time.Second, clk.now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for i, wantReads := range []int{1, 1} { // the second request within 5 s does not hit the peer again
		if _, refusal := m.Identify(context.Background(), []*x509.Certificate{leaf}); refusal == nil || refusal.Code != LedgerUnavailable {
			t.Fatalf("request %d: %v, want LEDGER_UNAVAILABLE", i+1, refusal)
		}
		if ledger.configReads != wantReads {
			t.Fatalf("request %d: %d config reads, want %d", i+1, ledger.configReads, wantReads)
		}
	}
}

func TestExpiredCertificateDoesNotReload(t *testing.T) {
	ca := newRootCA(t, "ca")
	expired, _ := ca.leaf(t, "expired", time.Now().Add(-2*time.Hour), time.Now().Add(-time.Hour))
	ledger := newFakeLedger()
	ledger.msps = []fabric.MSP{{ID: "AMSP", RootCerts: [][]byte{certPEM(ca.cert)}}}
	clk := &clock{t: time.Now()}
	m := NewMembership(ledger, 30*time.Second, clk.now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for range 2 {
		if _, refusal := m.Identify(context.Background(), []*x509.Certificate{expired}); refusal == nil || refusal.Code != UnknownCertificate {
			t.Fatalf("refusal = %v, want UNKNOWN_CERTIFICATE", refusal)
		}
		clk.advance(6 * time.Second)
	}
	if ledger.configReads != 1 {
		t.Errorf("%d config reads, want 1 (expiry is not a configuration question)", ledger.configReads)
	}
}
