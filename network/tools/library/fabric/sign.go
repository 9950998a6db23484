package fabric

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"math/big"
)

// Sign returns the DER ECDSA signature over SHA-256(message), with S folded into the lower half of the group
// order: Fabric's MSP rejects high-S signatures to rule out signature malleability.
func (id *Identity) Sign(message []byte) ([]byte, error) {
	digest := sha256.Sum256(message)
	r, s, err := ecdsa.Sign(rand.Reader, id.Key, digest[:])
	if err != nil {
		return nil, err
	}
	s = lowS(id.Key.Params().N, s)
	return asn1.Marshal(struct{ R, S *big.Int }{r, s})
}

// lowS maps s to n-s when s > n/2; both verify, only the low one is accepted by Fabric.
func lowS(n, s *big.Int) *big.Int {
	half := new(big.Int).Rsh(n, 1)
	if s.Cmp(half) > 0 {
		return new(big.Int).Sub(n, s)
	}
	return s
}
