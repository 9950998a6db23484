// Command healthprobe checks a Fabric operations endpoint from inside a FROM-scratch container, where no
// curl or shell exists. It exits 0 when the URL answers 200, 1 otherwise, printing why.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

func main() {
	caFile := flag.String("cacert", "", "PEM file with the CA that signed the endpoint's TLS certificate")
	timeout := flag.Duration("timeout", 2*time.Second, "how long to wait for an answer")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: healthprobe [--cacert FILE] URL")
		os.Exit(2)
	}
	if err := probe(flag.Arg(0), *caFile, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "unhealthy:", err)
		os.Exit(1)
	}
}

func probe(url, caFile string, timeout time.Duration) error {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("no certificate found in %s", caFile)
		}
		cfg.RootCAs = pool
	}
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{TLSClientConfig: cfg}}
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %d: %s", url, resp.StatusCode, body)
	}
	return nil
}
