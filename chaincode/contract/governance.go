package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"time"

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
	proposalExpired   = "EXPIRED"
)

// proposalLifetime is how long a proposal can gather approvals. After it,
// any ACTIVE office may close the proposal and an identical one may be made:
// no office can keep a change about itself (or anyone) pending for ever.
const proposalLifetime = 30 * 24 * time.Hour

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
	ExpiresAt  string   `json:"expiresAt"`
	ClosedAt   string   `json:"closedAt"`
}

// expired reports whether p can no longer be approved at the transaction time.
func (t *txn) expired(p Proposal) bool {
	end, err := time.Parse(time.RFC3339, p.ExpiresAt) // validated when loaded
	return err != nil || !t.at.Before(end)
}

// openChangeAttrs is the key of the index of open proposals by change: one
// slot per identical change (action, target and content; not the reason), so
// different proposals about one office coexist and none can block another.
func openChangeAttrs(p Proposal) []string {
	raw, _ := marshal(struct {
		Action, OfficeCode, MSPID, Name string
		Roles                           Roles
	}{p.Action, p.OfficeCode, p.MSPID, p.Name, p.Roles}) // plain strings: cannot fail
	sum := sha256.Sum256(raw)
	return []string{p.OfficeCode, p.Action, hex.EncodeToString(sum[:])}
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
func (c *Contract) ProposeMembershipChange(ctx contractapi.TransactionContextInterface, changeJSON string) (*Proposal, error) {
	t, caller, err := c.beginAsActiveOffice(ctx)
	if err != nil {
		return nil, err
	}
	var in changeInput
	if err := decodeStrict("changeJSON", []byte(changeJSON), &in); err != nil {
		return nil, err
	}
	p, err := t.validateChange(in)
	if err != nil {
		return nil, err
	}
	slot := openChangeAttrs(p)
	var open openProposalRef
	if found, err := t.load(kindOpenChange, slot, &open); err != nil {
		return nil, err
	} else if found {
		prev, err := t.loadProposal(open.ProposalID)
		if err != nil {
			return nil, err
		}
		if prev.Status == proposalOpen && !t.expired(prev) {
			return nil, errs.New(errs.AlreadyExists, "the identical proposal %s is open until %s; approve it instead", prev.ID, prev.ExpiresAt)
		}
		if prev.Status == proposalOpen { // expired: the new proposal supersedes it
			prev.Status, prev.UpdatedAt, prev.ClosedAt = proposalExpired, t.now, t.now
			if err := t.putProposal(prev); err != nil {
				return nil, err
			}
		}
	}
	p.ID, p.ProposedBy, p.Approvals = t.stampedID(), caller.OfficeCode, []string{caller.OfficeCode}
	p.Status, p.CreatedAt, p.UpdatedAt = proposalOpen, t.now, t.now
	p.ExpiresAt = t.at.Add(proposalLifetime).Format(time.RFC3339)
	slotKey, err := t.key(kindOpenChange, slot...)
	if err != nil {
		return nil, err
	}
	if err := t.putJSON(slotKey, openProposalRef{ProposalID: p.ID}); err != nil {
		return nil, err
	}
	return t.settleProposal(p, caller, "MembershipChangeProposed")
}

// ApproveMembershipChange adds the caller's approval and applies the change
// once a majority of ACTIVE offices approved.
func (c *Contract) ApproveMembershipChange(ctx contractapi.TransactionContextInterface, proposalID string) (*Proposal, error) {
	t, caller, err := c.beginAsActiveOffice(ctx)
	if err != nil {
		return nil, err
	}
	p, err := t.loadProposal(proposalID)
	if err != nil {
		return nil, err
	}
	if p.Status != proposalOpen {
		return nil, errs.New(errs.InvalidTransition, "proposal %s is %s", p.ID, p.Status)
	}
	if t.expired(p) {
		return nil, errs.New(errs.InvalidTransition, "proposal %s expired at %s; any ACTIVE office may close it (WithdrawMembershipProposal)", p.ID, p.ExpiresAt)
	}
	if slices.Contains(p.Approvals, caller.OfficeCode) {
		return nil, errs.New(errs.AlreadyExists, "office %s already approved proposal %s", caller.OfficeCode, p.ID)
	}
	p.Approvals = append(p.Approvals, caller.OfficeCode)
	slices.Sort(p.Approvals)
	p.UpdatedAt = t.now
	return t.settleProposal(p, caller, "MembershipChangeApproved")
}

// settleProposal stores p, applying it first when approvals by currently
// ACTIVE offices exceed half of the ACTIVE offices.
func (t *txn) settleProposal(p Proposal, caller officeRecord, pendingEvent string) (*Proposal, error) {
	active, err := t.activeOffices()
	if err != nil {
		return nil, err
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
			return nil, err
		}
		eventName = appliedEvents[p.Action]
	}
	if err := t.putProposal(p); err != nil {
		return nil, err
	}
	if err := t.emit(eventName, event{
		RecordType: recProposal, RecordID: p.ID, OfficeCode: caller.OfficeCode, SubjectOffice: p.OfficeCode, Status: p.Status,
	}); err != nil {
		return nil, err
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
		active, err := t.activeMSPs()
		if err != nil {
			return err
		}
		active = append(active, o.MSPID) // ACTIVE from this transaction on
		slices.Sort(active)
		if err := t.createOffice(o, s, active); err != nil {
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
	return t.freeSlot(*p)
}

// WithdrawMembershipProposal lets the proposer close an open proposal, and
// any ACTIVE office close one that has expired (status EXPIRED).
func (c *Contract) WithdrawMembershipProposal(ctx contractapi.TransactionContextInterface, proposalID string) (*Proposal, error) {
	t, caller, err := c.beginAsActiveOffice(ctx)
	if err != nil {
		return nil, err
	}
	p, err := t.loadProposal(proposalID)
	if err != nil {
		return nil, err
	}
	if p.Status != proposalOpen {
		return nil, errs.New(errs.InvalidTransition, "proposal %s is %s", p.ID, p.Status)
	}
	p.Status = proposalExpired
	if !t.expired(p) {
		if p.ProposedBy != caller.OfficeCode {
			return nil, errs.New(errs.NotAuthorized, "only the proposer %s may withdraw proposal %s before it expires at %s", p.ProposedBy, p.ID, p.ExpiresAt)
		}
		p.Status = proposalWithdrawn
	}
	p.UpdatedAt, p.ClosedAt = t.now, t.now
	if err := t.freeSlot(p); err != nil {
		return nil, err
	}
	if err := t.putProposal(p); err != nil {
		return nil, err
	}
	if err := t.emit("MembershipChangeWithdrawn", event{
		RecordType: recProposal, RecordID: p.ID, OfficeCode: caller.OfficeCode, SubjectOffice: p.OfficeCode, Status: p.Status,
	}); err != nil {
		return nil, err
	}
	return result(p)
}

// freeSlot removes a closed proposal from the open-change index.
func (t *txn) freeSlot(p Proposal) error {
	slot := openChangeAttrs(p)
	var open openProposalRef
	found, err := t.load(kindOpenChange, slot, &open)
	if err != nil || !found || open.ProposalID != p.ID {
		return err
	}
	key, err := t.key(kindOpenChange, slot...)
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
func (c *Contract) GetMembershipProposal(ctx contractapi.TransactionContextInterface, proposalID string) (*Proposal, error) {
	t, err := c.queryTxn(ctx)
	if err != nil {
		return nil, err
	}
	p, err := t.loadProposal(proposalID)
	if err != nil {
		return nil, err
	}
	return result(p)
}

// ListMembershipProposals pages through proposals (by id), optionally
// filtered by status.
func (c *Contract) ListMembershipProposals(ctx contractapi.TransactionContextInterface, status, pageSize, bookmark string) (*ProposalPage, error) {
	t, err := c.queryTxn(ctx)
	if err != nil {
		return nil, err
	}
	switch status {
	case "", proposalOpen, proposalApplied, proposalWithdrawn, proposalExpired:
	default:
		return nil, errs.New(errs.InvalidArgument, "status must be \"\", OPEN, APPLIED, WITHDRAWN or EXPIRED")
	}
	r, err := t.compositeRange(kindProposal)
	if err != nil {
		return nil, err
	}
	p, err := listRecords(t, r, pageSize, bookmark, func(p *Proposal) bool { return status == "" || p.Status == status })
	if err != nil {
		return nil, err
	}
	return result(ProposalPage(p))
}
