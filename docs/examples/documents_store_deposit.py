"""Store a priority document in the office's own library, then deposit its first filing with the hash.

docs-example: live
"""

from __future__ import annotations

import secrets
from pathlib import Path

from ipledger.domain import IpRight, PriorityLedger

Path("priority.pdf").write_bytes(b"%PDF-1.7 folding widget " + secrets.token_bytes(16))  # the document to deposit

with PriorityLedger.connect("JP") as jp:
    digest = jp.store_document("priority.pdf")  # into JP's library; returns the SHA-256
    filing = jp.deposit_first_filing(ip_right=IpRight.PATENT,
                                     application_number=f"JP 2025-{100000 + secrets.randbelow(900000)}",
                                     filing_date="2025-06-27", document_sha256=digest)
    print(filing.id, filing.document_sha256 == digest)
    print("held by JP's library:", jp.holds_document(digest))
