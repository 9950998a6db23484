package contract

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/ipledger/ipledger/chaincode/errs"
	"github.com/ipledger/ipledger/chaincode/priority"
)

// Founding (issue 9, finding 5). The first registry used to be whatever the
// first InitConsortium wrote. Now InitConsortium only proposes a registry,
// keyed by its hash, and the registry is written when every office it lists
// has confirmed that hash. Several proposals may coexist, so a rogue's
// proposal cannot block an honest one; the first to be confirmed by all of
// its offices is founded and the others become void.

// Founding statuses. Only OPEN and ACTIVE are stored: VOID is how an OPEN
// proposal reads once another registry was founded, so founding never has
// to find or rewrite the other proposals, however many a rogue made.
const (
	foundingOpen   = "OPEN"
	foundingActive = "ACTIVE"
	foundingVoid   = "VOID"
)

// foundingRecord is a founding proposal (key ipl.founding [registryHash]).
type foundingRecord struct {
	RegistryHash  string          `json:"registryHash"`
	Registry      json.RawMessage `json:"registry"` // canonical, exactly the bytes hashed
	ProposedBy    string          `json:"proposedBy"`
	Confirmations []string        `json:"confirmations"`
	Status        string          `json:"status"`
	CreatedAt     string          `json:"createdAt"`
	UpdatedAt     string          `json:"updatedAt"`
	ActivatedAt   string          `json:"activatedAt"`
}

// foundedRecord names the founded registry (key ipl.founded, no attributes).
type foundedRecord struct {
	RegistryHash string `json:"registryHash"`
	ActivatedAt  string `json:"activatedAt"`
}

// FoundingProposal is the view of a founding proposal returned to clients.
type FoundingProposal struct {
	RegistryHash string `json:"registryHash"`
	// Registry holds the stored canonical bytes (a json.RawMessage), sent as
	// they are; typed any so that the metadata schema admits any JSON rather
	// than the base64 string contractapi assumes for a []byte.
	Registry      any      `json:"registry"`
	ProposedBy    string   `json:"proposedBy"`
	Confirmations []string `json:"confirmations"`
	Awaiting      []string `json:"awaiting"`
	Status        string   `json:"status"`
	CreatedAt     string   `json:"createdAt"`
	UpdatedAt     string   `json:"updatedAt"`
	ActivatedAt   string   `json:"activatedAt"`
}

// founding is what the ledger says about the founded registry.
type founding struct {
	done bool
	hash string // "" for a registry written before founding proposals existed
}

// founded reads whether (and with which registry) the consortium is founded.
func (t *txn) founded() (founding, error) {
	var f foundedRecord
	found, err := t.load(kindFounded, nil, &f)
	if err != nil || found {
		return founding{done: found, hash: f.RegistryHash}, err
	}
	// A ledger initialised by an earlier chaincode version has offices but no
	// founded record: it is founded all the same, with no known hash.
	registered := false
	err = t.iterateAll(kindOffice, nil, func(string, []byte) (bool, error) {
		registered = true
		return true, nil
	})
	return founding{done: registered}, err
}

func (t *txn) loadFounding(hash string) (foundingRecord, bool, error) {
	var r foundingRecord
	found, err := t.load(kindFounding, []string{hash}, &r)
	return r, found, err
}

func (t *txn) putFounding(r foundingRecord) error {
	key, err := t.key(kindFounding, r.RegistryHash)
	if err != nil {
		return err
	}
	return t.putJSON(key, r)
}

// foundingView renders a proposal with its effective status and the offices
// whose confirmation it still needs.
func foundingView(r foundingRecord, f founding) (FoundingProposal, error) {
	v := FoundingProposal{
		RegistryHash: r.RegistryHash, Registry: r.Registry, ProposedBy: r.ProposedBy, Confirmations: r.Confirmations,
		Awaiting: []string{}, Status: effectiveStatus(r, f), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, ActivatedAt: r.ActivatedAt,
	}
	if v.Status == foundingOpen {
		members, err := registryMembers(r.Registry)
		if err != nil {
			return FoundingProposal{}, err
		}
		for _, code := range memberCodes(members) {
			if !slices.Contains(r.Confirmations, code) {
				v.Awaiting = append(v.Awaiting, code)
			}
		}
	}
	return v, nil
}

// effectiveStatus is OPEN, ACTIVE, or VOID for an OPEN proposal once another
// registry was founded.
func effectiveStatus(r foundingRecord, f founding) string {
	if r.Status == foundingOpen && f.done {
		return foundingVoid
	}
	return r.Status
}

// InitConsortium proposes a founding registry. It activates nothing: the
// registry is written once every office it lists confirmed it (ConfirmFounding).
// Proposing the same registry again changes nothing and succeeds.
func (c *Contract) InitConsortium(ctx contractapi.TransactionContextInterface, officesJSON string) (*FoundingProposal, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	callerMSP, err := t.callerMSP()
	if err != nil {
		return nil, err
	}
	// Everything below works on the canonical bytes, so what is validated,
	// hashed, stored and finally written is one and the same document.
	canonical, err := canonicalJSON("officesJSON", []byte(officesJSON))
	if err != nil {
		return nil, err
	}
	if _, err := parseRegistry(canonical); err != nil {
		return nil, err
	}
	// An administrator, not any client of a member, speaks for an office about the registry.
	if !t.callerIsAdmin() {
		return nil, errs.New(errs.NotAuthorized, "InitConsortium needs an administrator identity (NodeOU admin) of a listed office")
	}
	members, err := registryMembers(canonical)
	if err != nil {
		return nil, err
	}
	caller, listed := memberByMSP(members, callerMSP)
	if !listed {
		return nil, errs.New(errs.NotAuthorized, "the caller's MSP %s is not one of the founding offices", callerMSP)
	}
	hash := registryHash(canonical)
	f, err := t.founded()
	if err != nil {
		return nil, err
	}
	if f.done && f.hash != hash {
		return nil, errs.New(errs.AlreadyExists, "the consortium is already founded with another registry (%s)", describeHash(f.hash))
	}
	r, exists, err := t.loadFounding(hash)
	if err != nil {
		return nil, err
	}
	if !exists {
		r = foundingRecord{
			RegistryHash: hash, Registry: canonical, ProposedBy: caller.OfficeCode, Confirmations: []string{},
			Status: foundingOpen, CreatedAt: t.now, UpdatedAt: t.now,
		}
		if err := t.putFounding(r); err != nil {
			return nil, err
		}
	}
	v, err := foundingView(r, f)
	if err != nil {
		return nil, err
	}
	if err := t.emit("ConsortiumFoundingProposed", event{
		RecordType: recFounding, RecordID: hash, OfficeCode: caller.OfficeCode, Status: v.Status,
	}); err != nil {
		return nil, err
	}
	return result(v)
}

// describeHash names a founded registry in messages.
func describeHash(hash string) string {
	if hash == "" {
		return "initialised before founding confirmations existed"
	}
	return "registry hash " + hash
}

// ConfirmFounding records that the caller's office (an administrator of it)
// agrees to the registry with this hash. The confirmation that completes the
// set writes the registry; a repeated confirmation changes nothing.
func (c *Contract) ConfirmFounding(ctx contractapi.TransactionContextInterface, registryHash string) (*FoundingProposal, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	hash, err := priority.CheckSHA256("registryHash", registryHash)
	if err != nil {
		return nil, err
	}
	callerMSP, err := t.callerMSP()
	if err != nil {
		return nil, err
	}
	if !t.callerIsAdmin() {
		return nil, errs.New(errs.NotAuthorized, "ConfirmFounding needs an administrator identity (NodeOU admin) of a listed office")
	}
	r, exists, err := t.loadFounding(hash)
	if err != nil {
		return nil, err
	}
	if !exists {
		return nil, errs.New(errs.NotFound, "no founding proposal has registry hash %s", hash)
	}
	members, err := registryMembers(r.Registry)
	if err != nil {
		return nil, err
	}
	caller, listed := memberByMSP(members, callerMSP)
	if !listed {
		return nil, errs.New(errs.NotAuthorized, "the caller's MSP %s is not one of the offices of registry %s", callerMSP, hash)
	}
	f, err := t.founded()
	if err != nil {
		return nil, err
	}
	if f.done && f.hash != hash {
		return nil, errs.New(errs.AlreadyExists, "the consortium is already founded with another registry (%s)", describeHash(f.hash))
	}
	eventName := "ConsortiumFoundingConfirmed"
	if !slices.Contains(r.Confirmations, caller.OfficeCode) {
		r.Confirmations = append(r.Confirmations, caller.OfficeCode)
		slices.Sort(r.Confirmations)
		r.UpdatedAt = t.now
		if len(r.Confirmations) == len(members) {
			if err := c.activate(ctx, t, &r, members); err != nil {
				return nil, err
			}
			f = founding{done: true, hash: hash}
			eventName = "ConsortiumInitialised"
		}
		if err := t.putFounding(r); err != nil {
			return nil, err
		}
	}
	v, err := foundingView(r, f)
	if err != nil {
		return nil, err
	}
	e := event{RecordType: recFounding, RecordID: hash, OfficeCode: caller.OfficeCode, Status: v.Status}
	if eventName == "ConsortiumInitialised" {
		// As before founding proposals existed: the registry's offices, comma-separated.
		e = event{RecordType: recOffice, RecordID: strings.Join(memberCodes(members), ","), OfficeCode: caller.OfficeCode, Status: statusActive}
	}
	if err := t.emit(eventName, e); err != nil {
		return nil, err
	}
	return result(v)
}

// activate writes the registry of a fully confirmed proposal.
//
// Confirmation by every listed office is not enough on its own: a rogue
// could propose a registry listing only itself and confirm it alone. So an
// endorsing peer takes part in founding only when its own office is one of
// the registry's (and therefore confirmed it). Under the MAJORITY
// endorsement policy a founded registry thus lists, and was confirmed by, a
// majority of the channel's organisations.
func (c *Contract) activate(ctx contractapi.TransactionContextInterface, t *txn, r *foundingRecord, members []registryMember) error {
	peerMSP, err := c.peerMSP(ctx)
	if err != nil || peerMSP == "" {
		return errs.Internalf("the chaincode does not know its peer's MSP (set CORE_PEER_LOCALMSPID): %v", err)
	}
	if _, listed := memberByMSP(members, peerMSP); !listed {
		return errs.New(errs.WrongEndorser, "this peer's organisation %s is not one of the offices of registry %s, so it does not endorse founding it",
			peerMSP, r.RegistryHash)
	}
	entries, err := parseRegistry(r.Registry)
	if err != nil {
		return err
	}
	// The registry is written by this transaction, so the founders' MSPs (the offices whose majority
	// endorses settings changes) come from it, not from committed state.
	founders := make([]string, 0, len(entries))
	for _, e := range entries {
		founders = append(founders, e.office.MSPID)
	}
	slices.Sort(founders)
	for _, e := range entries {
		e.office.CreatedAt, e.office.UpdatedAt = t.now, t.now
		e.settings.SettingsVersion, e.settings.SettingsUpdatedAt = 1, t.now
		if err := t.createOffice(e.office, e.settings, founders); err != nil {
			return err
		}
	}
	r.Status, r.ActivatedAt = foundingActive, t.now
	key, err := t.key(kindFounded)
	if err != nil {
		return err
	}
	return t.putJSON(key, foundedRecord{RegistryHash: r.RegistryHash, ActivatedAt: t.now})
}

// foundingQuery starts a founding query. Before founding there is no office
// to resolve, so any identity of a channel member may read the proposals;
// afterwards, as every query, a registered office.
func (c *Contract) foundingQuery(ctx contractapi.TransactionContextInterface) (*txn, founding, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, founding{}, err
	}
	f, err := t.founded()
	if err != nil {
		return nil, founding{}, err
	}
	if f.done {
		_, err = t.callerOffice()
	} else {
		_, err = t.callerMSP()
	}
	if err != nil {
		return nil, founding{}, err
	}
	return t, f, nil
}

// GetFoundingProposal returns one founding proposal.
func (c *Contract) GetFoundingProposal(ctx contractapi.TransactionContextInterface, registryHash string) (*FoundingProposal, error) {
	t, f, err := c.foundingQuery(ctx)
	if err != nil {
		return nil, err
	}
	hash, err := priority.CheckSHA256("registryHash", registryHash)
	if err != nil {
		return nil, err
	}
	r, exists, err := t.loadFounding(hash)
	if err != nil {
		return nil, err
	}
	if !exists {
		return nil, errs.New(errs.NotFound, "no founding proposal has registry hash %s", hash)
	}
	v, err := foundingView(r, f)
	if err != nil {
		return nil, err
	}
	return result(v)
}

// ListFoundingProposals pages through founding proposals (by registry hash),
// optionally filtered by their effective status.
func (c *Contract) ListFoundingProposals(ctx contractapi.TransactionContextInterface, status, pageSize, bookmark string) (*FoundingProposalPage, error) {
	t, f, err := c.foundingQuery(ctx)
	if err != nil {
		return nil, err
	}
	switch status {
	case "", foundingOpen, foundingActive, foundingVoid:
	default:
		return nil, errs.New(errs.InvalidArgument, "status must be \"\", OPEN, ACTIVE or VOID")
	}
	r, err := t.compositeRange(kindFounding)
	if err != nil {
		return nil, err
	}
	p, err := listRecords(t, r, pageSize, bookmark, func(rec *foundingRecord) bool {
		return status == "" || effectiveStatus(*rec, f) == status
	})
	if err != nil {
		return nil, err
	}
	out := page[FoundingProposal]{Records: make([]FoundingProposal, 0, len(p.Records)), FetchedCount: p.FetchedCount, Bookmark: p.Bookmark}
	for _, rec := range p.Records {
		v, err := foundingView(rec, f)
		if err != nil {
			return nil, err
		}
		out.Records = append(out.Records, v)
	}
	return result(FoundingProposalPage(out))
}

// check verifies a stored proposal: its registry is canonical, hashes to
// its key and is a valid registry; the confirmations are listed offices.
func (r foundingRecord) check(key []string) error {
	c := checking("founding proposal", key)
	if c.keyIs(1) {
		c.ok("registryHash", r.RegistryHash == key[0] && isSHA256(r.RegistryHash))
	}
	canonical, err := canonicalJSON("registry", r.Registry)
	c.ok("registry", err == nil && string(canonical) == string(r.Registry) && registryHash(canonical) == r.RegistryHash)
	var codes []string
	if c.bad == "" {
		_, err := parseRegistry(r.Registry)
		c.ok("registry", err == nil)
		if members, err := registryMembers(r.Registry); err == nil {
			codes = memberCodes(members)
		}
	}
	c.ok("proposedBy", slices.Contains(codes, r.ProposedBy))
	c.ok("confirmations", r.Confirmations != nil && isSortedCodes(r.Confirmations) &&
		!slices.ContainsFunc(r.Confirmations, func(code string) bool { return !slices.Contains(codes, code) }))
	c.ok("status", oneOf(r.Status, foundingOpen, foundingActive) &&
		(r.Status == foundingActive) == (len(r.Confirmations) == len(codes)))
	c.ok("createdAt", isStamp(r.CreatedAt))
	c.ok("updatedAt", isStamp(r.UpdatedAt))
	c.ok("activatedAt", isOptStamp(r.ActivatedAt) && (r.Status == foundingActive) == (r.ActivatedAt != ""))
	return c.err()
}

func (f foundedRecord) check(key []string) error {
	c := checking("founded registry", key)
	c.keyIs(0)
	c.ok("registryHash", isSHA256(f.RegistryHash))
	c.ok("activatedAt", isStamp(f.ActivatedAt))
	return c.err()
}
