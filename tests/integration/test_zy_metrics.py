"""Every node's metrics, Debian's Prometheus scraping them, `network top` and `network doctor` on the live network.

Runs just before test_zz_operations: the last test stops a peer (and starts it again, waiting until it is
healthy and caught up) to see doctor name it.
"""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from _live_network import definition_of
from ipledger.operator import health, metrics
from ipledger.operator.bringup import Context
from ipledger.cli.network import network as network_group
from ipledger.operator.prometheus import render_config

# Offsets 50-77 of an office's port block are its nodes'; Prometheus listens at +95 of the first office's.
PROMETHEUS_OFFSET = 95


def _no_proxy() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _peer_heights(ctx: Context) -> dict[str, int]:
    return {p.host: admin.peer_height(p) for admin in ctx.admins() for p in admin.office.peers}


def test_metrics_readable_from_every_node_only_with_the_operations_client(network: Context) -> None:
    plan = network.plan
    node_targets = metrics.targets(plan)
    assert {t.role for t in node_targets} == {"peer", "orderer", "ca"}
    scrapes = metrics.scrape_all(node_targets)
    assert [s.error for s in scrapes if not s.ok] == []
    for s in scrapes:
        assert s.metrics is not None
        if s.target.role in ("peer", "orderer"):
            assert s.metrics.value("ledger_blockchain_height", channel=plan.channel) is not None, s.target.node
        if s.target.role == "orderer":
            assert s.metrics.value("consensus_BFT_leader_id", channel=plan.channel) is not None
    # Without a client certificate a peer and an orderer refuse /metrics (Fabric's RequireCert), not /healthz.
    office = plan.offices[0]
    ca = ssl.create_default_context(cafile=str(plan.crypto_dir(office) / "tlsca" / "tlsca-cert.pem"))
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=ca))
    for port in (office.peers[0].operations_port, office.orderer.operations_port):
        with pytest.raises(urllib.error.HTTPError) as refused:
            opener.open(f"https://{plan.host_ip}:{port}/metrics", timeout=5)
        assert refused.value.code == 401
        with opener.open(f"https://{plan.host_ip}:{port}/healthz", timeout=5) as ok:
            assert ok.status == 200


def _prometheus_binary() -> str:
    found = shutil.which("prometheus")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("Debian's prometheus package is not installed and cannot be installed here (not root / no apt)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    done = subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "prometheus"], env=env,
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        update = subprocess.run(["apt-get", "update"], env=env, capture_output=True, text=True, timeout=300)
        done = subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "prometheus"], env=env,
                              capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            pytest.skip("cannot install Debian's prometheus package (is the Debian mirror reachable?): "
                        + (update.stderr + done.stderr).strip().splitlines()[-1:][0])
    found = shutil.which("prometheus")
    assert found, "apt-get installed prometheus but it is not on PATH"
    return found


@dataclass(frozen=True)
class Prometheus:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def check_running(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"prometheus exited {self.process.returncode}: {self.log.read_text()[-2000:]}")


@pytest.fixture
def prometheus(network: Context, tmp_path: Path) -> Iterator[Prometheus]:
    """Debian's Prometheus scraping every node every second, on a loopback port of the network's block; stopped
    at the end."""
    binary = _prometheus_binary()
    plan = network.plan
    config = tmp_path / "prometheus.yml"
    config.write_text(render_config(plan, scrape_interval="1s"), encoding="utf-8")
    address = f"{plan.host_ip}:{plan.offices[0].port_base + PROMETHEUS_OFFSET}"
    log_path = tmp_path / "prometheus.log"
    log = log_path.open("w")
    process = subprocess.Popen([binary, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'data'}",
                                f"--web.listen-address={address}"], stdout=log, stderr=subprocess.STDOUT)
    try:
        yield Prometheus(f"http://{address}", process, log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _query(base: str, promql: str) -> list[dict]:  # type: ignore[type-arg]
    url = f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": promql})
    with _no_proxy().open(url, timeout=5) as resp:
        body = json.loads(resp.read())
    assert body["status"] == "success", body
    return body["data"]["result"]  # type: ignore[no-any-return]


def test_prometheus_scrapes_every_node_and_agrees_with_the_peers(network: Context, prometheus: Prometheus) -> None:
    plan, base = network.plan, prometheus.url
    expected = {t.node for t in metrics.targets(plan)}
    deadline = time.monotonic() + 60
    up: dict[str, str] = {}
    while time.monotonic() < deadline:
        prometheus.check_running()
        try:
            up = {r["metric"]["node"]: r["value"][1] for r in _query(base, "up")}
        except (urllib.error.URLError, OSError):
            up = {}  # not listening yet
        if set(up) == expected and all(v == "1" for v in up.values()):
            break
        time.sleep(1)
    assert up == {node: "1" for node in expected}, "Prometheus could not scrape every node over TLS"
    # Heights as Prometheus last scraped them, and as each peer reports them (`peer channel getinfo`); the
    # network may commit a block in between, so both are read until they agree.
    deadline = time.monotonic() + 30
    while True:
        scraped = {r["metric"]["node"]: int(float(r["value"][1]))
                   for r in _query(base, f'ledger_blockchain_height{{role="peer",channel="{plan.channel}"}}')}
        reported = _peer_heights(network)
        if scraped == reported or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert scraped == reported and all(h > 0 for h in reported.values())
    leaders = _query(base, f'consensus_BFT_leader_id{{channel="{plan.channel}"}}')
    assert {r["metric"]["node"] for r in leaders} == {o.orderer.host for o in plan.offices}


def test_top_once_json_has_every_node_with_a_height(network: Context) -> None:
    result = CliRunner().invoke(network_group, ["top", "--once", "--json", "--interval", "0.5",
                                                "--definition", definition_of(network)])
    assert result.exit_code == 0, result.output
    frame = json.loads(result.output)
    plan = network.plan
    nodes = {n["node"]: n for n in frame["nodes"]}
    assert set(nodes) == {p.host for o in plan.offices for p in o.peers} | {o.orderer.host for o in plan.offices}
    assert all(n["up"] and isinstance(n["height"], int) and n["height"] > 0 for n in nodes.values())
    assert frame["leader"] in {o.orderer.host for o in plan.offices}
    assert all(isinstance(n["tps"], float) for n in nodes.values() if n["role"] == "peer")
    table = CliRunner().invoke(network_group, ["top", "--once", "--interval", "0.5",
                                               "--definition", definition_of(network)])
    assert table.exit_code == 0 and f"leader {frame['leader']}" in table.output


def _doctor(network: Context) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = CliRunner().invoke(network_group, ["doctor", "--json", "--settle", "1",
                                                "--definition", definition_of(network)])
    return result.exit_code, json.loads(result.output)


def test_doctor_healthy_then_names_a_stopped_peer(network: Context) -> None:
    code, report = _doctor(network)
    assert (code, report) == (0, {"healthy": True, "findings": []})
    plan = network.plan
    office = plan.offices[-1]
    peer = office.peers[0]
    container = network.need_engine(install=False).client.containers.get(peer.host)
    container.stop(timeout=10)
    try:
        code, report = _doctor(network)
        assert code == 1 and not report["healthy"]
        down = [f for f in report["findings"] if f["code"] == "NODE_DOWN"]
        assert [f["subject"] for f in down] == [peer.host]
        assert f"{peer.host} is not running (container exited)" in down[0]["message"]
    finally:
        container.start()
        endpoint = health.Endpoint(peer.host, f"https://{plan.host_ip}:{peer.operations_port}/healthz",
                                   plan.crypto_dir(office) / "tlsca" / "tlsca-cert.pem")
        assert health.wait_healthy([endpoint], timeout=120) == {}
    # Back and caught up: doctor is satisfied again (heights within a few blocks).
    deadline = time.monotonic() + 60
    while True:
        heights = _peer_heights(network)
        if len(set(heights.values())) == 1 or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert len(set(heights.values())) == 1, heights
    code, report = _doctor(network)
    assert (code, report["findings"]) == (0, [])
