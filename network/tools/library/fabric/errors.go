package fabric

import (
	"errors"
	"regexp"

	gp "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"google.golang.org/grpc/status"
)

// ChaincodeError is a refusal coded by the ipledger chaincode as "<CODE>: <message>" (chaincode/errs).
type ChaincodeError struct {
	Code    string
	Message string
}

func (e *ChaincodeError) Error() string { return e.Code + ": " + e.Message }

// CodeOf returns the chaincode code carried by err, or "" when err is not a coded chaincode refusal.
func CodeOf(err error) string {
	var ce *ChaincodeError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return ""
}

var (
	// The gateway wraps a failed chaincode response as "chaincode response <status>, <text>", in the status
	// message for evaluate and in the per-peer details.
	chaincodeResponse = regexp.MustCompile(`(?s)chaincode response \d{3}, (.*)`)
	codedMessage      = regexp.MustCompile(`(?s)^([A-Z][A-Z0-9_]*): (.*)$`)
)

// chaincodeErrorFrom extracts a coded chaincode refusal from a gRPC error, looking at the details first
// (they carry the peer's own words) and then the status message.
func chaincodeErrorFrom(err error) *ChaincodeError {
	st, ok := status.FromError(err)
	if !ok {
		return nil
	}
	var texts []string
	for _, d := range st.Details() {
		if detail, ok := d.(*gp.ErrorDetail); ok {
			texts = append(texts, detail.GetMessage())
		}
	}
	texts = append(texts, st.Message())
	for _, text := range texts {
		if ce := parseChaincodeText(text); ce != nil {
			return ce
		}
	}
	return nil
}

// parseChaincodeText returns the coded error in a gateway message, or nil when it carries none.
func parseChaincodeText(text string) *ChaincodeError {
	m := chaincodeResponse.FindStringSubmatch(text)
	if m == nil {
		return nil
	}
	c := codedMessage.FindStringSubmatch(m[1])
	if c == nil {
		return nil
	}
	return &ChaincodeError{Code: c[1], Message: c[2]}
}
