package library

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Handler serves the library's HTTP API. It is the whole server: no http.ServeMux, whose path cleaning and
// redirects would hand handlers a different path than the one validated.
type Handler struct {
	office   string // this library's office code
	mspID    string // its MSP ID
	maxBytes int64
	ledger   Ledger
	members  *Membership
	store    *Store
	audit    *Auditor
	log      *slog.Logger
	now      func() time.Time
}

// HandlerConfig gathers the handler's collaborators.
type HandlerConfig struct {
	Office, MSPID    string
	MaxDocumentBytes int64
	Ledger           Ledger
	Members          *Membership
	Store            *Store
	Audit            *Auditor
	Log              *slog.Logger
	Now              func() time.Time // nil = time.Now
}

// NewHandler builds the API handler.
func NewHandler(c HandlerConfig) *Handler {
	now := c.Now
	if now == nil {
		now = time.Now
	}
	return &Handler{office: c.Office, mspID: c.MSPID, maxBytes: c.MaxDocumentBytes, ledger: c.Ledger,
		members: c.Members, store: c.Store, audit: c.Audit, log: c.Log, now: now}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	ev := auditEvent{Remote: r.RemoteAddr}
	rt, refusal := parseRoute(r)
	if refusal == nil {
		switch rt.kind {
		case routeHealth:
			h.health(w)
			return
		case routeBlob:
			refusal = h.blob(w, r, rt, &ev)
		case routeDownload:
			refusal = h.download(w, r, rt, &ev)
		}
	}
	if refusal != nil {
		if refusal.Code == MethodNotAllowed {
			w.Header().Set("Allow", strings.Join(allowedMethods[rt.kind], ", "))
		}
		writeRefusal(w, refusal)
		ev.Event, ev.Code = eventRefused, refusal.Code
	}
	if ev.Event != "" {
		ev.DurationMs = time.Since(start).Milliseconds()
		h.audit.Record(ev, h.now())
	}
}

func (h *Handler) health(w http.ResponseWriter) {
	if err := h.store.CheckWritable(); err != nil {
		h.log.Error("health check: the store is not writable", "error", err)
		writeRefusal(w, refuse(Internal, "the document store is not writable"))
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Status string `json:"status"`
	}{"OK"})
}

// callerMSP authenticates the TLS client certificate against the channel's MSPs.
func (h *Handler) callerMSP(ctx context.Context, r *http.Request, ev *auditEvent) (string, *Refusal) {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return "", refuse(CertificateRequired, "a client certificate of a member office is required")
	}
	leaf := r.TLS.PeerCertificates[0]
	ev.Caller.Subject, ev.Caller.Serial = leaf.Subject.String(), leaf.SerialNumber.Text(16)
	msp, refusal := h.members.Identify(ctx, r.TLS.PeerCertificates)
	ev.Caller.MSP = msp
	return msp, refusal
}

// ledgerFailure hides the peer's error from the caller but keeps it in the operator's log.
func (h *Handler) ledgerFailure(what string, err error) *Refusal {
	h.log.Error("ledger read failed", "read", what, "error", err)
	return refuse(LedgerUnavailable, "the ledger cannot be read right now; try again later")
}
