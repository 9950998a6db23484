"""A whole host killed under steady load, and brought back: BFT keeps ordering with three offices of four.

KR's host loses power (every process of it SIGKILLed at once, its mounts and run directory gone; its disk
stays). The other three offices keep committing (3 of 4 consenters, endorsement by a majority of offices);
KR's host is started again, its swarm restarts KR's nodes, and KR's peer catches up. Reported as the fault
suite does: offered, committed, lost, duplicated, longest stall and recovery.
"""

from __future__ import annotations

import asyncio
import os
import time

from conftest import MultihostNetwork
from ipledger.gateway import AsyncContract, AsyncGateway
from ipledger.gateway.profile import ConnectionProfile
from ipledger.loadgen import Driver, PeerTarget, reconcile, summarize
from ipledger.operator.testbed.testbed import power_off, power_on

RATE = float(os.environ.get("IPLEDGER_FAULT_RATE", "4"))
LEAD_SECONDS, DOWN_SECONDS, TAIL_SECONDS = 8.0, 30.0, 15.0
VICTIM = "KR"


def _targets(net: MultihostNetwork) -> list[PeerTarget]:
    plan = net.ctx.plan
    return [PeerTarget(name=p.host, endpoint=f"{o.host_ip}:{p.port}", server_name=p.host,
                       profile=ConnectionProfile.load(plan.profiles_dir / f"{o.code}.json"))
            for o in plan.offices for p in o.peers]


def _wait_running_again(net: MultihostNetwork, host: str, timeout: float = 180) -> float:
    """Seconds until every service on the restarted host runs a task again (the office's swarm did it)."""
    began = time.monotonic()
    client = net.bed.client(host)
    label = {"label": net.ctx.plan.project_label}
    while time.monotonic() - began < timeout:
        services = client.services.list(filters=label)
        running = {s.name for s in services if any(t["Status"]["State"] == "running" for t in s.tasks())}
        if services and running == {s.name for s in services}:
            return time.monotonic() - began
        time.sleep(2)
    raise AssertionError(f"the services on {host} did not run again within {timeout:.0f}s")


async def test_a_host_killed_under_load_and_brought_back(multihost_network: MultihostNetwork) -> None:
    net, plan = multihost_network, multihost_network.ctx.plan
    host = net.host_of(VICTIM)
    targets = _targets(net)
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
    timings: dict[str, float] = {}
    try:
        load = asyncio.create_task(driver.run(600.0, stop))
        await asyncio.sleep(LEAD_SECONDS)
        driver.mark("fault")
        killed = await asyncio.to_thread(power_off, net.bed, host)
        await asyncio.sleep(DOWN_SECONDS)
        timings["engine back"] = await asyncio.to_thread(power_on, net.bed, host)
        timings["services running"] = await asyncio.to_thread(_wait_running_again, net, host)
        driver.mark("healed")
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
    print(f"\n== host {host} ({VICTIM}) powered off for {DOWN_SECONDS:g} s under {RATE:g} tx/s "
          f"({len(killed)} processes killed); engine answered after {timings['engine back']:.1f} s, its "
          f"services ran again after {timings['services running']:.1f} s more")
    for line in report.lines():
        print("   " + line)
    assert report.unreadable_peers == {}, f"peers not readable after the host came back: {report.unreadable_peers}"
    assert report.lost == 0, f"{report.lost} acknowledged transactions missing on a peer: {report.lost_ids}"
    assert report.duplicated == 0, f"{report.duplicated} transactions committed VALID twice"
    assert report.unexpected == 0, f"{report.unexpected} transactions on the ledger the driver did not send"
    # Ordering went on with three of four: transactions of the other offices committed while KR was dark.
    fault, healed = report.marks["fault"], report.marks["healed"]
    during = [r for r in driver.records if r.valid and r.committed_at is not None
              and fault + 5 <= r.committed_at < healed and r.office != VICTIM]
    assert during, "nothing committed while one host of four was down: BFT should order with 3 of 4"
