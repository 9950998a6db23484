"""Every node's Prometheus metrics, read from its operations endpoint with the office's operations client.

Peers and orderers serve ``/metrics`` only to a verified client certificate (see
:mod:`ipledger.consortium.operations_tls`); the CAs are given the same client CA, so one client per office
reads all of that office's nodes. The endpoint's HTTP ``Date`` header comes back too: it is the node's own
clock, which ``doctor`` compares with the host's (the images have no shell or ``date`` to run).
"""

from __future__ import annotations

import email.utils
import ssl
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ipledger.consortium import operations_tls
from ipledger.consortium.plan import ConsortiumPlan, OfficePlan
from ipledger.operator.promtext import Metrics, MetricsFormatError, parse


@dataclass(frozen=True)
class Target:
    """One node's operations endpoint, and the files to reach it."""

    office: str
    node: str  # container / TLS host name
    role: str  # peer, orderer, ca
    address: str  # host:port on the host
    client: operations_tls.OperationsClient

    @property
    def url(self) -> str:
        return f"https://{self.address}/metrics"


@dataclass(frozen=True)
class Scrape:
    """One read of one node: its metrics, or why there are none; and the node's clock at that moment."""

    target: Target
    at: float  # host wall-clock time (seconds) halfway through the request
    metrics: Metrics | None = None
    error: str | None = None
    node_time: float | None = None  # from the HTTP Date header (1 s resolution)
    round_trip: float = 0.0

    @property
    def ok(self) -> bool:
        return self.metrics is not None


def orderer_target(plan: ConsortiumPlan, office: OfficePlan,
                   client: operations_tls.OperationsClient | None = None) -> Target:
    """``office``'s orderer's operations endpoint (read with ``office``'s own operations client)."""
    return Target(office.code, office.orderer.host, "orderer", f"{office.host_ip}:{office.orderer.operations_port}",
                  client or operations_tls.client(plan, office))


def targets(plan: ConsortiumPlan) -> list[Target]:
    """Peers, orderers and CAs of every office, in the definition's order."""
    out: list[Target] = []
    for office in plan.offices:
        ip = office.host_ip
        client = operations_tls.client(plan, office)
        for peer in office.peers:
            out.append(Target(office.code, peer.host, "peer", f"{peer.host_ip}:{peer.operations_port}", client))
        out.append(orderer_target(plan, office, client))
        out.append(Target(office.code, office.ca.host, "ca", f"{ip}:{office.ca.operations_port}", client))
    return out


def _context(client: operations_tls.OperationsClient) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=str(client.server_ca_file))
    ctx.load_cert_chain(str(client.cert_file), str(client.key_file))
    return ctx


def scrape(target: Target, timeout: float = 3.0) -> Scrape:
    """Read one node's /metrics; failures come back as ``error`` (a node that is down is a finding, not a crash)."""
    try:
        ctx = _context(target.client)
    except (OSError, ssl.SSLError) as exc:
        return Scrape(target, time.time(), error=f"operations client of {target.office} unusable: {exc}")
    # No proxy, whatever http(s)_proxy says: the nodes are on loopback.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=ctx))
    started = time.time()
    try:
        with opener.open(target.url, timeout=timeout) as resp:
            body = resp.read().decode("utf-8", errors="replace")
            date = resp.headers.get("Date")
    except urllib.error.HTTPError as exc:
        return Scrape(target, started, error=f"HTTP {exc.code} from {target.url}")
    except (urllib.error.URLError, OSError) as exc:
        return Scrape(target, started, error=f"{target.url}: {getattr(exc, 'reason', exc)}")
    finished = time.time()
    node_time = None
    if date:
        try:
            node_time = email.utils.parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError):
            node_time = None
    try:
        metrics = parse(body)
    except MetricsFormatError as exc:
        return Scrape(target, started, error=f"{target.url}: {exc}")
    return Scrape(target, (started + finished) / 2, metrics=metrics, node_time=node_time,
                  round_trip=finished - started)


def scrape_all(target_list: list[Target], timeout: float = 3.0) -> list[Scrape]:
    """Read every node at once (a down node costs one timeout, not one per node); same order as given."""
    if not target_list:
        return []
    with ThreadPoolExecutor(max_workers=min(16, len(target_list))) as pool:
        return list(pool.map(lambda t: scrape(t, timeout), target_list))
