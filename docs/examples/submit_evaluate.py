"""Evaluate and submit with the Gateway client: one call, or step by step (endorse, submit, commit status).

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


def new_filing() -> str:
    """DepositFirstFiling's argument: a first filing with a fresh application number."""
    return json.dumps({
        "ipRight": "PATENT",
        "applicationNumber": f"JP 2025-{100000 + secrets.randbelow(900000)}",
        "filingDate": "2025-06-27",
        "documentSha256": secrets.token_hex(32),  # the document's SHA-256 (the ledger holds hashes only)
        "documentFormat": "PDF",
    })


profile = ConnectionProfile.load(PROFILES / "JP.json")
with Gateway.from_profile(profile) as gateway:
    contract = gateway.get_network(profile.channel).get_contract(profile.chaincode)

    # Evaluate: one peer runs the transaction and answers; nothing is ordered or written.
    office = json.loads(contract.evaluate_transaction("GetOffice", "JP"))
    print("evaluated:", office["officeCode"], office["status"])

    # Submit: endorse, order, wait until committed VALID; the result is the chaincode's answer.
    filing = json.loads(contract.submit_transaction("DepositFirstFiling", new_filing()))
    print("submitted:", filing["id"], filing["status"])

    # Submit without waiting for the commit: the result is there at once, the status when asked.
    submitted = contract.submit_async("DepositFirstFiling", [new_filing()])
    print("ordered:", json.loads(submitted.result)["id"])
    status = submitted.status()  # blocks until the gateway peer committed the block
    print("committed:", status.code_name, "in block", status.block_number)
    status.raise_for_failure()  # CommitError unless VALID

    # Step by step, the way the one-call methods do it.
    proposal = contract.new_proposal("DepositFirstFiling", [new_filing()])
    transaction = proposal.endorse()  # the endorsing peers ran it
    commit = transaction.submit()  # the orderers accepted it
    print("step by step:", commit.status().code_name, commit.transaction_id == proposal.transaction_id)
