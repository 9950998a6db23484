"""Hundreds of transactions in flight from one process, over one AsyncGateway (one gRPC channel)."""

from __future__ import annotations

import asyncio
import json

from _gateway_live import LiveNetwork, aretry_conflicts, committed, filing_id, filing_json, unique_number
from ipledger.gateway import AsyncContract, AsyncGateway, Status

EVALUATES = 200
SUBMITS = 50


async def _deposit(contract: AsyncContract, number: str) -> tuple[bytes, Status]:
    async def attempt() -> tuple[bytes, Status]:
        submitted = await contract.submit_async("DepositFirstFiling", [filing_json(number)])
        return submitted.result, committed(await submitted.status())

    return await aretry_conflicts(attempt)


async def test_async_gateway_hundreds_in_flight_all_succeed(live: LiveNetwork) -> None:
    async with AsyncGateway.from_profile(live.profile_path("JP")) as gateway:
        await gateway.wait_ready(30)
        contract = gateway.get_network(live.channel).get_contract(live.chaincode)
        offices = ["JP", "US", "EP", "KR"]

        numbers = [unique_number() for _ in range(SUBMITS)]
        # All of them at once: EVALUATES + SUBMITS calls in flight together.
        answers, outcomes = await asyncio.gather(
            asyncio.gather(*(contract.evaluate_transaction("GetOffice", offices[i % 4]) for i in range(EVALUATES))),
            asyncio.gather(*(_deposit(contract, number) for number in numbers)),
        )

    assert [json.loads(answer)["officeCode"] for answer in answers] == [offices[i % 4] for i in range(EVALUATES)]
    assert [json.loads(result)["id"] for result, _ in outcomes] == [filing_id("JP", n) for n in numbers]
    statuses = [status for _, status in outcomes]
    assert all(status.successful for status in statuses), [s for s in statuses if not s.successful]
    assert len({status.transaction_id for status in statuses}) == SUBMITS
