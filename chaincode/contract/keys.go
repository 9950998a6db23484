package contract

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ipledger/ipledger/chaincode/errs"
	"github.com/ipledger/ipledger/chaincode/priority"
)

// Composite-key object types (public state unless noted).
const (
	kindOffice      = "ipl.office"         // [officeCode] registry entry, no SBE (governance)
	kindSettings    = "ipl.officeSettings" // [officeCode] SBE = office and majority
	kindMSPOffice   = "ipl.mspOffice"      // [mspId] → office code, no SBE
	kindProposal    = "ipl.proposal"       // [proposalId]
	kindOpenChange  = "ipl.openChange"     // [officeCode, action, sha256 of the change] → open proposal id
	kindFounding    = "ipl.founding"       // [registryHash] founding proposal, no SBE
	kindFounded     = "ipl.founded"        // [] the founded registry's hash, no SBE
	kindFiling      = "ipl.filing"         // [office, ipRight, number] SBE = office and majority
	kindAccess      = "ipl.access"         // [office, ipRight, number] SBE = office
	kindRetrieval   = "ipl.retrieval"      // [office, ipRight, number, stamp_txId] SBE = requester and (owner or majority)
	kindClaim       = "ipl.claim"          // [osf, ipRight, number, seq] SBE = osf and majority
	kindClaimByPrio = "ipl.claimByPrio"    // [prOffice, prRight, prNumber, osf, ipRight, number, seq]
	// [office, ipRight, number] SBE = office: the public hash of the private confidential record.
	kindConfidentialHash = "ipl.confidentialHash"
	// Private, in the owner's implicit collection.
	kindConfidential = "ipl.confidential"  // [office, ipRight, number]
	kindAccessCode   = "ipl.accessCode"    // [office, ipRight, number]
	kindAccessTry    = "ipl.accessAttempt" // [office, ipRight, number, accessingOffice]
)

// filingDateIndexPrefix starts the plain (non-composite) keys of the
// filing-date index. Fabric only range-queries simple keys, and a date range
// needs a range query: …~<office>~<date>~<ipRight>~<number>.
const filingDateIndexPrefix = "ipl.idx.filingDate~"

// rangeEnd closes a prefix range: no key character sorts after it.
var rangeEnd = string(utf8.MaxRune)

func (t *txn) key(kind string, attrs ...string) (string, error) {
	k, err := t.stub.CreateCompositeKey(kind, attrs)
	if err != nil {
		return "", errs.Internalf("building key: %v", err)
	}
	return k, nil
}

func implicitCollection(mspID string) string { return "_implicit_org_" + mspID }

// filingRef identifies a first filing.
type filingRef struct {
	Office string
	Right  priority.IPRight
	Number string // normalised
}

func (r filingRef) ID() string      { return r.Office + ":" + string(r.Right) + ":" + r.Number }
func (r filingRef) attrs() []string { return []string{r.Office, string(r.Right), r.Number} }
func (r filingRef) dateIndexKey(date string) string {
	return filingDateIndexPrefix + r.Office + "~" + date + "~" + string(r.Right) + "~" + r.Number
}

// parseFilingID parses "<office>:<ipRight>:<number>".
func parseFilingID(id string) (filingRef, error) {
	if len(id) > maxIDArg {
		return filingRef{}, errs.New(errs.InvalidArgument, "first filing id exceeds %d bytes", maxIDArg)
	}
	parts := strings.Split(id, ":")
	if len(parts) != 3 {
		return filingRef{}, errs.New(errs.InvalidArgument, "first filing id %q is not <office>:<ipRight>:<number>", clipArg(id))
	}
	return parseFilingParts(id, parts[0], parts[1], parts[2])
}

func parseFilingParts(id, office, right, number string) (filingRef, error) {
	if len(office) != 2 || !isAlnumUpper(office) || !isAlnumUpper(number) || len(number) > priority.MaxNormalisedNumberLen || number == "" {
		return filingRef{}, errs.New(errs.InvalidArgument, "first filing id %q is malformed", clipArg(id))
	}
	r, err := priority.ParseIPRight(right)
	if err != nil {
		return filingRef{}, err
	}
	return filingRef{Office: office, Right: r, Number: number}, nil
}

// retrievalRef identifies one retrieval: "<filingId>:<stampedId>".
type retrievalRef struct {
	Filing  filingRef
	Stamped string
}

func (r retrievalRef) ID() string      { return r.Filing.ID() + ":" + r.Stamped }
func (r retrievalRef) attrs() []string { return append(r.Filing.attrs(), r.Stamped) }

func parseRetrievalID(id string) (retrievalRef, error) {
	if len(id) > maxIDArg {
		return retrievalRef{}, errs.New(errs.InvalidArgument, "retrieval id exceeds %d bytes", maxIDArg)
	}
	parts := strings.Split(id, ":")
	if len(parts) != 4 || !validStampedID(parts[3]) {
		return retrievalRef{}, errs.New(errs.InvalidArgument, "retrieval id %q is not <office>:<ipRight>:<number>:<time>_<txId>", clipArg(id))
	}
	f, err := parseFilingParts(id, parts[0], parts[1], parts[2])
	if err != nil {
		return retrievalRef{}, err
	}
	return retrievalRef{Filing: f, Stamped: parts[3]}, nil
}

// stampedID is "<UTC yyyymmddThhmmssZ>_<txId>": unique (tx id) and sorting
// chronologically, so logs and proposal lists come out in time order.
var stampedID = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z_[0-9a-fA-F]{1,128}$`)

// maxTxIDLen bounds the transaction-id part of stamped ids (Fabric's are 64).
const maxTxIDLen = 128

// validStampedID bounds the length before matching ("yyyymmddThhmmssZ_" is 17 bytes).
func validStampedID(s string) bool { return len(s) <= 17+maxTxIDLen && stampedID.MatchString(s) }

// validProposalID checks a membership proposal id ("<stamp>_<txId>").
func validProposalID(s string) bool { return validStampedID(s) }

func (t *txn) stampedID() string {
	return strings.NewReplacer("-", "", ":", "").Replace(t.now) + "_" + t.txID
}

// claimRef identifies a priority claim: "<osf>:<ipRight>:<number>:<seq>".
type claimRef struct {
	Later filingRef // office = OSF, right and number of the later application
	Seq   int
}

func (r claimRef) ID() string { return r.Later.ID() + ":" + strconv.Itoa(r.Seq) }

// attrs zero-pads the sequence number so keys sort numerically.
func (r claimRef) attrs() []string { return append(r.Later.attrs(), seqKey(r.Seq)) }

// seqKey never fails: sequence numbers are validated (1–999) before they are
// used, and a wider one only widens the key instead of panicking.
func seqKey(seq int) string { return fmt.Sprintf("%03d", seq) }

func itoa(n int) string { return strconv.Itoa(n) }

func parseClaimID(id string) (claimRef, error) {
	if len(id) > maxIDArg {
		return claimRef{}, errs.New(errs.InvalidArgument, "priority claim id exceeds %d bytes", maxIDArg)
	}
	parts := strings.Split(id, ":")
	if len(parts) != 4 {
		return claimRef{}, errs.New(errs.InvalidArgument, "priority claim id %q is not <office>:<ipRight>:<number>:<sequence>", clipArg(id))
	}
	f, err := parseFilingParts(id, parts[0], parts[1], parts[2])
	if err != nil {
		return claimRef{}, err
	}
	seq, err := strconv.Atoi(parts[3])
	if err != nil || seq < 1 || seq > maxSequence || strconv.Itoa(seq) != parts[3] {
		return claimRef{}, errs.New(errs.InvalidArgument, "priority claim id %q has an invalid sequence number", clipArg(id))
	}
	return claimRef{Later: f, Seq: seq}, nil
}

func isAlnumUpper(s string) bool {
	for _, c := range []byte(s) {
		if !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// clipArg shortens echoed input for messages.
func clipArg(s string) string { return priority.Clip(s, 80) }
