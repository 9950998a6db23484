package fabric

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"time"

	gp "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// maxMessageBytes lets a large channel configuration or config block through (gRPC defaults to 4 MiB).
const maxMessageBytes = 100 << 20

// ClientConfig says how to reach one peer's gateway service.
type ClientConfig struct {
	Address    string // host:port
	ServerName string // TLS name to verify; "" = the host of Address
	TLSCAFile  string // PEM roots for the peer's TLS certificate
	// Optional TLS client certificate, for peers that require mutual TLS.
	TLSCertFile, TLSKeyFile string
	Timeout                 time.Duration // per call
}

// Client evaluates chaincode transactions through one peer's gateway.
type Client struct {
	conn     *grpc.ClientConn
	gateway  gp.GatewayClient
	identity *Identity
	timeout  time.Duration
}

// NewClient prepares a connection; gRPC connects lazily, so an unreachable peer shows up on the first call.
func NewClient(cfg ClientConfig, id *Identity) (*Client, error) {
	tlsConfig, err := cfg.tlsConfig()
	if err != nil {
		return nil, err
	}
	conn, err := grpc.NewClient(cfg.Address,
		grpc.WithTransportCredentials(credentials.NewTLS(tlsConfig)),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxMessageBytes)))
	if err != nil {
		return nil, fmt.Errorf("peer %s: %w", cfg.Address, err)
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	return &Client{conn: conn, gateway: gp.NewGatewayClient(conn), identity: id, timeout: timeout}, nil
}

func (cfg ClientConfig) tlsConfig() (*tls.Config, error) {
	pemBytes, err := os.ReadFile(cfg.TLSCAFile)
	if err != nil {
		return nil, fmt.Errorf("peer TLS CA: %w", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pemBytes) {
		return nil, fmt.Errorf("peer TLS CA %s: no PEM certificate found", cfg.TLSCAFile)
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots, ServerName: cfg.ServerName}
	if cfg.TLSCertFile != "" || cfg.TLSKeyFile != "" {
		pair, err := tls.LoadX509KeyPair(cfg.TLSCertFile, cfg.TLSKeyFile)
		if err != nil {
			return nil, fmt.Errorf("peer TLS client certificate %s / key %s: %w", cfg.TLSCertFile, cfg.TLSKeyFile, err)
		}
		c.Certificates = []tls.Certificate{pair}
	}
	return c, nil
}

// Close releases the connection.
func (c *Client) Close() error { return c.conn.Close() }

// Evaluate runs a query transaction on the peer and returns the chaincode's result bytes. A coded chaincode
// refusal comes back as *ChaincodeError; anything else (peer unreachable, access denied) as a plain error.
func (c *Client) Evaluate(ctx context.Context, channel, chaincode, function string, args ...string) ([]byte, error) {
	input := make([][]byte, 0, len(args)+1)
	input = append(input, []byte(function))
	for _, a := range args {
		input = append(input, []byte(a))
	}
	p, err := c.identity.NewProposal(channel, chaincode, input...)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	resp, err := c.gateway.Evaluate(ctx, &gp.EvaluateRequest{
		TransactionId:       p.TxID,
		ChannelId:           channel,
		ProposedTransaction: p.Signed,
	})
	if err != nil {
		if ce := chaincodeErrorFrom(err); ce != nil {
			return nil, ce
		}
		return nil, fmt.Errorf("evaluate %s/%s: %w", chaincode, function, err)
	}
	result := resp.GetResult()
	if result == nil {
		return nil, errors.New("evaluate " + function + ": empty response")
	}
	if result.GetStatus() >= 400 {
		if ce := parseChaincodeText(fmt.Sprintf("chaincode response %d, %s", result.GetStatus(), result.GetMessage())); ce != nil {
			return nil, ce
		}
		return nil, fmt.Errorf("evaluate %s/%s: status %d: %s", chaincode, function, result.GetStatus(), result.GetMessage())
	}
	return result.GetPayload(), nil
}
