package contract

import (
	"slices"
	"strings"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/ipledger/ipledger/chaincode/errs"
	"github.com/ipledger/ipledger/chaincode/priority"
)

const maxOffices = 100

// officeInput is one office of InitConsortium (and the registry part of an
// ADD_OFFICE proposal).
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

// InitConsortium registers the founding offices. It runs once, right after
// deployment, while the registry is empty; the caller must be one of them.
func (c *Contract) InitConsortium(ctx contractapi.TransactionContextInterface, officesJSON string) (string, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return "", err
	}
	callerMSP, err := t.callerMSP()
	if err != nil {
		return "", err
	}
	var in []officeInput
	if err := decodeStrict("officesJSON", []byte(officesJSON), &in); err != nil {
		return "", err
	}
	if len(in) == 0 || len(in) > maxOffices {
		return "", errs.New(errs.InvalidArgument, "officesJSON must list 1 to %d offices", maxOffices)
	}
	existing, err := t.allOffices()
	if err != nil {
		return "", err
	}
	if len(existing) > 0 {
		return "", errs.New(errs.AlreadyExists, "the consortium is already initialised")
	}
	// Whoever initialises decides the founding registry: an administrator, not any client of a member.
	if !t.callerIsAdmin() {
		return "", errs.New(errs.NotAuthorized, "InitConsortium needs an administrator identity (NodeOU admin) of a listed office")
	}

	offices := make([]officeRecord, 0, len(in))
	settings := make([]settingsRecord, 0, len(in))
	codes, msps := map[string]bool{}, map[string]bool{}
	callerListed := false
	for _, o := range in {
		if err := validateRegistryFields(o.OfficeCode, o.MSPID, o.Name); err != nil {
			return "", err
		}
		if codes[o.OfficeCode] || msps[o.MSPID] {
			return "", errs.New(errs.AlreadyExists, "office %s or MSP %s is listed twice", o.OfficeCode, o.MSPID)
		}
		codes[o.OfficeCode], msps[o.MSPID] = true, true
		roles, err := canonicalRoles(o.Roles)
		if err != nil {
			return "", err
		}
		s, err := canonicalSettings(o.OfficeCode, o.Calendar, o.ApplicationNumberPatterns, o.RestorationPolicy)
		if err != nil {
			return "", err
		}
		s.SettingsVersion, s.SettingsUpdatedAt = 1, t.now
		offices = append(offices, officeRecord{
			OfficeCode: o.OfficeCode, MSPID: o.MSPID, Name: o.Name, Status: statusActive,
			Roles: roles, CreatedAt: t.now, UpdatedAt: t.now,
		})
		settings = append(settings, s)
		callerListed = callerListed || o.MSPID == callerMSP
	}
	if !callerListed {
		return "", errs.New(errs.NotAuthorized, "the caller's MSP %s is not one of the founding offices", callerMSP)
	}

	// Write in code order so the write set does not depend on input order.
	order := make([]int, len(offices))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(offices[a].OfficeCode, offices[b].OfficeCode) })
	// The registry is written by this transaction, so the founders' MSPs
	// come from the input (a peer reads committed state only).
	founders := make([]string, 0, len(offices))
	for _, o := range offices {
		founders = append(founders, o.MSPID)
	}
	slices.Sort(founders)
	views := make([]Office, 0, len(offices))
	sortedCodes := make([]string, 0, len(offices))
	for _, i := range order {
		if err := t.createOffice(offices[i], settings[i], founders); err != nil {
			return "", err
		}
		views = append(views, officeView(offices[i], settings[i]))
		sortedCodes = append(sortedCodes, offices[i].OfficeCode)
	}
	callerCode := ""
	for _, o := range offices {
		if o.MSPID == callerMSP {
			callerCode = o.OfficeCode
		}
	}
	if err := t.emit("ConsortiumInitialised", event{
		RecordType: recOffice, RecordID: strings.Join(sortedCodes, ","), OfficeCode: callerCode, Status: statusActive,
	}); err != nil {
		return "", err
	}
	return result(views)
}

// UpdateOfficeSettings replaces the caller's own calendar, number patterns
// and restoration policy. The settings key needs the office and a majority
// (CONTRACT.md §1), so the checks below run on honest peers.
func (c *Contract) UpdateOfficeSettings(ctx contractapi.TransactionContextInterface, settingsJSON string) (string, error) {
	t, caller, err := c.beginAsActiveOffice(ctx)
	if err != nil {
		return "", err
	}
	var in settingsInput
	if err := decodeStrict("settingsJSON", []byte(settingsJSON), &in); err != nil {
		return "", err
	}
	if in.Calendar == nil || in.ApplicationNumberPatterns == nil || in.RestorationPolicy == nil {
		return "", errs.New(errs.InvalidArgument, "settingsJSON needs calendar, applicationNumberPatterns and restorationPolicy (use [] for none)")
	}
	next, err := canonicalSettings(caller.OfficeCode, in.Calendar, in.ApplicationNumberPatterns, in.RestorationPolicy)
	if err != nil {
		return "", err
	}
	prev, err := t.loadSettings(caller.OfficeCode)
	if err != nil {
		return "", err
	}
	next.SettingsVersion, next.SettingsUpdatedAt = prev.SettingsVersion+1, t.now
	active, err := t.activeMSPs()
	if err != nil {
		return "", err
	}
	if err := t.putSettings(next, caller.MSPID, active); err != nil {
		return "", err
	}
	if err := t.emit("OfficeSettingsUpdated", event{
		RecordType: recOffice, RecordID: caller.OfficeCode, OfficeCode: caller.OfficeCode, Status: caller.Status,
	}); err != nil {
		return "", err
	}
	return result(officeView(caller, next))
}

// GetCallerOffice returns the office bound to the caller's MSP.
func (c *Contract) GetCallerOffice(ctx contractapi.TransactionContextInterface) (string, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return "", err
	}
	o, err := t.callerOffice()
	if err != nil {
		return "", err
	}
	s, err := t.loadSettings(o.OfficeCode)
	if err != nil {
		return "", err
	}
	return result(officeView(o, s))
}

// GetOffice returns one office.
func (c *Contract) GetOffice(ctx contractapi.TransactionContextInterface, officeCode string) (string, error) {
	t, err := c.queryTxn(ctx)
	if err != nil {
		return "", err
	}
	if err := priority.ValidateOfficeCode(officeCode); err != nil {
		return "", err
	}
	o, found, err := t.loadOffice(officeCode)
	if err != nil {
		return "", err
	}
	if !found {
		return "", errs.New(errs.NotFound, "office %s is not registered", officeCode)
	}
	s, err := t.loadSettings(officeCode)
	if err != nil {
		return "", err
	}
	return result(officeView(o, s))
}

// ListOffices pages through the registry in office-code order.
func (c *Contract) ListOffices(ctx contractapi.TransactionContextInterface, pageSize, bookmark string) (string, error) {
	t, err := c.queryTxn(ctx)
	if err != nil {
		return "", err
	}
	r, err := t.compositeRange(kindOffice)
	if err != nil {
		return "", err
	}
	p, err := listRecords[officeRecord](t, r, pageSize, bookmark, nil)
	if err != nil {
		return "", err
	}
	out := page[Office]{Records: make([]Office, 0, len(p.Records)), FetchedCount: p.FetchedCount, Bookmark: p.Bookmark}
	for _, o := range p.Records {
		s, err := t.loadSettings(o.OfficeCode)
		if isInvalidRecord(err) {
			continue // as listRecords: never let one office's record break the registry listing
		}
		if err != nil {
			return "", err
		}
		out.Records = append(out.Records, officeView(o, s))
	}
	return result(out)
}
