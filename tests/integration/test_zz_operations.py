"""Runs last (it changes the running network): chaincode upgrade with readers active, then a kept-data restart."""

from __future__ import annotations

import datetime
import json
import os
import re
import threading
from pathlib import Path

import grpc
import pytest

from _live_network import TEST_NETWORK, derived_definition, write_definition
from ipledger.credentials import Identity, PrivateKeySigner, load_private_key
from ipledger.gateway import Gateway, GatewayError, LedgerReader
from ipledger.credentials.connection_profile import ConnectionProfile
from ipledger.library import LibraryClient, LibraryCredentials
from ipledger.consortium.plan import ORDERER_IMAGE
from ipledger.operator import bringup, containers, lifecycle
from ipledger.operator.bringup import Context
from ipledger.operator.errors import NodeUnhealthyError
from ipledger.operator.progress import Progress
from ipledger.operator.run import run


def _library(ctx: Context, office: str) -> LibraryClient:
    profile = ConnectionProfile.load(ctx.plan.profiles_dir / f"{office}.json")
    return LibraryClient(profile.libraries[office], LibraryCredentials.from_profile(profile, "User1"))


def _height(ctx: Context, office: str) -> int:
    with Gateway.from_profile(ctx.plan.profiles_dir / f"{office}.json", user="User1") as gw:
        return LedgerReader(gw.get_network(ctx.plan.channel)).get_chain_info().height


def test_upgrade_chaincode_keeps_readers_served(network: Context) -> None:
    plan = network.plan
    current = lifecycle.committed(network.admins()[0], plan.spec.chaincode.name)
    assert current is not None
    version = f"upgrade{int(str(current['sequence'])) + 1}"
    stop = threading.Event()
    reads: list[int] = []
    failures: list[str] = []

    def reader() -> None:
        with Gateway.from_profile(plan.profiles_dir / "US.json", user="User1") as gw:
            contract = gw.get_network(plan.channel).get_contract(plan.spec.chaincode.name)
            while not stop.is_set():
                try:
                    contract.evaluate_transaction("GetOffice", "JP")
                    reads.append(1)
                except GatewayError as exc:
                    failures.append(str(exc))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        bringup.upgrade_chaincode(network, version)
        # A read after the commit must be answered by the new servers.
        with Gateway.from_profile(plan.profiles_dir / "US.json", user="User1") as gw:
            gw.get_network(plan.channel).get_contract(plan.spec.chaincode.name).evaluate_transaction("GetOffice", "JP")
    finally:
        stop.set()
        thread.join()
    assert reads and not failures, failures[:3]
    for admin in network.admins():
        committed = lifecycle.committed(admin, plan.spec.chaincode.name)
        assert committed is not None and committed["version"] == version
        assert int(str(committed["sequence"])) == int(str(current["sequence"])) + 1
    labels = {c.labels.get("io.ipledger.chaincode-label") for c in containers.containers(network.need_engine(), plan)
              if c.labels.get("io.ipledger.role") == "chaincode"}
    assert labels == {f"{plan.spec.chaincode.name}_{version}"}


def _dangling_volumes(network: Context, since: datetime.datetime) -> set[str]:
    """Volumes no container uses, created since ``since``, that this consortium could have left: its own and
    anonymous ones (which carry no project label). Another project's - a suite running in the other lane of
    ./scripts/test, restarting its network - are not this test's concern."""
    own = network.plan.project_label.partition("=")[2]
    return {str(v.name) for v in network.need_engine().client.volumes.list(filters={"dangling": True})
            if (v.attrs.get("Labels") or {}).get("io.ipledger.project", own) == own
            and datetime.datetime.fromisoformat(str(v.attrs["CreatedAt"]).replace("Z", "+00:00")) >= since}


def test_up_stops_on_a_node_that_never_becomes_healthy_and_leaves_nothing(
        network: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = network.need_engine()
    bringup.down(network)
    began = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) - datetime.timedelta(seconds=1)
    # Peers started from the orderer image never serve the peer's /healthz.
    monkeypatch.setenv("IPLEDGER_PEER_IMAGE", ORDERER_IMAGE)
    broken = Context(plan=network.plan, progress=Progress(quiet=True), health_timeout=15)
    try:
        peer = re.escape(network.plan.office("JP").peers[0].host)
        with pytest.raises(NodeUnhealthyError, match=rf"{peer}: not healthy"):
            bringup.up(broken)
        assert containers.containers(engine, network.plan) == []
        assert containers.volumes(engine, network.plan) == [] and containers.networks(engine, network.plan) == []
        # Not even the anonymous volumes of the images' VOLUME lines are left behind.
        assert _dangling_volumes(network, began) == set()
    finally:
        monkeypatch.delenv("IPLEDGER_PEER_IMAGE")
        bringup.up(network)  # the next test needs the network again


def test_down_keep_data_then_up_keeps_the_ledger_and_the_documents(network: Context, tmp_path: Path) -> None:
    before = _height(network, "JP")
    assert before > 1
    document = tmp_path / "kept.pdf"
    document.write_bytes(b"%PDF-1.7 kept across a restart " + os.urandom(16))
    digest = _library(network, "KR").store(document)
    bringup.down(network, keep_data=True)
    assert not containers.containers(network.need_engine(), network.plan)
    bringup.up(network)
    assert _library(network, "KR").stored_size(digest) == document.stat().st_size
    assert _height(network, "JP") >= before
    assert _height(network, "EP") >= before
    with Gateway.from_profile(network.plan.profiles_dir / "EP.json", user="User1") as gw:
        contract = gw.get_network(network.plan.channel).get_contract(network.plan.spec.chaincode.name)
        assert b"JPMSP" in contract.evaluate_transaction("GetOffice", "JP")


def test_raft_consortium_is_selectable_and_orders_transactions(network: Context, tmp_path: Path) -> None:
    raw = derived_definition(f"{TEST_NETWORK}-raft")
    raw["ordering"]["type"] = "RAFT"
    raw["offices"] = raw["offices"][:3]  # Raft tolerates crash faults: three orderers are enough
    definition = write_definition(raw, tmp_path)
    bringup.down(network)
    raft = Context.load(definition, Progress(quiet=True))
    try:
        bringup.up(raft)
        for admin in raft.admins():
            info = admin.orderer_channel_info()
            assert info is not None and info["consensusRelation"] == "consenter"
        with Gateway.from_profile(raft.plan.profiles_dir / "EP.json", user="User1") as gw:
            contract = gw.get_network(raft.plan.channel).get_contract(raft.plan.spec.chaincode.name)
            offices = json.loads(contract.evaluate_transaction("ListOffices", "", ""))["records"]
            assert [o["officeCode"] for o in offices] == ["EP", "JP", "US"]
        block = tmp_path / "config.block"
        admin = raft.admins()[0]
        admin.peer("channel", "fetch", "config", str(block), *admin.orderer_args(), "-c", raft.plan.channel)
        decoded = json.loads(run([str(admin.toolchain.fabric("configtxlator")), "proto_decode",
                                  "--type", "common.Block", "--input", str(block)]))
        config = decoded["data"]["data"][0]["payload"]["data"]["config"]
        consensus = config["channel_group"]["groups"]["Orderer"]["values"]["ConsensusType"]["value"]
        assert consensus["type"] == "etcdraft"
        assert len(consensus["metadata"]["consenters"]) == 3
    finally:
        bringup.down(raft)


def test_mutual_tls_consortium_requires_client_certificates(network: Context, tmp_path: Path) -> None:
    raw = derived_definition(f"{TEST_NETWORK}-mtls", tls={"mutual": True})
    definition = write_definition(raw, tmp_path)
    bringup.down(network)
    mtls = Context.load(definition, Progress(quiet=True))
    try:
        bringup.up(mtls)  # the peer CLI and our gateway client both present client certificates
        profile_path = mtls.plan.profiles_dir / "JP.json"
        profile = json.loads(profile_path.read_text())
        assert profile["mutualTls"] is True
        with Gateway.from_profile(profile_path, user="User1") as gw:
            net = gw.get_network(mtls.plan.channel)
            assert b"JPMSP" in net.get_contract(mtls.plan.spec.chaincode.name).evaluate_transaction("GetOffice", "JP")
            # Deliver checks that the request binds the TLS client certificate the connection presented.
            stream = net.block_events(start_block=0)
            try:
                assert next(stream).header.number == 0
            finally:
                stream.close()
        # Without a client certificate the peer refuses the TLS handshake.
        base = profile_path.parent
        user = profile["users"]["User1"]
        anonymous = Gateway.connect(
            profile["gateway"]["endpoint"],
            Identity(profile["mspId"], (base / user["certPath"]).read_bytes()),
            PrivateKeySigner(load_private_key((base / user["keyPath"]).read_bytes())),
            tls_root_cert=(base / profile["gateway"]["tlsRootCertPath"]).read_bytes(),
            server_name=profile["gateway"]["serverName"])
        with anonymous, pytest.raises(GatewayError) as refused:
            anonymous.get_network(mtls.plan.channel).get_contract(mtls.plan.spec.chaincode.name) \
                .evaluate("GetOffice", arguments=["JP"], timeout=10)
        assert refused.value.grpc_code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
        # The library reads the channel configuration through its peer, presenting its own client certificate.
        document = tmp_path / "mtls.pdf"
        document.write_bytes(b"%PDF-1.7 behind mutual TLS")
        assert _library(mtls, "JP").stored_size(_library(mtls, "JP").store(document)) == document.stat().st_size
    finally:
        bringup.down(mtls)
