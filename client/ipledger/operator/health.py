"""Readiness from the nodes' operations endpoints (``/healthz`` over TLS), polled from the host: no sleeps."""

from __future__ import annotations

import json
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ipledger.consortium.plan import ConsortiumPlan, OfficePlan


@dataclass(frozen=True)
class Endpoint:
    node: str  # container / TLS host name
    url: str  # https://127.0.0.1:<ops port>/healthz
    ca_file: Path


ALL_ROLES = ("ca", "orderer", "peer", "library")


def office_endpoints(plan: ConsortiumPlan, office: OfficePlan,
                     roles: tuple[str, ...] = ALL_ROLES) -> list[Endpoint]:
    """The /healthz endpoints of one office's nodes (those of ``roles``)."""
    out = []
    ca_file = plan.crypto_dir(office) / "tlsca" / "tlsca-cert.pem"
    ip = office.host_ip
    if "ca" in roles:
        out.append(Endpoint(office.ca.host, f"https://{ip}:{office.ca.operations_port}/healthz", ca_file))
    if "orderer" in roles:
        out.append(Endpoint(office.orderer.host,
                                   f"https://{ip}:{office.orderer.operations_port}/healthz", ca_file))
    if "peer" in roles:
        for p in office.peers:
            out.append(Endpoint(p.host, f"https://{p.host_ip}:{p.operations_port}/healthz", ca_file))
    if "library" in roles:
        out.append(Endpoint(office.library.host, f"https://{ip}:{office.library.port}/healthz", ca_file))
    return out


def node_endpoint(plan: ConsortiumPlan, office: OfficePlan, node: str) -> Endpoint:
    """The /healthz endpoint of one of the office's nodes, by its host name."""
    for endpoint in office_endpoints(plan, office):
        if endpoint.node == node:
            return endpoint
    raise KeyError(f"{office.code} has no node {node!r}")


def check(endpoint: Endpoint, timeout: float = 2.0) -> tuple[bool, str]:
    """One probe: (healthy, reason)."""
    ctx = ssl.create_default_context(cafile=str(endpoint.ca_file))
    # No proxy, whatever http(s)_proxy says: the nodes are on loopback.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=ctx))
    try:
        with opener.open(endpoint.url, timeout=timeout) as resp:
            body = resp.read().decode(errors="replace")
            return resp.status == 200, body
    except urllib.error.HTTPError as exc:
        body = exc.read().decode(errors="replace")
        try:
            failed = json.loads(body).get("failed_checks", body)
        except json.JSONDecodeError:
            failed = body
        return False, f"HTTP {exc.code}: {failed}"
    except (urllib.error.URLError, OSError) as exc:
        return False, str(getattr(exc, "reason", exc))


def wait_healthy(endpoints: list[Endpoint], timeout: float = 120.0, interval: float = 0.5) -> dict[str, str]:
    """Poll until every endpoint is healthy; returns {node: last failure reason} for those that never were."""
    pending = {e.node: e for e in endpoints}
    reasons: dict[str, str] = {}
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        for node, endpoint in list(pending.items()):
            ok, reason = check(endpoint)
            if ok:
                del pending[node]
            else:
                reasons[node] = reason
        if pending:
            time.sleep(interval)
    return {node: reasons.get(node, "no answer") for node in pending}
