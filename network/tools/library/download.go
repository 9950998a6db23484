package library

import (
	"errors"
	"io/fs"
	"net/http"
	"time"
)

// download handles GET /filings/{filingId}/versions/{version}/document?retrieval={retrievalId}.
func (h *Handler) download(w http.ResponseWriter, r *http.Request, rt route, ev *auditEvent) *Refusal {
	ev.FilingID, ev.Version, ev.RetrievalID = rt.filingID, rt.version, rt.retrievalID
	ev.Range = r.Header.Get("Range")
	msp, refusal := h.callerMSP(r.Context(), r, ev)
	if refusal != nil {
		return refusal
	}
	ret, refusal := h.authorizeDownload(r.Context(), msp, rt, ev)
	if refusal != nil {
		return refusal
	}
	digest := ret.ExpectedSHA256
	ev.SHA256 = digest
	f, err := h.store.Open(digest)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		h.log.Error("AUTHORISED DOCUMENT IS MISSING FROM THE STORE: upload it (PUT /documents/{sha256})",
			"sha256", digest, "filingId", rt.filingID, "version", rt.version, "retrievalId", rt.retrievalID)
		return refuse(DocumentMissing, "the document is not in this library yet; the office has been alerted")
	case err != nil:
		h.log.Error("opening a stored document failed", "sha256", digest, "error", err)
		return refuse(Internal, "the document cannot be read")
	}
	defer f.Close()

	header := w.Header()
	header.Set("Content-Type", "application/octet-stream")
	header.Set("ETag", `"`+digest+`"`)
	header.Set("X-Ipledger-Sha256", digest)
	header.Set("Cache-Control", "private, no-store")
	// No re-hashing here: the requester verifies against the ledger, so a damaged blob must reach it and be
	// reported there as HASH_MISMATCH. No modification time either: the ETag names the content exactly.
	out := &contentWriter{ResponseWriter: w}
	http.ServeContent(out, r, "", time.Time{}, f)
	ev.Bytes = out.written
	if out.refusal != nil {
		ev.Event, ev.Code = eventRefused, out.refusal.Code
	} else {
		ev.Event = eventDelivered
	}
	return nil
}

// contentWriter turns the plain-text errors of http.ServeContent (416, 412) into the API's JSON errors and
// counts the document bytes actually written.
type contentWriter struct {
	http.ResponseWriter
	refusal *Refusal
	written int64
}

func (c *contentWriter) WriteHeader(status int) {
	if status < 400 {
		c.ResponseWriter.WriteHeader(status)
		return
	}
	switch status {
	case http.StatusRequestedRangeNotSatisfiable:
		c.refusal = refuse(RangeNotSatisfiable, "the requested range is outside the document")
	case http.StatusPreconditionFailed:
		c.refusal = refuse(PreconditionFailed, "a precondition of the request does not hold")
	default:
		c.refusal = refuse(Internal, "the document cannot be served")
	}
	c.Header().Del("Content-Length")
	writeRefusal(c.ResponseWriter, c.refusal)
}

func (c *contentWriter) Write(p []byte) (int, error) {
	if c.refusal != nil {
		return len(p), nil // ServeContent's own error text; the JSON body was sent instead
	}
	n, err := c.ResponseWriter.Write(p)
	c.written += int64(n)
	return n, err
}
