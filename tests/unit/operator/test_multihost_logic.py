"""Pure logic of offices on their own hosts: the definition's host addresses, the testbed's layout, and an
office's nodes as Swarm services (secrets and configs instead of bind mounts, dnsrr, host-mode ports, names
that match the TLS certificates resolving to the publishing host)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography import x509

from ipledger.consortium import compose, connection_profiles
from ipledger.consortium.definition import DefinitionError, parse_definition
from ipledger.consortium.generate import generate
from ipledger.consortium.office import init_office
from ipledger.consortium.plan import CHAINCODE_PORT, ConsortiumPlan, build_plan
from ipledger.operator import swarm_stack
from ipledger.operator import testbed
from ipledger.operator.testbed import layout

REPO = Path(__file__).resolve().parents[3]
DEFAULT = yaml.safe_load((REPO / "network" / "consortium.yaml").read_text())
HOSTS = {"JP": "10.77.0.11", "US": "10.77.0.12", "EP": "10.77.0.13", "KR": "10.77.0.14"}


def with_hosts(hosts: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(DEFAULT)
    for office in doc["offices"]:
        if office["code"] in hosts:
            office["host"] = hosts[office["code"]]
    return doc


@pytest.fixture()
def plan(tmp_path: Path) -> ConsortiumPlan:
    return build_plan(parse_definition(with_hosts(HOSTS)), tmp_path)


# The definition --------------------------------------------------------------------------------------------
def test_an_office_without_host_is_published_on_the_consortium_loopback_address() -> None:
    plan = build_plan(parse_definition(with_hosts({"JP": "10.77.0.11"})), REPO)
    assert plan.office("JP").host_ip == "10.77.0.11"
    assert plan.office("US").host_ip == plan.host_ip == "127.0.0.1"


@pytest.mark.parametrize("host, expected", [
    ("jp.example", "must be an IPv4 address"),
    ("0.0.0.0", "cannot be a host address"),
    ("224.0.0.1", "cannot be a host address"),
])
def test_a_bad_office_host_is_refused(host: str, expected: str) -> None:
    with pytest.raises(DefinitionError) as err:
        parse_definition(with_hosts({"US": host}), "test.yaml")
    assert any("offices[1].host" in p and expected in p for p in err.value.problems), err.value.problems


def test_profiles_compose_and_certificates_use_the_office_host(plan: ConsortiumPlan) -> None:
    jp = plan.office("JP")
    profile = connection_profiles.profile(plan, jp)
    assert profile["gateway"]["endpoint"] == f"10.77.0.11:{jp.peers[0].port}"
    assert profile["gateway"]["serverName"] == jp.peers[0].host
    assert profile["libraries"]["US"]["url"].startswith("https://10.77.0.12:")
    service = compose.peer_service(plan, jp, jp.peers[0])
    assert service["ports"][0] == f"10.77.0.11:{jp.peers[0].port}:{jp.peers[0].port}"
    init_office(plan, jp)
    cert = x509.load_pem_x509_certificate(
        (plan.crypto_dir(jp) / "peers" / jp.peers[0].host / "tls" / "server.crt").read_bytes())
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert jp.peers[0].host in sans.get_values_for_type(x509.DNSName)
    assert "10.77.0.11" in [str(ip) for ip in sans.get_values_for_type(x509.IPAddress)]


# The testbed's layout --------------------------------------------------------------------------------------
def test_testbed_layout_names_everything_after_the_testbed(tmp_path: Path) -> None:
    tb = layout("ipltb", 4, tmp_path)
    assert tb.bridge == "ipltb-br" and tb.bridge_address == "10.77.0.1" and tb.prefix_length == 24
    assert [h.address for h in tb.hosts] == ["10.77.0.11", "10.77.0.12", "10.77.0.13", "10.77.0.14"]
    h1 = tb.host("h1")
    assert (h1.netns, h1.veth, h1.base_url) == ("ipltb-h1", "ipltb-v1", "unix:///run/ipltb-h1.sock")
    assert h1.data_root == tmp_path / "ipltb" / "h1" / "data"
    assert all(len(name) <= 15 for h in tb.hosts for name in (h.veth, tb.bridge))
    assert tb.host("ipltb-h3").index == 3


@pytest.mark.parametrize("name, hosts, subnet, expected", [
    ("Bad_Name", 4, "10.77.0.0/24", "lowercase letters"),
    ("averyverylongname", 4, "10.77.0.0/24", "1-10"),
    ("ok", 0, "10.77.0.0/24", "between 1 and"),
    ("ok", 4, "8.8.8.0/24", "private range"),
    ("ok", 4, "10.77.0.0/30", "too small"),
    ("ok", 4, "not-a-net", "not an IPv4 network"),
])
def test_a_bad_testbed_layout_is_refused(tmp_path: Path, name: str, hosts: int, subnet: str, expected: str) -> None:
    with pytest.raises(testbed.TestbedError) as err:
        layout(name, hosts, tmp_path, subnet)
    assert expected in str(err.value)
    assert err.value.code == "TESTBED_FAILED"


def test_unknown_testbed_host_is_named(tmp_path: Path) -> None:
    with pytest.raises(testbed.TestbedError, match="has no host 'h9'"):
        layout("ipltb", 2, tmp_path).host("h9")


# The office's Swarm stack ----------------------------------------------------------------------------------
def test_service_names_have_no_dots_and_durations_convert() -> None:
    plan = build_plan(parse_definition(DEFAULT), REPO)
    assert swarm_stack.service_name(plan, "peer0.jp.ipledger.test") == "ipledger-dev_peer0-jp"
    assert swarm_stack.duration_ns("2s") == 2 * 10**9
    assert swarm_stack.duration_ns("500ms") == 5 * 10**8
    assert swarm_stack.resolve_image("${IPLEDGER_PEER_IMAGE:-ipledger/fabric-peer:3.1.1}", {}) == \
        "ipledger/fabric-peer:3.1.1"
    assert swarm_stack.resolve_image("${IPLEDGER_PEER_IMAGE:-x:1}", {"IPLEDGER_PEER_IMAGE": "y:2"}) == "y:2"


def test_office_stack_carries_keys_as_secrets_and_certificates_as_configs(plan: ConsortiumPlan) -> None:
    jp = plan.office("JP")
    generate(plan, write_compose_file=False)
    services = {s.node: s for s in swarm_stack.stack_services(plan, jp, {}, "ipledger_1.0")}
    assert set(services) == {jp.ca.host, jp.orderer.host, jp.library.host, *(p.host for p in jp.peers)}
    peer = services[jp.peers[0].host]
    targets = {f.target: f for f in peer.files}
    assert targets["/etc/ipledger/node/msp/keystore/key.pem"].secret
    assert targets["/etc/ipledger/node/tls/server.key"].secret
    assert not targets["/etc/ipledger/node/tls/server.crt"].secret
    assert "/etc/ipledger/tlsca/us.pem" in targets  # every member's TLS root, public
    # No bind mount survives: the tool binaries are in the images, the node's data is a named volume.
    assert peer.volumes == {f"{plan.project}_{jp.peers[0].host}": "/var/hyperledger/production"}
    assert peer.ports == (jp.peers[0].port, jp.peers[0].operations_port)
    assert peer.healthcheck is not None and peer.healthcheck["interval"] == 2 * 10**9
    # Every node of every office resolves to the host that publishes it, the chaincode server too.
    us = plan.office("US")
    assert peer.hosts[us.orderer.host] == "10.77.0.12"
    assert peer.hosts[jp.chaincode_host(plan.spec.chaincode.name, "ipledger_1.0")] == "10.77.0.11"
    # The CA's configuration carries its registrar secret: a secret too.
    ca = services[jp.ca.host]
    assert any(f.secret and f.target.endswith("fabric-ca-server-config.yaml") for f in ca.files)
    assert all(len(f.name) <= swarm_stack.SECRET_NAME_LIMIT for s in services.values() for f in s.files)


def test_unchanged_files_keep_their_object_names(plan: ConsortiumPlan) -> None:
    jp = plan.office("JP")
    generate(plan, write_compose_file=False)
    first = swarm_stack.stack_services(plan, jp, {})
    again = swarm_stack.stack_services(plan, jp, {})
    assert [f.name for s in first for f in s.files] == [f.name for s in again for f in s.files]


def test_chaincode_service_is_published_on_its_office_host(plan: ConsortiumPlan) -> None:
    jp = plan.office("JP")
    init_office(plan, jp)
    service = swarm_stack.chaincode_service(plan, jp, "ipledger_1.0", "ipledger_1.0:abc", "ipledger/chaincode:x")
    assert service.ports == (CHAINCODE_PORT,)
    assert service.env["CHAINCODE_ID"] == "ipledger_1.0:abc"
    assert {f.target for f in service.files if f.secret} == {"/etc/ipledger/tls/server.key"}
    assert service.labels["io.ipledger.role"] == "chaincode"


# An office over several hosts of its own swarm ------------------------------------------------------------
def spread(hosts: dict[str, Any] | None = None) -> dict[str, Any]:
    doc = with_hosts(HOSTS)
    jp = doc["offices"][0]
    jp["peers"] = 2
    jp["peerHosts"] = hosts if hosts is not None else {"peer1": "10.77.0.15"}
    return doc


def test_a_peer_on_another_host_of_its_office_is_published_there(tmp_path: Path) -> None:
    plan = build_plan(parse_definition(spread()), tmp_path)
    jp = plan.office("JP")
    assert [p.host_ip for p in jp.peers] == ["10.77.0.11", "10.77.0.15"]
    assert swarm_stack.office_addresses(jp) == ["10.77.0.11", "10.77.0.15"]
    assert swarm_stack.office_addresses(plan.office("US")) == ["10.77.0.12"]
    doc = connection_profiles.profile(plan, jp)
    assert [p["endpoint"] for p in doc["peers"]] == [f"10.77.0.11:{jp.peers[0].port}", f"10.77.0.15:{jp.peers[1].port}"]
    assert compose.peer_service(plan, jp, jp.peers[1])["ports"][0].startswith("10.77.0.15:")
    init_office(plan, jp)
    cert = x509.load_pem_x509_certificate(
        (plan.crypto_dir(jp) / "peers" / jp.peers[1].host / "tls" / "server.crt").read_bytes())
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "10.77.0.15" in [str(ip) for ip in sans.get_values_for_type(x509.IPAddress)]


@pytest.mark.parametrize("hosts, expected", [
    ({"peer2": "10.77.0.15"}, "is not one of the office's peers"),
    ({"orderer0": "10.77.0.15"}, "is not one of the office's peers"),
    ({"peer1": "nowhere"}, "must be an IPv4 address"),
    (["10.77.0.15"], "must map peer names"),
])
def test_bad_peer_hosts_are_refused(hosts: Any, expected: str) -> None:
    with pytest.raises(DefinitionError) as err:
        parse_definition(spread(hosts), "test.yaml")
    assert any("offices[0].peerHosts" in p and expected in p for p in err.value.problems), err.value.problems


def test_peer_hosts_need_the_office_host() -> None:
    doc = spread()
    del doc["offices"][0]["host"]
    with pytest.raises(DefinitionError) as err:
        parse_definition(doc, "test.yaml")
    assert any("needs the office's own host" in p for p in err.value.problems), err.value.problems


def test_services_are_placed_on_the_host_that_publishes_them(tmp_path: Path) -> None:
    plan = build_plan(parse_definition(spread()), tmp_path)
    jp = plan.office("JP")
    generate(plan, write_compose_file=False)
    label = "ipledger_1.0"
    services = {s.node: s for s in swarm_stack.stack_services(plan, jp, {}, label)}
    on = {node: s.constraints for node, s in services.items()}
    assert on[jp.peers[1].host] == ["node.labels.io.ipledger.address==10.77.0.15"]
    assert on[jp.peers[0].host] == on[jp.orderer.host] == on[jp.ca.host] == on[jp.library.host] == \
        ["node.labels.io.ipledger.address==10.77.0.11"]
    # Every node of JP resolves peer1.jp to the second host; each peer its office's chaincode server to its own.
    chaincode = jp.chaincode_host(plan.spec.chaincode.name, label)
    assert services[jp.orderer.host].hosts[jp.peers[1].host] == "10.77.0.15"
    assert services[jp.peers[0].host].hosts[chaincode] == "10.77.0.11"
    assert services[jp.peers[1].host].hosts[chaincode] == "10.77.0.15"
    server = swarm_stack.chaincode_service(plan, jp, label, f"{label}:abc", "ipledger/chaincode:x")
    assert server.mode == "global" and server.constraints == []  # one on every host of JP's swarm


def test_updates_replace_one_task_at_a_time_stopping_the_old_one_first() -> None:
    from ipledger.operator import swarm_deploy

    config = swarm_deploy.update_config()
    assert (config["Parallelism"], config["Order"], config["FailureAction"]) == (1, "stop-first", "rollback")


def test_swarm_deploy_refuses_a_malformed_host_before_touching_an_engine() -> None:
    from click.testing import CliRunner

    from ipledger.cli.network import network

    result = CliRunner().invoke(network, ["swarm", "deploy", "--office", "JP", "--host", "10.77.0.15"])
    assert result.exit_code != 0
    assert "--host '10.77.0.15': expected ADDRESS=ENGINE_URL" in result.output


def test_swarm_update_names_an_unknown_node() -> None:
    from click.testing import CliRunner

    from ipledger.cli.network import network

    result = CliRunner().invoke(network, ["swarm", "update", "--office", "JP", "--node", "peer7"])
    assert result.exit_code != 0
    assert "JP has no node 'peer7'" in result.output
