package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"os"
	"time"

	"ipledger/network/tools/library"
	"ipledger/network/tools/library/fabric"
)

// ledgerCallTimeout bounds every read on the peer.
const ledgerCallTimeout = 10 * time.Second

// run wires the server from the options and serves until ctx ends.
func run(ctx context.Context, o library.Options) error {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))

	for _, f := range []struct{ flag, path string }{
		{"--tls-cert", o.TLSCert}, {"--tls-key", o.TLSKey}, {"--peer-tls-ca", o.PeerTLSCA},
		{"--identity-cert", o.IdentityCert}, {"--identity-key", o.IdentityKey},
		{"--peer-client-cert", o.PeerClientCert}, {"--peer-client-key", o.PeerClientKey},
	} {
		if err := readable(f.path); err != nil {
			return fmt.Errorf("%s: %w", f.flag, err)
		}
	}
	cert, err := tls.LoadX509KeyPair(o.TLSCert, o.TLSKey)
	if err != nil {
		return fmt.Errorf("--tls-cert %s / --tls-key %s: %w", o.TLSCert, o.TLSKey, err)
	}
	identity, err := fabric.LoadIdentity(o.MSPID, o.IdentityCert, o.IdentityKey)
	if err != nil {
		return err
	}
	client, err := fabric.NewClient(fabric.ClientConfig{
		Address: o.Peer, ServerName: o.PeerServerName, TLSCAFile: o.PeerTLSCA,
		TLSCertFile: o.PeerClientCert, TLSKeyFile: o.PeerClientKey, Timeout: ledgerCallTimeout,
	}, identity)
	if err != nil {
		return err
	}
	defer client.Close()
	store, err := library.OpenStore(o.Store)
	if err != nil {
		return fmt.Errorf("--store %s: %w", o.Store, err)
	}
	audit, err := library.OpenAuditor(o.Store, os.Stdout)
	if err != nil {
		return fmt.Errorf("--store %s: %w", o.Store, err)
	}
	defer audit.Close()

	ledger := library.NewFabricLedger(client, o.Channel, o.Chaincode, logger)
	members := library.NewMembership(ledger, o.ConfigRefresh, time.Now, logger)
	handler := library.NewHandler(library.HandlerConfig{
		Office: o.Office, MSPID: o.MSPID, MaxDocumentBytes: o.MaxDocumentBytes,
		Ledger: ledger, Members: members, Store: store, Audit: audit, Log: logger,
	})
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return fmt.Errorf("--listen %s: %w", o.Listen, err)
	}
	logger.Info("library listening", "office", o.Office, "msp", o.MSPID, "listen", ln.Addr().String(),
		"peer", o.Peer, "channel", o.Channel, "chaincode", o.Chaincode, "store", o.Store)
	go logLedgerView(ctx, ledger, logger)
	srv := library.NewServer(handler, cert, slog.NewLogLogger(logger.Handler(), slog.LevelWarn))
	err = library.Serve(ctx, srv, ln)
	logger.Info("library stopped")
	return err
}

func readable(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	return f.Close()
}

// logLedgerView shows at start-up what the library will judge by; a peer that is not reachable yet is only
// a warning, requests will read the ledger again.
func logLedgerView(ctx context.Context, ledger *library.FabricLedger, logger *slog.Logger) {
	msps, err := ledger.ChannelMSPs(ctx)
	if err != nil {
		logger.Warn("channel configuration not readable yet", "error", err)
	} else {
		ids := make([]string, len(msps))
		for i, m := range msps {
			ids[i] = fmt.Sprintf("%s(roots=%d,intermediates=%d,crls=%d)", m.ID, len(m.RootCerts), len(m.IntermediateCerts), len(m.CRLs))
		}
		logger.Info("channel MSPs", "msps", ids)
	}
	offices, err := ledger.Offices(ctx)
	if err != nil {
		logger.Warn("office registry not readable yet", "error", err)
		return
	}
	list := make([]string, len(offices))
	for i, o := range offices {
		list[i] = o.OfficeCode + "=" + o.MSPID + ":" + o.Status
	}
	logger.Info("office registry", "offices", list)
}
