"""The same with the domain API: typed arguments and records, and the endorsers chosen for you.

docs-example: live
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta

from ipledger.domain import FirstFiling, IpRight, PriorityLedger

with PriorityLedger.connect("JP") as jp:
    number = f"JP 2025-{100000 + secrets.randbelow(900000)}"
    filed = date(1990, 1, 1) + timedelta(days=secrets.randbelow(10000))  # a day hardly anyone else filed on
    filing: FirstFiling = jp.deposit_first_filing(
        ip_right=IpRight.PATENT, application_number=number, filing_date=filed,
        document_sha256=hashlib.sha256(b"%PDF-1.7 the priority document").hexdigest())
    print(filing.id, filing.status.value, filing.version)

    again = jp.find_first_filing("JP", IpRight.PATENT, number)  # an evaluate: read, nothing written
    print(again.id == filing.id)

    # Listings come in pages; iter_* follows the bookmarks.
    for first_filing in jp.iter_first_filings(office_code="JP", filing_date_from=filed, filing_date_to=filed,
                                              page_size=10):
        if first_filing.id == filing.id:
            print("listed", first_filing.id)
            break
