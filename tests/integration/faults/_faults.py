"""Shared parts of the fault-injection suite: its consortium, node control through the Docker SDK, heights, the
BFT leader, steady load around a fault, and the results file."""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import docker.errors
from docker.models.containers import Container

from _live_network import TEST_NETWORK, TEST_PORT_BASE, derived_definition, write_definition
from ipledger.consortium.plan import OfficePlan, PeerPlan, project_name
from ipledger.credentials.connection_profile import ConnectionProfile
from ipledger.loadgen import Driver, LoadReport, PeerTarget, render_table
from ipledger.loadgen.scenario import load_around, open_contracts
from ipledger.operator import containers
from ipledger.operator.bringup import Context, default_definition, load_state
from ipledger.operator.progress import Progress

REUSE = os.environ.get("IPLEDGER_REUSE_NETWORK") == "1"
FAULT_NETWORK = f"{TEST_NETWORK}-faults"
#: Offered load (transactions per second): about half of what this shared 2-core machine sustains.
RATE = float(os.environ.get("IPLEDGER_FAULT_RATE", "6"))
#: How long a partition lasts, seconds.
PARTITION_SECONDS = float(os.environ.get("IPLEDGER_FAULT_PARTITION_SECONDS", "60"))
#: Steady load before a fault, and after it ends, seconds.
LEAD_SECONDS = float(os.environ.get("IPLEDGER_FAULT_LEAD_SECONDS", "8"))
TAIL_SECONDS = float(os.environ.get("IPLEDGER_FAULT_TAIL_SECONDS", "12"))
RESULTS_DIR = default_definition().parents[1] / "benchmarks" / "results"
#: Port blocks of other live tests (test_network.py's throw-away consortia use 31000-35999).
_RESERVED = (31000, 36000)
_BLOCK = 4000  # four offices, stride 1000


def fault_port_base(session_base: int = TEST_PORT_BASE) -> int:
    """The suite's port block: 5000 above the session network's, or 10000 above when that meets the reserved
    block. IPLEDGER_FAULT_PORT_BASE overrides it."""
    if "IPLEDGER_FAULT_PORT_BASE" in os.environ:
        return int(os.environ["IPLEDGER_FAULT_PORT_BASE"])
    for offset in (5000, 10000, 15000):
        base = session_base + offset
        if base + _BLOCK <= _RESERVED[0] or base >= _RESERVED[1]:
            return base
    raise ValueError(f"no free port block for the fault network near {session_base}; set IPLEDGER_FAULT_PORT_BASE")


def fault_definition() -> dict:  # type: ignore[type-arg]
    raw = derived_definition(FAULT_NETWORK, fault_port_base())
    for office in raw["offices"]:
        if office["code"] == "JP":
            office["peers"] = 2  # the failover test stops peer0.jp
    return raw


def fault_context() -> Context:
    root = default_definition().parents[1]
    directory = root / "network" / f"generated-{project_name(FAULT_NETWORK)}-definition"
    return Context.load(write_definition(fault_definition(), directory), Progress())


class FaultNetwork:
    """The suite's running consortium, with the knobs a fault test turns."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.plan = ctx.plan
        self.engine = ctx.need_engine(install=False)
        self.admins = {admin.office.code: admin for admin in ctx.admins()}

    # -- nodes ----------------------------------------------------------------------------------------------
    def is_running(self) -> bool:
        roles = {c.labels.get("io.ipledger.role", "") for c in containers.containers(self.engine, self.plan)
                 if c.status == "running"}
        return {"peer", "orderer", "chaincode"} <= roles and self.plan.state_file.exists()

    def office(self, code: str) -> OfficePlan:
        return next(o for o in self.plan.offices if o.code == code)

    def container(self, name: str) -> Container:
        return self.engine.client.containers.get(name)

    def kill(self, name: str) -> None:
        self.container(name).kill()

    def start(self, name: str) -> None:
        self.container(name).start()

    def office_containers(self, code: str) -> list[str]:
        return [c.name for c in containers.containers(self.engine, self.plan, f"io.ipledger.office={code}")]

    def chaincode_containers(self, code: str) -> list[str]:
        return [c.name for c in containers.containers(self.engine, self.plan, "io.ipledger.role=chaincode",
                                                      f"io.ipledger.office={code}")]

    def restart_chaincode(self, code: str) -> str:
        """What the operator does for a missing chaincode server: start it again from the deployed package."""
        state = load_state(self.plan)
        return containers.start_chaincode(self.engine, self.plan, self.office(code), str(state["label"]),
                                          str(state["packageId"]), str(state["chaincodeImage"]))

    @contextmanager
    def partitioned(self, code: str) -> Iterator[list[str]]:
        """Disconnect every container of an office from the consortium's Docker network; reconnect on exit."""
        network = self.engine.client.networks.get(self.plan.docker_network)
        cut: list[tuple[str, list[str]]] = []
        try:
            for name in self.office_containers(code):
                attrs = self.container(name).attrs["NetworkSettings"]["Networks"].get(self.plan.docker_network)
                if attrs is None:
                    continue
                network.disconnect(name, force=True)
                cut.append((name, list(attrs.get("Aliases") or [])))
            yield [name for name, _ in cut]
        finally:
            for name, aliases in cut:
                # The alias is the host name the other nodes dial (chaincode servers are reached by it).
                network.connect(name, aliases=sorted({*aliases, name}))

    # -- ledger ---------------------------------------------------------------------------------------------
    def peers(self) -> list[tuple[OfficePlan, PeerPlan]]:
        return [(office, peer) for office in self.plan.offices for peer in office.peers]

    def peer_targets(self) -> list[PeerTarget]:
        targets = []
        for office, peer in self.peers():
            profile = self.profile(office.code)
            targets.append(PeerTarget(name=peer.host, endpoint=f"{self.plan.host_ip}:{peer.port}",
                                      server_name=peer.host, profile=profile))
        return targets

    def profile(self, code: str) -> ConnectionProfile:
        return ConnectionProfile.load(self.plan.profiles_dir / f"{code}.json")

    def peer_heights(self) -> dict[str, int | None]:
        heights: dict[str, int | None] = {}
        for target in self.peer_targets():
            heights[target.name] = target.height()
        return heights

    def peer_tips(self) -> dict[str, tuple[int, str] | None]:
        """Each peer's (height, hash of its last block): equal everywhere means one chain, no fork."""
        tips: dict[str, tuple[int, str] | None] = {}
        for target in self.peer_targets():
            info = target.chain_info()
            tips[target.name] = None if info is None else (info.height, info.current_block_hash)
        return tips

    def orderer_heights(self) -> dict[str, int | None]:
        heights: dict[str, int | None] = {}
        for code, admin in self.admins.items():
            try:
                info = admin.orderer_channel_info()
            except Exception:  # noqa: BLE001 - a stopped orderer has no height
                heights[admin.office.orderer.host] = None
                continue
            heights[admin.office.orderer.host] = int(str((info or {}).get("height", 0)))
        return heights

    def wait_heights_equal(self, nodes: Callable[[], dict[str, int | None]], timeout: float = 90.0) -> dict[str, int | None]:
        """Poll until every node answers with the same height (a restarted node caught up); the last reading."""
        deadline = time.monotonic() + timeout
        while True:
            heights = nodes()
            values = set(heights.values())
            if None not in values and len(values) == 1:
                return heights
            if time.monotonic() > deadline:
                return heights
            time.sleep(2)

    # -- the BFT leader -------------------------------------------------------------------------------------
    def leader(self) -> str:
        """The orderer leading the current view, as the orderers' own logs say (highest view wins)."""
        best: tuple[int, str] | None = None
        by_id = {office.orderer.consenter_id: office.orderer.host for office in self.plan.offices}
        for office in self.plan.offices:
            try:
                log = self.container(office.orderer.host).logs(tail=4000).decode("utf-8", "replace")
            except docker.errors.APIError:
                continue
            for match in _LEADER.finditer(log):
                view, leader = int(match.group("view")), int(match.group("leader"))
                if best is None or view >= best[0]:
                    best = (view, by_id.get(leader, str(leader)))
        if best is None:
            raise AssertionError("no orderer log names the BFT leader")
        return best[1]


# SmartBFT's ChangeRole line: "Changing to follower role, current view: 1, current leader: 2".
_LEADER = re.compile(r"current view: (?P<view>\d+), current leader: (?P<leader>\d+)")


# -- steady load around a fault -----------------------------------------------------------------------------------
Inject = Callable[[Driver], Awaitable[None]]


@dataclass
class FaultRun:
    report: LoadReport
    driver: Driver


def _profiles(net: FaultNetwork) -> list[ConnectionProfile]:
    return [net.profile(office.code) for office in net.plan.offices]  # JP's lists two peers: one failover channel


async def under_load(net: FaultNetwork, fault: str, inject: Inject, *, recovery_from: str | None = None,
                     max_seconds: float = 600.0) -> FaultRun:
    """Offer RATE tx/s, run ``inject`` (which marks "fault" and "healed") after LEAD_SECONDS, keep the load
    for TAIL_SECONDS after it, then reconcile every peer's blocks and record the figures under ``fault``."""
    run = await load_around(_profiles(net), net.peer_targets(), RATE, inject, lead=LEAD_SECONDS, tail=TAIL_SECONDS,
                            recovery_from=recovery_from, max_seconds=max_seconds)
    record_result(fault, run.report)
    return FaultRun(run.report, run.driver)


async def caught_up(net: FaultNetwork, readings: Callable[[], dict[str, object]]) -> dict[str, object]:
    """``readings`` (heights, or tips) once equal on every node. A BFT node that missed the last block while it
    was cut off fetches it when it sees the next one, so when the load has stopped with one behind, one more
    transaction nudges it."""
    seen = await asyncio.to_thread(net.wait_heights_equal, readings, 30.0)  # type: ignore[arg-type]
    if len(set(seen.values())) == 1:
        return dict(seen)
    gateways, contracts = await open_contracts(_profiles(net)[:1])
    try:
        nudge = Driver(contracts, 1.0)
        await nudge.run(1.0)
    finally:
        for gateway in gateways:
            await gateway.aclose()
    return dict(await asyncio.to_thread(net.wait_heights_equal, readings))  # type: ignore[arg-type]


async def orderers_caught_up(net: FaultNetwork) -> dict[str, object]:
    return await caught_up(net, net.orderer_heights)  # type: ignore[arg-type]


def record_result(fault: str, report: LoadReport) -> None:
    """Print the figures and append them to benchmarks/results/faults.jsonl, re-rendering faults.md."""
    print(f"\n== {fault}")
    for line in report.lines():
        print("   " + line)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    row = {"fault": fault, "when": time.strftime("%Y-%m-%d %H:%M"), **report.as_dict()}
    with (RESULTS_DIR / "faults.jsonl").open("a", encoding="utf-8") as out:
        out.write(json.dumps(row) + "\n")
    rows = [json.loads(line) for line in (RESULTS_DIR / "faults.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    (RESULTS_DIR / "faults.md").write_text(
        "# Fault-injection results\n\nWritten by tests/integration/faults (one row per run, newest last); "
        "times in seconds. Recovery: from the fault's end (or, for a killed leader, from the kill) to the first "
        "commit of a transaction sent after it.\n\n" + render_table(rows), encoding="utf-8")


def assert_safe(report: LoadReport) -> None:
    """The goals that must hold whatever the timing: nothing acknowledged lost, nothing twice, nothing foreign."""
    assert report.unreadable_peers == {}, f"peers not readable after the fault: {report.unreadable_peers}"
    assert report.lost == 0, f"{report.lost} acknowledged transactions missing on a peer: {report.lost_ids}"
    assert report.duplicated == 0, f"{report.duplicated} transactions committed VALID twice"
    assert report.unexpected == 0, f"{report.unexpected} transactions on the ledger the driver did not send"
