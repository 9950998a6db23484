"""Continue a PENDING retrieval: after a LocalStorageError (disk full), fetch again with its ID.

docs-example: live
"""

from __future__ import annotations

import secrets
from pathlib import Path

from ipledger.domain import IpRight, PriorityLedger
from ipledger.library import LocalStorageError

number = f"JP 2025-{100000 + secrets.randbelow(900000)}"
Path("priority.pdf").write_bytes(b"%PDF-1.7 folding widget " + secrets.token_bytes(64))
with PriorityLedger.connect("JP") as jp:
    filing = jp.deposit_first_filing(ip_right=IpRight.PATENT, application_number=number,
                                     filing_date="2025-06-27", document_sha256=jp.store_document("priority.pdf"),
                                     access_code="7F3A")

with PriorityLedger.connect("US") as us:
    us.redeem_access_code("JP", IpRight.PATENT, number, "2025-06-27", "7F3A")
    retrieval = us.request_retrieval(filing.id)
    try:
        fetched = us.fetch_document(filing.id, "received.pdf", retrieval_id=retrieval.id)
    except LocalStorageError:
        ...  # make room, then continue the same retrieval from the bytes in received.pdf.part:
        fetched = us.fetch_document(filing.id, "received.pdf", retrieval_id=retrieval.id)
    print(fetched.retrieval.id == retrieval.id, fetched.retrieval.status.value)
