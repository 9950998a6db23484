"""Steady load around a fault of the multi-host testbed, reported as the fault suite does (ipledger.loadgen)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable

from conftest import MultihostNetwork
from ipledger.gateway import AsyncContract, AsyncGateway
from ipledger.credentials.profile import ConnectionProfile
from ipledger.loadgen import Driver, LoadReport, PeerTarget, reconcile, summarize

RATE = float(os.environ.get("IPLEDGER_FAULT_RATE", "4"))
LEAD_SECONDS, TAIL_SECONDS = 8.0, 15.0


def peer_targets(net: MultihostNetwork) -> list[PeerTarget]:
    plan = net.ctx.plan
    return [PeerTarget(name=p.host, endpoint=f"{o.host_ip}:{p.port}", server_name=p.host,
                       profile=ConnectionProfile.load(plan.profiles_dir / f"{o.code}.json"))
            for o in plan.offices for p in o.peers]


async def under_load(net: MultihostNetwork, title: str, inject: Callable[[Driver], Awaitable[None]]
                     ) -> tuple[LoadReport, Driver]:
    """RATE tx/s through every office's gateway; ``inject`` marks "fault" and "healed"; then every peer's
    blocks are read back and compared with what was acknowledged."""
    plan = net.ctx.plan
    targets = peer_targets(net)
    start = await asyncio.to_thread(lambda: min(h for h in (t.height() for t in targets) if h is not None))
    gateways: list[AsyncGateway] = []
    contracts: list[tuple[str, AsyncContract]] = []
    for office in plan.offices:
        profile = ConnectionProfile.load(plan.profiles_dir / f"{office.code}.json")
        gateway = AsyncGateway.from_profile(profile)
        gateways.append(gateway)
        contracts.append((office.code, gateway.get_network(profile.channel).get_contract(profile.chaincode)))
    driver = Driver(contracts, RATE)
    stop = asyncio.Event()
    try:
        load = asyncio.create_task(driver.run(900.0, stop))
        await asyncio.sleep(LEAD_SECONDS)
        try:
            await inject(driver)
        finally:
            await asyncio.sleep(TAIL_SECONDS)
            stop.set()
            await load
    finally:
        for gateway in gateways:
            await gateway.aclose()
    highest = max((r.block for r in driver.records if r.block is not None), default=start)
    view = await reconcile(targets, start, at_least=highest + 1, settle_timeout=180)
    report = summarize(driver.records, view, rate=RATE, duration=driver.duration, marks=driver.marks,
                       window=("fault", "healed"), recovery_from="healed")
    print(f"\n== {title}")
    for line in report.lines():
        print("   " + line)
    return report, driver


def assert_safe(report: LoadReport) -> None:
    assert report.unreadable_peers == {}, f"peers not readable after the fault: {report.unreadable_peers}"
    assert report.lost == 0, f"{report.lost} acknowledged transactions missing on a peer: {report.lost_ids}"
    assert report.duplicated == 0, f"{report.duplicated} transactions committed VALID twice"
    assert report.unexpected == 0, f"{report.unexpected} transactions on the ledger the driver did not send"


def committed_by_others_during_fault(report: LoadReport, driver: Driver, victim: str) -> int:
    """Transactions of the other offices committed while the victim was out (BFT orders with 3 of 4)."""
    fault, healed = report.marks["fault"], report.marks["healed"]
    return len([r for r in driver.records if r.valid and r.committed_at is not None
                and fault + 5 <= r.committed_at < healed and r.office != victim])
