"""Catch a chaincode refusal as its typed error: the USPTO fetches a document it has no grant for.

docs-example: live
"""

from __future__ import annotations

import secrets

from ipledger.domain import IpRight, NoGrantError, PriorityLedger

with PriorityLedger.connect("JP") as jp:
    filing = jp.deposit_first_filing(ip_right=IpRight.PATENT,
                                     application_number=f"JP 2025-{100000 + secrets.randbelow(900000)}",
                                     filing_date="2025-06-27", document_sha256=secrets.token_hex(32))

with PriorityLedger.connect("US") as us:
    try:
        fetched = us.fetch_document(filing.id, "received.pdf")
    except NoGrantError as error:
        print("redeem the applicant's access code first")
        print(error.code, error.chaincode_code)
