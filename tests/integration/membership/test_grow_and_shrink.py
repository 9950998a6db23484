"""A fifth office joins the running BFT channel under steady load, and leaves it again.

Its own consortium (four founders plus CN, `founding: false`), so the session network keeps four offices. The
load is open loop through the founders' gateways during the whole join and the whole leave; afterwards every
acknowledged deposit is on every peer exactly once and nothing else was committed.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from _live_network import TEST_NETWORK, TEST_PORT_BASE, derived_definition, write_definition
from ipledger.consortium.plan import project_name
from ipledger.domain.enums import OfficeStatus
from ipledger.domain.priority_ledger import PriorityLedger
from ipledger.gateway import AsyncGateway
from ipledger.credentials.connection_profile import ConnectionProfile
from ipledger.loadgen import Driver, LoadReport, PeerTarget
from ipledger.loadgen.reconcile import settled_height
from ipledger.loadgen.scenario import load_around
from ipledger.loadgen.report import longest_stall
from ipledger.operator import bringup, channel_members, join
from ipledger.operator.bringup import Context, default_definition
from ipledger.operator.channel_config import ChannelConfigs
from ipledger.operator.progress import Progress

GROW_NETWORK = f"{TEST_NETWORK}-grow"
RATE = float(os.environ.get("IPLEDGER_GROW_RATE", "3"))
CN = {"code": "CN", "mspId": "CNMSP", "name": "China National Intellectual Property Administration",
      "founding": False}


def grow_port_base() -> int:
    return int(os.environ.get("IPLEDGER_GROW_PORT_BASE", str(TEST_PORT_BASE + 15000)))


@pytest.fixture(scope="module")
def growing() -> Iterator[Context]:
    raw = derived_definition(GROW_NETWORK, grow_port_base())
    raw["offices"].append(CN)
    directory = default_definition().parents[1] / "network" / f"generated-{project_name(GROW_NETWORK)}-definition"
    ctx = Context.load(write_definition(raw, directory), Progress())
    bringup.down(ctx)
    try:
        bringup.up(ctx)
        yield ctx
    finally:
        bringup.down(ctx)


def _targets(ctx: Context, codes: list[str]) -> list[PeerTarget]:
    targets = []
    for office in ctx.plan.offices:
        if office.code not in codes:
            continue
        profile = ConnectionProfile.load(ctx.plan.profiles_dir / f"{office.code}.json")
        for peer in office.peers:
            targets.append(PeerTarget(name=peer.host, endpoint=f"{ctx.plan.host_ip}:{peer.port}",
                                      server_name=peer.host, profile=profile))
    return targets


async def _under_load(ctx: Context, codes: list[str], change: str) -> tuple[LoadReport, join.MembershipChange]:
    """Offer RATE tx/s through the offices ``codes`` while ``change`` ("join"/"leave") of CN runs."""
    profiles = [ConnectionProfile.load(ctx.plan.profiles_dir / f"{code}.json") for code in codes]

    async def membership_change(driver: Driver) -> join.MembershipChange:
        driver.mark("fault")
        done = await asyncio.to_thread(join.join if change == "join" else join.leave, ctx, "CN")
        driver.mark("healed")
        return done
    run = await load_around(profiles, _targets(ctx, codes), RATE, membership_change, lead=3, tail=5,
                            max_seconds=1800)
    report, driver, done = run.report, run.driver, run.result
    print(f"\n{change} CN under {RATE} tx/s: " + "; ".join(report.lines()))
    commits = [r.committed_at for r in driver.records if r.committed_at is not None]
    stall, ended = longest_stall(commits, driver.marks["fault"], driver.marks["healed"])
    print(f"  longest stall {stall:.1f}s, ended {ended:.1f}s into the run; the steps, from {driver.marks['fault']:.1f}s:")
    at = driver.marks["fault"]
    for name, seconds in done.steps:
        at += seconds
        print(f"  {seconds:6.1f}s  (until {at:6.1f}s)  {name}")
    return report, done


def _consenter_msps(ctx: Context) -> list[str]:
    config = ChannelConfigs(ctx.admins()[0]).current().config
    return sorted(str(c["msp_id"]) for c in channel_members.consenters(config))


def test_a_fifth_office_joins_and_leaves_under_load(growing: Context) -> None:
    ctx = growing
    founders = ["JP", "US", "EP", "KR"]
    assert [o.code for o in ctx.plan.offices] == founders  # CN is defined but not (yet) a member

    report, joined = asyncio.run(_under_load(ctx, founders, "join"))
    # Besides the load, only the join's own transactions (CN's chaincode approval, ADD_OFFICE votes) committed.
    assert report.lost == 0 and report.duplicated == 0, report
    assert report.unexpected == joined.ledger_transactions, (report, joined)
    assert report.committed > 0
    assert joined.consenters == 5
    assert _consenter_msps(ctx) == ["CNMSP", "EPMSP", "JPMSP", "KRMSP", "USMSP"]
    assert [o.code for o in ctx.plan.offices] == [*founders, "CN"]
    # The ledger's registry and the channel agree: CN is registered ACTIVE and endorses and commits as a member.
    with PriorityLedger.connect(ctx.plan.profiles_dir / "CN.json", "User1") as cn:
        assert cn.get_caller_office().office_code == "CN"
        assert cn.get_office("CN").status is OfficeStatus.ACTIVE
    # CN's own deposits are not the leave's: every founder's peer has them before the leave's load starts (it
    # counts from the lowest peer's height, and a deposit above it would count as unexpected).
    height, peers = asyncio.run(_deposit_through(ctx, "CN")) + 1, _targets(ctx, founders)
    asyncio.run(settled_height(peers, at_least=height))
    assert min((t.height() or 0) for t in peers) >= height

    report, left = asyncio.run(_under_load(ctx, founders, "leave"))
    assert report.lost == 0 and report.duplicated == 0, report
    assert report.unexpected == left.ledger_transactions, (report, left)
    assert left.consenters == 4
    assert _consenter_msps(ctx) == ["EPMSP", "JPMSP", "KRMSP", "USMSP"]
    assert "CNMSP" not in channel_members.member_msp_ids(ChannelConfigs(ctx.admins()[0]).current().config)
    with PriorityLedger.connect(ctx.plan.profiles_dir / "JP.json", "User1") as jp:
        assert jp.get_office("CN").status is OfficeStatus.SUSPENDED


async def _deposit_through(ctx: Context, code: str) -> int:
    """A few deposits through ``code``'s gateway; returns the highest block they committed in."""
    profile = ConnectionProfile.load(ctx.plan.profiles_dir / f"{code}.json")
    async with AsyncGateway.from_profile(profile) as gateway:
        contract = gateway.get_network(profile.channel).get_contract(profile.chaincode)
        driver = Driver([(code, contract)], 2.0)
        await driver.run(3)
    assert any(r.valid for r in driver.records), [r.error for r in driver.records]
    return max(r.block for r in driver.records if r.block is not None)



def test_join_refuses_a_member_and_leave_a_stranger(growing: Context, tmp_path: Path) -> None:
    from ipledger.operator.errors import OperatorError

    with pytest.raises(OperatorError, match="already a member"):
        join.join(growing, "JP")
    if "CN" not in [o.code for o in growing.plan.offices]:
        with pytest.raises(OperatorError, match="not a member"):
            join.leave(growing, "CN")
