"""Private data with the Gateway client: transient data, and the organisations that endorse.

JP deposits a first filing (public data, endorsed by a majority), then sets its confidential part as transient
data that only JP's own peer sees (``endorsing_organizations=[JP's MSP]``), and reads it back from that peer.

docs-example: live
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from ipledger.credentials import ConnectionProfile
from ipledger.gateway import Gateway

PROFILES = Path(os.environ.get("IPLEDGER_PROFILES", "network/generated/profiles"))

profile = ConnectionProfile.load(PROFILES / "JP.json")
with Gateway.from_profile(profile) as gateway:
    contract = gateway.get_network(profile.channel).get_contract(profile.chaincode)
    filing = json.loads(contract.submit_transaction("DepositFirstFiling", json.dumps({
        "ipRight": "PATENT", "applicationNumber": f"JP 2025-{100000 + secrets.randbelow(900000)}",
        "filingDate": "2025-06-27", "documentSha256": secrets.token_hex(32), "documentFormat": "PDF",
    })))

    # Transient data reaches the endorsing peers only: it is never in the transaction nor in a block.
    confidential = json.dumps({
        "salt": secrets.token_hex(32),  # random, so the public confidentialHash cannot be guessed
        "title": "Folding widget",
        "applicants": [{"name": "ACME K.K.", "countryCode": "JP"}],
        "contact": {"name": "Patent department", "email": "ip@acme.example"},
    })
    updated = json.loads(contract.submit(
        "SetFilingConfidential", [filing["id"]],
        transient={"confidential": confidential},
        endorsing_organizations=[profile.msp_id],  # JP's peer alone: no other office sees the data
    ))
    print("confidentialHash set:", len(updated["confidentialHash"]) == 64)

    # Read the private data from the owner's own peer.
    stored = json.loads(contract.evaluate("GetFilingConfidential", [filing["id"]],
                                          endorsing_organizations=[profile.msp_id]))
    print("title:", stored["title"])
