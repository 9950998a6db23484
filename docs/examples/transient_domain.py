"""Private data with the domain API: the deposit's confidential part and access code, then a redemption.

``deposit_first_filing`` sends the public record to a majority and then, as separate transactions endorsed
by JP's peer alone, the confidential data and the access code (transient data).  The USPTO redeems the code:
both transactions are endorsed by JP's peer only, the one that can compare it.

docs-example: live
"""

from __future__ import annotations

import hashlib
import secrets

from ipledger.domain import Applicant, ConfidentialDetails, Contact, IpRight, PriorityLedger

number = f"JP 2025-{100000 + secrets.randbelow(900000)}"
with PriorityLedger.connect("JP") as jp:
    filing = jp.deposit_first_filing(
        ip_right=IpRight.PATENT, application_number=number, filing_date="2025-06-27",
        document_sha256=hashlib.sha256(b"%PDF-1.7 folding widget").hexdigest(),
        confidential=ConfidentialDetails(title="Folding widget", applicants=(Applicant("ACME K.K.", "JP"),),
                                         contact=Contact("Patent department", "ip@acme.example")),
        access_code="7F3A",
    )
    print("deposited:", filing.id)
    print("title:", jp.get_filing_confidential(filing.id).title)  # only JP can read it

with PriorityLedger.connect("US") as us:
    result = us.redeem_access_code("JP", IpRight.PATENT, number, "2025-06-27", "7F3A")
    print("redeemed:", result.result.value)

with PriorityLedger.connect("JP") as jp:
    grant = jp.get_access_record(filing.id).grant_for("US")
    print("US grant:", grant.grant.value if grant else None)
