"""Ledger snapshots of a peer: request one, wait for it, copy it out, read its metadata.

A peer writes a requested snapshot when it commits the requested block, into
``<ledger.snapshots.rootDir>/completed/<channel>/<block>`` inside its volume (Fabric writes it to ``temp``
first and renames it, so a ``completed`` directory is whole). The peer images have no shell, so files are
copied out with the engine's archive API. ``_snapshot_signable_metadata.json`` holds the block number and
hash and the SHA-256 of every data file; Fabric's ``snapshot_hash`` is the hash of that file, so peers with
the same state at the same block have equal hashes whichever office runs them.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import docker

from ipledger.consortium.plan import PeerPlan
from ipledger.operator.admin import OfficeAdmin
from ipledger.operator.engine import Engine
from ipledger.operator.engine_errors import engine_call
from ipledger.operator.errors import CommandFailedError, OperatorError

# core.yaml ledger.snapshots.rootDir of the peer images (network/toolchain config, unchanged by compose);
# CORE_LEDGER_SNAPSHOTS_ROOTDIR in a container's environment overrides it.
DEFAULT_ROOT = "/var/hyperledger/production/snapshots"
ROOT_ENV = "CORE_LEDGER_SNAPSHOTS_ROOTDIR"
SIGNABLE = "_snapshot_signable_metadata.json"
ADDITIONAL = "_snapshot_additional_metadata.json"


class SnapshotError(OperatorError):
    code = "SNAPSHOT_FAILED"


@dataclass(frozen=True)
class SnapshotMetadata:
    """What a snapshot says about itself (``_snapshot_signable_metadata.json`` and the additional file)."""

    peer: str
    channel: str
    block_number: int
    last_block_hash: str
    previous_block_hash: str
    file_hashes: dict[str, str]
    state_db_type: str
    snapshot_hash: str  # Fabric's: SHA-256 of the signable metadata file
    signable_sha256: str  # computed here from the copied file: equals snapshot_hash when intact
    directory: Path

    @property
    def height(self) -> int:
        """The ledger height the snapshot stands for (blocks 0..block_number)."""
        return self.block_number + 1

    def as_dict(self) -> dict[str, object]:
        return {"peer": self.peer, "channel": self.channel, "block_number": self.block_number,
                "height": self.height, "last_block_hash": self.last_block_hash,
                "previous_block_hash": self.previous_block_hash, "file_hashes": dict(self.file_hashes),
                "state_db_type": self.state_db_type, "snapshot_hash": self.snapshot_hash,
                "signable_sha256": self.signable_sha256, "directory": str(self.directory)}


def read_metadata(directory: Path, peer: str = "") -> SnapshotMetadata:
    """The metadata of a snapshot directory, checked: every data file hashes to what the metadata says."""
    try:
        raw = (directory / SIGNABLE).read_bytes()
        signable = json.loads(raw)
        additional = json.loads((directory / ADDITIONAL).read_bytes())
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"{directory} is not a Fabric ledger snapshot ({exc})") from None
    hashes = {str(k): str(v) for k, v in dict(signable.get("snapshot_files_raw_hashes", {})).items()}
    for name, expected in hashes.items():
        actual = hashlib.sha256((directory / name).read_bytes()).hexdigest() if (directory / name).is_file() else ""
        if actual != expected:
            raise SnapshotError(f"{directory / name}: missing or altered (SHA-256 {actual or 'none'}, "
                                f"the snapshot's metadata says {expected})")
    return SnapshotMetadata(peer=peer, channel=str(signable["channel_name"]),
                            block_number=int(signable["last_block_number"]),
                            last_block_hash=str(signable["last_block_hash"]),
                            previous_block_hash=str(signable.get("previous_block_hash", "")),
                            file_hashes=hashes, state_db_type=str(signable.get("state_db_type", "")),
                            snapshot_hash=str(additional.get("snapshot_hash", "")),
                            signable_sha256=hashlib.sha256(raw).hexdigest(), directory=directory)


def mismatches(snapshots: Iterable[SnapshotMetadata]) -> list[str]:
    """How snapshots of one block differ (empty when all agree): block, block hash and snapshot hash."""
    items = list(snapshots)
    if not items:
        return []
    first = items[0]
    out = []
    for other in items[1:]:
        for name in ("block_number", "last_block_hash", "snapshot_hash", "signable_sha256"):
            if getattr(other, name) != getattr(first, name):
                out.append(f"{other.peer}: {name} {getattr(other, name)} differs from {first.peer}'s "
                           f"{getattr(first, name)}")
    return out


# The peer's side -----------------------------------------------------------------------------------------
def _peer_flags(admin: OfficeAdmin, peer: PeerPlan) -> list[str]:
    return ["-c", admin.plan.channel, "--peerAddress", f"{peer.host_ip}:{peer.port}",
            "--tlsRootCertFile", str(admin.tls_ca)]


def submit(admin: OfficeAdmin, peer: PeerPlan, block: int) -> None:
    """Ask the peer for a snapshot when it commits ``block`` (now, if it has committed it already)."""
    admin.peer("snapshot", "submitrequest", "-b", str(block), *_peer_flags(admin, peer), peer=peer)


def pending(admin: OfficeAdmin, peer: PeerPlan) -> list[int]:
    """Block numbers of the peer's snapshot requests not yet written."""
    out = admin.peer("snapshot", "listpending", *_peer_flags(admin, peer), peer=peer)
    start = out.find("[")
    return [int(n) for n in json.loads(out[start:out.index("]", start) + 1])] if start >= 0 else []


def snapshot_root(engine: Engine, container: str) -> str:
    with engine_call(container, "inspect"):
        env = engine.client.containers.get(container).attrs.get("Config", {}).get("Env") or []
    for item in env:
        key, _, value = str(item).partition("=")
        if key == ROOT_ENV and value:
            return value
    return DEFAULT_ROOT


def completed_dir(engine: Engine, container: str, channel: str) -> PurePosixPath:
    return PurePosixPath(snapshot_root(engine, container)) / "completed" / channel


def _archive(engine: Engine, container: str, path: PurePosixPath) -> bytes | None:
    """A tar of ``path`` in the container, None when it does not exist."""
    with engine_call(container, f"read {path}"):
        try:
            stream, _ = engine.client.containers.get(container).get_archive(str(path))
        except docker.errors.NotFound:
            return None
        return b"".join(stream)


def completed_blocks(engine: Engine, container: str, channel: str) -> list[int]:
    """Block numbers of the snapshots the peer has written for the channel."""
    data = _archive(engine, container, completed_dir(engine, container, channel))
    if data is None:
        return []
    blocks = set()
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for member in tar.getmembers():
            parts = PurePosixPath(member.name).parts
            if len(parts) >= 2 and parts[1].isdigit():
                blocks.add(int(parts[1]))
    return sorted(blocks)


def export(engine: Engine, container: str, channel: str, block: int, dest: Path) -> Path:
    """Copy the snapshot of ``block`` out of the container into ``dest/<block>``; returns that directory."""
    data = _archive(engine, container, completed_dir(engine, container, channel) / str(block))
    if data is None:
        raise SnapshotError(f"{container} has no completed snapshot of block {block} on {channel}")
    target = dest / str(block)
    if target.exists():
        shutil.rmtree(target)
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        # Only plain files and directories under <block>/: a snapshot has nothing else.
        for member in tar.getmembers():
            if not (member.isfile() or member.isdir()) or PurePosixPath(member.name).parts[0] != str(block) \
                    or ".." in PurePosixPath(member.name).parts:
                raise SnapshotError(f"{container}: unexpected entry {member.name!r} in the snapshot archive")
        tar.extractall(dest, filter="data")
    return target


def wait_completed(engine: Engine, admin: OfficeAdmin, peer: PeerPlan, block: int, timeout: float) -> None:
    """Poll until the peer has written the snapshot of ``block`` (it must commit that block first)."""
    deadline = time.monotonic() + timeout
    while True:
        if block in completed_blocks(engine, peer.host, admin.plan.channel):
            return
        if time.monotonic() > deadline:
            height = admin.peer_height(peer)
            waiting = block in pending(admin, peer)
            raise SnapshotError(
                f"{peer.host}: no snapshot of block {block} after {timeout:.0f}s (height {height}, request "
                f"{'still pending: the block is not committed yet' if waiting else 'not pending'})")
        time.sleep(0.5)


def request(engine: Engine, admin: OfficeAdmin, peer: PeerPlan, block: int | None) -> int:
    """Submit a snapshot request; ``None`` means the last committed block. Returns the block number asked for.
    A snapshot already written for that block is reused (the peer would refuse a second one)."""
    for attempt in range(3):
        number = block if block is not None else admin.peer_height(peer) - 1
        if number < 0:
            raise SnapshotError(f"{peer.host} has no block on {admin.plan.channel} yet")
        if number in completed_blocks(engine, peer.host, admin.plan.channel) or number in pending(admin, peer):
            return number
        try:
            submit(admin, peer, number)
            return number
        except CommandFailedError as exc:
            if "snapshot already generated" in exc.output:
                return number  # written (or being written) since we looked: the same snapshot, reused
            if block is not None and "cannot be less than the last committed block" in exc.output:
                # A request of ours (or another operator's) for this block was being written just now: it was
                # neither pending nor complete when we looked. It is ours to reuse once it is complete.
                deadline = time.monotonic() + 30.0
                while time.monotonic() < deadline:
                    if number in completed_blocks(engine, peer.host, admin.plan.channel):
                        return number
                    time.sleep(0.5)
            # "the last committed block": a block committed since we asked for the height; ask again.
            if block is not None or attempt == 2:
                raise SnapshotError(f"{peer.host} refused a snapshot of block {number}: "
                                    f"{exc.output.strip().splitlines()[-1:]}") from None
    raise AssertionError("unreachable")


def take(engine: Engine, admin: OfficeAdmin, peer: PeerPlan, block: int | None, dest: Path,
         timeout: float = 120.0) -> SnapshotMetadata:
    """Request a snapshot, wait for it, copy it into ``dest/<peer>/<block>`` and read its metadata."""
    number = request(engine, admin, peer, block)
    wait_completed(engine, admin, peer, number, timeout)
    directory = export(engine, peer.host, admin.plan.channel, number, dest / peer.host)
    return read_metadata(directory, peer.host)
