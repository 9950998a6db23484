package contract

import (
	"slices"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/ipledger/ipledger/chaincode/errs"
	"github.com/ipledger/ipledger/chaincode/priority"
)

// Membership actions and proposal statuses.
const (
	actionAdd        = "ADD_OFFICE"
	actionSuspend    = "SUSPEND_OFFICE"
	actionReactivate = "REACTIVATE_OFFICE"
	actionRoles      = "CHANGE_ROLES"

	proposalOpen      = "OPEN"
	proposalApplied   = "APPLIED"
	proposalWithdrawn = "WITHDRAWN"
)

// appliedEvents names the event of the transaction that applies a proposal.
var appliedEvents = map[string]string{
	actionAdd:        "OfficeAdded",
	actionSuspend:    "OfficeSuspended",
	actionReactivate: "OfficeReactivated",
	actionRoles:      "OfficeRolesChanged",
}

// Proposal is a membership change awaiting a majority of ACTIVE offices.
type Proposal struct {
	ID         string   `json:"id"`
	Action     string   `json:"action"`
	OfficeCode string   `json:"officeCode"`
	MSPID      string   `json:"mspId"`
	Name       string   `json:"name"`
	Roles      Roles    `json:"roles"`
	Reason     string   `json:"reason"`
	ProposedBy string   `json:"proposedBy"`
	Approvals  []string `json:"approvals"`
	Status     string   `json:"status"`
	CreatedAt  string   `json:"createdAt"`
	UpdatedAt  string   `json:"updatedAt"`
	ClosedAt   string   `json:"closedAt"`
}

type changeInput struct {
	Action     string `json:"action"`
	OfficeCode string `json:"officeCode"`
	MSPID      string `json:"mspId"`
	Name       string `json:"name"`
	Roles      *Roles `json:"roles"`
	Reason     string `json:"reason"`
}

type openProposalRef struct {
	ProposalID string `json:"proposalId"`
}

// validateChange checks the shape of a change and its preconditions against
// the current registry; the same checks run again when it is applied.
func (t *txn) validateChange(in changeInput) (Proposal, error) {
	p := Proposal{Action: in.Action, OfficeCode: in.OfficeCode, Reason: in.Reason, Roles: Roles{Depositing: []string{}, Accessing: []string{}}}
	if in.Reason != "" {
		if err := priority.CheckText("reason", in.Reason, 1, maxReasonLen); err != nil {
			return Proposal{}, err
		}
	}
	if _, ok := appliedEvents[in.Action]; !ok {
		return Proposal{}, errs.New(errs.InvalidArgument, "action must be ADD_OFFICE, SUSPEND_OFFICE, REACTIVATE_OFFICE or CHANGE_ROLES")
	}
	if err := priority.ValidateOfficeCode(in.OfficeCode); err != nil {
		return Proposal{}, err
	}
	usesRoles := in.Action == actionAdd || in.Action == actionRoles
	if usesRoles != (in.Roles != nil) || (in.Action != actionAdd && (in.MSPID != "" || in.Name != "")) {
		return Proposal{}, errs.New(errs.InvalidArgument,
			"fields do not fit action %s (mspId and name only for ADD_OFFICE, roles exactly for ADD_OFFICE and CHANGE_ROLES)", in.Action)
	}
	if in.Roles != nil {
		roles, err := canonicalRoles(*in.Roles)
		if err != nil {
			return Proposal{}, err
		}
		p.Roles = roles
	}
	if in.Action == actionAdd {
		if err := validateRegistryFields(in.OfficeCode, in.MSPID, in.Name); err != nil {
			return Proposal{}, err
		}
		p.MSPID, p.Name = in.MSPID, in.Name
	}
	return p, t.checkPreconditions(p, errs.AlreadyExists)
}

// checkPreconditions verifies that p can be applied now. At proposal time a
// clash with an existing office is ALREADY_EXISTS; at apply time the world
// changed under the proposal, which is an INVALID_TRANSITION.
func (t *txn) checkPreconditions(p Proposal, clash errs.Code) error {
	target, found, err := t.loadOffice(p.OfficeCode)
	if err != nil {
		return err
	}
	if p.Action == actionAdd {
		if found {
			return errs.New(clash, "office %s is already registered", p.OfficeCode)
		}
		bound, err := t.mspBound(p.MSPID)
		if err != nil {
			return err
		}
		if bound {
			return errs.New(clash, "MSP %s is already bound to an office", p.MSPID)
		}
		return nil
	}
	if !found {
		return errs.New(errs.NotFound, "office %s is not registered", p.OfficeCode)
	}
	switch p.Action {
	case actionSuspend:
		if target.Status != statusActive {
			return errs.New(errs.InvalidTransition, "office %s is not ACTIVE", p.OfficeCode)
		}
		active, err := t.activeOffices()
		if err != nil {
			return err
		}
		if len(active) <= 1 {
			return errs.New(errs.InvalidTransition, "the last ACTIVE office cannot be suspended")
		}
	case actionReactivate:
		if target.Status != statusSuspended {
			return errs.New(errs.InvalidTransition, "office %s is not SUSPENDED", p.OfficeCode)
		}
	}
	return nil
}

func (t *txn) activeOffices() (map[string]bool, error) {
	all, err := t.allOffices()
	if err != nil {
		return nil, err
	}
	active := map[string]bool{}
	for _, o := range all {
		if o.Status == statusActive {
			active[o.OfficeCode] = true
		}
	}
	return active, nil
}

// ProposeMembershipChange opens a proposal; the proposer's approval counts,
// so with a single ACTIVE office it applies at once.
func (c *Contract) ProposeMembershipChange(ctx contractapi.TransactionContextInterface, changeJSON string) (string, error) {
	t, caller, err := beginAsActiveOffice(ctx)
	if err != nil {
		return "", err
	}
	var in changeInput
	if err := decodeStrict("changeJSON", []byte(changeJSON), &in); err != nil {
		return "", err
	}
	p, err := t.validateChange(in)
	if err != nil {
		return "", err
	}
	openKey, err := t.key(kindOpenProposal, p.OfficeCode)
	if err != nil {
		return "", err
	}
	var open openProposalRef
	if found, err := t.load(kindOpenProposal, []string{p.OfficeCode}, &open); err != nil {
		return "", err
	} else if found {
		return "", errs.New(errs.AlreadyExists, "proposal %s for office %s is still open", open.ProposalID, p.OfficeCode)
	}
	p.ID, p.ProposedBy, p.Approvals = t.stampedID(), caller.OfficeCode, []string{caller.OfficeCode}
	p.Status, p.CreatedAt, p.UpdatedAt = proposalOpen, t.now, t.now
	if err := t.putJSON(openKey, openProposalRef{ProposalID: p.ID}); err != nil {
		return "", err
	}
	return t.settleProposal(p, caller, "MembershipChangeProposed")
}

// ApproveMembershipChange adds the caller's approval and applies the change
// once a majority of ACTIVE offices approved.
func (c *Contract) ApproveMembershipChange(ctx contractapi.TransactionContextInterface, proposalID string) (string, error) {
	t, caller, err := beginAsActiveOffice(ctx)
	if err != nil {
		return "", err
	}
	p, err := t.loadProposal(proposalID)
	if err != nil {
		return "", err
	}
	if p.Status != proposalOpen {
		return "", errs.New(errs.InvalidTransition, "proposal %s is %s", p.ID, p.Status)
	}
	if slices.Contains(p.Approvals, caller.OfficeCode) {
		return "", errs.New(errs.AlreadyExists, "office %s already approved proposal %s", caller.OfficeCode, p.ID)
	}
	p.Approvals = append(p.Approvals, caller.OfficeCode)
	slices.Sort(p.Approvals)
	p.UpdatedAt = t.now
	return t.settleProposal(p, caller, "MembershipChangeApproved")
}

// settleProposal stores p, applying it first when approvals by currently
// ACTIVE offices exceed half of the ACTIVE offices.
func (t *txn) settleProposal(p Proposal, caller officeRecord, pendingEvent string) (string, error) {
	active, err := t.activeOffices()
	if err != nil {
		return "", err
	}
	votes := 0
	for _, code := range p.Approvals {
		if active[code] {
			votes++
		}
	}
	eventName := pendingEvent
	if 2*votes > len(active) {
		if err := t.applyProposal(&p); err != nil {
			return "", err
		}
		eventName = appliedEvents[p.Action]
	}
	if err := t.putProposal(p); err != nil {
		return "", err
	}
	if err := t.emit(eventName, event{
		RecordType: recProposal, RecordID: p.ID, OfficeCode: caller.OfficeCode, SubjectOffice: p.OfficeCode, Status: p.Status,
	}); err != nil {
		return "", err
	}
	return result(p)
}

func (t *txn) applyProposal(p *Proposal) error {
	if err := t.checkPreconditions(*p, errs.InvalidTransition); err != nil {
		return err
	}
	switch p.Action {
	case actionAdd:
		s, err := canonicalSettings(p.OfficeCode, nil, nil, nil)
		if err != nil {
			return err
		}
		s.SettingsVersion, s.SettingsUpdatedAt = 1, t.now
		o := officeRecord{OfficeCode: p.OfficeCode, MSPID: p.MSPID, Name: p.Name, Status: statusActive,
			Roles: p.Roles, CreatedAt: t.now, UpdatedAt: t.now}
		if err := t.createOffice(o, s); err != nil {
			return err
		}
	default:
		o, err := t.requireOffice(p.OfficeCode)
		if err != nil {
			return err
		}
		switch p.Action {
		case actionSuspend:
			o.Status = statusSuspended
		case actionReactivate:
			o.Status = statusActive
		case actionRoles:
			o.Roles = p.Roles
		}
		o.UpdatedAt = t.now
		if err := t.putOffice(o); err != nil {
			return err
		}
	}
	p.Status, p.ClosedAt = proposalApplied, t.now
	return t.closeOpenProposal(p.OfficeCode)
}

// WithdrawMembershipProposal lets the proposer close an open proposal.
func (c *Contract) WithdrawMembershipProposal(ctx contractapi.TransactionContextInterface, proposalID string) (string, error) {
	t, caller, err := beginAsActiveOffice(ctx)
	if err != nil {
		return "", err
	}
	p, err := t.loadProposal(proposalID)
	if err != nil {
		return "", err
	}
	if p.ProposedBy != caller.OfficeCode {
		return "", errs.New(errs.NotAuthorized, "only the proposer %s may withdraw proposal %s", p.ProposedBy, p.ID)
	}
	if p.Status != proposalOpen {
		return "", errs.New(errs.InvalidTransition, "proposal %s is %s", p.ID, p.Status)
	}
	p.Status, p.UpdatedAt, p.ClosedAt = proposalWithdrawn, t.now, t.now
	if err := t.closeOpenProposal(p.OfficeCode); err != nil {
		return "", err
	}
	if err := t.putProposal(p); err != nil {
		return "", err
	}
	if err := t.emit("MembershipChangeWithdrawn", event{
		RecordType: recProposal, RecordID: p.ID, OfficeCode: caller.OfficeCode, SubjectOffice: p.OfficeCode, Status: p.Status,
	}); err != nil {
		return "", err
	}
	return result(p)
}

func (t *txn) closeOpenProposal(officeCode string) error {
	key, err := t.key(kindOpenProposal, officeCode)
	if err != nil {
		return err
	}
	return t.delState(key)
}

func (t *txn) putProposal(p Proposal) error {
	key, err := t.key(kindProposal, p.ID)
	if err != nil {
		return err
	}
	return t.putJSON(key, p)
}

func (t *txn) loadProposal(id string) (Proposal, error) {
	if !validProposalID(id) {
		return Proposal{}, errs.New(errs.InvalidArgument, "proposal id %q is not <time>_<txId>", clipArg(id))
	}
	var p Proposal
	found, err := t.load(kindProposal, []string{id}, &p)
	if err != nil {
		return Proposal{}, err
	}
	if !found {
		return Proposal{}, errs.New(errs.NotFound, "proposal %s does not exist", id)
	}
	return p, nil
}

// GetMembershipProposal returns one proposal.
func (c *Contract) GetMembershipProposal(ctx contractapi.TransactionContextInterface, proposalID string) (string, error) {
	t, err := queryTxn(ctx)
	if err != nil {
		return "", err
	}
	p, err := t.loadProposal(proposalID)
	if err != nil {
		return "", err
	}
	return result(p)
}

// ListMembershipProposals pages through proposals (by id), optionally
// filtered by status.
func (c *Contract) ListMembershipProposals(ctx contractapi.TransactionContextInterface, status, pageSize, bookmark string) (string, error) {
	t, err := queryTxn(ctx)
	if err != nil {
		return "", err
	}
	switch status {
	case "", proposalOpen, proposalApplied, proposalWithdrawn:
	default:
		return "", errs.New(errs.InvalidArgument, "status must be \"\", OPEN, APPLIED or WITHDRAWN")
	}
	r, err := t.compositeRange(kindProposal)
	if err != nil {
		return "", err
	}
	p, err := listRecords(t, r, pageSize, bookmark, func(p *Proposal) bool { return status == "" || p.Status == status })
	if err != nil {
		return "", err
	}
	return result(p)
}
