"""Pinned versions of the supply-chain tools, all from the Go module proxy or PyPI (changing one rebuilds it)."""

from __future__ import annotations

GOVULNCHECK_MODULE = "golang.org/x/vuln"
GOVULNCHECK_VERSION = "v1.10.0"
# The Go vulnerability database as a module: data/osv holds the advisories, cmd/indexdb turns them into the
# database layout `govulncheck -db file://...` reads (vuln.go.dev itself is not reachable from our machines).
VULNDB_MODULE = "golang.org/x/vulndb"
VULNDB_VERSION = "v0.0.0-20261105234957-e22db6528018"
PIP_AUDIT_VERSION = "2.10.1"
BUILD_VERSION = "1.6.1"  # PyPI `build`, for the sdist/wheel check
# github.com/hyperledger/fabric has no /v3 module path, so its builds carry a pseudo-version; the commit names the
# release (network/toolchain/fabric/go.mod says which one we pin).
FABRIC_RELEASE_COMMITS = {"435a7f1a780a": "3.1.1"}
