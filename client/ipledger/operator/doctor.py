"""``ipledger network doctor``: check a running consortium and name what is wrong, in words.

Each finding has a stable code (for scripts) and one sentence naming the node and the cause. What is observed
(containers, health probes, two scrapes of every node's metrics a few seconds apart, certificates, the
deployed chaincode) is gathered by :func:`observe`; :func:`diagnose` turns it into findings and is pure, so
every check is tested on canned observations.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cryptography import x509

from ipledger.consortium.plan import ConsortiumPlan
from ipledger.operator import containers, health
from ipledger.operator.bringup import Context, load_state
from ipledger.operator.metrics import Scrape, scrape_all, targets
from ipledger.operator.top import BFT_LEADER, BFT_VIEW, HEIGHT

NODE_DOWN = "NODE_DOWN"
NODE_UNHEALTHY = "NODE_UNHEALTHY"
METRICS_UNREADABLE = "METRICS_UNREADABLE"
HEIGHTS_DIVERGING = "HEIGHTS_DIVERGING"
LEADER_FLAPPING = "LEADER_FLAPPING"
LEADER_DISAGREEMENT = "LEADER_DISAGREEMENT"
CERT_EXPIRING = "CERT_EXPIRING"
CERT_EXPIRED = "CERT_EXPIRED"
CHAINCODE_MISSING = "CHAINCODE_MISSING"
CLOCK_SKEW = "CLOCK_SKEW"


@dataclass(frozen=True)
class Limits:
    max_lag: int = 5  # blocks a node may be behind the highest one
    expiry_days: int = 30
    max_skew: float = 5.0  # seconds; the HTTP Date header has 1 s resolution
    settle: float = 3.0  # seconds between the two scrapes ("for more than a moment")


@dataclass(frozen=True)
class Finding:
    code: str
    subject: str  # node, container or file
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class ExpectedNode:
    office: str
    name: str
    role: str  # ca, orderer, peer, library, chaincode


@dataclass(frozen=True)
class Certificate:
    path: str
    subject: str
    not_after: dt.datetime


@dataclass
class Observation:
    channel: str
    consenters: dict[int, str]
    expected: list[ExpectedNode]
    containers: dict[str, containers.ContainerState]
    healthz: dict[str, tuple[bool, str]]  # node -> /healthz verdict, for running nodes that have one
    first: list[Scrape]
    second: list[Scrape]
    certificates: list[Certificate] = field(default_factory=list)
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))


def _nodes(obs: Observation) -> list[Finding]:
    out = []
    for node in obs.expected:
        state = obs.containers.get(node.name)
        what = "chaincode server" if node.role == "chaincode" else node.role
        if state is None:
            code = CHAINCODE_MISSING if node.role == "chaincode" else NODE_DOWN
            out.append(Finding(code, node.name, f"{node.office}'s {what} {node.name} has no container"))
        elif state.status != "running":
            code = CHAINCODE_MISSING if node.role == "chaincode" else NODE_DOWN
            out.append(Finding(code, node.name, f"{node.office}'s {what} {node.name} is not running "
                                                f"(container {state.status})"))
        elif node.name in obs.healthz and not obs.healthz[node.name][0]:
            out.append(Finding(NODE_UNHEALTHY, node.name, f"{node.office}'s {what} {node.name} is running but its "
                                                          f"/healthz fails: {obs.healthz[node.name][1][:160]}"))
    return out


def _running(obs: Observation, node: str) -> bool:
    state = obs.containers.get(node)
    return state is not None and state.status == "running" and obs.healthz.get(node, (True, ""))[0]


def _metrics(obs: Observation) -> list[Finding]:
    # Only nodes that are up and healthy: a stopped node is already named by _nodes.
    return [Finding(METRICS_UNREADABLE, s.target.node, f"the metrics of {s.target.node} cannot be read: {s.error}")
            for s in obs.second if not s.ok and _running(obs, s.target.node)]


def _heights(scrapes: list[Scrape], channel: str) -> dict[str, int]:
    out = {}
    for s in scrapes:
        if s.metrics is not None and s.target.role in ("peer", "orderer"):
            height = s.metrics.max(HEIGHT, channel=channel)
            if height is not None:
                out[s.target.node] = int(height)
    return out


def _divergence(obs: Observation, limits: Limits) -> list[Finding]:
    """A node behind the highest by more than max_lag blocks in both scrapes (not just catching up a moment)."""
    first, second = _heights(obs.first, obs.channel), _heights(obs.second, obs.channel)
    if not second:
        return []
    top_first, top_second = max(first.values(), default=0), max(second.values())
    out = []
    for node, height in sorted(second.items()):
        lag = top_second - height
        if lag > limits.max_lag and node in first and top_first - first[node] > limits.max_lag:
            out.append(Finding(HEIGHTS_DIVERGING, node, f"{node} is {lag} blocks behind (height {height}, highest "
                                                        f"{top_second}) and did not catch up within "
                                                        f"{limits.settle:.0f}s"))
    return out


def _leaders(obs: Observation) -> list[Finding]:
    out = []
    views_first = {s.target.node: s.metrics.max(BFT_VIEW, channel=obs.channel) for s in obs.first
                   if s.metrics is not None and s.target.role == "orderer"}
    leaders: dict[str, str] = {}
    for s in obs.second:
        if s.metrics is None or s.target.role != "orderer":
            continue
        view = s.metrics.max(BFT_VIEW, channel=obs.channel)
        before = views_first.get(s.target.node)
        if view is not None and before is not None and view > before:
            out.append(Finding(LEADER_FLAPPING, s.target.node,
                               f"{s.target.node} went through {int(view - before)} view change(s) in "
                               f"{s.at - obs.first[0].at:.0f}s (view {int(before)} -> {int(view)}): the BFT "
                               "leader keeps changing"))
        leader = s.metrics.max(BFT_LEADER, channel=obs.channel)
        if leader:
            leaders[s.target.node] = obs.consenters.get(int(leader), f"consenter {int(leader)}")
    if len(set(leaders.values())) > 1:
        seen = ", ".join(f"{node} follows {leader}" for node, leader in sorted(leaders.items()))
        out.append(Finding(LEADER_DISAGREEMENT, obs.channel, f"the orderers disagree about the BFT leader: {seen}"))
    return out


def _certificates(obs: Observation, limits: Limits) -> list[Finding]:
    out = []
    horizon = obs.now + dt.timedelta(days=limits.expiry_days)
    for cert in sorted(obs.certificates, key=lambda c: c.not_after):
        if cert.not_after <= obs.now:
            out.append(Finding(CERT_EXPIRED, cert.path, f"certificate {cert.subject} ({cert.path}) expired on "
                                                        f"{cert.not_after:%Y-%m-%d}"))
        elif cert.not_after <= horizon:
            days = (cert.not_after - obs.now).days
            out.append(Finding(CERT_EXPIRING, cert.path, f"certificate {cert.subject} ({cert.path}) expires in "
                                                         f"{days} day(s), on {cert.not_after:%Y-%m-%d}"))
    return out


def _clocks(obs: Observation, limits: Limits) -> list[Finding]:
    out = []
    for s in obs.second:
        if s.node_time is None:
            continue
        # The Date header is truncated to the second: the node's clock was somewhere in [date, date + 1).
        skew = s.node_time + 0.5 - s.at
        if abs(skew) > limits.max_skew + s.round_trip:
            way = "ahead of" if skew > 0 else "behind"
            out.append(Finding(CLOCK_SKEW, s.target.node, f"the clock of {s.target.node} is {abs(skew):.0f}s {way} "
                                                          "this host's"))
    return out


def diagnose(obs: Observation, limits: Limits = Limits()) -> list[Finding]:
    """Every finding, most basic first (a node that is down explains most of what follows it)."""
    return [*_nodes(obs), *_metrics(obs), *_divergence(obs, limits), *_leaders(obs), *_certificates(obs, limits),
            *_clocks(obs, limits)]


# Observing a running network ------------------------------------------------------------------------------

def expected_nodes(plan: ConsortiumPlan, chaincode_label: str | None) -> list[ExpectedNode]:
    out = []
    for office in plan.offices:
        out.append(ExpectedNode(office.code, office.ca.host, "ca"))
        out.append(ExpectedNode(office.code, office.orderer.host, "orderer"))
        out.extend(ExpectedNode(office.code, p.host, "peer") for p in office.peers)
        out.append(ExpectedNode(office.code, office.library.host, "library"))
        if chaincode_label:
            out.append(ExpectedNode(office.code, containers.chaincode_container_name(plan, office, chaincode_label),
                                    "chaincode"))
    return out


def certificates(plan: ConsortiumPlan) -> list[Certificate]:
    """Every certificate in the offices' crypto material (PEM files; keys and other files are skipped)."""
    out = []
    for office in plan.offices:
        root = plan.crypto_dir(office)
        for path in sorted(root.rglob("*")):
            if path.suffix not in (".pem", ".crt") or not path.is_file():
                continue
            data = path.read_bytes()
            if b"BEGIN CERTIFICATE" not in data:
                continue
            for cert in x509.load_pem_x509_certificates(data):
                out.append(Certificate(_display(path, plan.root), cert.subject.rfc4514_string(),
                                       cert.not_valid_after_utc))
    return out


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _health_endpoints(plan: ConsortiumPlan) -> dict[str, health.Endpoint]:
    out = {}
    for office in plan.offices:
        ip = office.host_ip
        ca_file = plan.crypto_dir(office) / "tlsca" / "tlsca-cert.pem"
        for name, port, address in [(office.ca.host, office.ca.operations_port, ip),
                                    (office.orderer.host, office.orderer.operations_port, ip),
                                    *((p.host, p.operations_port, p.host_ip) for p in office.peers),
                                    (office.library.host, office.library.port, ip)]:
            out[name] = health.Endpoint(name, f"https://{address}:{port}/healthz", ca_file)
    return out


def observe(ctx: Context, limits: Limits = Limits(), sleep: Callable[[float], None] = time.sleep) -> Observation:
    plan = ctx.plan
    engine = ctx.need_engine(install=False)
    states = {c.name: c for c in containers.containers(engine, plan)}
    label = load_state(plan).get("label")
    node_targets = targets(plan)
    first = scrape_all(node_targets)
    sleep(limits.settle)
    second = scrape_all(node_targets)
    healthz = {name: health.check(endpoint) for name, endpoint in _health_endpoints(plan).items()
               if name in states and states[name].status == "running"}
    return Observation(channel=plan.channel, consenters={o.orderer.consenter_id: o.orderer.host for o in plan.offices},
                       expected=expected_nodes(plan, str(label) if label else None), containers=states,
                       healthz=healthz, first=first, second=second, certificates=certificates(plan))


def render(findings: list[Finding]) -> str:
    if not findings:
        return "healthy: every node is up, heights agree, the BFT leader is stable, certificates, chaincode " \
               "servers and clocks are fine"
    lines = [f"{len(findings)} problem(s) found:"]
    lines.extend(f"  {f.code:<20} {f.message}" for f in findings)
    return "\n".join(lines)
