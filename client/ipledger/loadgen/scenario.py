"""Steady load around an action (a fault, a membership change), then the ledger read back: one run, reported.

The fault suite, the multi-host scenarios and the membership tests all ask the same question — does the network
lose or repeat anything while this happens? — so they share this one flow: open each office's gateway, offer
load for ``lead`` seconds, run the action, keep the load for ``tail`` seconds, stop, wait for every final status,
then reconcile every peer's blocks from the height before the run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from ipledger.credentials.connection_profile import ConnectionProfile
from ipledger.gateway import AsyncContract, AsyncGateway

from .driver import Driver
from .reconcile import PeerTarget, reconcile
from .report import LoadReport, summarize

T = TypeVar("T")


@dataclass(frozen=True)
class LoadRun(Generic[T]):
    report: LoadReport
    driver: Driver
    result: T  # what the action returned


async def open_contracts(profiles: Sequence[ConnectionProfile]) -> tuple[list[AsyncGateway],
                                                                         list[tuple[str, AsyncContract]]]:
    """Each office's gateway (a profile listing several peers gives one failover channel) and its contract."""
    gateways, contracts = [], []
    for profile in profiles:
        gateway = AsyncGateway.from_profile(profile)
        gateways.append(gateway)
        contracts.append((profile.office, gateway.get_network(profile.channel).get_contract(profile.chaincode)))
    return gateways, contracts


async def load_around(profiles: Sequence[ConnectionProfile], targets: Sequence[PeerTarget], rate: float,
                      action: Callable[[Driver], Awaitable[T]], *, lead: float, tail: float,
                      window: tuple[str, str] = ("fault", "healed"), recovery_from: str | None = None,
                      settle_timeout: float = 90.0, max_seconds: float = 900.0,
                      earlier: Collection[str] = ()) -> LoadRun[T]:
    """Offer ``rate`` tx/s through ``profiles``' gateways around ``action`` (which marks ``window`` on the
    driver), then reconcile ``targets`` (every peer that should hold the transactions). ``earlier``: the
    transaction IDs earlier runs on the channel sent (see ``summarize``)."""
    start = await asyncio.to_thread(lambda: min(h for h in (t.height() for t in targets) if h is not None))
    gateways, contracts = await open_contracts(profiles)
    driver = Driver(contracts, rate)
    stop = asyncio.Event()
    try:
        load = asyncio.create_task(driver.run(max_seconds, stop))
        await asyncio.sleep(lead)
        try:
            result = await action(driver)
        finally:
            await asyncio.sleep(tail)
            stop.set()
            await load
    finally:
        for gateway in gateways:
            await gateway.aclose()
    highest = max((r.block for r in driver.records if r.block is not None), default=start)
    view = await reconcile(targets, start, at_least=highest + 1, settle_timeout=settle_timeout)
    report = summarize(driver.records, view, rate=rate, duration=driver.duration, marks=driver.marks,
                       window=window, recovery_from=recovery_from, earlier=earlier)
    return LoadRun(report, driver, result)
