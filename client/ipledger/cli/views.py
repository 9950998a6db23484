"""Table columns for each kind of record, so every listing of a kind looks the same.

Rows are the domain records (Office, FirstFiling, Retrieval ...) or LedgerEvent.
"""

from __future__ import annotations

from typing import Any

from ipledger.domain.models import HistoryEntry, PriorityClaim

from .output import Column

__all__ = [
    "CLAIM_COLUMNS",
    "EVENT_COLUMNS",
    "FILING_COLUMNS",
    "FOUNDING_COLUMNS",
    "GRANT_COLUMNS",
    "HISTORY_COLUMNS",
    "OFFICE_COLUMNS",
    "PROPOSAL_COLUMNS",
    "REGISTRY_COLUMNS",
    "RETRIEVAL_COLUMNS",
]


OFFICE_COLUMNS: list[Column] = [
    Column("office", lambda o: o.office_code),
    Column("msp", lambda o: o.msp_id),
    Column("name", lambda o: o.name),
    Column("status", lambda o: o.status),
    Column("depositing", lambda o: o.roles.depositing),
    Column("accessing", lambda o: o.roles.accessing),
    Column("settings", lambda o: f"v{o.settings_version}"),
]

PROPOSAL_COLUMNS: list[Column] = [
    Column("id", lambda p: p.id),
    Column("action", lambda p: p.action),
    Column("office", lambda p: p.office_code),
    Column("status", lambda p: p.status),
    Column("approvals", lambda p: p.approvals),
    Column("proposed by", lambda p: p.proposed_by),
    Column("created", lambda p: p.created_at),
]

FOUNDING_COLUMNS: list[Column] = [
    Column("registry hash", lambda p: p.registry_hash),
    Column("status", lambda p: p.status),
    Column("offices", lambda p: p.office_codes),
    Column("confirmed", lambda p: p.confirmations),
    Column("awaiting", lambda p: p.awaiting),
    Column("proposed by", lambda p: p.proposed_by),
    Column("created", lambda p: p.created_at),
]

#: The offices of a founding registry, as proposed (JSON objects in the chaincode's officesJSON format).
REGISTRY_COLUMNS: list[Column] = [
    Column("office", lambda o: o.get("officeCode")),
    Column("msp", lambda o: o.get("mspId")),
    Column("name", lambda o: o.get("name")),
    Column("depositing", lambda o: (o.get("roles") or {}).get("depositing")),
    Column("accessing", lambda o: (o.get("roles") or {}).get("accessing")),
    Column("settings", lambda o: ", ".join(part for part in ("calendar", "applicationNumberPatterns",
                                                              "restorationPolicy") if o.get(part) is not None)
           or "defaults"),
]

FILING_COLUMNS: list[Column] = [
    Column("id", lambda f: f.id),
    Column("application number", lambda f: f.application_number),
    Column("filing date", lambda f: f.filing_date),
    Column("format", lambda f: f.document_format),
    Column("version", lambda f: f.version),
    Column("status", lambda f: f.status),
    Column("published", lambda f: f.publication_date),
]

GRANT_COLUMNS: list[Column] = [
    Column("office", lambda g: g.office_code),
    Column("grant", lambda g: g.grant),
    Column("route", lambda g: g.route),
    Column("granted", lambda g: g.granted_at),
    Column("revoked", lambda g: g.revoked_at),
    Column("failed attempts", lambda g: g.failed_attempts),
    Column("locked", lambda g: g.locked),
]

RETRIEVAL_COLUMNS: list[Column] = [
    Column("id", lambda r: r.id),
    Column("office", lambda r: r.requesting_office),
    Column("route", lambda r: r.grant_route),
    Column("version", lambda r: r.document_version),
    Column("status", lambda r: r.status),
    Column("error", lambda r: r.error_code),
    Column("requested", lambda r: r.requested_at),
    Column("completed", lambda r: r.completed_at),
]


def _priority(claim: PriorityClaim) -> str:
    priority = claim.priority
    return f"{priority.office_code} {priority.application_number} ({priority.ip_right.value}, {priority.filing_date})"


CLAIM_COLUMNS: list[Column] = [
    Column("id", lambda c: c.id),
    Column("priority", _priority),
    Column("later filed", lambda c: c.later_application.filing_date),
    Column("period end", lambda c: c.period_end),
    Column("timeliness", lambda c: c.timeliness),
    Column("status", lambda c: c.status),
    Column("warnings", lambda c: c.warnings),
]


def _history_status(entry: HistoryEntry) -> Any:
    return (entry.record or {}).get("status", "")


HISTORY_COLUMNS: list[Column] = [
    Column("transaction", lambda h: h.tx_id),
    Column("timestamp", lambda h: h.timestamp),
    Column("deleted", lambda h: h.is_delete),
    Column("status", _history_status),
    Column("version", lambda h: (h.record or {}).get("version", (h.record or {}).get("settingsVersion", ""))),
]

EVENT_COLUMNS: list[Column] = [
    Column("block", lambda e: e.block_number),
    Column("event", lambda e: e.name),
    Column("record", lambda e: e.record_id),
    Column("office", lambda e: e.office_code),
    Column("subject", lambda e: e.subject_office),
    Column("status", lambda e: e.status),
    Column("transaction", lambda e: e.transaction_id),
]
