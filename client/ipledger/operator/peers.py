"""Adding a peer to a running office: ``ipledger network add-peer``.

The definition says how many peers an office runs (``peers: N``); a peer it names that is not running yet is
given its crypto material from the office's own CAs, started alone (the office's other nodes are not touched),
and joined to the channel - from a ledger snapshot when one is given, so it does not replay every block since
the genesis block, else from the channel's first block. It gets the committed chaincode package installed
(it endorses like its office's first peer) and is waited for until it has caught up with that peer.
"""

from __future__ import annotations

import io
import tarfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ipledger.consortium import crypto, connection_profiles
from ipledger.consortium import compose as compose_gen
from ipledger.consortium.plan import OfficePlan, PeerPlan
from ipledger.operator import containers, health, lifecycle
from ipledger.operator.admin import OfficeAdmin
from ipledger.operator.bringup import Context, compose_env, load_state
from ipledger.operator.engine_errors import engine_call
from ipledger.operator.errors import NodeNotFoundError, NodeUnhealthyError, OperatorError
from ipledger.operator.snapshots import SnapshotError, SnapshotMetadata, read_metadata

# Where a snapshot is copied to inside the new peer (its ledger volume, so it survives a restart).
IMPORT_DIR = PurePosixPath("/var/hyperledger/production/snapshot-import")


@dataclass
class AddPeerResult:
    peer: str
    joined_from: str  # "snapshot of block N" or "genesis block"
    height: int
    reference_height: int  # the office's first peer's height when the new one had caught up
    timings: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"peer": self.peer, "joined_from": self.joined_from, "height": self.height,
                "reference_height": self.reference_height,
                "timings": {k: round(v, 1) for k, v in self.timings.items()}}


def find_peer(office: OfficePlan, name: str) -> PeerPlan:
    for peer in office.peers:
        if name in (peer.host, peer.host.split(".")[0]):
            return peer
    raise NodeNotFoundError(
        f"{office.code} has no peer {name!r} in the definition (it has {len(office.peers)}: "
        f"{', '.join(p.host for p in office.peers)}); raise the office's `peers:` in the definition first")


def _tar_directory(directory: Path, arcname: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        tar.add(directory, arcname=arcname)
    return buffer.getvalue()


def _wait(what: str, check: Callable[[], tuple[bool, str]], timeout: float, interval: float = 1.0) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        done, last = check()
        if done:
            return
        time.sleep(interval)
    raise OperatorError(f"{what}: not done after {timeout:.0f}s ({last})")


def add_peer(ctx: Context, office_code: str, peer_name: str, snapshot: Path | None,
             timeout: float = 300.0) -> AddPeerResult:
    plan, progress = ctx.plan, ctx.progress
    office = plan.office(office_code)
    peer = find_peer(office, peer_name)
    if peer.index == 0:
        raise OperatorError(f"{peer.host} is the office's first peer, started by `up`; add-peer adds further ones")
    metadata: SnapshotMetadata | None = None
    if snapshot is not None:
        metadata = read_metadata(snapshot, str(snapshot))
        if metadata.channel != plan.channel:
            raise SnapshotError(f"{snapshot} is a snapshot of channel {metadata.channel}, not {plan.channel}")
    engine = ctx.need_engine()
    admin = OfficeAdmin(plan, office, ctx.need_toolchain())
    running = {c.name for c in containers.containers(engine, plan) if c.status == "running"}
    if office.peers[0].host not in running:
        raise OperatorError(f"{office.peers[0].host} is not running: start the network (`up`) first")
    if peer.host in running and plan.channel in admin.peer_channels(peer):
        raise OperatorError(f"{peer.host} is running and has joined {plan.channel} already")

    with progress.step(f"crypto material, compose service and profile of {peer.host}"):
        if crypto.generate_peer(plan, office, peer.host):
            progress.note(f"issued {peer.host}'s signing and TLS certificates from {office.code}'s CAs")
        compose_gen.write_office_compose(plan, office)
        compose_gen.write_compose(plan)
        connection_profiles.write_profiles(plan)
    existed = peer.host in {c.name for c in containers.containers(engine, plan)}
    try:
        _start_and_join(ctx, admin, peer, snapshot, metadata, timeout)
    except BaseException:
        if not existed:
            progress.note(f"removing {peer.host} and its volume after the failure")
            _remove_peer(ctx, peer)
        raise
    reference = admin.peer_height(office.peers[0])
    with progress.step(f"wait until {peer.host} has caught up with {office.peers[0].host}"):
        def caught_up() -> tuple[bool, str]:
            height = admin.peer_height(peer)
            return height >= reference, f"height {height}, {office.peers[0].host} had {reference}"
        _wait(f"{peer.host} catching up", caught_up, timeout)
    joined_from = f"snapshot of block {metadata.block_number}" if metadata else "genesis block"
    return AddPeerResult(peer=peer.host, joined_from=joined_from, height=admin.peer_height(peer),
                         reference_height=reference, timings=dict(progress.timings))


def _start_and_join(ctx: Context, admin: OfficeAdmin, peer: PeerPlan, snapshot: Path | None,
                    metadata: SnapshotMetadata | None, timeout: float) -> None:
    plan, progress, engine = ctx.plan, ctx.progress, ctx.need_engine()
    with progress.step(f"start {peer.host} (only it)"):
        containers.compose(engine, plan, "up", "-d", "--no-build", "--no-deps", peer.host,
                           env=compose_env(ctx.need_toolchain()), office=admin.office)
        ca_file = plan.crypto_dir(admin.office) / "tlsca" / "tlsca-cert.pem"
        url = f"https://{peer.host_ip}:{peer.operations_port}/healthz"
        failures = health.wait_healthy([health.Endpoint(peer.host, url, ca_file)], timeout=ctx.health_timeout)
        if failures:
            raise NodeUnhealthyError(f"{peer.host} did not become healthy: {failures[peer.host]}")
    if snapshot is not None and metadata is not None:
        target = IMPORT_DIR / str(metadata.block_number)
        with progress.step(f"copy the snapshot of block {metadata.block_number} into {peer.host}:{target}"):
            with engine_call(peer.host, "copy the snapshot in"):
                container = engine.client.containers.get(peer.host)
                archive = _tar_directory(snapshot, f"{IMPORT_DIR.name}/{metadata.block_number}")
                if not container.put_archive(str(IMPORT_DIR.parent), archive):
                    raise SnapshotError(f"{peer.host} refused the snapshot archive")
        with progress.step(f"join {peer.host} to {plan.channel} from the snapshot"):
            admin.peer("channel", "joinbysnapshot", "--snapshotpath", str(target), peer=peer, timeout=timeout)

            def imported() -> tuple[bool, str]:
                status = admin.peer("channel", "joinbysnapshotstatus", peer=peer)
                busy = "in progress" in status and "No joinbysnapshot" not in status
                return (not busy and plan.channel in admin.peer_channels(peer)), status.strip()
            _wait(f"{peer.host} importing the snapshot", imported, timeout)
    else:
        with progress.step(f"join {peer.host} to {plan.channel} from the genesis block"):
            admin.join_peer(peer, plan.channel_block)
    state = load_state(plan)
    label, package_id = str(state.get("label", "")), str(state.get("packageId", ""))
    package = plan.packages_dir / f"{label}.tar.gz"
    if label and package.is_file():
        with progress.step(f"install {label} on {peer.host}"):
            if package_id not in lifecycle.installed_package_ids(admin, peer.index):
                admin.peer("lifecycle", "chaincode", "install", str(package), peer=peer, timeout=300)


def _remove_peer(ctx: Context, peer: PeerPlan) -> None:
    """Remove a peer's container and ledger volume (what add-peer created)."""
    engine = ctx.need_engine()
    containers.remove_containers(engine, [peer.host])
    for volume in containers.volumes(engine, ctx.plan):
        if volume.endswith(f"_{peer.host}"):
            with engine_call(volume, "remove volume"):
                engine.client.volumes.get(volume).remove(force=True)


def remove_peer(ctx: Context, office_code: str, peer_name: str) -> str:
    """Stop and remove an added peer and its ledger (the office's first peer is refused)."""
    office = ctx.plan.office(office_code)
    peer = find_peer(office, peer_name)
    if peer.index == 0:
        raise OperatorError(f"{peer.host} is the office's first peer: use `down` to stop the office")
    _remove_peer(ctx, peer)
    return peer.host
