"""asyncio: one connection, many transactions in flight, and events read with ``async for``.

docs-example: live
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets

from ipledger.domain import AsyncPriorityLedger, FirstFiling, FirstFilingDeposited, IpRight
from ipledger.gateway import AsyncLedgerReader


async def deposit(jp: AsyncPriorityLedger) -> FirstFiling:
    return await jp.deposit_first_filing(
        ip_right=IpRight.PATENT, application_number=f"JP 2025-{100000 + secrets.randbelow(900000)}",
        filing_date="2025-06-27", document_sha256=hashlib.sha256(secrets.token_bytes(16)).hexdigest())


async def main() -> None:
    async with await AsyncPriorityLedger.connect("JP") as jp:
        office = await jp.get_caller_office()
        assert jp.gateway is not None and jp.profile is not None  # set by connect()
        chain = await AsyncLedgerReader(jp.gateway.get_network(jp.profile.channel)).get_chain_info()

        # Ten deposits at once over one gRPC channel; each awaits its own commit.
        filings = await asyncio.gather(*(deposit(jp) for _ in range(10)))
        print(office.office_code, "deposited", len(filings), "first filings concurrently")

        # Read them back as events, from the block that was next before the deposits.
        wanted = {filing.id for filing in filings}
        async with jp.events(start_block=chain.height) as events:
            async for event in events:
                if isinstance(event, FirstFilingDeposited):
                    wanted.discard(event.record_id)
                if not wanted:
                    break
        print("every deposit seen as an event")


asyncio.run(main())
