package library

import (
	"errors"
	"io/fs"
	"net/http"
	"strconv"
)

// blob handles HEAD and PUT /documents/{sha256}: the office's own staff checking and filling its store.
func (h *Handler) blob(w http.ResponseWriter, r *http.Request, rt route, ev *auditEvent) *Refusal {
	ev.SHA256 = rt.digest
	msp, refusal := h.callerMSP(r.Context(), r, ev)
	if refusal != nil {
		return refusal
	}
	if msp != h.mspID {
		return refuse(NotOwnOffice, "only %s may manage this library's documents", h.mspID)
	}
	ev.Caller.Office = h.office
	if r.Method == http.MethodHead {
		return h.headBlob(w, rt.digest)
	}
	return h.putBlob(w, r, rt.digest, ev)
}

func (h *Handler) headBlob(w http.ResponseWriter, digest string) *Refusal {
	size, err := h.store.Stat(digest)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return refuse(DocumentMissing, "no document with this SHA-256 is stored")
	case err != nil:
		h.log.Error("store stat failed", "sha256", digest, "error", err)
		return refuse(Internal, "the document store cannot be read")
	}
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.Header().Set("ETag", `"`+digest+`"`)
	w.WriteHeader(http.StatusOK)
	return nil
}

func (h *Handler) putBlob(w http.ResponseWriter, r *http.Request, digest string, ev *auditEvent) *Refusal {
	if r.ContentLength > h.maxBytes {
		return refuse(DocumentTooLarge, "documents are limited to %d bytes", h.maxBytes)
	}
	status := http.StatusCreated
	size, err := h.store.Stat(digest)
	switch {
	case err == nil:
		// Content addressing: the bytes under this name are already the right ones, the body is not needed.
		status = http.StatusOK
	case errors.Is(err, fs.ErrNotExist):
		var created bool
		size, created, err = h.store.Put(digest, r.Body, h.maxBytes)
		if refusal := h.uploadRefusal(digest, err); refusal != nil {
			return refusal
		}
		if !created {
			status = http.StatusOK
		}
	default:
		h.log.Error("store stat failed", "sha256", digest, "error", err)
		return refuse(Internal, "the document store cannot be read")
	}
	ev.Event, ev.Bytes = eventStored, size
	writeJSON(w, status, struct {
		SHA256 string `json:"sha256"`
		Size   int64  `json:"size"`
	}{digest, size})
	return nil
}

func (h *Handler) uploadRefusal(digest string, err error) *Refusal {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrTooLarge):
		return refuse(DocumentTooLarge, "documents are limited to %d bytes", h.maxBytes)
	case errors.Is(err, ErrHashMismatch):
		return refuse(HashMismatch, "the uploaded bytes do not hash to %s; nothing was stored", digest)
	case errors.Is(err, ErrIncompleteUpload):
		return refuse(BadRequest, "the upload ended before its body was complete; nothing was stored")
	}
	h.log.Error("storing a document failed", "sha256", digest, "error", err)
	return refuse(Internal, "the document could not be stored")
}
