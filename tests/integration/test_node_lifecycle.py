"""Certificates and snapshots on the live consortium: ``network certs``, ``renew``, ``snapshot``, ``add-peer``.

Renewal and the added peer happen while another office keeps submitting transactions through its own gateway;
every figure (how long a renewal or a join took) is printed, never asserted.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from click.testing import CliRunner, Result
from cryptography import x509

from _live_network import definition_of
from ipledger.consortium import compose as compose_gen
from ipledger.consortium import connection_profiles
from ipledger.domain import IpRight, PriorityLedger
from ipledger.operator import snapshots
from ipledger.operator.admin import OfficeAdmin
from ipledger.operator.bringup import Context
from ipledger.operator.certs import served_certificate, serial_hex
from ipledger.cli.network import network as network_group
from ipledger.operator.progress import Progress

FILING_DATE = date(2024, 6, 3)


def cli(*args: str) -> Result:
    return CliRunner().invoke(network_group, list(args))


def deposit(ledger: PriorityLedger, office: str) -> str:
    document = secrets.token_bytes(32)
    filing = ledger.deposit_first_filing(ip_right=IpRight.PATENT,
                                         application_number=f"{office} 2024-{secrets.randbelow(10**10):010d}",
                                         filing_date=FILING_DATE, document_sha256=hashlib.sha256(document).hexdigest())
    return filing.id


@dataclass
class Load:
    """Deposits by one office, one after the other, until stopped: (start, end) of each commit, and failures."""

    committed: list[tuple[float, float]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


@contextmanager
def steady_load(network: Context, office: str) -> Iterator[Load]:
    load, stop = Load(), threading.Event()

    def run() -> None:
        with PriorityLedger.connect(office, profiles_dir=network.plan.profiles_dir) as ledger:
            while not stop.is_set():
                started = time.monotonic()
                try:
                    deposit(ledger, office)
                    load.committed.append((started, time.monotonic()))
                except Exception as exc:  # every failure is reported by the test
                    load.failures.append(f"{type(exc).__name__}: {exc}")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield load
    finally:
        stop.set()
        thread.join(timeout=120)


def test_certs_lists_every_certificate_of_each_office(network: Context) -> None:
    started = time.monotonic()
    result = cli("certs", "--json", "--definition", definition_of(network))
    print(f"\nnetwork certs (4 offices): {time.monotonic() - started:.1f}s")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    for office in network.plan.offices:
        mine = [r for r in rows if r["office"] == office.code]
        kinds = {r["kind"] for r in mine}
        assert {"ca", "tls-ca", "admin-tls-ca", "node-signing", "node-tls", "user-signing", "user-tls",
                "user-admin-tls", "library-identity", "library-tls", "ca-server-tls", "chaincode-server-tls",
                "wallet"} <= kinds
        owners = {r["owner"] for r in mine if r["kind"] == "node-tls"}
        assert {office.orderer.host, office.peers[0].host} <= owners
        assert all(r["status"] == "ok" and r["days_left"] > 30 for r in mine), mine
        # What the peer serves is what the inventory lists.
        listed = next(r for r in mine if r["kind"] == "node-tls" and r["owner"] == office.peers[0].host)
        assert serial_hex(served_certificate(network.plan.host_ip, office.peers[0].port)) == listed["serial"]


def test_renewing_a_consenter_goes_through_a_signed_channel_update(network: Context) -> None:
    from ipledger.operator import channel_members
    from ipledger.operator.channel_config import ChannelConfigs

    jp = network.plan.offices[0]
    orderer = jp.orderer
    old_served = served_certificate(network.plan.host_ip, orderer.port)
    result = cli("renew", "--office", "JP", "--node", "orderer0", "--definition", definition_of(network))
    assert result.exit_code == 0, result.output
    new_served = served_certificate(network.plan.host_ip, orderer.port)
    assert serial_hex(new_served) != serial_hex(old_served)
    # The channel names the new certificate for JP's consenter, and the BFT set is whole again.
    other = next(a for a in network.admins() if a.office.code != "JP")
    config = ChannelConfigs(other).current().config
    mine = next(c for c in channel_members.consenters(config) if c["msp_id"] == jp.msp_id)
    tls_pem = base64.b64decode(mine["server_tls_cert"])
    assert serial_hex(x509.load_pem_x509_certificate(tls_pem)) == serial_hex(new_served)
    admin = next(a for a in network.admins() if a.office.code == "JP")
    assert (admin.orderer_channel_info() or {}).get("consensusRelation") == "consenter"
    with PriorityLedger.connect(network.plan.profiles_dir / "US.json", "User1") as us:
        assert deposit(us, "US").startswith("US:")  # ordering goes on


def test_renewing_a_peer_and_a_user_keeps_transactions_committing(network: Context) -> None:
    plan = network.plan
    jp = plan.office("JP")
    peer = jp.peers[0]
    old_served = served_certificate(plan.host_ip, peer.port)
    with steady_load(network, "US") as load:
        while not load.committed and not load.failures:  # the load runs before the renewal starts
            time.sleep(0.2)
        started = time.monotonic()
        result = cli("renew", "--office", "JP", "--node", "peer0", "--user", "User1", "--json",
                     "--definition", definition_of(network))
        ended = time.monotonic()
        assert result.exit_code == 0, result.output
        count = len(load.committed)
        while len(load.committed) < count + 2 and not load.failures:  # and it goes on afterwards
            time.sleep(0.2)
    renewed = json.loads(result.output[result.output.index("["):])
    during = [c for c in load.committed if c[1] > started and c[0] < ended]
    print(f"\nrenew peer0.jp + User1: {ended - started:.1f}s (peer restart {renewed[0]['seconds']}s); US commits "
          f"during it: {len(during)}, in all: {len(load.committed)}")
    assert not load.failures, load.failures[:3]
    assert during, "no US transaction committed while JP's peer was renewed"

    by_path = {c["path"]: c for r in renewed for c in r["certificates"]}
    tls_entry = next(c for p, c in by_path.items() if p.endswith(f"peers/{peer.host}/tls/server.crt"))
    served = served_certificate(plan.host_ip, peer.port)
    assert serial_hex(served) == tls_entry["new_serial"] != serial_hex(old_served)
    assert served.not_valid_after_utc.isoformat() == tls_entry["not_after"]
    tls_file = plan.crypto_dir(jp) / "peers" / peer.host / "tls" / "server.crt"
    assert x509.load_pem_x509_certificate(tls_file.read_bytes()).serial_number == served.serial_number

    # JP's User1 transacts with its renewed certificate, through the renewed peer.
    user_cert = plan.crypto_dir(jp) / "users" / f"User1@{jp.domain}" / "msp" / "signcerts" / "cert.pem"
    user_entry = next(c for p, c in by_path.items() if p.endswith(f"User1@{jp.domain}/msp/signcerts/cert.pem"))
    assert serial_hex(x509.load_pem_x509_certificate(user_cert.read_bytes())) == user_entry["new_serial"]
    with PriorityLedger.connect("JP", profiles_dir=plan.profiles_dir) as ledger:
        filing_id = deposit(ledger, "JP")
        assert ledger.get_first_filing(filing_id).id == filing_id


def _heights(admins: list[OfficeAdmin]) -> list[int]:
    return [admin.peer_height(admin.office.peers[0]) for admin in admins]


def test_snapshots_of_one_block_are_equal_across_offices(network: Context, tmp_path: Path) -> None:
    admins = network.admins()
    block = max(_heights(admins)) + 2  # ahead of every peer: each writes it when it commits that block
    # Requested before the load starts, so no peer is past the block yet; `snapshot` finds them pending.
    for admin in admins:
        assert snapshots.request(network.need_engine(), admin, admin.office.peers[0], block) == block
    with steady_load(network, "EP") as load:
        started = time.monotonic()
        result = cli("snapshot", "--block", str(block), "--out", str(tmp_path), "--json",
                     "--definition", definition_of(network))
        seconds = time.monotonic() - started
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{"):])
    print(f"\nsnapshot of block {block} on 4 peers: {seconds:.1f}s; {report['snapshots'][0]['snapshot_hash']}")
    assert not load.failures, load.failures[:3]
    taken = report["snapshots"]
    assert report["equal"] and len(taken) == 4
    assert {t["peer"] for t in taken} == {o.peers[0].host for o in network.plan.offices}
    assert {t["block_number"] for t in taken} == {block}
    assert len({t["snapshot_hash"] for t in taken}) == 1
    signable = {hashlib.sha256((Path(t["directory"]) / "_snapshot_signable_metadata.json").read_bytes()).hexdigest()
                for t in taken}
    assert signable == {taken[0]["snapshot_hash"]}


def _two_peer_context(network: Context, directory: Path) -> Context:
    """The session's consortium with a second JP peer in its definition (same name: same project, files)."""
    raw = yaml.safe_load(Path(definition_of(network)).read_text(encoding="utf-8"))
    next(o for o in raw["offices"] if o["code"] == "JP")["peers"] = 2
    path = directory / "two-peers.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return Context.load(path, Progress(quiet=True))


def _wait_same_height(admin: OfficeAdmin, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while True:
        heights = {admin.peer_height(p) for p in admin.office.peers}
        if len(heights) == 1 or time.monotonic() > deadline:
            assert len(heights) == 1, heights
            return heights.pop()
        time.sleep(0.5)


def _block_hash(admin: OfficeAdmin, peer_index: int) -> str:
    out = admin.peer("channel", "getinfo", "-c", admin.plan.channel, peer=admin.office.peers[peer_index])
    return str(json.loads(out[out.index("{"):])["currentBlockHash"])


def test_a_peer_joined_from_a_snapshot_reaches_the_same_state(network: Context, tmp_path: Path) -> None:
    two = _two_peer_context(network, tmp_path)
    definition = str(two.plan.root / two.plan.source)
    jp = two.plan.office("JP")
    admin = OfficeAdmin(two.plan, jp, network.need_toolchain())
    try:
        started = time.monotonic()
        result = cli("snapshot", "--office", "JP", "--out", str(tmp_path / "snapshots"), "--json",
                     "--definition", definition)
        snapshot_seconds = time.monotonic() - started
        assert result.exit_code == 0, result.output
        taken = json.loads(result.output[result.output.index("{"):])["snapshots"][0]
        # Blocks after the snapshot: the new peer must pull them from the ordering service.
        with PriorityLedger.connect("US", profiles_dir=two.plan.profiles_dir) as us:
            after_snapshot = [deposit(us, "US") for _ in range(2)]
            with steady_load(network, "KR") as load:
                started = time.monotonic()
                result = cli("add-peer", "--office", "JP", "--peer", "peer1", "--from-snapshot", taken["directory"],
                             "--json", "--definition", definition)
                join_seconds = time.monotonic() - started
            assert result.exit_code == 0, result.output
            assert not load.failures, load.failures[:3]
            joined = json.loads(result.output[result.output.index("{"):])
            assert joined["peer"] == jp.peers[1].host
            assert joined["joined_from"] == f"snapshot of block {taken['block_number']}"
            print(f"\nsnapshot of JP: {snapshot_seconds:.1f}s; add-peer from block {taken['block_number']}: "
                  f"{join_seconds:.1f}s ({joined['timings']}); KR commits meanwhile: {len(load.committed)}")

            height = _wait_same_height(admin)
            assert height > taken["block_number"] + 1
            assert _block_hash(admin, 1) == _block_hash(admin, 0)
            # The same state through either peer: records written before and after the snapshot.
            for filing_id in after_snapshot:
                answers = {admin.peer("chaincode", "query", "-C", two.plan.channel, "-n", two.plan.spec.chaincode.name,
                                      "-c", json.dumps({"Args": ["GetFirstFiling", filing_id]}), peer=p)
                           for p in jp.peers}
                assert len(answers) == 1 and filing_id in answers.pop()
            offices = {admin.peer("chaincode", "query", "-C", two.plan.channel, "-n", two.plan.spec.chaincode.name,
                                  "-c", '{"Args":["GetOffice","JP"]}', peer=p) for p in jp.peers}
            assert len(offices) == 1
            # Later blocks reach it too, with the same hashes.
            deposit(us, "US")
        later = _wait_same_height(admin)
        assert later > height and _block_hash(admin, 1) == _block_hash(admin, 0)
    finally:
        cli("remove-peer", "--office", "JP", "--peer", "peer1", "--definition", definition)
        # Back to the session's definition: its compose file and profiles name one JP peer.
        compose_gen.write_compose(network.plan)
        connection_profiles.write_profiles(network.plan)
