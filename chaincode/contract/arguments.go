package contract

import (
	"strings"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/ipledger/ipledger/chaincode/errs"
)

// Byte bounds of transaction arguments (CONTRACT.md §0). Every argument is
// bounded by bytes before anything splits, converts or parses it: another
// office can send any proposal, and without a bound a large argument made
// the chaincode allocate many times its size. The bounds are far above any
// valid value; the domain rules (e.g. 40 characters for a number) still apply.
const (
	maxCodeArg     = 16                // office codes: 2
	maxEnumArg     = 64                // IP rights, statuses, actions, criteria, decisions, reasons, record types
	maxIDArg       = 256               // record ids: at most 2+1+17+1+32+1+16+128
	maxNumberArg   = 256               // application numbers as written: at most 40 characters after trimming
	maxDateArg     = 32                // YYYY-MM-DD
	maxHashArg     = 128               // SHA-256 in hex: 64
	maxPageSizeArg = 16                // "1" … "100"
	maxBookmarkArg = 1024              // base64 of a key, or a decimal offset
	maxTextArg     = 4 * maxReasonLen  // 500 characters of up to 4 UTF-8 bytes
	maxJSONArgs    = maxJSONArg        // structured inputs: 1 MiB
	maxAnyArg      = maxJSONArg        // an argument of a call the table does not know
	maxTransient   = 8                 // transient keys looked at (the contract uses one)
	maxTransientKV = maxJSONArg + 1024 // a transient key and value
)

type argSpec struct {
	name string
	max  int
}

func arg(name string, max int) argSpec { return argSpec{name, max} }

var (
	filingIDArg    = arg("filingId", maxIDArg)
	officeCodeArg  = arg("officeCode", maxCodeArg)
	accessingArg   = arg("accessingOffice", maxCodeArg)
	ipRightArg     = arg("ipRight", maxEnumArg)
	numberArg      = arg("applicationNumber", maxNumberArg)
	pageSizeArg    = arg("pageSize", maxPageSizeArg)
	bookmarkArg    = arg("bookmark", maxBookmarkArg)
	retrievalIDArg = arg("retrievalId", maxIDArg)
	claimIDArg     = arg("claimId", maxIDArg)
	proposalIDArg  = arg("proposalId", maxIDArg)
	reasonTextArg  = arg("reason", maxTextArg)
	registryArg    = arg("registryHash", maxHashArg)
)

// argumentSpecs names and bounds the arguments of every transaction, in order.
var argumentSpecs = map[string][]argSpec{
	"InitConsortium":             {arg("officesJSON", maxJSONArgs)},
	"ConfirmFounding":            {registryArg},
	"UpdateOfficeSettings":       {arg("settingsJSON", maxJSONArgs)},
	"ProposeMembershipChange":    {arg("changeJSON", maxJSONArgs)},
	"ApproveMembershipChange":    {proposalIDArg},
	"WithdrawMembershipProposal": {proposalIDArg},
	"DepositFirstFiling":         {arg("filingJSON", maxJSONArgs)},
	"SetFilingConfidential":      {filingIDArg},
	"SetAccessCode":              {filingIDArg},
	"CorrectFirstFiling":         {filingIDArg, arg("correctionJSON", maxJSONArgs)},
	"WithdrawFirstFiling":        {filingIDArg, reasonTextArg},
	"MarkFirstFilingPublished":   {filingIDArg, arg("publicationDate", maxDateArg)},
	"RedeemAccessCode":           {officeCodeArg, ipRightArg, numberArg, arg("filingDate", maxDateArg)},
	"SettleAccessCodeRedemption": {filingIDArg, accessingArg},
	"GrantAccess":                {filingIDArg, accessingArg},
	"RevokeAccess":               {filingIDArg, accessingArg, reasonTextArg},
	"ResetAccessLock":            {filingIDArg, accessingArg},
	"RequestRetrieval":           {filingIDArg},
	"AcknowledgeRetrieval":       {retrievalIDArg, arg("receivedSha256", maxHashArg)},
	"FailRetrieval":              {retrievalIDArg, arg("reason", maxEnumArg), arg("message", maxTextArg)},
	"RecordPriorityClaim":        {arg("claimJSON", maxJSONArgs)},
	"RequestRestoration":         {claimIDArg, arg("criterion", maxEnumArg), arg("requestDate", maxDateArg)},
	"DecideRestoration":          {claimIDArg, arg("decision", maxEnumArg)},
	"WithdrawPriorityClaim":      {claimIDArg},
	"GetCallerOffice":            {},
	"GetOffice":                  {officeCodeArg},
	"ListOffices":                {pageSizeArg, bookmarkArg},
	"GetFoundingProposal":        {registryArg},
	"ListFoundingProposals":      {arg("status", maxEnumArg), pageSizeArg, bookmarkArg},
	"GetMembershipProposal":      {proposalIDArg},
	"ListMembershipProposals":    {arg("status", maxEnumArg), pageSizeArg, bookmarkArg},
	"GetFirstFiling":             {filingIDArg},
	"FindFirstFiling":            {officeCodeArg, ipRightArg, numberArg},
	"ListFirstFilings": {officeCodeArg, ipRightArg, arg("status", maxEnumArg),
		arg("filingDateFrom", maxDateArg), arg("filingDateTo", maxDateArg), pageSizeArg, bookmarkArg},
	"GetFilingConfidential":      {filingIDArg},
	"CheckConfidentialIntegrity": {filingIDArg},
	"GetAccessRecord":            {filingIDArg},
	"GetRetrieval":               {retrievalIDArg},
	"ListRetrievals":             {filingIDArg, pageSizeArg, bookmarkArg},
	"GetPriorityClaim":           {claimIDArg},
	"ListClaimsOnFirstFiling":    {officeCodeArg, ipRightArg, numberArg, pageSizeArg, bookmarkArg},
	"GetLaterApplicationClaims":  {officeCodeArg, ipRightArg, numberArg},
	"ComputePriorityDeadline": {officeCodeArg, arg("priorityIpRight", maxEnumArg),
		arg("priorityFilingDate", maxDateArg), arg("laterIpRight", maxEnumArg)},
	"GetRecordHistory": {arg("recordType", maxEnumArg), arg("recordId", maxIDArg), pageSizeArg, bookmarkArg},
}

// checkArguments refuses an argument above its bound, naming it. Unknown
// transactions and wrong argument counts are left to contractapi's own
// errors, but every argument is still bounded.
func checkArguments(fn string, params []string) error {
	specs, known := argumentSpecs[fn]
	for i, p := range params {
		name, max := "argument "+itoa(i+1), maxAnyArg
		if known && i < len(specs) {
			name, max = specs[i].name, specs[i].max
		}
		if len(p) > max {
			return errs.New(errs.InvalidArgument, "%s exceeds %d bytes", name, max)
		}
	}
	return nil
}

// beforeTransaction is contractapi's hook before every transaction of the
// contract: it runs before contractapi converts or validates any argument.
func beforeTransaction(ctx contractapi.TransactionContextInterface) error {
	fn, params := ctx.GetStub().GetFunctionAndParameters()
	if i := strings.LastIndex(fn, ":"); i >= 0 {
		fn = fn[i+1:] // "ipledger:Fn" names the contract too
	}
	return checkArguments(fn, params)
}
