package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/ipledger/ipledger/chaincode/errs"
)

// mspBinding is the value of the MSP → office index.
type mspBinding struct {
	OfficeCode string `json:"officeCode"`
}

// callerMSP returns the MSP ID of the submitting identity. It is the only
// source of the caller's office: office codes in arguments are never trusted.
func (t *txn) callerMSP() (string, error) {
	ci := t.ctx.GetClientIdentity()
	if ci == nil {
		return "", errs.New(errs.NotAuthorized, "the caller's identity cannot be determined")
	}
	msp, err := ci.GetMSPID()
	if err != nil || msp == "" {
		return "", errs.New(errs.NotAuthorized, "the caller's MSP ID cannot be determined")
	}
	return msp, nil
}

// callerIsAdmin reports whether the submitting identity is an administrator of its MSP: with NodeOUs the
// certificate carries the organisational unit "admin".
func (t *txn) callerIsAdmin() bool {
	ci := t.ctx.GetClientIdentity()
	if ci == nil {
		return false
	}
	cert, err := ci.GetX509Certificate()
	if err != nil || cert == nil {
		return false
	}
	for _, unit := range cert.Subject.OrganizationalUnit {
		if unit == "admin" {
			return true
		}
	}
	return false
}

// beginAsActiveOffice starts a submit transaction whose caller must be an ACTIVE office.
func (c *Contract) beginAsActiveOffice(ctx contractapi.TransactionContextInterface) (*txn, officeRecord, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, officeRecord{}, err
	}
	caller, err := t.activeCaller()
	if err != nil {
		return nil, officeRecord{}, err
	}
	return t, caller, nil
}

// queryTxn starts a query: any registered office may read public state.
func (c *Contract) queryTxn(ctx contractapi.TransactionContextInterface) (*txn, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := t.callerOffice(); err != nil {
		return nil, err
	}
	return t, nil
}

// callerOffice resolves the calling office (any status); for queries.
func (t *txn) callerOffice() (officeRecord, error) {
	msp, err := t.callerMSP()
	if err != nil {
		return officeRecord{}, err
	}
	var b mspBinding
	found, err := t.load(kindMSPOffice, []string{msp}, &b)
	if err != nil {
		return officeRecord{}, err
	}
	if !found {
		return officeRecord{}, errs.New(errs.UnknownOffice, "MSP %s is not bound to a registered office", msp)
	}
	o, found, err := t.loadOffice(b.OfficeCode)
	if err != nil {
		return officeRecord{}, err
	}
	if !found {
		return officeRecord{}, errs.Internalf("MSP %s is bound to missing office %s", msp, b.OfficeCode)
	}
	return o, nil
}

// activeCaller resolves the calling office and requires it to be ACTIVE; for
// every submit transaction.
func (t *txn) activeCaller() (officeRecord, error) {
	o, err := t.callerOffice()
	if err != nil {
		return officeRecord{}, err
	}
	if o.Status != statusActive {
		return officeRecord{}, errs.New(errs.OfficeSuspended, "office %s is suspended", o.OfficeCode)
	}
	return o, nil
}

func (t *txn) loadOffice(code string) (officeRecord, bool, error) {
	var o officeRecord
	found, err := t.load(kindOffice, []string{code}, &o)
	return o, found, err
}

// requireOffice loads a registered office named in an argument.
func (t *txn) requireOffice(code string) (officeRecord, error) {
	o, found, err := t.loadOffice(code)
	if err != nil {
		return officeRecord{}, err
	}
	if !found {
		return officeRecord{}, errs.New(errs.UnknownOffice, "office %s is not registered", code)
	}
	return o, nil
}

func (t *txn) loadSettings(code string) (settingsRecord, error) {
	var s settingsRecord
	found, err := t.load(kindSettings, []string{code}, &s)
	if err != nil {
		return settingsRecord{}, err
	}
	if !found {
		return settingsRecord{}, errs.Internalf("settings of office %s are missing", code)
	}
	return s, nil
}

func (t *txn) putOffice(o officeRecord) error {
	key, err := t.key(kindOffice, o.OfficeCode)
	if err != nil {
		return err
	}
	return t.putJSON(key, o)
}

// putSettings stores an office's settings under the policy "the office and a
// majority of the ACTIVE offices" (active = their MSPs): every office's
// deadlines and claims are computed with them, so the office cannot change
// them alone, and honest peers check each change.
func (t *txn) putSettings(s settingsRecord, ownerMSP string, active []string) error {
	key, err := t.key(kindSettings, s.OfficeCode)
	if err != nil {
		return err
	}
	if err := t.putJSON(key, s); err != nil {
		return err
	}
	return t.setPolicy(key, ownerAndMajority(ownerMSP, active))
}

func (t *txn) bindMSP(msp, code string) error {
	key, err := t.key(kindMSPOffice, msp)
	if err != nil {
		return err
	}
	return t.putJSON(key, mspBinding{OfficeCode: code})
}

// createOffice writes a new registry entry, its MSP binding and its
// settings; active are the MSPs of the ACTIVE offices once it exists.
func (t *txn) createOffice(o officeRecord, s settingsRecord, active []string) error {
	if err := t.putOffice(o); err != nil {
		return err
	}
	if err := t.bindMSP(o.MSPID, o.OfficeCode); err != nil {
		return err
	}
	return t.putSettings(s, o.MSPID, active)
}

// mspBound reports whether an MSP ID is already bound to an office.
func (t *txn) mspBound(msp string) (bool, error) {
	var b mspBinding
	return t.load(kindMSPOffice, []string{msp}, &b)
}

// allOffices lists the registry (small: one entry per member office).
func (t *txn) allOffices() ([]officeRecord, error) {
	var out []officeRecord
	err := t.iterateAll(kindOffice, nil, func(k string, v []byte) (bool, error) {
		var o officeRecord
		if err := t.decodeAt(k, v, &o); err != nil {
			return false, err
		}
		out = append(out, o)
		return false, nil
	})
	return out, err
}
