"""What the running containers were actually built from: each program's Go build info, read out of the container.

Every container of the consortium is asked through the Docker SDK for its program (``get_archive``), whose
``go version -m`` gives the main module version, the Go toolchain and the gRPC it links, so the answer comes from
the binaries that run, not from the pins. Containers of the same image are read once.
"""

from __future__ import annotations

import io
import platform
import tarfile
import tempfile
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from ipledger import __version__
from ipledger.consortium.plan import ConsortiumPlan
from ipledger.operator.containers import label_filter
from ipledger.operator.engine import Engine
from ipledger.operator.engine_errors import engine_call
from ipledger.operator.supply.errors import SupplyError
from ipledger.operator.supply.pins import FABRIC_RELEASE_COMMITS
from ipledger.operator.supply.sbom import GoBuildInfo, go_build_info
from ipledger.operator.toolchain import CHAINCODE_BINARY

PROGRAMS = {"peer": "/usr/local/bin/peer", "orderer": "/usr/local/bin/orderer",
            "ca": "/usr/local/bin/fabric-ca-server", "library": "/usr/local/bin/library",
            "chaincode": f"/usr/local/bin/{CHAINCODE_BINARY}"}
GRPC_MODULE = "google.golang.org/grpc"


@dataclass(frozen=True)
class RunningVersion:
    role: str
    image: str  # tag and short id
    containers: int
    program: str  # main module path
    release: str  # e.g. Fabric 3.1.1; "unknown" when the module version names no known release
    module_version: str
    go: str
    grpc: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def release_of(role: str, info: GoBuildInfo) -> str:
    """The release a build corresponds to, derived from its main module version."""
    main = info.main
    version = main.version if main else ""
    if main and main.path == "github.com/hyperledger/fabric":
        commit = version.rsplit("-", 1)[-1]
        return f"Fabric {FABRIC_RELEASE_COMMITS.get(commit, 'unknown (commit ' + commit + ')')}"
    if main and main.path == "github.com/hyperledger/fabric-ca":
        return f"Fabric CA {version.removeprefix('v')}"
    return f"ipledger {role} ({'built from the checkout' if version in ('', '(devel)') else version})"


def _read_program(engine: Engine, name: str, path: str, into: Path) -> Path:
    with engine_call(name, "read the program from the container"):
        stream, _ = engine.client.containers.get(name).get_archive(path)
        data = b"".join(stream)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        member = next((m for m in archive.getmembers() if m.isfile()), None)
        extracted = archive.extractfile(member) if member else None
        if extracted is None:
            raise SupplyError(f"{name}: {path} is not a regular file in the container")
        target = into / Path(path).name
        target.write_bytes(extracted.read())
    return target


def running_versions(engine: Engine, plan: ConsortiumPlan) -> list[RunningVersion]:
    with engine_call(f"project {plan.project}", "list containers"):
        running = engine.client.containers.list(filters=label_filter(plan), ignore_removed=True)
    groups: dict[tuple[str, str], list[str]] = {}
    tags: dict[str, str] = {}
    for container in running:
        role = container.labels.get("io.ipledger.role", "")
        if role not in PROGRAMS:
            continue
        image_id = str(container.attrs.get("Image", ""))
        tags[image_id] = str(container.attrs.get("Config", {}).get("Image", "?"))
        groups.setdefault((role, image_id), []).append(container.name or "")
    rows = []
    with tempfile.TemporaryDirectory(prefix="ipledger-versions-") as tmp:
        for (role, image_id), names in sorted(groups.items()):
            folder = Path(tmp) / image_id.replace(":", "_")
            folder.mkdir()
            info = go_build_info(_read_program(engine, sorted(names)[0], PROGRAMS[role], folder))
            grpc = info.module(GRPC_MODULE)
            rows.append(RunningVersion(
                role=role, image=f"{tags[image_id]} ({image_id.removeprefix('sha256:')[:12]})",
                containers=len(names), program=info.main.path if info.main else info.package,
                release=release_of(role, info), module_version=info.main.version if info.main else "",
                go=info.go_version, grpc=grpc.version if grpc else "-"))
    return rows


def client_versions() -> dict[str, str]:
    """This client: the ipledger package, Python and the libraries that speak to Fabric."""
    versions = {"ipledger": __version__, "python": platform.python_version()}
    for dist in ("grpcio", "protobuf", "hyperledger-fabric-protos", "cryptography"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    return versions
