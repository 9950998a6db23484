package library

import (
	"context"
	"sync"

	"ipledger/network/tools/library/fabric"
)

// fakeLedger is an in-memory Ledger. Tests change its maps between requests to play the ledger moving on;
// reads records the order of chaincode reads so the authorisation order can be checked.
type fakeLedger struct {
	mu          sync.Mutex
	msps        []fabric.MSP
	offices     map[string]Office // by MSP ID
	retrievals  map[string]Retrieval
	filings     map[string]FirstFiling
	access      map[string]AccessRecord
	configErr   error // returned by ChannelMSPs
	readErr     error // returned by every chaincode read
	configReads int
	reads       []string
}

func newFakeLedger() *fakeLedger {
	return &fakeLedger{
		offices:    map[string]Office{},
		retrievals: map[string]Retrieval{},
		filings:    map[string]FirstFiling{},
		access:     map[string]AccessRecord{},
	}
}

func (f *fakeLedger) update(change func(*fakeLedger)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(f)
}

func (f *fakeLedger) readLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.reads...)
}

func (f *fakeLedger) ChannelMSPs(context.Context) ([]fabric.MSP, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.configReads++
	if f.configErr != nil {
		return nil, f.configErr
	}
	return append([]fabric.MSP(nil), f.msps...), nil
}

// lookup is the common shape of the four chaincode reads.
func lookup[T any](f *fakeLedger, name string, m map[string]T, key string) (T, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads = append(f.reads, name)
	var zero T
	if f.readErr != nil {
		return zero, f.readErr
	}
	v, ok := m[key]
	if !ok {
		return zero, ErrNotFound
	}
	return v, nil
}

func (f *fakeLedger) OfficeByMSP(_ context.Context, mspID string) (Office, error) {
	return lookup(f, "OfficeByMSP", f.offices, mspID)
}

func (f *fakeLedger) Retrieval(_ context.Context, id string) (Retrieval, error) {
	return lookup(f, "Retrieval", f.retrievals, id)
}

func (f *fakeLedger) FirstFiling(_ context.Context, id string) (FirstFiling, error) {
	return lookup(f, "FirstFiling", f.filings, id)
}

func (f *fakeLedger) AccessRecord(_ context.Context, filingID string) (AccessRecord, error) {
	return lookup(f, "AccessRecord", f.access, filingID)
}
