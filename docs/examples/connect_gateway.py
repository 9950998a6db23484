"""Connect with the Gateway client: networks (channels), contracts, evaluate and submit, bytes in and out.

docs-example: live
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ipledger.credentials import ConnectionProfile
from ipledger.gateway import Gateway, Timeouts

PROFILES = Path(os.environ.get("IPLEDGER_PROFILES", "network/generated/profiles"))

profile = ConnectionProfile.load(PROFILES / "JP.json")
with Gateway.from_profile(profile, user="User1", timeouts=Timeouts(evaluate=10.0)) as gateway:
    contract = gateway.get_network(profile.channel).get_contract(profile.chaincode)
    office = contract.evaluate_transaction("GetOffice", "JP")  # bytes: the chaincode's JSON
    print(json.loads(office)["mspId"])
