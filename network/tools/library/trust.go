package library

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	"ipledger/network/tools/library/fabric"
)

// trustedMSP is one MSP's certificate material, parsed once per channel-config load.
type trustedMSP struct {
	id            string
	roots         *x509.CertPool
	intermediates []*x509.Certificate
	crls          []*x509.RevocationList
}

// buildTrust parses the PEM material of the channel's MSPs. An MSP with unreadable material is an error:
// silently skipping it would turn a configuration problem into "unknown certificate" refusals.
func buildTrust(msps []fabric.MSP) ([]trustedMSP, error) {
	out := make([]trustedMSP, 0, len(msps))
	for _, m := range msps {
		t := trustedMSP{id: m.ID, roots: x509.NewCertPool()}
		for _, p := range m.RootCerts {
			c, err := parsePEMCertificate(p)
			if err != nil {
				return nil, fmt.Errorf("MSP %s root certificate: %w", m.ID, err)
			}
			t.roots.AddCert(c)
		}
		for _, p := range m.IntermediateCerts {
			c, err := parsePEMCertificate(p)
			if err != nil {
				return nil, fmt.Errorf("MSP %s intermediate certificate: %w", m.ID, err)
			}
			t.intermediates = append(t.intermediates, c)
		}
		for _, p := range m.CRLs {
			block, _ := pem.Decode(p)
			if block == nil {
				return nil, fmt.Errorf("MSP %s revocation list: no PEM block", m.ID)
			}
			crl, err := x509.ParseRevocationList(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("MSP %s revocation list: %w", m.ID, err)
			}
			t.crls = append(t.crls, crl)
		}
		out = append(out, t)
	}
	return out, nil
}

func parsePEMCertificate(p []byte) (*x509.Certificate, error) {
	block, _ := pem.Decode(p)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("no PEM CERTIFICATE block")
	}
	return x509.ParseCertificate(block.Bytes)
}

// identify finds the MSP whose roots the client certificate chains to and checks its revocation lists.
// chain is what the client sent: the leaf first, then any intermediates it chose to include.
func identify(trust []trustedMSP, chain []*x509.Certificate, now time.Time) (string, *Refusal) {
	leaf := chain[0]
	if !validAt(leaf, now) {
		return "", refuse(UnknownCertificate, "the client certificate is outside its validity period (%s to %s)",
			leaf.NotBefore.UTC().Format(time.RFC3339), leaf.NotAfter.UTC().Format(time.RFC3339))
	}
	for _, t := range trust {
		chains, ok := t.verify(chain, now)
		if !ok {
			continue
		}
		if serial, revoked := t.revoked(chains); revoked {
			return t.id, refuse(CertificateRevoked, "certificate serial %s is revoked by %s", serial, t.id)
		}
		return t.id, nil
	}
	return "", refuse(UnknownCertificate, "the client certificate does not chain to any member of the channel")
}

// validAt reports whether now lies within the certificate's validity period.
func validAt(c *x509.Certificate, now time.Time) bool {
	return !now.Before(c.NotBefore) && !now.After(c.NotAfter)
}

func (t trustedMSP) verify(chain []*x509.Certificate, now time.Time) ([][]*x509.Certificate, bool) {
	pool := x509.NewCertPool()
	for _, c := range t.intermediates {
		pool.AddCert(c)
	}
	for _, c := range chain[1:] {
		pool.AddCert(c)
	}
	chains, err := chain[0].Verify(x509.VerifyOptions{
		Roots:         t.roots,
		Intermediates: pool,
		CurrentTime:   now,
		// Fabric enrollment certificates often carry no TLS client EKU; the MSP, not the EKU, decides.
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	return chains, err == nil
}

// revoked reports whether any certificate of a verified chain (except the root) is listed in a CRL that its
// issuer signed. A CRL signed by someone else is ignored rather than trusted.
func (t trustedMSP) revoked(chains [][]*x509.Certificate) (string, bool) {
	for _, chain := range chains {
		for i := 0; i+1 < len(chain); i++ {
			cert, issuer := chain[i], chain[i+1]
			for _, crl := range t.crls {
				if !bytes.Equal(crl.RawIssuer, issuer.RawSubject) || crl.CheckSignatureFrom(issuer) != nil {
					continue
				}
				for _, entry := range crl.RevokedCertificateEntries {
					if entry.SerialNumber.Cmp(cert.SerialNumber) == 0 {
						return cert.SerialNumber.Text(16), true
					}
				}
			}
		}
	}
	return "", false
}
