"""Fetch another office's priority document: request, download, verify against the ledger, acknowledge.

JP deposits a first filing with an access code; the applicant gives the code to the USPTO, which redeems it
and fetches the document from JP's library.

docs-example: live
"""

from __future__ import annotations

import secrets
from pathlib import Path

from ipledger.domain import IpRight, PriorityLedger

number = f"JP 2025-{100000 + secrets.randbelow(900000)}"
Path("priority.pdf").write_bytes(b"%PDF-1.7 folding widget " + secrets.token_bytes(2 * 1024 * 1024))
with PriorityLedger.connect("JP") as jp:
    filing = jp.deposit_first_filing(ip_right=IpRight.PATENT, application_number=number,
                                     filing_date="2025-06-27", document_sha256=jp.store_document("priority.pdf"),
                                     access_code="7F3A")


def report(done: int, total: int | None) -> None:
    print(f"{done} of {total if total is not None else '?'} bytes")


with PriorityLedger.connect("US") as us:
    us.redeem_access_code("JP", IpRight.PATENT, number, "2025-06-27", "7F3A")  # the grant
    fetched = us.fetch_document(filing.id, "received.pdf", progress=report)
    print(fetched.retrieval.status.value, fetched.size, fetched.attempts)

print("same bytes:", Path("received.pdf").read_bytes() == Path("priority.pdf").read_bytes())
