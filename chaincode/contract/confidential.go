package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/ipledger/ipledger/chaincode/errs"
	"github.com/ipledger/ipledger/chaincode/priority"
)

// Transient keys.
const (
	transientConfidential = "confidential"
	transientAccessCode   = "accessCode"
)

// Applicant of a first filing (private).
type Applicant struct {
	Name        string `json:"name"`
	CountryCode string `json:"countryCode"`
}

// Contact of the applicant or representative (private).
type Contact struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

type confidentialInput struct {
	Salt       string      `json:"salt"`
	Title      string      `json:"title"`
	Applicants []Applicant `json:"applicants"`
	Contact    Contact     `json:"contact"`
}

// FilingConfidential is stored in the owner's implicit collection. The salt
// is part of the hashed bytes, so its public hash cannot be confirmed by
// guessing names or titles.
type FilingConfidential struct {
	FilingID   string      `json:"filingId"`
	Salt       string      `json:"salt"`
	Title      string      `json:"title"`
	Applicants []Applicant `json:"applicants"`
	Contact    Contact     `json:"contact"`
}

// confidentialCommitment is the public commitment to the owner's private
// confidential record: confidentialHash equals Fabric's hash of the private
// value. It has a key of its own under the owner's policy because only the
// owner relies on it and it is written with the private data by the owner's
// peer alone; the public filing needs a majority, whose peers must never be
// sent the confidential data.
type confidentialCommitment struct {
	FilingID         string `json:"filingId"`
	ConfidentialHash string `json:"confidentialHash"` // "" until SetFilingConfidential
	UpdatedAt        string `json:"updatedAt"`
}

func (t *txn) putCommitment(r filingRef, c confidentialCommitment) error {
	key, err := t.key(kindConfidentialHash, r.attrs()...)
	if err != nil {
		return err
	}
	return t.putJSON(key, c)
}

type accessCodeInput struct {
	AccessCode string `json:"accessCode"`
	Salt       string `json:"salt"`
}

// accessCodeRecord is stored privately; the code itself never is.
type accessCodeRecord struct {
	FilingID    string `json:"filingId"`
	Salt        string `json:"salt"`
	CodeHash    string `json:"codeHash"`
	CodeVersion int    `json:"codeVersion"`
}

// hashAccessCode is the salted hash documented in CONTRACT.md §1. Codes are
// case-insensitive hex, so they are upper-cased first.
func hashAccessCode(salt, code string) string {
	sum := sha256.Sum256([]byte("ipledger/access-code/v1\n" + salt + "\n" + strings.ToUpper(code)))
	return hex.EncodeToString(sum[:])
}

func validateConfidential(in confidentialInput) error {
	if err := priority.CheckHex("salt", in.Salt, priority.MinSaltLen, priority.MaxSaltLen); err != nil {
		return err
	}
	if err := priority.CheckText("title", in.Title, 1, 1000); err != nil {
		return err
	}
	if len(in.Applicants) < 1 || len(in.Applicants) > 50 {
		return errs.New(errs.InvalidArgument, "applicants must list 1 to 50 applicants")
	}
	for _, a := range in.Applicants {
		if err := priority.CheckText("applicant name", a.Name, 1, 300); err != nil {
			return err
		}
		if a.CountryCode != "" {
			if err := priority.ValidateOfficeCode(a.CountryCode); err != nil {
				return err
			}
		}
	}
	if in.Contact.Name != "" {
		if err := priority.CheckText("contact name", in.Contact.Name, 1, 300); err != nil {
			return err
		}
	}
	return priority.CheckEmail("contact email", in.Contact.Email)
}

// SetFilingConfidential stores (or replaces) the confidential part of the
// caller's first filing in its implicit collection and publishes its hash in
// the filing's confidential commitment. Endorsed by the owner's peer only: it
// writes the owner's collection and the commitment key, both owner-only.
func (c *Contract) SetFilingConfidential(ctx contractapi.TransactionContextInterface, filingID string) (*FirstFiling, error) {
	t, caller, err := c.beginAsActiveOffice(ctx)
	if err != nil {
		return nil, err
	}
	f, err := t.ownedFiling(caller, filingID)
	if err != nil {
		return nil, err
	}
	tm, err := t.requireTransient(transientConfidential)
	if err != nil {
		return nil, err
	}
	var in confidentialInput
	if err := decodeStrict("transient confidential", tm[transientConfidential], &in); err != nil {
		return nil, err
	}
	if err := validateConfidential(in); err != nil {
		return nil, err
	}
	if f.Status == filingWithdrawn {
		return nil, errs.New(errs.InvalidTransition, "first filing %s is withdrawn", f.ID)
	}
	var commitment confidentialCommitment
	if found, err := t.load(kindConfidentialHash, f.ref().attrs(), &commitment); err != nil {
		return nil, err
	} else if !found {
		// Creating the key would need MAJORITY endorsers, who would receive
		// the confidential data.
		return nil, errs.New(errs.InvalidTransition, "first filing %s was deposited before confidential commitments existed; its confidential data cannot be set", f.ID)
	}
	rec := FilingConfidential{FilingID: f.ID, Salt: strings.ToLower(in.Salt), Title: in.Title, Applicants: in.Applicants, Contact: in.Contact}
	raw, err := marshal(rec)
	if err != nil {
		return nil, err
	}
	key, err := t.key(kindConfidential, f.ref().attrs()...)
	if err != nil {
		return nil, err
	}
	if err := t.stub.PutPrivateData(implicitCollection(caller.MSPID), key, raw); err != nil {
		return nil, errs.Internalf("writing private data: %v", err)
	}
	// Equal to Fabric's own hash of the private value, so any peer can check
	// it with GetPrivateDataHash (CheckConfidentialIntegrity).
	sum := sha256.Sum256(raw)
	commitment.ConfidentialHash, commitment.UpdatedAt = hex.EncodeToString(sum[:]), t.now
	if err := t.putCommitment(f.ref(), commitment); err != nil {
		return nil, err
	}
	if err := t.emit("FirstFilingConfidentialUpdated", event{RecordType: recFiling, RecordID: f.ID, OfficeCode: caller.OfficeCode, Status: f.Status}); err != nil {
		return nil, err
	}
	f.ConfidentialHash, f.UpdatedAt = commitment.ConfidentialHash, t.now // the view, as filingView would read it after commit
	return result(f)
}

// SetAccessCode sets or changes the DAS access code of the caller's filing.
// Only a salted hash is stored, privately; the public access record shows
// that a code exists and its version.
func (c *Contract) SetAccessCode(ctx contractapi.TransactionContextInterface, filingID string) (*AccessRecord, error) {
	t, caller, err := c.beginAsActiveOffice(ctx)
	if err != nil {
		return nil, err
	}
	f, err := t.ownedFiling(caller, filingID)
	if err != nil {
		return nil, err
	}
	tm, err := t.requireTransient(transientAccessCode)
	if err != nil {
		return nil, err
	}
	var in accessCodeInput
	if err := decodeStrict("transient accessCode", tm[transientAccessCode], &in); err != nil {
		return nil, err
	}
	if err := priority.CheckHex("accessCode", in.AccessCode, priority.MinAccessCodeLen, priority.MaxAccessCodeLen); err != nil {
		return nil, err
	}
	if err := priority.CheckHex("salt", in.Salt, priority.MinSaltLen, priority.MaxSaltLen); err != nil {
		return nil, err
	}
	if f.Status == filingWithdrawn {
		return nil, errs.New(errs.InvalidTransition, "first filing %s is withdrawn", f.ID)
	}
	a, err := t.loadAccess(f.ref())
	if err != nil {
		return nil, err
	}
	a.AccessCodeSet, a.AccessCodeVersion, a.AccessCodeSetAt, a.UpdatedAt = true, a.AccessCodeVersion+1, t.now, t.now
	salt := strings.ToLower(in.Salt)
	rec := accessCodeRecord{FilingID: f.ID, Salt: salt, CodeHash: hashAccessCode(salt, in.AccessCode), CodeVersion: a.AccessCodeVersion}
	raw, err := marshal(rec)
	if err != nil {
		return nil, err
	}
	key, err := t.key(kindAccessCode, f.ref().attrs()...)
	if err != nil {
		return nil, err
	}
	if err := t.stub.PutPrivateData(implicitCollection(caller.MSPID), key, raw); err != nil {
		return nil, errs.Internalf("writing private data: %v", err)
	}
	if err := t.putAccess(f.ref(), a); err != nil {
		return nil, err
	}
	if err := t.emit("AccessCodeChanged", event{RecordType: recAccess, RecordID: f.ID, OfficeCode: caller.OfficeCode, Status: f.Status}); err != nil {
		return nil, err
	}
	return result(a)
}

// GetFilingConfidential returns the confidential record to its owner. It must
// be evaluated on the owner's own peer (other peers do not hold the data).
func (c *Contract) GetFilingConfidential(ctx contractapi.TransactionContextInterface, filingID string) (*FilingConfidential, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	caller, err := t.callerOffice()
	if err != nil {
		return nil, err
	}
	f, err := t.ownedFiling(caller, filingID)
	if err != nil {
		return nil, err
	}
	key, err := t.key(kindConfidential, f.ref().attrs()...)
	if err != nil {
		return nil, err
	}
	raw, err := t.getPrivate(implicitCollection(caller.MSPID), key)
	if err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, errs.New(errs.NotFound, "no confidential data is available for %s on this peer", f.ID)
	}
	var rec FilingConfidential
	if err := decodeStored(raw, f.ref().attrs(), &rec); err != nil {
		return nil, err
	}
	return &rec, nil
}

type ConfidentialIntegrity struct {
	FilingID         string `json:"filingId"`
	ConfidentialHash string `json:"confidentialHash"`
	PrivateDataHash  string `json:"privateDataHash"`
	Match            bool   `json:"match"`
}

// CheckConfidentialIntegrity compares the public confidentialHash (of the
// commitment) with the hash Fabric keeps of the private value on every peer.
func (c *Contract) CheckConfidentialIntegrity(ctx contractapi.TransactionContextInterface, filingID string) (*ConfidentialIntegrity, error) {
	t, err := c.queryTxn(ctx)
	if err != nil {
		return nil, err
	}
	r, err := parseFilingID(filingID)
	if err != nil {
		return nil, err
	}
	f, err := t.requireFilingView(r)
	if err != nil {
		return nil, err
	}
	owner, err := t.requireOffice(f.OfficeCode)
	if err != nil {
		return nil, err
	}
	key, err := t.key(kindConfidential, r.attrs()...)
	if err != nil {
		return nil, err
	}
	h, err := t.stub.GetPrivateDataHash(implicitCollection(owner.MSPID), key)
	if err != nil {
		return nil, errs.Internalf("reading private data hash: %v", err)
	}
	out := ConfidentialIntegrity{FilingID: f.ID, ConfidentialHash: f.ConfidentialHash, PrivateDataHash: hex.EncodeToString(h)}
	out.Match = out.ConfidentialHash != "" && out.ConfidentialHash == out.PrivateDataHash
	return result(out)
}
