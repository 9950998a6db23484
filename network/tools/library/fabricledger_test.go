package library

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"ipledger/network/tools/library/fabric"
)

// scriptedPeer answers chaincode calls from a table keyed by "Function arg1 arg2".
type scriptedPeer struct {
	answers map[string]string
	errs    map[string]error
	calls   []string
}

func (p *scriptedPeer) Evaluate(_ context.Context, channel, chaincode, function string, args ...string) ([]byte, error) {
	call := strings.Join(append([]string{function}, args...), " ")
	p.calls = append(p.calls, call)
	if channel != "priority" || chaincode != "ipledger" {
		return nil, fmt.Errorf("wrong target %s/%s", channel, chaincode)
	}
	if err, ok := p.errs[call]; ok {
		return nil, err
	}
	if a, ok := p.answers[call]; ok {
		return []byte(a), nil
	}
	return nil, fmt.Errorf("unexpected call %q", call)
}

func (p *scriptedPeer) ChannelMSPs(context.Context, string) ([]fabric.MSP, string, error) {
	return []fabric.MSP{{ID: "JPMSP"}}, "cscc", nil
}

func TestFabricLedgerOfficeByMSP(t *testing.T) {
	peer := &scriptedPeer{answers: map[string]string{
		"ListOffices 100 ":   `{"records":[{"officeCode":"EP","mspId":"EPMSP","name":"EPO","status":"ACTIVE","roles":{}}],"fetchedCount":1,"bookmark":"b1"}`,
		"ListOffices 100 b1": `{"records":[{"officeCode":"US","mspId":"USMSP","name":"USPTO","status":"SUSPENDED"}],"fetchedCount":1,"bookmark":""}`,
	}}
	l := NewFabricLedger(peer, "priority", "ipledger", slog.New(slog.NewTextHandler(io.Discard, nil)))
	tests := []struct {
		msp     string
		want    Office
		wantErr error
	}{
		{"EPMSP", Office{OfficeCode: "EP", MSPID: "EPMSP", Name: "EPO", Status: "ACTIVE"}, nil},
		{"USMSP", Office{OfficeCode: "US", MSPID: "USMSP", Name: "USPTO", Status: "SUSPENDED"}, nil},
		{"KRMSP", Office{}, ErrNotFound},
	}
	for _, tc := range tests {
		got, err := l.OfficeByMSP(context.Background(), tc.msp)
		if got != tc.want || !errors.Is(err, tc.wantErr) {
			t.Errorf("OfficeByMSP(%s) = %+v, %v; want %+v, %v", tc.msp, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestFabricLedgerRecords(t *testing.T) {
	id := "JP:PATENT:1:20250317T091244Z_ab"
	peer := &scriptedPeer{
		answers: map[string]string{
			"GetRetrieval " + id: `{"id":"` + id + `","filingId":"JP:PATENT:1","ownerOffice":"JP","requestingOffice":"US","grantRoute":"ACCESS_CODE",` +
				`"documentVersion":2,"expectedSha256":"ab","status":"PENDING","receivedSha256":"","errorCode":"","errorMessage":"","requestedAt":"x","completedAt":""}`,
			"GetFirstFiling JP:PATENT:1":  `{"id":"JP:PATENT:1","officeCode":"JP","version":2,"status":"WITHDRAWN","documentSha256":"ab"}`,
			"GetAccessRecord JP:PATENT:1": `{"filingId":"JP:PATENT:1","ownerOffice":"JP","offices":[{"officeCode":"US","grant":"REVOKED","route":"DIRECT_GRANT"}]}`,
		},
		errs: map[string]error{
			"GetRetrieval JP:PATENT:1:20250317T091244Z_cd": &fabric.ChaincodeError{Code: "NOT_FOUND", Message: "no such retrieval"},
			"GetFirstFiling JP:PATENT:2":                   errors.New("connection refused"),
		},
	}
	l := NewFabricLedger(peer, "priority", "ipledger", slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx := context.Background()

	r, err := l.Retrieval(ctx, id)
	if err != nil || r != (Retrieval{ID: id, FilingID: "JP:PATENT:1", OwnerOffice: "JP", RequestingOffice: "US", DocumentVersion: 2, ExpectedSHA256: "ab", Status: "PENDING"}) {
		t.Errorf("Retrieval = %+v, %v", r, err)
	}
	if f, err := l.FirstFiling(ctx, "JP:PATENT:1"); err != nil || f.Status != "WITHDRAWN" || f.Version != 2 {
		t.Errorf("FirstFiling = %+v, %v", f, err)
	}
	if a, err := l.AccessRecord(ctx, "JP:PATENT:1"); err != nil || a.grantOf("US") != "REVOKED" || a.grantOf("KR") != "NONE" {
		t.Errorf("AccessRecord = %+v, %v", a, err)
	}
	if _, err := l.Retrieval(ctx, "JP:PATENT:1:20250317T091244Z_cd"); !errors.Is(err, ErrNotFound) {
		t.Errorf("NOT_FOUND retrieval: %v, want ErrNotFound", err)
	}
	if _, err := l.FirstFiling(ctx, "JP:PATENT:2"); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("unreachable peer: %v, want a non-NotFound error", err)
	}
}
