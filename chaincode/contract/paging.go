package contract

import (
	"encoding/base64"
	"strconv"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"

	"github.com/ipledger/ipledger/chaincode/errs"
)

// Page sizes for every list query.
const (
	defaultPageSize = 20
	maxPageSize     = 100
)

// page is the result of every list query.
type page[T any] struct {
	Records      []T    `json:"records"`
	FetchedCount int    `json:"fetchedCount"`
	Bookmark     string `json:"bookmark"`
}

// The pages the list queries return. They are defined types, not aliases of
// page[T], because the contract metadata names a result schema after its Go
// type and an instantiated generic has no usable name.
type (
	OfficePage           page[Office]
	FoundingProposalPage page[FoundingProposal]
	ProposalPage         page[Proposal]
	FirstFilingPage      page[FirstFiling]
	PriorityClaimPage    page[PriorityClaim]
	RetrievalPage        page[Retrieval]
	HistoryPage          page[HistoryEntry]
)

func parsePageSize(s string) (int32, error) {
	if s == "" {
		return defaultPageSize, nil
	}
	n := 0
	if len(s) <= maxPageSizeArg { // bounded before Atoi, which copies its input into its errors
		n, _ = strconv.Atoi(s)
	}
	if n < 1 || n > maxPageSize {
		return 0, errs.New(errs.InvalidArgument, "pageSize must be an integer from 1 to %d", maxPageSize)
	}
	return int32(n), nil
}

// Bookmarks are ledger keys; composite keys contain NUL bytes, so clients get
// them base64url-encoded and opaque.
func encodeBookmark(key string) string {
	if key == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(key))
}

// decodeBookmark also checks that the bookmark lies inside the queried range,
// so a bookmark from another query cannot widen this one.
func decodeBookmark(s, start, end string) (string, error) {
	if s == "" {
		return "", nil
	}
	if len(s) > maxBookmarkArg {
		return "", errs.New(errs.InvalidArgument, "bookmark does not belong to this query")
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	key := string(raw)
	if err != nil || key < start || key >= end {
		return "", errs.New(errs.InvalidArgument, "bookmark does not belong to this query")
	}
	return key, nil
}

// rangeSpec is a paginated query: a partial composite key (kind set) or a
// simple-key range [start, end).
type rangeSpec struct {
	kind  string   // composite object type, "" for a simple-key range
	attrs []string // partial composite key
	start string   // simple-key range start, or computed for composite
	end   string
}

func (t *txn) compositeRange(kind string, attrs ...string) (rangeSpec, error) {
	start, err := t.key(kind, attrs...)
	if err != nil {
		return rangeSpec{}, err
	}
	return rangeSpec{kind: kind, attrs: attrs, start: start, end: start + rangeEnd}, nil
}

func simpleRange(start, end string) rangeSpec { return rangeSpec{start: start, end: end} }

// paged runs one page of r, calling visit for each entry.
func (t *txn) paged(r rangeSpec, pageSize int32, bookmark string, visit func(key string, value []byte) error) (fetched int, next string, err error) {
	bm, err := decodeBookmark(bookmark, r.start, r.end)
	if err != nil {
		return 0, "", err
	}
	var it shim.StateQueryIteratorInterface
	var meta *peer.QueryResponseMetadata
	if r.kind != "" {
		it, meta, err = t.stub.GetStateByPartialCompositeKeyWithPagination(r.kind, r.attrs, pageSize, bm)
	} else {
		it, meta, err = t.stub.GetStateByRangeWithPagination(r.start, r.end, pageSize, bm)
	}
	if err != nil {
		return 0, "", errs.Internalf("range query: %v", err)
	}
	defer it.Close()
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return 0, "", errs.Internalf("iterating: %v", err)
		}
		fetched++
		if err := visit(kv.GetKey(), kv.GetValue()); err != nil {
			return 0, "", err
		}
	}
	return fetched, encodeBookmark(meta.GetBookmark()), nil
}

// listRecords runs a paginated query whose values are records of type T,
// keeping those accepted by keep (nil keeps all). A record that fails
// validation is skipped (it still counts in fetchedCount): one office's
// malformed record must not make a shared listing fail for everyone.
func listRecords[T any, P interface {
	*T
	stored
}](t *txn, r rangeSpec, pageSizeArg, bookmark string, keep func(*T) bool) (page[T], error) {
	size, err := parsePageSize(pageSizeArg)
	if err != nil {
		return page[T]{}, err
	}
	out := page[T]{Records: []T{}}
	fetched, next, err := t.paged(r, size, bookmark, func(key string, value []byte) error {
		var rec T
		if err := t.decodeAt(key, value, P(&rec)); err != nil {
			if isInvalidRecord(err) {
				return nil
			}
			return err
		}
		if keep == nil || keep(&rec) {
			out.Records = append(out.Records, rec)
		}
		return nil
	})
	if err != nil {
		return page[T]{}, err
	}
	out.FetchedCount, out.Bookmark = fetched, next
	return out, nil
}

// iterateAll visits every entry of a (small) partial composite key range
// inside a submit transaction (pagination is evaluate-only in Fabric).
func (t *txn) iterateAll(kind string, attrs []string, visit func(key string, value []byte) (stop bool, err error)) error {
	it, err := t.stub.GetStateByPartialCompositeKey(kind, attrs)
	if err != nil {
		return errs.Internalf("range query: %v", err)
	}
	defer it.Close()
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return errs.Internalf("iterating: %v", err)
		}
		stop, err := visit(kv.GetKey(), kv.GetValue())
		if err != nil || stop {
			return err
		}
	}
	return nil
}
