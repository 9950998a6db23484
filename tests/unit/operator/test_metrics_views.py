"""The Prometheus text parser, and top's and doctor's computations on canned metric samples (pure logic)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
import yaml

from ipledger.consortium.definition import parse_definition
from ipledger.consortium.operations_tls import OperationsClient
from ipledger.consortium.plan import build_plan
from ipledger.operator import doctor, top
from ipledger.operator.containers import ContainerState
from ipledger.operator.metrics import Scrape, Target
from ipledger.operator.promtext import MetricsFormatError, parse

REPO = Path(__file__).resolve().parents[3]
PLAN = build_plan(parse_definition(yaml.safe_load((REPO / "network" / "consortium.yaml").read_text())), REPO)
TOPOLOGY = top.Topology.of(PLAN)
CLIENT = OperationsClient(Path("client.crt"), Path("client.key"), Path("ca.pem"))

PEER_TEXT = """\
# HELP ledger_blockchain_height Height of the chain in blocks.
# TYPE ledger_blockchain_height gauge
ledger_blockchain_height{{channel="priority"}} {height}
# TYPE ledger_transaction_count counter
ledger_transaction_count{{chaincode="ipledger:1.0",channel="priority",validation_code="VALID"}} {valid}
ledger_transaction_count{{chaincode="ipledger:1.0",channel="priority",validation_code="MVCC_READ_CONFLICT"}} 7
ledger_transaction_count{{chaincode="unknown",channel="priority",transaction_type="CONFIG",validation_code="VALID"}} 1
# TYPE endorser_proposal_duration histogram
endorser_proposal_duration_bucket{{chaincode="ipledger",channel="priority",success="true",le="0.01"}} {b1}
endorser_proposal_duration_bucket{{chaincode="ipledger",channel="priority",success="true",le="0.1"}} {b2}
endorser_proposal_duration_bucket{{chaincode="ipledger",channel="priority",success="true",le="+Inf"}} {b3}
endorser_proposal_duration_sum{{chaincode="ipledger",channel="priority",success="true"}} {total}
endorser_proposal_duration_count{{chaincode="ipledger",channel="priority",success="true"}} {b3}
endorser_proposal_duration_bucket{{chaincode="_lifecycle",channel="priority",success="true",le="+Inf"}} 1000
endorser_proposal_duration_sum{{chaincode="_lifecycle",channel="priority",success="true"}} 500
endorser_proposal_duration_count{{chaincode="_lifecycle",channel="priority",success="true"}} 1000
"""
ORDERER_TEXT = """\
ledger_blockchain_height{{channel="priority"}} {height}
consensus_BFT_leader_id{{channel="priority"}} {leader}
consensus_BFT_is_leader{{channel="priority"}} 0
consensus_smartbft_view_number{{channel="priority"}} {view}
"""


def peer_text(height: int = 10, valid: int = 100, b1: int = 0, b2: int = 0, b3: int = 0, total: float = 0.0) -> str:
    return PEER_TEXT.format(height=height, valid=valid, b1=b1, b2=b2, b3=b3, total=total)


def orderer_text(height: int = 10, leader: int = 1, view: int = 0) -> str:
    return ORDERER_TEXT.format(height=height, leader=leader, view=view)


def target(node: str, role: str, office: str = "JP") -> Target:
    return Target(office, node, role, "127.0.0.1:1", CLIENT)


def scrape(node: str, role: str, text: str | None, at: float, node_time: float | None = None) -> Scrape:
    if text is None:
        return Scrape(target(node, role), at, error="connection refused")
    return Scrape(target(node, role), at, metrics=parse(text), node_time=node_time if node_time else at)


PEERS = [p.host for o in PLAN.offices for p in o.peers]
ORDERERS = [o.orderer.host for o in PLAN.offices]


# The parser ---------------------------------------------------------------------------------------------

def test_parse_samples_labels_types_and_special_values() -> None:
    m = parse('# HELP a_total Things.\n# TYPE a_total counter\na_total 3\n'
              'b{x="1",y="two words"} 2.5e3 1700000000000\n'
              'c{path="C:\\\\dir",quote="say \\"hi\\"",nl="a\\nb",} +Inf\n'
              'd NaN\ne -Inf\n\n# a comment\n')
    assert m.types == {"a_total": "counter"}
    assert m.value("a_total") == 3
    assert m.value("b", x="1") == 2500 and m.select("b")[0].label("y") == "two words"
    c = m.select("c")[0]
    assert c.label("path") == "C:\\dir" and c.label("quote") == 'say "hi"' and c.label("nl") == "a\nb"
    assert c.value == math.inf and math.isnan(m.select("d")[0].value) and m.value("e") == -math.inf
    assert m.value("missing") is None and m.value("b", x="2") is None


def test_parse_sums_matching_label_sets_and_reads_histograms() -> None:
    m = parse(peer_text(valid=40, b1=2, b2=9, b3=10, total=0.4))
    assert m.value("ledger_transaction_count", validation_code="VALID") == 41  # 40 + the config transaction
    h = m.histogram("endorser_proposal_duration", chaincode="ipledger")
    assert h is not None and h.count == 10 and h.mean == pytest.approx(0.04)
    assert h.buckets == ((0.01, 2), (0.1, 9), (math.inf, 10))
    # Rank 5 of 10 lies in (0.01, 0.1], 3 of that bucket's 7: linear interpolation as histogram_quantile does.
    assert h.quantile(0.5) == pytest.approx(0.01 + 0.09 * 3 / 7)
    assert h.quantile(0.99) == pytest.approx(0.1)  # beyond the last finite bound: that bound


@pytest.mark.parametrize("text, fragment", [
    ('x{a="1} 3\n', "unterminated"),
    ('x{a="1",b="2"\n', "not closed"),
    ("x{a=1} 3\n", "unquoted"),
    ("x 3\ny abc\n", "line 2: value 'abc'"),
    ("justaname\n", "not a sample"),
    ('x{a} 1\n', "without '='"),
])
def test_parse_names_the_bad_line(text: str, fragment: str) -> None:
    with pytest.raises(MetricsFormatError, match=fragment) as info:
        parse(text)
    assert info.value.code == "METRICS_FORMAT"


# top ----------------------------------------------------------------------------------------------------

def test_top_frame_rates_leader_and_latency_from_two_scrapes() -> None:
    before = [scrape(PEERS[0], "peer", peer_text(height=10, valid=100, b1=5, b2=10, b3=10, total=0.3), 100.0),
              scrape(ORDERERS[0], "orderer", orderer_text(height=10, leader=2, view=1), 100.0),
              scrape(ORDERERS[1], "orderer", orderer_text(height=10, leader=2, view=1), 100.0)]
    after = [scrape(PEERS[0], "peer", peer_text(height=14, valid=130, b1=5, b2=20, b3=30, total=1.3), 102.0),
             scrape(ORDERERS[0], "orderer", orderer_text(height=14, leader=2, view=3), 102.0),
             scrape(ORDERERS[1], "orderer", None, 102.0)]
    f = top.frame(TOPOLOGY, after, before)
    peer, orderer, down = f.nodes
    assert peer.height == 14 and peer.tps == pytest.approx(15.0)  # 30 valid transactions in 2 s
    # 20 proposals in the interval took 1.0 s: 50 ms each; they all fell in (0.01, 0.1] s.
    assert peer.endorse_ms == pytest.approx(50.0)
    assert peer.endorse_p99_ms is not None and 10.0 < peer.endorse_p99_ms <= 100.0
    assert orderer.leader == ORDERERS[1] and orderer.view == 3 and orderer.view_changes == 2
    assert not down.up and down.error == "connection refused" and down.height is None
    assert f.leader == ORDERERS[1] and f.tps == pytest.approx(15.0) and f.interval == pytest.approx(2.0)
    text = top.render(f, color=False)
    assert "DOWN" in text and ORDERERS[1] in text and "15.0" in text and "\x1b[" not in text
    assert "\x1b[1m" in top.render(f, color=True)
    assert f.as_dict()["nodes"][0]["height"] == 14  # type: ignore[index]


def test_top_single_scrape_has_no_rates_and_a_counter_reset_is_not_negative() -> None:
    one = top.frame(TOPOLOGY, [scrape(PEERS[0], "peer", peer_text(valid=5, b3=4, total=0.2), 50.0)])
    assert one.interval is None and one.nodes[0].tps is None and one.nodes[0].endorse_ms == pytest.approx(50.0)
    # The peer restarted between the scrapes: its counter began again at 6 valid transactions.
    reset = top.frame(TOPOLOGY, [scrape(PEERS[0], "peer", peer_text(valid=5), 52.0)],
                      [scrape(PEERS[0], "peer", peer_text(valid=500), 50.0)])
    assert reset.nodes[0].tps == pytest.approx(3.0)


# doctor -------------------------------------------------------------------------------------------------

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def running(name: str, status: str = "running") -> ContainerState:
    return ContainerState(name=name, status=status, health="healthy", labels={})


def observation(first: list[Scrape], second: list[Scrape], **changes: object) -> doctor.Observation:
    expected = doctor.expected_nodes(PLAN, "ipledger_1.0")
    obs = doctor.Observation(channel="priority", consenters=TOPOLOGY.consenters, expected=expected,
                             containers={n.name: running(n.name) for n in expected},
                             healthz={n.name: (True, "OK") for n in expected if n.role != "chaincode"},
                             first=first, second=second, now=NOW)
    for key, value in changes.items():
        setattr(obs, key, value)
    return obs


def healthy_scrapes(at: float, heights: dict[str, int] | None = None, view: int = 0) -> list[Scrape]:
    heights = heights or {}
    return ([scrape(p, "peer", peer_text(height=heights.get(p, 20)), at) for p in PEERS] +
            [scrape(o, "orderer", orderer_text(height=heights.get(o, 20), view=view), at) for o in ORDERERS])


def codes(findings: list[doctor.Finding]) -> list[str]:
    return [f.code for f in findings]


def test_doctor_healthy_network_has_no_findings() -> None:
    assert doctor.diagnose(observation(healthy_scrapes(100.0), healthy_scrapes(103.0))) == []
    assert doctor.render([]).startswith("healthy")


def test_doctor_names_stopped_unhealthy_and_missing_nodes() -> None:
    obs = observation(healthy_scrapes(100.0), healthy_scrapes(103.0))
    cc = doctor.expected_nodes(PLAN, "ipledger_1.0")[-1]
    assert cc.role == "chaincode"
    obs.containers[PEERS[1]] = running(PEERS[1], "exited")
    del obs.containers[cc.name]
    obs.healthz[ORDERERS[2]] = (False, 'HTTP 503: [{"component":"orderer"}]')
    findings = doctor.diagnose(obs)
    assert codes(findings) == ["NODE_DOWN", "NODE_UNHEALTHY", "CHAINCODE_MISSING"]
    assert f"{PEERS[1]} is not running (container exited)" in findings[0].message
    assert findings[2].subject == cc.name and "chaincode server" in findings[2].message


def test_doctor_divergence_only_when_the_lag_outlasts_the_pause() -> None:
    lagging = {PEERS[2]: 10}
    obs = observation(healthy_scrapes(100.0, lagging), healthy_scrapes(103.0, {PEERS[2]: 12}))
    [finding] = doctor.diagnose(obs)
    assert finding.code == "HEIGHTS_DIVERGING" and finding.subject == PEERS[2]
    assert "8 blocks behind (height 12, highest 20)" in finding.message
    caught_up = observation(healthy_scrapes(100.0, lagging), healthy_scrapes(103.0))
    assert doctor.diagnose(caught_up) == []
    assert doctor.diagnose(obs, doctor.Limits(max_lag=10)) == []


def test_doctor_leader_flapping_and_disagreement() -> None:
    obs = observation(healthy_scrapes(100.0, view=2), healthy_scrapes(103.0, view=4))
    findings = doctor.diagnose(obs)
    assert set(codes(findings)) == {"LEADER_FLAPPING"} and len(findings) == len(ORDERERS)
    assert "2 view change(s)" in findings[0].message and "view 2 -> 4" in findings[0].message
    second = healthy_scrapes(103.0)
    second[-1] = scrape(ORDERERS[-1], "orderer", orderer_text(height=20, leader=3), 103.0)
    [finding] = doctor.diagnose(observation(healthy_scrapes(100.0), second))
    assert finding.code == "LEADER_DISAGREEMENT" and f"{ORDERERS[-1]} follows {ORDERERS[2]}" in finding.message


def test_doctor_certificates_expiring_and_expired() -> None:
    certs = [doctor.Certificate("a.pem", "CN=a", NOW + dt.timedelta(days=400)),
             doctor.Certificate("b.pem", "CN=b", NOW + dt.timedelta(days=12, hours=1)),
             doctor.Certificate("c.pem", "CN=c", NOW - dt.timedelta(days=1))]
    findings = doctor.diagnose(observation(healthy_scrapes(100.0), healthy_scrapes(103.0), certificates=certs))
    assert codes(findings) == ["CERT_EXPIRED", "CERT_EXPIRING"]
    assert "expires in 12 day(s)" in findings[1].message and findings[1].subject == "b.pem"


def test_doctor_clock_skew_and_unreadable_metrics() -> None:
    second = healthy_scrapes(103.0)
    second[0] = scrape(PEERS[0], "peer", peer_text(height=20), 103.0, node_time=103.0 + 42)
    second[1] = Scrape(target(PEERS[1], "peer"), 103.0, error="HTTP 401 from https://127.0.0.1:1/metrics")
    findings = doctor.diagnose(observation(healthy_scrapes(100.0), second))
    assert codes(findings) == ["METRICS_UNREADABLE", "CLOCK_SKEW"]
    assert "HTTP 401" in findings[0].message
    assert f"the clock of {PEERS[0]} is 42s ahead of this host's" == findings[1].message
    # A node that is down is named once, as down, not again for its metrics.
    obs = observation(healthy_scrapes(100.0), second[1:])
    obs.containers[PEERS[1]] = running(PEERS[1], "exited")
    assert codes(doctor.diagnose(obs)) == ["NODE_DOWN"]


def test_certificates_are_read_from_the_crypto_material(tmp_path: Path) -> None:
    from ipledger.consortium import crypto, operations_tls

    plan = build_plan(PLAN.spec, tmp_path, "elsewhere.yaml")
    office = plan.offices[0]
    crypto.generate_office(plan, office)
    assert operations_tls.generate_office(plan, office) and not operations_tls.generate_office(plan, office)
    client = operations_tls.client(plan, office)
    from cryptography import x509

    ca = x509.load_pem_x509_certificate(operations_tls.ca_cert_file(plan, office).read_bytes())
    x509.load_pem_x509_certificate(client.cert_file.read_bytes()).verify_directly_issued_by(ca)
    assert (client.key_file.stat().st_mode & 0o777) == 0o600
    found = doctor.certificates(build_plan(PLAN.spec, tmp_path, "elsewhere.yaml"))
    assert any(c.subject.endswith(f"CN=Operator@{office.domain}") or f"Operator@{office.domain}" in c.subject
               for c in found)
    assert all(c.not_after > NOW for c in found)


# Configuration ------------------------------------------------------------------------------------------

def test_nodes_trust_the_operations_client_ca_and_prometheus_uses_its_certificate() -> None:
    from ipledger.consortium import compose, operations_tls
    from ipledger.operator.prometheus import config

    doc = compose.compose(PLAN)
    mount = ("./network/generated/offices/jp/operations-tlsca/operations-tlsca-cert.pem"
             f":{operations_tls.CONTAINER_CA_FILE}:ro")
    peer, orderer, ca = (doc["services"][name] for name in (PEERS[0], ORDERERS[0], PLAN.offices[0].ca.host))
    assert peer["environment"]["CORE_OPERATIONS_TLS_CLIENTROOTCAS_FILES"] == operations_tls.CONTAINER_CA_FILE
    assert orderer["environment"]["ORDERER_OPERATIONS_TLS_CLIENTROOTCAS"] == f"[{operations_tls.CONTAINER_CA_FILE}]"
    assert ca["environment"]["FABRIC_CA_SERVER_OPERATIONS_TLS_CLIENTCACERTFILES"] == operations_tls.CONTAINER_CA_FILE
    assert all(mount in service["volumes"] for service in (peer, orderer, ca))
    # TLS stays on; /healthz stays open to the health probe (Fabric checks the certificate per endpoint).
    assert peer["environment"]["CORE_OPERATIONS_TLS_ENABLED"] == "true"
    assert peer["environment"]["CORE_OPERATIONS_TLS_CLIENTAUTHREQUIRED"] == "false"

    jobs = config(PLAN, "2s")["scrape_configs"]
    assert [j["job_name"] for j in jobs] == [f"{PLAN.project}-{o.slug}" for o in PLAN.offices]
    jp = jobs[0]
    assert jp["scheme"] == "https" and jp["tls_config"]["cert_file"].endswith(
        f"offices/jp/users/Operator@{PLAN.offices[0].domain}/operations-tls/client.crt")
    labels = [c["labels"] for c in jp["static_configs"]]
    assert {lab["role"] for lab in labels} == {"peer", "orderer", "ca"}
    assert jp["static_configs"][0]["targets"] == [f"127.0.0.1:{PLAN.offices[0].peers[0].operations_port}"]
