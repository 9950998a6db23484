package library

import (
	"net/http"
	"net/url"
	"strings"
)

// Request-target bounds; anything longer is refused before it is looked at.
const (
	maxPathBytes  = 512
	maxQueryBytes = 512
)

type routeKind int

const (
	routeHealth   routeKind = iota + 1
	routeBlob               // /documents/{sha256}
	routeDownload           // /filings/{filingId}/versions/{version}/document?retrieval={retrievalId}
)

// route is a parsed, fully validated request target.
type route struct {
	kind        routeKind
	digest      string
	filingID    string
	version     int
	retrievalID string
}

var allowedMethods = map[routeKind][]string{
	routeHealth:   {http.MethodGet},
	routeBlob:     {http.MethodHead, http.MethodPut},
	routeDownload: {http.MethodGet},
}

// parseRoute works on the escaped path exactly as sent: nothing is cleaned, decoded or redirected, so
// "/documents/../x" or "%2F" can never reach a handler in a different shape than the client wrote.
// Order: size (414), unsafe bytes (400), unknown route (404), method (405), identifiers (400).
func parseRoute(r *http.Request) (route, *Refusal) {
	path := r.URL.EscapedPath()
	if len(path) > maxPathBytes || len(r.URL.RawQuery) > maxQueryBytes {
		return route{}, refuse(RequestTooLarge, "the request path and query are limited to %d bytes each", maxPathBytes)
	}
	segments, refusal := splitPath(path)
	if refusal != nil {
		return route{}, refusal
	}
	var rt route
	switch {
	case len(segments) == 1 && segments[0] == "healthz":
		rt.kind = routeHealth
	case len(segments) == 2 && segments[0] == "documents":
		rt.kind = routeBlob
	case len(segments) == 5 && segments[0] == "filings" && segments[2] == "versions" && segments[4] == "document":
		rt.kind = routeDownload
	default:
		return route{}, refuse(NotFound, "no such endpoint")
	}
	if !methodAllowed(rt.kind, r.Method) {
		return rt, refuse(MethodNotAllowed, "%s is not allowed here (allowed: %s)", r.Method, strings.Join(allowedMethods[rt.kind], ", "))
	}
	switch rt.kind {
	case routeBlob:
		if !validDigest(segments[1]) {
			return rt, refuse(BadRequest, "the document must be named by 64 lowercase hex digits of its SHA-256")
		}
		rt.digest = segments[1]
	case routeDownload:
		return parseDownload(rt, segments, r.URL.RawQuery)
	}
	return rt, nil
}

func methodAllowed(kind routeKind, method string) bool {
	for _, m := range allowedMethods[kind] {
		if m == method {
			return true
		}
	}
	return false
}

// splitPath refuses any byte that could change meaning on the way to a file system or another parser:
// dot segments, empty segments, backslashes, control bytes and every percent-escape except %3A — a colon,
// which many URL encoders escape inside filing ids although it needs no escaping in a path.
func splitPath(path string) ([]string, *Refusal) {
	if !strings.HasPrefix(path, "/") {
		return nil, refuse(BadRequest, "the path must start with /")
	}
	for i := 0; i < len(path); i++ {
		c := path[i]
		switch {
		case c <= ' ' || c >= 0x7f || c == '\\':
			return nil, refuse(BadRequest, "the path contains a forbidden byte 0x%02x", c)
		case c == '%' && !strings.EqualFold(path[i:min(i+3, len(path))], "%3A"):
			return nil, refuse(BadRequest, "the path contains a percent-escape other than %%3A; send identifiers unescaped")
		}
	}
	segments := strings.Split(path[1:], "/")
	for i, s := range segments {
		if s == "" || s == "." || s == ".." {
			return nil, refuse(BadRequest, "the path has an empty or dot segment")
		}
		segments[i] = strings.NewReplacer("%3A", ":", "%3a", ":").Replace(s)
	}
	return segments, nil
}

func parseDownload(rt route, segments []string, rawQuery string) (route, *Refusal) {
	if !validFilingID(segments[1]) {
		return rt, refuse(BadRequest, "the filing id is not <office>:<ipRight>:<number>")
	}
	version, ok := parseVersion(segments[3])
	if !ok {
		return rt, refuse(BadRequest, "the version must be a positive integer")
	}
	query, err := url.ParseQuery(rawQuery)
	if err != nil || len(query) != 1 || len(query["retrieval"]) != 1 {
		return rt, refuse(BadRequest, "the query must be exactly retrieval=<retrievalId>")
	}
	retrievalID := query["retrieval"][0]
	if _, ok := splitRetrievalID(retrievalID); !ok {
		return rt, refuse(BadRequest, "the retrieval id is not <filingId>:<yyyymmddThhmmssZ>_<txId>")
	}
	rt.filingID, rt.version, rt.retrievalID = segments[1], version, retrievalID
	return rt, nil
}
