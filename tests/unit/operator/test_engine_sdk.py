"""The operator's engine layer on the Docker SDK, against a fake HTTP engine: labels, ports, health, errors."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from _fake_engine import FakeEngine, FakeEngineServer
from ipledger.consortium.definition import parse_definition
from ipledger.consortium.plan import build_plan
from ipledger.operator import containers, images
from ipledger.operator.engine import Engine, connect, daemon_answers
from ipledger.operator.engine_errors import EngineRequestError
from ipledger.operator.errors import EngineUnavailableError, NodeNotFoundError
from ipledger.operator.status import engine_health

REPO = Path(__file__).resolve().parents[3]
PLAN = build_plan(parse_definition(yaml.safe_load((REPO / "network" / "consortium.yaml").read_text())), REPO)
OURS = {"io.ipledger.project": PLAN.project}
PEER = "peer0.jp.ipledger.test"
ORDERER = "orderer0.jp.ipledger.test"
PEER_PORTS = {
    "7051/tcp": [{"HostIp": "0.0.0.0", "HostPort": "7051"}, {"HostIp": "::", "HostPort": "7051"}],
    "9443/tcp": [{"HostIp": "127.0.0.1", "HostPort": "9446"}],
    "7052/tcp": None,  # exposed by the image, not published
}


@pytest.fixture
def fake() -> FakeEngine:
    state = FakeEngine()
    state.add_container(PEER, {**OURS, "io.ipledger.role": "peer"}, health="healthy", ports=PEER_PORTS)
    state.add_container(ORDERER, {**OURS, "io.ipledger.role": "orderer"}, status="exited",
                        ports={"7050/tcp": [{"HostIp": "0.0.0.0", "HostPort": "7050"}]})
    state.add_container("cc.jp", {**OURS, "io.ipledger.role": "chaincode", "io.ipledger.chaincode-label": "ipl_1"})
    # Another consortium on the same engine (the demo beside the test suite): never to be seen or touched.
    state.add_container("peer0.jp.demo", {"io.ipledger.project": "demo", "io.ipledger.role": "peer"},
                        ports={"7051/tcp": [{"HostIp": "0.0.0.0", "HostPort": "17051"}]})
    return state


@pytest.fixture
def engine(fake: FakeEngine) -> Iterator[Engine]:
    server = FakeEngineServer(fake)
    client = connect(server.base_url, timeout=10)
    try:
        yield Engine(client=client, base_url=server.base_url, compose=("docker-compose",))
    finally:
        client.close()
        server.close()


def test_the_api_version_is_negotiated_with_the_engine(engine: Engine, fake: FakeEngine) -> None:
    assert engine.client.api.api_version == "1.41"
    assert any(call.startswith("GET /version") for call in fake.calls)
    assert daemon_answers(engine.base_url)


def test_containers_are_listed_by_the_project_label_and_the_extra_ones(engine: Engine, fake: FakeEngine) -> None:
    assert [c.name for c in containers.containers(engine, PLAN)] == ["cc.jp", ORDERER, PEER]
    assert [c.name for c in containers.containers(engine, PLAN, "io.ipledger.role=chaincode")] == ["cc.jp"]
    assert [c.name for c in containers.containers(engine, PLAN, all_states=False)] == ["cc.jp", PEER]
    listing = [c for c in fake.calls if c.startswith("GET /v1.41/containers/json")][0]
    filters = json.loads(parse_qs(urlsplit(listing.split(" ", 1)[1]).query)["filters"][0])
    assert filters == {"label": [PLAN.project_label]}


def test_state_health_and_labels_come_from_the_attributes(engine: Engine) -> None:
    states = {c.name: c for c in containers.containers(engine, PLAN)}
    assert (states[PEER].status, states[PEER].health) == ("running", "healthy")
    assert (states[ORDERER].status, states[ORDERER].health) == ("exited", "")
    assert states["cc.jp"].labels["io.ipledger.chaincode-label"] == "ipl_1"
    assert engine_health(states[PEER]) is True
    assert engine_health(states[ORDERER]) is False  # not running is not healthy, whatever it said before
    assert engine_health(states["cc.jp"]) is None  # no healthcheck: the engine has no verdict
    assert engine_health(None) is None


@pytest.mark.parametrize(("health", "expected"), [("healthy", True), ("unhealthy", False), ("starting", None)])
def test_engine_health_maps_the_healthcheck_status(health: str, expected: bool | None) -> None:
    state = containers.state_of({"Name": "/n", "State": {"Status": "running", "Health": {"Status": health}},
                                 "Config": {"Labels": None}})
    assert state.labels == {} and engine_health(state) is expected


def test_published_ports_are_read_from_the_running_containers_attributes(engine: Engine) -> None:
    # The exited orderer's 7050 and the demo's 17051 are not ours to count; IPv4 and IPv6 bindings count once.
    assert containers.published_ports(engine, PLAN) == {7051, 9446}


def test_host_ports_parses_bindings_without_text() -> None:
    attrs = {"NetworkSettings": {"Ports": {**PEER_PORTS, "8052/tcp": [{"HostIp": "", "HostPort": ""}]}}}
    assert containers.host_ports(attrs) == {7051, 9446}
    assert containers.host_ports({"NetworkSettings": {"Ports": None}}) == set()
    assert containers.host_ports({}) == set()


def test_logs_are_demultiplexed_and_decoded(engine: Engine, fake: FakeEngine) -> None:
    fake.logs[PEER] = "2024 peer started \u2713\n".encode()
    assert containers.logs_tail(engine, PEER, 5) == "2024 peer started \u2713\n"
    assert any("/logs?" in c and "tail=5" in c for c in fake.calls)
    assert "".join(containers.follow_logs(engine, PEER, 5)) == "2024 peer started \u2713\n"
    assert any("/logs?" in c and "follow=1" in c for c in fake.calls)


def test_a_missing_node_is_not_found_and_named(engine: Engine) -> None:
    with pytest.raises(NodeNotFoundError, match=r"peer9\.xx\.ipledger\.test: not found.*No such container"):
        containers.logs_tail(engine, "peer9.xx.ipledger.test")


def test_an_engine_failure_is_typed_and_names_the_node(engine: Engine, fake: FakeEngine) -> None:
    fake.failing[PEER] = (500, "driver failed programming external connectivity")
    with pytest.raises(EngineRequestError, match=rf"{PEER}: read logs failed: driver failed") as info:
        containers.logs_tail(engine, PEER)
    assert info.value.code == "OPERATION_FAILED"
    with pytest.raises(EngineRequestError, match=rf"{PEER}: remove container failed"):
        containers.remove_containers(engine, [PEER])


def test_removal_is_idempotent_and_forced_with_volumes(engine: Engine, fake: FakeEngine) -> None:
    containers.remove_containers(engine, ["cc.jp", "already-gone"])
    assert "cc.jp" not in fake.containers and "peer0.jp.demo" in fake.containers
    delete = [c for c in fake.calls if c.startswith("DELETE")]
    assert len(delete) == 1 and "v=True" in delete[0] and "force=True" in delete[0]


def test_a_conflicting_removal_is_already_under_way(engine: Engine, fake: FakeEngine) -> None:
    fake.failing["cc.jp"] = (409, "removal of container cc.jp is already in progress")
    containers.remove_containers(engine, ["cc.jp"])  # no error: the engine is removing it


def test_image_inputs_come_from_the_image_labels(engine: Engine, fake: FakeEngine) -> None:
    fake.images["ipledger/fabric-peer:3"] = {"Id": "sha256:ab", "Size": 68554683,
                                             "Config": {"Labels": {images.INPUTS_LABEL: "782072cf46392ba4"}}}
    fake.images["ipledger/unlabelled:1"] = {"Id": "sha256:cd", "Size": 1, "Config": {"Labels": None}}
    assert images.image_inputs(engine, "ipledger/fabric-peer:3") == "782072cf46392ba4"
    assert images.image_inputs(engine, "ipledger/unlabelled:1") is None
    assert images.image_inputs(engine, "ipledger/never-built:1") is None
    assert images.image_size(engine, "ipledger/fabric-peer:3") == 68554683
    with pytest.raises(NodeNotFoundError, match="ipledger/never-built:1"):
        images.image_size(engine, "ipledger/never-built:1")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_engine_that_does_not_answer_is_unavailable() -> None:
    url = f"tcp://127.0.0.1:{_closed_port()}"
    assert not daemon_answers(url)
    with pytest.raises(EngineUnavailableError, match=f"no Docker engine answers at {url}"):
        connect(url, timeout=5)


def test_an_engine_that_goes_away_is_unavailable_and_the_node_named(fake: FakeEngine) -> None:
    server = FakeEngineServer(fake)
    engine = Engine(client=connect(server.base_url, timeout=5), base_url=server.base_url, compose=())
    server.close()
    with pytest.raises(EngineUnavailableError, match=rf"{PEER}: read logs: the Docker engine does not answer"):
        containers.logs_tail(engine, PEER)


def test_a_chaincode_server_is_created_labelled_aliased_and_started(engine: Engine, fake: FakeEngine) -> None:
    office = PLAN.office("JP")
    name = containers.start_chaincode(engine, PLAN, office, "ipl_2", "ipl_2:abc", "ipledger/chaincode:k2")
    assert name == containers.chaincode_container_name(PLAN, office, "ipl_2")
    body = fake.created[name]
    assert (body["Image"], body["Hostname"]) == ("ipledger/chaincode:k2", name)
    assert body["Labels"] == {**OURS, "io.ipledger.office": "JP", "io.ipledger.role": "chaincode",
                              "io.ipledger.chaincode-label": "ipl_2", containers.IMAGE_LABEL: "ipledger/chaincode:k2"}
    assert "CHAINCODE_ID=ipl_2:abc" in body["Env"]
    host = body["HostConfig"]
    assert host["RestartPolicy"] == {"Name": "unless-stopped"} and host["NetworkMode"] == PLAN.docker_network
    assert host["Binds"] == [f"{PLAN.crypto_dir(office) / 'chaincode-server'}:/etc/ipledger/tls:ro"]
    assert body["NetworkingConfig"]["EndpointsConfig"][PLAN.docker_network]["Aliases"] == [name]
    assert fake.containers[name]["State"]["Status"] == "running"
    # Running the same image already: nothing is created again.
    assert containers.start_chaincode(engine, PLAN, office, "ipl_2", "ipl_2:abc", "ipledger/chaincode:k2") == name
    assert sum(c.startswith("POST /v1.41/containers/create") for c in fake.calls) == 1
