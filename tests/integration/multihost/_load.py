"""Steady load around a fault of the multi-host testbed, reported as the fault suite does (ipledger.loadgen)."""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable

from conftest import MultihostNetwork
from ipledger.credentials.connection_profile import ConnectionProfile
from ipledger.loadgen import Driver, LoadReport, PeerTarget
from ipledger.loadgen.scenario import load_around
from ipledger.operator.errors import OperatorError

RATE = float(os.environ.get("IPLEDGER_FAULT_RATE", "4"))
LEAD_SECONDS, TAIL_SECONDS = 8.0, 15.0
#: Every transaction the session's scenarios sent: after a view change an orderer may propose one of an earlier
#: scenario again (seen once as a DUPLICATE_TXID entry in a later one), which is not a foreign transaction.
SENT: set[str] = set()


def peer_targets(net: MultihostNetwork) -> list[PeerTarget]:
    plan = net.ctx.plan
    return [PeerTarget(name=p.host, endpoint=f"{p.host_ip}:{p.port}", server_name=p.host,
                       profile=ConnectionProfile.load(plan.profiles_dir / f"{o.code}.json"))
            for o in plan.offices for p in o.peers]


async def under_load(net: MultihostNetwork, title: str, inject: Callable[[Driver], Awaitable[None]]
                     ) -> tuple[LoadReport, Driver]:
    """RATE tx/s through every office's gateway; ``inject`` marks "fault" and "healed"; then every peer's
    blocks are read back and compared with what was acknowledged."""
    plan = net.ctx.plan
    profiles = [ConnectionProfile.load(plan.profiles_dir / f"{office.code}.json") for office in plan.offices]
    run = await load_around(profiles, peer_targets(net), RATE, inject, lead=LEAD_SECONDS, tail=TAIL_SECONDS,
                            recovery_from="healed", settle_timeout=180, earlier=frozenset(SENT))
    SENT.update(r.transaction_id for r in run.driver.records if r.transaction_id)
    print(f"\n== {title}")
    for line in run.report.lines():
        print("   " + line)
    return run.report, run.driver


def committed_by(driver: Driver, office: str, since: str, until: str, grace: float = 5.0) -> int:
    """Transactions sent through ``office``'s gateway committed between two marks (after ``grace`` s)."""
    start, end = driver.marks[since] + grace, driver.marks[until]
    return len([r for r in driver.records if r.valid and r.committed_at is not None
                and start <= r.committed_at < end and r.office == office])


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


def orderer_caught_up(net: MultihostNetwork, code: str, timeout: float = 120, slack: int = 2) -> float:
    """Seconds until the office's orderer is within ``slack`` blocks of the highest other orderer (a restarted
    orderer syncs before it takes part in consensus again: until then one more fault would stop ordering)."""
    admins = {a.office.code: a for a in net.ctx.admins()}
    began = time.monotonic()

    def height(c: str) -> int:
        try:
            info = admins[c].orderer_channel_info()
        except OperatorError:
            return -1
        return int(str(info.get("height", -1))) if info else -1
    while time.monotonic() - began < timeout:
        others = max(height(c) for c in admins if c != code)
        if height(code) >= others - slack:
            return time.monotonic() - began
        time.sleep(1)
    raise AssertionError(f"{code}'s orderer did not catch up within {timeout:.0f}s")
