"""``ipledger network top``: each node's height, BFT leader, view changes, throughput and endorsement latency.

Everything is derived from two consecutive scrapes of every node's ``/metrics`` (:mod:`ipledger.operator.metrics`):
rates are the difference of Fabric's counters over the time between the scrapes. The computation is pure
(:func:`frame`), so it is tested on canned samples; :func:`watch` only scrapes, computes and prints.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

from ipledger.consortium.plan import ConsortiumPlan
from ipledger.operator.metrics import Scrape, Target, scrape_all, targets
from ipledger.operator.promtext import Metrics

# Fabric metric names (Fabric 3.1: docs/source/metrics_reference.rst).
HEIGHT = "ledger_blockchain_height"
TRANSACTIONS = "ledger_transaction_count"  # peer: committed transactions by validation code
ENDORSEMENT = "endorser_proposal_duration"  # peer: histogram of proposal processing, seconds
BFT_LEADER = "consensus_BFT_leader_id"  # orderer: consenter id of the leader it follows
BFT_VIEW = "consensus_smartbft_view_number"  # orderer: current view; a view change increments it


@dataclass(frozen=True)
class Topology:
    """What the computation needs of the plan: the channel, the chaincode and who each consenter id is."""

    channel: str
    chaincode: str
    consenters: dict[int, str]  # consenter id -> orderer host

    @classmethod
    def of(cls, plan: ConsortiumPlan) -> "Topology":
        return cls(plan.channel, plan.spec.chaincode.name,
                   {o.orderer.consenter_id: o.orderer.host for o in plan.offices})


@dataclass(frozen=True)
class NodeRow:
    office: str
    node: str
    role: str
    up: bool
    error: str | None = None
    height: int | None = None
    leader: str | None = None  # orderers: the leader this node follows
    view: int | None = None  # orderers: current BFT view number
    view_changes: int | None = None  # orderers: view changes between the two scrapes
    tps: float | None = None  # peers: valid transactions committed per second between the scrapes
    endorse_ms: float | None = None  # peers: mean endorsement time of the chaincode's proposals, ms
    endorse_p99_ms: float | None = None  # peers: 99th percentile estimate from the histogram buckets, ms


@dataclass(frozen=True)
class Frame:
    at: float
    interval: float | None  # seconds between the two scrapes; None for a single scrape (no rates)
    channel: str
    leader: str | None  # the leader most orderers follow
    tps: float | None  # the network's commit rate: the fastest peer's (a lagging peer catches up later)
    nodes: tuple[NodeRow, ...]

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)


def _valid_transactions(metrics: Metrics, channel: str) -> float | None:
    return metrics.value(TRANSACTIONS, channel=channel, validation_code="VALID")


def _row(topology: Topology, current: Scrape, previous: Scrape | None) -> NodeRow:
    t = current.target
    if current.metrics is None:
        return NodeRow(t.office, t.node, t.role, up=False, error=current.error)
    m, ch = current.metrics, topology.channel
    before = previous.metrics if previous is not None and previous.metrics is not None else None
    elapsed = current.at - previous.at if previous is not None and before is not None else 0.0
    row = NodeRow(t.office, t.node, t.role, up=True, height=_int(m.max(HEIGHT, channel=ch)))
    if t.role == "orderer":
        leader_id = _int(m.max(BFT_LEADER, channel=ch))
        view = _int(m.max(BFT_VIEW, channel=ch))
        changes = None
        if before is not None and view is not None:
            earlier = _int(before.max(BFT_VIEW, channel=ch))
            # A restarted orderer starts again from its recovered view; never report a negative count.
            changes = max(0, view - earlier) if earlier is not None else None
        leader = topology.consenters.get(leader_id, f"consenter {leader_id}") if leader_id else None
        return NodeRow(**{**asdict(row), "leader": leader, "view": view, "view_changes": changes})
    if t.role == "peer":
        tps = endorse = p99 = None
        now_tx = _valid_transactions(m, ch)
        histogram = m.histogram(ENDORSEMENT, channel=ch, chaincode=topology.chaincode, success="true")
        if before is not None and elapsed > 0:
            then_tx = _valid_transactions(before, ch)
            if now_tx is not None:
                delta = now_tx - (then_tx or 0.0)
                tps = (delta if delta >= 0 else now_tx) / elapsed  # a restart resets the counter
            earlier_h = before.histogram(ENDORSEMENT, channel=ch, chaincode=topology.chaincode, success="true")
            if histogram is not None and earlier_h is not None:
                histogram = histogram.minus(earlier_h)
        if histogram is not None:
            mean, q99 = histogram.mean, histogram.quantile(0.99)
            endorse = None if mean is None else mean * 1000
            p99 = None if q99 is None else q99 * 1000
        return NodeRow(**{**asdict(row), "tps": tps, "endorse_ms": endorse, "endorse_p99_ms": p99})
    return row


def frame(topology: Topology, current: list[Scrape], previous: list[Scrape] | None = None) -> Frame:
    """One frame from the latest scrape of every node and (for rates) the one before."""
    before = {s.target.node: s for s in previous or []}
    rows = tuple(_row(topology, s, before.get(s.target.node)) for s in current)
    leaders = [r.leader for r in rows if r.role == "orderer" and r.leader]
    leader = max(set(leaders), key=leaders.count) if leaders else None
    rates = [r.tps for r in rows if r.tps is not None]
    at = max((s.at for s in current), default=time.time())
    starts = [s.at for s in previous or [] if s.ok]
    interval = at - min(starts) if starts else None
    return Frame(at=at, interval=interval, channel=topology.channel, leader=leader,
                 tps=max(rates) if rates else None, nodes=rows)


def _num(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    return str(value) if isinstance(value, int) else f"{value:.{digits}f}"


BOLD, DIM, RED, RESET = "\x1b[1m", "\x1b[2m", "\x1b[31m", "\x1b[0m"
CLEAR = "\x1b[H\x1b[2J"


def render(f: Frame, color: bool = True) -> str:
    """The frame as an aligned table (ANSI emphasis when ``color``): the leader in bold, down nodes in red."""
    headers = ["office", "node", "role", "height", "leader", "view", "view chg", "tx/s", "endorse ms", "p99 ms"]
    cells = []
    for r in f.nodes:
        if not r.up:
            cells.append([r.office, r.node, r.role, "DOWN", (r.error or "")[:60], "", "", "", "", ""])
            continue
        cells.append([r.office, r.node, r.role, _num(r.height), r.leader or "", _num(r.view), _num(r.view_changes),
                      _num(r.tps), _num(r.endorse_ms), _num(r.endorse_p99_ms)])
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(headers)]

    def line(values: list[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()

    stamp = time.strftime("%H:%M:%S", time.localtime(f.at))
    over = f"over {f.interval:.1f}s" if f.interval else "single scrape, no rates"
    title = (f"channel {f.channel}  leader {f.leader or '?'}  {_num(f.tps)} tx/s  ({over}, {stamp})")
    out = [f"{BOLD}{title}{RESET}" if color else title, line(headers), line(["-" * w for w in widths])]
    for r, c in zip(f.nodes, cells):
        text = line(c)
        if color and not r.up:
            text = f"{RED}{text}{RESET}"
        elif color and r.role == "orderer" and r.node == f.leader:
            text = f"{BOLD}{text}{RESET}"
        out.append(text)
    return "\n".join(out)


def frames(plan: ConsortiumPlan, interval: float, count: int | None = None,
           sleep: Callable[[float], None] = time.sleep) -> Iterator[Frame]:
    """Scrape every ``interval`` seconds and yield a frame with rates from the second scrape on.

    ``count`` frames (each from a pair of scrapes), or forever when None.
    """
    topology = Topology.of(plan)
    node_targets: list[Target] = [t for t in targets(plan) if t.role in ("peer", "orderer")]
    previous = scrape_all(node_targets)
    produced = 0
    while count is None or produced < count:
        sleep(interval)
        current = scrape_all(node_targets)
        yield frame(topology, current, previous)
        previous = current
        produced += 1
