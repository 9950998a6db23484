package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/ipledger/ipledger/chaincode/errs"
	"github.com/ipledger/ipledger/chaincode/priority"
)

const maxOffices = 100

// officeInput is one office of a founding registry (InitConsortium, see
// founding.go and registry.go).
type officeInput struct {
	OfficeCode                string            `json:"officeCode"`
	MSPID                     string            `json:"mspId"`
	Name                      string            `json:"name"`
	Roles                     Roles             `json:"roles"`
	Calendar                  *CalendarSpec     `json:"calendar"`
	ApplicationNumberPatterns []NumberPatterns  `json:"applicationNumberPatterns"`
	RestorationPolicy         []RestorationRule `json:"restorationPolicy"`
}

// validateRegistryFields checks code, MSP ID and name of a new office.
func validateRegistryFields(code, msp, name string) error {
	if err := priority.ValidateOfficeCode(code); err != nil {
		return err
	}
	if err := priority.CheckMSPID(msp); err != nil {
		return err
	}
	return priority.CheckText("name", name, 1, maxNameLen)
}

// UpdateOfficeSettings replaces the caller's own calendar, number patterns
// and restoration policy. The settings key needs the office and a majority
// (CONTRACT.md §1), so the checks below run on honest peers.
func (c *Contract) UpdateOfficeSettings(ctx contractapi.TransactionContextInterface, settingsJSON string) (*Office, error) {
	t, caller, err := c.beginAsActiveOffice(ctx)
	if err != nil {
		return nil, err
	}
	var in settingsInput
	if err := decodeStrict("settingsJSON", []byte(settingsJSON), &in); err != nil {
		return nil, err
	}
	if in.Calendar == nil || in.ApplicationNumberPatterns == nil || in.RestorationPolicy == nil {
		return nil, errs.New(errs.InvalidArgument, "settingsJSON needs calendar, applicationNumberPatterns and restorationPolicy (use [] for none)")
	}
	next, err := canonicalSettings(caller.OfficeCode, in.Calendar, in.ApplicationNumberPatterns, in.RestorationPolicy)
	if err != nil {
		return nil, err
	}
	prev, err := t.loadSettings(caller.OfficeCode)
	if err != nil {
		return nil, err
	}
	next.SettingsVersion, next.SettingsUpdatedAt = prev.SettingsVersion+1, t.now
	active, err := t.activeMSPs()
	if err != nil {
		return nil, err
	}
	if err := t.putSettings(next, caller.MSPID, active); err != nil {
		return nil, err
	}
	if err := t.emit("OfficeSettingsUpdated", event{
		RecordType: recOffice, RecordID: caller.OfficeCode, OfficeCode: caller.OfficeCode, Status: caller.Status,
	}); err != nil {
		return nil, err
	}
	return result(officeView(caller, next))
}

// GetCallerOffice returns the office bound to the caller's MSP.
func (c *Contract) GetCallerOffice(ctx contractapi.TransactionContextInterface) (*Office, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	o, err := t.callerOffice()
	if err != nil {
		return nil, err
	}
	s, err := t.loadSettings(o.OfficeCode)
	if err != nil {
		return nil, err
	}
	return result(officeView(o, s))
}

// GetOffice returns one office.
func (c *Contract) GetOffice(ctx contractapi.TransactionContextInterface, officeCode string) (*Office, error) {
	t, err := c.queryTxn(ctx)
	if err != nil {
		return nil, err
	}
	if err := priority.ValidateOfficeCode(officeCode); err != nil {
		return nil, err
	}
	o, found, err := t.loadOffice(officeCode)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errs.New(errs.NotFound, "office %s is not registered", officeCode)
	}
	s, err := t.loadSettings(officeCode)
	if err != nil {
		return nil, err
	}
	return result(officeView(o, s))
}

// ListOffices pages through the registry in office-code order.
func (c *Contract) ListOffices(ctx contractapi.TransactionContextInterface, pageSize, bookmark string) (*OfficePage, error) {
	t, err := c.queryTxn(ctx)
	if err != nil {
		return nil, err
	}
	r, err := t.compositeRange(kindOffice)
	if err != nil {
		return nil, err
	}
	p, err := listRecords[officeRecord](t, r, pageSize, bookmark, nil)
	if err != nil {
		return nil, err
	}
	out := page[Office]{Records: make([]Office, 0, len(p.Records)), FetchedCount: p.FetchedCount, Bookmark: p.Bookmark}
	for _, o := range p.Records {
		s, err := t.loadSettings(o.OfficeCode)
		if isInvalidRecord(err) {
			continue // as listRecords: never let one office's record break the registry listing
		}
		if err != nil {
			return nil, err
		}
		out.Records = append(out.Records, officeView(o, s))
	}
	return result(OfficePage(out))
}
