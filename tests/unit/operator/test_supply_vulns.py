"""govulncheck's JSON stream and the reviewed allow-list: parsing, matching, and what fails CI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ipledger.operator.supply import allowlist, govuln
from ipledger.operator.supply.errors import AllowListError, SupplyError

REPO = Path(__file__).resolve().parents[3]


def _stream(*objects: dict[str, object]) -> str:
    # govulncheck pretty-prints each message, one after the other.
    return "\n".join(json.dumps(o, indent=2) for o in objects)


STREAM = _stream(
    {"config": {"scanner_name": "govulncheck", "scan_mode": "binary"}},
    {"osv": {"id": "GO-2026-6061", "summary": "gRPC xDS RBAC and HTTP/2 server"}},
    {"finding": {"osv": "GO-2026-6061", "fixed_version": "v1.82.1",
                 "trace": [{"module": "google.golang.org/grpc", "version": "v1.70.0"}]}},
    {"finding": {"osv": "GO-2026-6061", "fixed_version": "v1.82.1",
                 "trace": [{"module": "google.golang.org/grpc", "version": "v1.70.0",
                            "package": "google.golang.org/grpc", "function": "Serve", "receiver": "*Server"}]}},
    {"osv": {"id": "GO-2026-6809", "summary": "Distrust compromised intermediates"}},
    {"finding": {"osv": "GO-2026-6809", "fixed_version": "v1.26.10",
                 "trace": [{"module": "stdlib", "version": "v1.26.8", "package": "crypto/x509"}]}},
)


def test_findings_keep_the_called_trace_and_the_summaries() -> None:
    findings, summaries = govuln.parse_findings(STREAM)
    by_id = {f.osv: f for f in findings}
    assert by_id["GO-2026-6061"].called and by_id["GO-2026-6061"].symbol == "google.golang.org/grpc.*Server.Serve"
    assert by_id["GO-2026-6061"].fixed == "v1.82.1" and by_id["GO-2026-6061"].version == "v1.70.0"
    assert not by_id["GO-2026-6809"].called and by_id["GO-2026-6809"].symbol == "crypto/x509"
    assert summaries["GO-2026-6809"] == "Distrust compromised intermediates"


def test_a_broken_stream_is_a_clear_error() -> None:
    with pytest.raises(SupplyError, match="not a JSON stream"):
        govuln.parse_findings('{"config": {}}\n{"finding": ')


ALLOW = {"allow": [
    {"id": "GO-2026-6061", "modules": ["google.golang.org/grpc"], "targets": ["peer"],
     "reason": "only the peer, and it is about to be upgraded"},
    {"id": "GO-2026-1111", "reason": "an entry that no finding matches any more"},
]}


def test_only_listed_called_findings_pass_and_unused_entries_are_stale() -> None:
    findings, _ = govuln.parse_findings(STREAM)
    verdict = allowlist.judge({"peer": findings, "orderer": findings}, allowlist.parse(ALLOW))
    assert [(t, f.osv) for t, f, _ in verdict.allowed] == [("peer", "GO-2026-6061")]
    # The same finding in a target the entry does not name fails; imported-only findings never count.
    assert [(t, f.osv) for t, f in verdict.unlisted] == [("orderer", "GO-2026-6061")]
    assert [a.id for a in verdict.stale] == ["GO-2026-1111"] and not verdict.ok


@pytest.mark.parametrize("entry, message", [
    ({"id": "CVE-2026-1", "reason": "x" * 30}, "must be a Go vulnerability id"),
    ({"id": "GO-2026-6061", "reason": "fine"}, "must say why"),
    ({"id": "GO-2026-6061", "reason": "x" * 30, "until": "never"}, "unknown field"),
    ({"id": "GO-2026-6061", "reason": "x" * 30, "modules": "stdlib"}, "must be a list"),
])
def test_malformed_entries_are_refused(entry: dict[str, object], message: str) -> None:
    with pytest.raises(AllowListError, match=message):
        allowlist.parse({"allow": [entry]})


def test_a_duplicate_entry_is_refused() -> None:
    entry = {"id": "GO-2026-6061", "reason": "x" * 30}
    with pytest.raises(AllowListError, match="listed twice"):
        allowlist.parse({"allow": [entry, dict(entry)]})


def test_the_committed_allow_list_is_valid_and_every_entry_has_a_reason() -> None:
    listed = allowlist.load(REPO / "network" / "supply-chain" / "vuln-allowlist.yaml")
    assert listed.entries and all(len(a.reason) >= allowlist.MIN_REASON for a in listed.entries)
