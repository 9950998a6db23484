"""Builds Fabric, Fabric CA, ipledger's image tools and the chaincode from the Go module proxy into a cache.

The cache lives outside the checkout (``$IPLEDGER_CACHE``, else ``~/.cache/ipledger``) and every entry is keyed
by the version and a hash of the pinning files, so a second checkout or a CI run reuses the builds, and a change
of pin rebuilds. Builds go to a temporary directory that is renamed into place only when complete, so an
interrupted build never leaves a half-filled cache entry.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from ipledger.consortium.plan import FABRIC_CA_VERSION, FABRIC_VERSION
from ipledger.operator.errors import BuildError
from ipledger.operator.progress import Progress
from ipledger.operator.run import run

FABRIC_MODULE = "github.com/hyperledger/fabric"
FABRIC_COMMANDS = ("peer", "orderer", "configtxgen", "configtxlator", "osnadmin", "cryptogen")
FABRIC_CA_MODULE = "github.com/hyperledger/fabric-ca"
FABRIC_CA_COMMANDS = ("fabric-ca-server", "fabric-ca-client")
TOOLS = ("healthprobe", "ccaas-builder", "library")
CHAINCODE_BINARY = "ipledger-cc"


def cache_root() -> Path:
    return Path(os.environ.get("IPLEDGER_CACHE") or Path.home() / ".cache" / "ipledger")


def tree_hash(files: Iterable[Path], root: Path) -> str:
    """A short content hash of source files (names relative to root, then bytes)."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def go_sources(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file() and (p.suffix == ".go" or p.name in ("go.mod", "go.sum"))]


@dataclass(frozen=True)
class Toolchain:
    """Where the built programs are; every path exists once :func:`ensure_toolchain` returned."""

    fabric_bin: Path
    fabric_config: Path
    ca_bin: Path
    tools_bin: Path

    def fabric(self, command: str) -> Path:
        return self.fabric_bin / command


def _go_env(cgo: bool) -> dict[str, str]:
    # A toolchain line in a dependency's go.mod must not make Go try to download another Go.
    return {"CGO_ENABLED": "1" if cgo else "0", "GOFLAGS": "-mod=mod",
            "GOTOOLCHAIN": os.environ.get("GOTOOLCHAIN", "local")}


def _build_into(target: Path, build: Callable[[Path], None]) -> None:
    """Run ``build(tmpdir)`` and move the result to ``target`` atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        build(tmp)
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _require_go() -> None:
    if shutil.which("go") is None:
        raise BuildError("Go is not installed or not on PATH; install Go 1.24 or newer to build Fabric")


def ensure_fabric(repo: Path, cache: Path, progress: Progress) -> tuple[Path, Path]:
    module_dir = repo / "network" / "toolchain" / "fabric"
    key = tree_hash([module_dir / "go.mod", module_dir / "go.sum"], module_dir)
    target = cache / f"fabric-{FABRIC_VERSION}-{key}"
    if (target / "bin" / "peer").exists():
        return target / "bin", target / "config"

    def build(out: Path) -> None:
        _require_go()
        pkgs = [f"{FABRIC_MODULE}/cmd/{c}" for c in FABRIC_COMMANDS]
        ldflags = f"-X {FABRIC_MODULE}/common/metadata.Version={FABRIC_VERSION}"
        run(["go", "build", "-trimpath", "-ldflags", ldflags, "-o", str(out / "bin") + "/", *pkgs],
            cwd=module_dir, env=_go_env(cgo=False))
        module_path = run(["go", "list", "-m", "-f", "{{.Dir}}", FABRIC_MODULE], cwd=module_dir,
                          env=_go_env(cgo=False)).strip()
        shutil.copytree(Path(module_path) / "sampleconfig", out / "config",
                        ignore=shutil.ignore_patterns("msp"))
        for f in (out / "config").rglob("*"):
            f.chmod(0o755 if f.is_dir() else 0o644)

    with progress.step(f"build Fabric {FABRIC_VERSION} ({', '.join(FABRIC_COMMANDS)}) from the Go module proxy"):
        _build_into(target, build)
    return target / "bin", target / "config"


def ensure_fabric_ca(repo: Path, cache: Path, progress: Progress) -> Path:
    module_dir = repo / "network" / "toolchain" / "fabric-ca"
    key = tree_hash([module_dir / "go.mod", module_dir / "go.sum"], module_dir)
    target = cache / f"fabric-ca-{FABRIC_CA_VERSION}-{key}"
    if (target / "bin" / "fabric-ca-server").exists():
        return target / "bin"

    def build(out: Path) -> None:
        _require_go()
        if shutil.which("gcc") is None:
            raise BuildError("gcc is needed to build fabric-ca-server (its SQLite store uses cgo); "
                             "install it with `apt-get install gcc`")
        pkgs = [f"{FABRIC_CA_MODULE}/cmd/{c}" for c in FABRIC_CA_COMMANDS]
        # Statically linked so that the image can be FROM scratch; netgo/osusergo avoid glibc's NSS at run time.
        ldflags = (f"-X {FABRIC_CA_MODULE}/lib/metadata.Version={FABRIC_CA_VERSION} "
                   "-linkmode external -extldflags -static")
        run(["go", "build", "-trimpath", "-tags", "netgo osusergo", "-ldflags", ldflags,
             "-o", str(out / "bin") + "/", *pkgs], cwd=module_dir, env=_go_env(cgo=True))

    with progress.step(f"build Fabric CA {FABRIC_CA_VERSION} from the Go module proxy (cgo, static)"):
        _build_into(target, build)
    return target / "bin"


def ensure_tools(repo: Path, cache: Path, progress: Progress) -> Path:
    module_dir = repo / "network" / "tools"
    key = tree_hash(go_sources(module_dir), module_dir)
    target = cache / f"tools-{key}"
    if all((target / "bin" / tool).exists() for tool in TOOLS):
        return target / "bin"

    def build(out: Path) -> None:
        _require_go()
        run(["go", "build", "-trimpath", "-o", str(out / "bin") + "/", "./cmd/..."], cwd=module_dir,
            env=_go_env(cgo=False))

    with progress.step(f"build image tools ({', '.join(TOOLS)})"):
        _build_into(target, build)
    return target / "bin"


def chaincode_key(repo: Path) -> str:
    return tree_hash(go_sources(repo / "chaincode"), repo / "chaincode")


def build_chaincode(repo: Path, binary: Path, tags: tuple[str, ...] = ()) -> None:
    """Build the chaincode server (static) into ``binary``; ``tags`` select test builds (``rogue``)."""
    _require_go()
    tag_args = ["-tags", ",".join(tags)] if tags else []
    run(["go", "build", "-trimpath", *tag_args, "-o", str(binary), f"./cmd/{CHAINCODE_BINARY}"],
        cwd=repo / "chaincode", env=_go_env(cgo=False))


def ensure_chaincode(repo: Path, cache: Path, progress: Progress) -> Path:
    """Build the chaincode server binary (static) and return its path."""
    target = cache / f"chaincode-{chaincode_key(repo)}"
    if (target / CHAINCODE_BINARY).exists():
        return target / CHAINCODE_BINARY

    def build(out: Path) -> None:
        build_chaincode(repo, out / CHAINCODE_BINARY)

    with progress.step("build the ipledger chaincode"):
        _build_into(target, build)
    return target / CHAINCODE_BINARY


def ensure_toolchain(repo: Path, progress: Progress, cache: Path | None = None) -> Toolchain:
    cache = cache or cache_root()
    fabric_bin, fabric_config = ensure_fabric(repo, cache, progress)
    ca_bin = ensure_fabric_ca(repo, cache, progress)
    tools_bin = ensure_tools(repo, cache, progress)
    return Toolchain(fabric_bin=fabric_bin, fabric_config=fabric_config, ca_bin=ca_bin, tools_bin=tools_bin)
