"""asyncio with the Gateway client: submit many transactions, then wait for their commits together.

docs-example: live
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
from pathlib import Path

from ipledger.credentials import ConnectionProfile
from ipledger.gateway import AsyncContract, AsyncGateway

PROFILES = Path(os.environ.get("IPLEDGER_PROFILES", "network/generated/profiles"))


async def deposit(contract: AsyncContract) -> str:
    filing = json.dumps({"ipRight": "PATENT", "applicationNumber": f"JP 2025-{100000 + secrets.randbelow(900000)}",
                         "filingDate": "2025-06-27", "documentSha256": secrets.token_hex(32),
                         "documentFormat": "PDF"})
    submitted = await contract.submit_async("DepositFirstFiling", [filing])  # endorsed and ordered
    status = await submitted.status()  # committed
    status.raise_for_failure()
    return status.code_name


async def main() -> None:
    profile = ConnectionProfile.load(PROFILES / "JP.json")
    async with AsyncGateway.from_profile(profile) as gateway:
        await gateway.wait_ready(10.0)
        contract = gateway.get_network(profile.channel).get_contract(profile.chaincode)
        outcomes = await asyncio.gather(*(deposit(contract) for _ in range(20)))
        print(len(outcomes), "transactions:", sorted(set(outcomes)))


asyncio.run(main())
