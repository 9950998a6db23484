package library

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"

	"ipledger/network/tools/library/fabric"
)

// evaluator is the part of fabric.Client the adapter needs, so the JSON mapping can be tested without a peer.
type evaluator interface {
	Evaluate(ctx context.Context, channel, chaincode, function string, args ...string) ([]byte, error)
	ChannelMSPs(ctx context.Context, channel string) ([]fabric.MSP, string, error)
}

// FabricLedger reads the ipledger chaincode and the channel configuration through the office's peer.
type FabricLedger struct {
	client    evaluator
	channel   string
	chaincode string
	log       *slog.Logger

	mu     sync.Mutex
	source string // "cscc" or "qscc": which system chaincode answered the last config read
}

// NewFabricLedger wraps a gateway client.
func NewFabricLedger(client evaluator, channel, chaincode string, log *slog.Logger) *FabricLedger {
	return &FabricLedger{client: client, channel: channel, chaincode: chaincode, log: log}
}

// listPageSize is the chaincode's largest page: the registry fits in one or two calls.
const listPageSize = "100"

// maxOfficePages bounds the paging loop should a bookmark never come back empty.
const maxOfficePages = 100

func (l *FabricLedger) ChannelMSPs(ctx context.Context) ([]fabric.MSP, error) {
	msps, source, err := l.client.ChannelMSPs(ctx, l.channel)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if source != l.source {
		l.log.Info("channel configuration read", "source", source, "channel", l.channel)
		l.source = source
	}
	return msps, nil
}

func (l *FabricLedger) OfficeByMSP(ctx context.Context, mspID string) (Office, error) {
	var found *Office
	err := l.eachOffice(ctx, func(o Office) bool {
		if o.MSPID == mspID {
			found = &o
		}
		return found == nil
	})
	switch {
	case err != nil:
		return Office{}, err
	case found == nil:
		return Office{}, ErrNotFound
	}
	return *found, nil
}

// Offices lists the whole registry (for the start-up log).
func (l *FabricLedger) Offices(ctx context.Context) ([]Office, error) {
	var all []Office
	err := l.eachOffice(ctx, func(o Office) bool { all = append(all, o); return true })
	return all, err
}

// eachOffice pages through ListOffices until visit returns false or the bookmark comes back empty.
func (l *FabricLedger) eachOffice(ctx context.Context, visit func(Office) bool) error {
	bookmark := ""
	for range maxOfficePages {
		var page struct {
			Records  []Office `json:"records"`
			Bookmark string   `json:"bookmark"`
		}
		if err := l.query(ctx, &page, "ListOffices", listPageSize, bookmark); err != nil {
			return err
		}
		for _, o := range page.Records {
			if !visit(o) {
				return nil
			}
		}
		if page.Bookmark == "" {
			return nil
		}
		bookmark = page.Bookmark
	}
	return fmt.Errorf("ListOffices did not finish after %d pages", maxOfficePages)
}

func (l *FabricLedger) Retrieval(ctx context.Context, id string) (Retrieval, error) {
	var r Retrieval
	return r, l.query(ctx, &r, "GetRetrieval", id)
}

func (l *FabricLedger) FirstFiling(ctx context.Context, id string) (FirstFiling, error) {
	var f FirstFiling
	return f, l.query(ctx, &f, "GetFirstFiling", id)
}

func (l *FabricLedger) AccessRecord(ctx context.Context, filingID string) (AccessRecord, error) {
	var a AccessRecord
	return a, l.query(ctx, &a, "GetAccessRecord", filingID)
}

// query evaluates a chaincode query and decodes its JSON result; NOT_FOUND becomes ErrNotFound.
func (l *FabricLedger) query(ctx context.Context, out any, function string, args ...string) error {
	raw, err := l.client.Evaluate(ctx, l.channel, l.chaincode, function, args...)
	if err != nil {
		if fabric.CodeOf(err) == "NOT_FOUND" {
			return fmt.Errorf("%s: %w", function, ErrNotFound)
		}
		return err
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s answered unreadable JSON: %w", function, err)
	}
	return nil
}
