"""The live consortium: channel configuration, chaincode definition, block propagation, refusals."""

from __future__ import annotations

import base64
import json
import socket
from pathlib import Path

import pytest

from _live_blocks import wait_for_block
from _live_network import definition_of, derived_definition, write_definition
from ipledger.consortium.office import registrar_secret
from ipledger.gateway import Gateway, LedgerReader
from ipledger.operator import bringup, containers, lifecycle
from ipledger.operator.bringup import Context
from ipledger.operator.errors import PortInUseError
from ipledger.operator.progress import Progress
from ipledger.operator.run import run


def channel_config(ctx: Context, tmp_path: Path) -> dict:  # type: ignore[type-arg]
    admin = ctx.admins()[0]
    block = tmp_path / "config.block"
    # Fabric 3.1.1's osnadmin has no `channel fetch` (added in 3.1.2), so the peer CLI fetches from an orderer.
    admin.peer("channel", "fetch", "config", str(block), *admin.orderer_args(), "-c", ctx.plan.channel)
    decoded = run([str(admin.toolchain.fabric("configtxlator")), "proto_decode", "--type", "common.Block",
                   "--input", str(block)])
    return json.loads(decoded)["data"]["data"][0]["payload"]["data"]["config"]  # type: ignore[no-any-return]


def test_channel_has_four_offices_and_four_bft_consenters(network: Context, tmp_path: Path) -> None:
    config = channel_config(network, tmp_path)
    groups = config["channel_group"]["groups"]
    assert sorted(groups["Application"]["groups"]) == ["EPMSP", "JPMSP", "KRMSP", "USMSP"]
    orderer = groups["Orderer"]
    consensus = orderer["values"]["ConsensusType"]["value"]
    assert consensus["type"] == "BFT"
    mapping = orderer["values"]["Orderers"]["value"]["consenter_mapping"]
    assert sorted(c["msp_id"] for c in mapping) == ["EPMSP", "JPMSP", "KRMSP", "USMSP"]
    assert sorted(c["host"] for c in mapping) == sorted(o.orderer.host for o in network.plan.offices)


def test_every_orderer_is_an_active_consenter(network: Context) -> None:
    for admin in network.admins():
        info = admin.orderer_channel_info()
        assert info is not None and info["consensusRelation"] == "consenter" and info["status"] == "active"


def test_chaincode_committed_on_every_peer_with_majority_policy(network: Context) -> None:
    spec = network.plan.spec.chaincode
    deployed = bringup.load_state(network.plan)  # the definition's version, or a later upgrade's
    for admin in network.admins():
        committed = lifecycle.committed(admin, spec.name)
        assert committed is not None, admin.office.code
        assert f"{spec.name}_{committed['version']}" == deployed["label"]
        assert committed["sequence"] == deployed["sequence"]
        policy = base64.b64decode(str(committed["validation_parameter"]))
        assert b"/Channel/Application/Endorsement" in policy
        assert all(committed["approvals"].values())  # type: ignore[union-attr]


def test_submitted_transaction_reaches_the_same_height_on_every_peer(network: Context) -> None:
    plan = network.plan
    with Gateway.from_profile(plan.profiles_dir / "KR.json", user="Admin") as gw:
        contract = gw.get_network(plan.channel).get_contract(plan.spec.chaincode.name)
        office = json.loads(contract.evaluate_transaction("GetOffice", "KR"))
        settings = {k: office[k] for k in ("calendar", "applicationNumberPatterns", "restorationPolicy")}
        submitted = contract.submit_async("UpdateOfficeSettings", arguments=[json.dumps(settings)])
        status = submitted.status()
        assert status.successful
    # Each office's peer delivers the block only once it has committed it.
    for office in plan.offices:
        with Gateway.from_profile(plan.profiles_dir / f"{office.code}.json", user="User1") as gw:
            wait_for_block(gw.get_network(plan.channel), status.block_number, office.code)
            assert LedgerReader(gw.get_network(plan.channel)).get_chain_info().height >= status.block_number + 1


def test_up_refuses_a_port_in_use_and_starts_nothing(network: Context, tmp_path: Path) -> None:
    ctx = Context.load(write_definition(derived_definition("ipledger-ports", 31000), tmp_path), Progress(quiet=True))
    engine = network.need_engine()
    before = {c.name for c in containers.containers(engine, network.plan)}
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 31051))
        blocker.listen(1)
        with pytest.raises(PortInUseError, match=r"127\.0\.0\.1:31051 \(needed by peer0\.jp\.ipledger-ports\.test\)"):
            bringup.up(ctx)
    assert {c.name for c in containers.containers(engine, network.plan)} == before
    assert containers.containers(engine, ctx.plan) == [] and not ctx.plan.generated.exists()


def test_status_command_reports_every_node(network: Context) -> None:
    from click.testing import CliRunner

    from ipledger.cli.network import network as network_group

    result = CliRunner().invoke(network_group, ["status", "--json", "--definition", definition_of(network)])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    peers = [r for r in rows if r["role"] == "peer"]
    orderers = [r for r in rows if r["role"] == "orderer"]
    assert len(peers) == 4 and len(orderers) == 4
    assert all(r["container"] == "running" and r["healthy"] for r in peers + orderers)
    assert all(r["ordering_role"] == "consenter (active)" for r in orderers)
    assert len({r["height"] for r in peers}) <= 2  # equal, or one block apart while a block is in flight
    assert all(r["chaincode"] and r["chaincode"].startswith(network.plan.spec.chaincode.name) for r in peers)
    assert sum(r["role"] == "chaincode" and r["container"] == "running" for r in rows) == 4
    libraries = [r for r in rows if r["role"] == "library"]
    assert sorted(r["node"] for r in libraries) == sorted(o.library.host for o in network.plan.offices)
    assert all(r["container"] == "running" and r["healthy"] for r in libraries)


def test_logs_command_names_unknown_nodes(network: Context) -> None:
    from click.testing import CliRunner

    from ipledger.cli.network import network as network_group

    definition = ["--definition", definition_of(network)]
    result = CliRunner().invoke(network_group, ["logs", "peer9.xx.ipledger.test", *definition])
    assert result.exit_code == 3
    assert "NOT_FOUND: no such node 'peer9.xx.ipledger.test'" in result.output
    orderer = network.plan.office("JP").orderer.host
    ok = CliRunner().invoke(network_group, ["logs", orderer, "--tail", "5", *definition])
    assert ok.exit_code == 0 and ok.output.strip()
    # --follow streams through the SDK: the tail arrives at once, and closing the stream ends it.
    stream = containers.follow_logs(network.need_engine(install=False), orderer, 5)
    try:
        assert next(stream).strip()
    finally:
        stream.close()


def test_no_ca_secret_on_a_command_line_or_in_the_environment(network: Context) -> None:
    engine = network.need_engine(install=False)
    secrets = {o.code: registrar_secret(network.plan, o) for o in network.plan.offices}
    for office in network.plan.offices:
        inspected = engine.client.containers.get(office.ca.host).attrs
        visible = json.dumps([inspected["Config"]["Cmd"], inspected["Config"]["Env"], inspected["Args"]])
        pid = inspected["State"]["Pid"]
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        environ = Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")
        for where in (visible, cmdline, environ):
            assert secrets[office.code] not in where, office.ca.host
    # The registrars were still enrolled from the secret in the CA's (private) configuration file.
    assert all((network.plan.wallet_dir(o) / "registrar.id").exists() for o in network.plan.offices)


def test_orderer_admin_endpoint_refuses_users_tls_certificates(network: Context) -> None:
    admin = network.admins()[0]
    office = admin.office
    assert network.plan.channel in admin.osnadmin("channel", "list")  # the Admin's admin-TLS certificate
    user_tls = network.plan.crypto_dir(office) / "users" / f"User1@{office.domain}" / "tls"
    out = run([str(admin.toolchain.fabric("osnadmin")), "channel", "list",
               "-o", f"{network.plan.host_ip}:{office.orderer.admin_port}", "--ca-file", str(admin.tls_ca),
               "--client-cert", str(user_tls / "client.crt"), "--client-key", str(user_tls / "client.key")],
              check=False, timeout=60)
    assert network.plan.channel not in out and ("bad certificate" in out or "certificate" in out.lower()), out


def test_private_keys_stay_in_their_office_directory(network: Context) -> None:
    """Walk every generated file of the running consortium: a private key or a secret is only ever in the
    directory of the office it belongs to, readable by its owner only."""
    plan = network.plan
    offices = {plan.crypto_dir(o) for o in plan.defined}
    found = 0
    for path in plan.generated.rglob("*"):
        if not path.is_file() or path.suffix == ".block":
            continue
        if b"PRIVATE KEY" in path.read_bytes() or path.parent.name == "secrets":
            found += 1
            assert any(path.is_relative_to(home) for home in offices), path
            assert path.stat().st_mode & 0o077 == 0, path
    assert found >= 10 * len(plan.offices)
