package library

import (
	"context"
	"crypto/x509"
	"log/slog"
	"sync"
	"time"
)

// earlyRefreshGap limits reloads triggered by unknown certificates, so a stream of strangers cannot turn
// every request into a config read on the peer.
const earlyRefreshGap = 5 * time.Second

// Membership caches the channel's MSP trust material for refresh, and reloads it early (at most once per
// earlyRefreshGap) when a certificate matches no MSP — a newly added office should not wait a full period.
type Membership struct {
	ledger  Ledger
	refresh time.Duration
	now     func() time.Time
	log     *slog.Logger

	mu          sync.Mutex // also serialises reloads
	trust       []trustedMSP
	loadedAt    time.Time // zero until the first successful load
	attemptedAt time.Time
}

// NewMembership creates an empty cache; the first request loads it.
func NewMembership(ledger Ledger, refresh time.Duration, now func() time.Time, log *slog.Logger) *Membership {
	return &Membership{ledger: ledger, refresh: refresh, now: now, log: log}
}

// Identify returns the MSP ID of a client certificate chain (leaf first).
func (m *Membership) Identify(ctx context.Context, chain []*x509.Certificate) (string, *Refusal) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	due := m.loadedAt.IsZero() || now.Sub(m.loadedAt) >= m.refresh
	if due && m.mayAttempt(now) {
		_ = m.reload(ctx, now) // logged; a stale configuration stays in use
	}
	if m.loadedAt.IsZero() {
		return "", refuse(LedgerUnavailable, "the channel configuration cannot be read from the peer")
	}
	msp, refusal := identify(m.trust, chain, now)
	// An expired certificate stays expired whatever the configuration says: no reload for it.
	if refusal == nil || refusal.Code != UnknownCertificate || !validAt(chain[0], now) || !m.mayAttempt(now) {
		return msp, refusal
	}
	if err := m.reload(ctx, now); err != nil {
		return msp, refusal
	}
	return identify(m.trust, chain, now)
}

func (m *Membership) mayAttempt(now time.Time) bool {
	return m.attemptedAt.IsZero() || now.Sub(m.attemptedAt) >= earlyRefreshGap
}

// reload replaces the trust material; on failure the previous material stays in use (a peer restart should
// not lock every office out), and the next attempt waits for the early-refresh gap.
func (m *Membership) reload(ctx context.Context, now time.Time) error {
	m.attemptedAt = now
	msps, err := m.ledger.ChannelMSPs(ctx)
	if err == nil {
		var trust []trustedMSP
		if trust, err = buildTrust(msps); err == nil {
			m.trust, m.loadedAt = trust, now
			ids := make([]string, len(trust))
			for i, t := range trust {
				ids[i] = t.id
			}
			m.log.Debug("channel MSPs loaded", "msps", ids)
			return nil
		}
	}
	m.log.Error("reading the channel configuration failed; keeping the previous one", "error", err,
		"previousLoad", m.loadedAt)
	return err
}
