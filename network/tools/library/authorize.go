package library

import (
	"context"
	"errors"
)

// authorizeDownload applies the ledger's rules to a download, each read at request time, in the documented
// order: office ACTIVE → retrieval (exists, ours, PENDING, this filing, this library) → version → filing
// not withdrawn → grant ACTIVE. The certificate and MSP were checked before.
func (h *Handler) authorizeDownload(ctx context.Context, msp string, rt route, ev *auditEvent) (Retrieval, *Refusal) {
	office, err := h.ledger.OfficeByMSP(ctx, msp)
	switch {
	case errors.Is(err, ErrNotFound):
		return Retrieval{}, refuse(NotAMember, "MSP %s is not bound to a registered office", msp)
	case err != nil:
		return Retrieval{}, h.ledgerFailure("office registry", err)
	}
	ev.Caller.Office = office.OfficeCode
	if office.Status != officeActive {
		return Retrieval{}, refuse(NotAMember, "office %s is %s", office.OfficeCode, office.Status)
	}

	ret, err := h.ledger.Retrieval(ctx, rt.retrievalID)
	switch {
	case errors.Is(err, ErrNotFound):
		return Retrieval{}, refuse(RetrievalNotFound, "retrieval %s does not exist on %s's peer (yet)", rt.retrievalID, h.office)
	case err != nil:
		return Retrieval{}, h.ledgerFailure("retrieval", err)
	}
	switch {
	case ret.RequestingOffice != office.OfficeCode:
		return Retrieval{}, refuse(NoPendingRetrieval, "retrieval %s was not requested by office %s", ret.ID, office.OfficeCode)
	case ret.Status != retrievalPending:
		return Retrieval{}, refuse(NoPendingRetrieval, "retrieval %s is %s; request a new retrieval", ret.ID, ret.Status)
	case ret.FilingID != rt.filingID:
		return Retrieval{}, refuse(NoPendingRetrieval, "retrieval %s is for filing %s", ret.ID, ret.FilingID)
	case ret.OwnerOffice != h.office:
		return Retrieval{}, refuse(WrongLibrary, "filing %s is served by the library of office %s", ret.FilingID, ret.OwnerOffice)
	case ret.DocumentVersion != rt.version:
		return Retrieval{}, refuse(VersionMismatch, "retrieval %s is for version %d", ret.ID, ret.DocumentVersion)
	}

	filing, err := h.ledger.FirstFiling(ctx, rt.filingID)
	if err != nil { // NOT_FOUND included: a retrieval never outlives its filing
		return Retrieval{}, h.ledgerFailure("first filing", err)
	}
	if filing.Status == filingWithdrawn {
		return Retrieval{}, refuse(FilingWithdrawn, "filing %s has been withdrawn", rt.filingID)
	}

	access, err := h.ledger.AccessRecord(ctx, rt.filingID)
	switch {
	case errors.Is(err, ErrNotFound):
		return Retrieval{}, refuse(NoGrant, "office %s has no access to filing %s", office.OfficeCode, rt.filingID)
	case err != nil:
		return Retrieval{}, h.ledgerFailure("access record", err)
	}
	if grant := access.grantOf(office.OfficeCode); grant != grantActive {
		return Retrieval{}, refuse(NoGrant, "the grant of office %s on filing %s is %s", office.OfficeCode, rt.filingID, grant)
	}
	return ret, nil
}
