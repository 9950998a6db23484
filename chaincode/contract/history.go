package contract

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/ipledger/ipledger/chaincode/errs"
	"github.com/ipledger/ipledger/chaincode/priority"
)

// HistoryEntry is one committed version of a record.
type HistoryEntry struct {
	TxID      string `json:"txId"`
	Timestamp string `json:"timestamp"`
	IsDelete  bool   `json:"isDelete"`
	Record    any    `json:"record"` // a json.RawMessage (null for a deletion); any for the schema, as FoundingProposal.Registry
}

// historyKey maps a record type and id onto its ledger key.
func (t *txn) historyKey(recordType, id string) (string, error) {
	switch recordType {
	case "office", "officeSettings":
		if err := priority.ValidateOfficeCode(id); err != nil {
			return "", err
		}
		kind := kindOffice
		if recordType == "officeSettings" {
			kind = kindSettings
		}
		return t.key(kind, id)
	case recFounding:
		hash, err := priority.CheckSHA256("recordId", id)
		if err != nil {
			return "", err
		}
		return t.key(kindFounding, hash)
	case recProposal:
		if !validProposalID(id) {
			return "", errs.New(errs.InvalidArgument, "proposal id %q is not <time>_<txId>", clipArg(id))
		}
		return t.key(kindProposal, id)
	case recFiling, recAccess, recConfidentialHash:
		r, err := parseFilingID(id)
		if err != nil {
			return "", err
		}
		kind := map[string]string{recFiling: kindFiling, recAccess: kindAccess, recConfidentialHash: kindConfidentialHash}[recordType]
		return t.key(kind, r.attrs()...)
	case recRetrieval:
		r, err := parseRetrievalID(id)
		if err != nil {
			return "", err
		}
		return t.key(kindRetrieval, r.attrs()...)
	case recClaim:
		r, err := parseClaimID(id)
		if err != nil {
			return "", err
		}
		return t.key(kindClaim, r.attrs()...)
	}
	return "", errs.New(errs.InvalidArgument, "recordType must be office, officeSettings, founding, proposal, filing, confidentialHash, access, retrieval or claim")
}

// parseHistoryBookmark reads the decimal offset GetRecordHistory hands out.
func parseHistoryBookmark(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	if len(s) <= 9 { // bounded before Atoi; a billion versions is beyond any record
		if n, err := strconv.Atoi(s); err == nil && n >= 1 && strconv.Itoa(n) == s {
			return n, nil
		}
	}
	return 0, errs.New(errs.InvalidArgument, "bookmark does not belong to this query")
}

// GetRecordHistory pages through every committed version of a record, newest
// first as Fabric returns them. Fabric has no paginated history API, so the
// bookmark is the number of entries already returned.
func (c *Contract) GetRecordHistory(ctx contractapi.TransactionContextInterface, recordType, recordID, pageSize, bookmark string) (*HistoryPage, error) {
	t, err := c.queryTxn(ctx)
	if err != nil {
		return nil, err
	}
	key, err := t.historyKey(recordType, recordID)
	if err != nil {
		return nil, err
	}
	size, err := parsePageSize(pageSize)
	if err != nil {
		return nil, err
	}
	offset, err := parseHistoryBookmark(bookmark)
	if err != nil {
		return nil, err
	}
	it, err := t.stub.GetHistoryForKey(key)
	if err != nil {
		return nil, errs.Internalf("reading history: %v", err)
	}
	defer it.Close()
	out := page[HistoryEntry]{Records: []HistoryEntry{}}
	for i := 0; it.HasNext(); i++ {
		m, err := it.Next()
		if err != nil {
			return nil, errs.Internalf("iterating history: %v", err)
		}
		if i < offset {
			continue
		}
		if len(out.Records) == int(size) {
			out.Bookmark = strconv.Itoa(offset + int(size))
			break
		}
		e := HistoryEntry{TxID: m.GetTxId(), IsDelete: m.GetIsDelete()}
		if ts := m.GetTimestamp(); ts != nil {
			e.Timestamp = ts.AsTime().UTC().Truncate(time.Second).Format(time.RFC3339)
		}
		if !m.GetIsDelete() && json.Valid(m.GetValue()) {
			e.Record = json.RawMessage(m.GetValue())
		}
		out.Records = append(out.Records, e)
	}
	if len(out.Records) == 0 && offset > 0 {
		return nil, errs.New(errs.InvalidArgument, "bookmark does not belong to this query")
	}
	out.FetchedCount = len(out.Records)
	return result(HistoryPage(out))
}
