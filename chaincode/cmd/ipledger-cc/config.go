package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"strconv"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/ipledger/ipledger/chaincode/priority"
)

// Environment variables of the chaincode-as-a-service runtime contract.
const (
	envAddress     = "CHAINCODE_SERVER_ADDRESS"
	envID          = "CHAINCODE_ID"
	envTLSDisabled = "CHAINCODE_TLS_DISABLED"
	envTLSKey      = "CHAINCODE_TLS_KEY_FILE"
	envTLSCert     = "CHAINCODE_TLS_CERT_FILE"
	envClientCA    = "CHAINCODE_CLIENT_CA_FILE"
	// envPeerMSP is Fabric's own name for the peer's organisation, which the
	// shim reads (shim.GetMSPID). A peer sets it for chaincode it launches;
	// a chaincode server must be given it.
	envPeerMSP = "CORE_PEER_LOCALMSPID"
)

type config struct {
	Address     string
	ChaincodeID string
	PeerMSP     string
	TLS         shim.TLSProperties
}

func (c config) tlsMode() string {
	switch {
	case c.TLS.Disabled:
		return "disabled"
	case c.TLS.ClientCACerts != nil:
		return "with client authentication"
	}
	return "enabled"
}

// loadConfig validates the environment up front so that a misconfigured
// container fails at once with a message naming the variable, instead of
// failing later inside the shim with a generic TLS error.
func loadConfig(getenv func(string) string, readFile func(string) ([]byte, error)) (config, error) {
	var cfg config
	cfg.Address = getenv(envAddress)
	if cfg.Address == "" {
		return config{}, fmt.Errorf("%s is not set (expected host:port, e.g. 0.0.0.0:9999)", envAddress)
	}
	if _, port, err := net.SplitHostPort(cfg.Address); err != nil {
		return config{}, fmt.Errorf("%s=%q is not host:port: %v", envAddress, cfg.Address, err)
	} else if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return config{}, fmt.Errorf("%s=%q has an invalid port", envAddress, cfg.Address)
	}
	cfg.ChaincodeID = getenv(envID)
	if cfg.ChaincodeID == "" {
		return config{}, fmt.Errorf("%s is not set (expected the chaincode package ID, e.g. ipledger_1.0:<hash>)", envID)
	}
	// Required although only founding reads it: a server that cannot tell its
	// peer's organisation would refuse to endorse founding much later.
	cfg.PeerMSP = getenv(envPeerMSP)
	if err := priority.CheckMSPID(cfg.PeerMSP); err != nil {
		return config{}, fmt.Errorf("%s=%q must be the MSP ID of the peer this server serves, e.g. JPMSP", envPeerMSP, cfg.PeerMSP)
	}

	switch v := getenv(envTLSDisabled); v {
	case "true":
		cfg.TLS.Disabled = true
		return cfg, nil
	case "", "false":
	default:
		return config{}, fmt.Errorf("%s=%q must be \"true\" or \"false\" (unset means false)", envTLSDisabled, v)
	}

	key, err := readPEMFile(getenv, readFile, envTLSKey)
	if err != nil {
		return config{}, err
	}
	cert, err := readPEMFile(getenv, readFile, envTLSCert)
	if err != nil {
		return config{}, err
	}
	if _, err := tls.X509KeyPair(cert, key); err != nil {
		return config{}, fmt.Errorf("%s and %s do not form a valid TLS key pair: %v", envTLSCert, envTLSKey, err)
	}
	cfg.TLS.Key, cfg.TLS.Cert = key, cert

	if getenv(envClientCA) != "" {
		ca, err := readPEMFile(getenv, readFile, envClientCA)
		if err != nil {
			return config{}, err
		}
		if !x509.NewCertPool().AppendCertsFromPEM(ca) {
			return config{}, fmt.Errorf("%s contains no PEM certificate", envClientCA)
		}
		// With client CAs set, the shim requires and verifies the peer's
		// client certificate.
		cfg.TLS.ClientCACerts = ca
	}
	return cfg, nil
}

func readPEMFile(getenv func(string) string, readFile func(string) ([]byte, error), name string) ([]byte, error) {
	path := getenv(name)
	if path == "" {
		return nil, fmt.Errorf("%s is not set (required unless %s=true)", name, envTLSDisabled)
	}
	data, err := readFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s=%q cannot be read: %v", name, path, err)
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("%s=%q is empty", name, path)
	}
	return data, nil
}
