// Command ipledger-cc serves the ipledger chaincode as an external
// (chaincode-as-a-service) server; the peer connects to it. Configuration is
// read from the environment, see config.go.
package main

import (
	"fmt"
	"os"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/ipledger/ipledger/chaincode/contract"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "ipledger-cc:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := loadConfig(os.Getenv, os.ReadFile)
	if err != nil {
		return err
	}
	cc, err := contract.NewChaincode()
	if err != nil {
		return fmt.Errorf("building the chaincode: %w", err)
	}
	server := &shim.ChaincodeServer{
		CCID:     cfg.ChaincodeID,
		Address:  cfg.Address,
		CC:       cc,
		TLSProps: cfg.TLS,
	}
	fmt.Fprintf(os.Stderr, "ipledger-cc: serving %s for a peer of %s on %s (TLS %s)\n", cfg.ChaincodeID, cfg.PeerMSP, cfg.Address, cfg.tlsMode())
	if err := server.Start(); err != nil {
		return fmt.Errorf("chaincode server stopped: %w", err)
	}
	return nil
}
