package library

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"time"
)

// Options are the command-line settings; the operator generates them (client/ipledger/consortium/compose.py).
type Options struct {
	Office, MSPID, Listen     string
	TLSCert, TLSKey           string
	Peer, PeerTLSCA           string
	PeerServerName            string
	PeerClientCert            string // optional: TLS client certificate when the peer requires mutual TLS
	PeerClientKey             string
	IdentityCert, IdentityKey string
	Channel, Chaincode        string
	Store                     string
	MaxDocumentBytes          int64
	ConfigRefresh             time.Duration
}

var (
	officeCodeSyntax = regexp.MustCompile(`^[A-Z]{2}$`)
	mspIDSyntax      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
)

// ParseOptions parses the command line; flag errors and usage go to output. Any error means exit status 2.
func ParseOptions(args []string, output io.Writer) (Options, error) {
	var o Options
	fs := flag.NewFlagSet("library", flag.ContinueOnError)
	fs.SetOutput(output)
	fs.StringVar(&o.Office, "office", "", "code of the office this library belongs to, e.g. JP")
	fs.StringVar(&o.MSPID, "msp-id", "", "MSP ID of that office, e.g. JPMSP")
	fs.StringVar(&o.Listen, "listen", "", "HTTPS listen address, e.g. 0.0.0.0:7057")
	fs.StringVar(&o.TLSCert, "tls-cert", "", "PEM server certificate")
	fs.StringVar(&o.TLSKey, "tls-key", "", "PEM server key")
	fs.StringVar(&o.Peer, "peer", "", "the office's peer gateway, host:port")
	fs.StringVar(&o.PeerTLSCA, "peer-tls-ca", "", "PEM roots for the peer's TLS certificate")
	fs.StringVar(&o.PeerServerName, "peer-server-name", "", "TLS server name of the peer (default: host of --peer)")
	fs.StringVar(&o.PeerClientCert, "peer-client-cert", "", "PEM TLS client certificate for a peer requiring mutual TLS")
	fs.StringVar(&o.PeerClientKey, "peer-client-key", "", "PEM TLS client key for a peer requiring mutual TLS")
	fs.StringVar(&o.IdentityCert, "identity-cert", "", "PEM enrollment certificate of a client of the office's MSP")
	fs.StringVar(&o.IdentityKey, "identity-key", "", "PEM (PKCS#8) EC private key of that client")
	fs.StringVar(&o.Channel, "channel", "", "channel name")
	fs.StringVar(&o.Chaincode, "chaincode", "", "chaincode name")
	fs.StringVar(&o.Store, "store", "", "directory holding the documents")
	fs.Int64Var(&o.MaxDocumentBytes, "max-document-bytes", 0, "largest document accepted for upload")
	fs.DurationVar(&o.ConfigRefresh, "config-refresh", 30*time.Second, "how long the channel configuration is cached")
	if err := fs.Parse(args); err != nil {
		return Options{}, err
	}
	if fs.NArg() > 0 {
		return Options{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return o, o.validate()
}

func (o Options) validate() error {
	var problems []error
	required := []struct{ name, value string }{
		{"office", o.Office}, {"msp-id", o.MSPID}, {"listen", o.Listen}, {"tls-cert", o.TLSCert},
		{"tls-key", o.TLSKey}, {"peer", o.Peer}, {"peer-tls-ca", o.PeerTLSCA},
		{"identity-cert", o.IdentityCert}, {"identity-key", o.IdentityKey}, {"channel", o.Channel},
		{"chaincode", o.Chaincode}, {"store", o.Store},
	}
	for _, r := range required {
		if r.value == "" {
			problems = append(problems, fmt.Errorf("--%s is required", r.name))
		}
	}
	if o.Office != "" && !officeCodeSyntax.MatchString(o.Office) {
		problems = append(problems, fmt.Errorf("--office %q is not a two-letter office code", o.Office))
	}
	if o.MSPID != "" && !mspIDSyntax.MatchString(o.MSPID) {
		problems = append(problems, fmt.Errorf("--msp-id %q is not a valid MSP ID", o.MSPID))
	}
	if o.MaxDocumentBytes <= 0 {
		problems = append(problems, errors.New("--max-document-bytes must be a positive number of bytes"))
	}
	if o.ConfigRefresh < time.Second {
		problems = append(problems, errors.New("--config-refresh must be at least 1s"))
	}
	if (o.PeerClientCert == "") != (o.PeerClientKey == "") {
		problems = append(problems, errors.New("--peer-client-cert and --peer-client-key go together"))
	}
	return errors.Join(problems...)
}
