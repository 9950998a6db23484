package library

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Audit events.
const (
	eventRefused   = "refused"
	eventDelivered = "delivered"
	eventStored    = "stored"
)

// auditEvent is one audit line. Every field is always present (empty or 0 when unknown), so the lines are
// easy to load as a table.
type auditEvent struct {
	Time        string      `json:"time"`
	Event       string      `json:"event"`
	Code        Code        `json:"code"`
	Caller      auditCaller `json:"caller"`
	FilingID    string      `json:"filingId"`
	Version     int         `json:"version"`
	RetrievalID string      `json:"retrievalId"`
	SHA256      string      `json:"sha256"`
	Bytes       int64       `json:"bytes"`
	Range       string      `json:"range"`
	Remote      string      `json:"remote"`
	DurationMs  int64       `json:"durationMs"`
}

type auditCaller struct {
	MSP     string `json:"msp"`
	Office  string `json:"office"`
	Subject string `json:"subject"`
	Serial  string `json:"serial"`
}

// Auditor writes each event as one JSON line to stdout (for the container log) and to <store>/audit.jsonl
// (the office's own record). Lines are not fsynced one by one: the ledger is the authoritative record of
// retrievals, this log explains deliveries and refusals.
type Auditor struct {
	mu     sync.Mutex
	stdout io.Writer
	file   *os.File
}

// OpenAuditor appends to <dir>/audit.jsonl.
func OpenAuditor(dir string, stdout io.Writer) (*Auditor, error) {
	f, err := os.OpenFile(filepath.Join(dir, "audit.jsonl"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	return &Auditor{stdout: stdout, file: f}, nil
}

// Record writes one event; a failing audit file is reported on stdout rather than failing the request.
func (a *Auditor) Record(e auditEvent, at time.Time) {
	e.Time = at.UTC().Format(time.RFC3339Nano)
	line, err := json.Marshal(e)
	if err != nil {
		return // plain strings and numbers only
	}
	line = append(line, '\n')
	a.mu.Lock()
	defer a.mu.Unlock()
	_, _ = a.stdout.Write(line)
	if _, err := a.file.Write(line); err != nil {
		fmt.Fprintf(a.stdout, "{\"event\":\"audit-error\",\"message\":%q}\n", err.Error())
	}
}

// Close closes the audit file.
func (a *Auditor) Close() error { return a.file.Close() }
