"""Release artefacts: build the sdist and wheel with PyPA ``build``, then install the wheel into a clean virtual
environment (dependencies from the hashed lock) and run its CLI, as someone receiving the wheel would."""

from __future__ import annotations

import shutil
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ipledger.operator.progress import Progress
from ipledger.operator.run import run
from ipledger.operator.supply import pylock, sbom
from ipledger.operator.supply.errors import SupplyError
from ipledger.operator.supply.pins import BUILD_VERSION
from ipledger.operator.supply.venvs import ensure_tool_venv


@dataclass(frozen=True)
class Artefacts:
    sdist: Path
    wheel: Path
    sbom: Path


def build_artefacts(repo: Path, out: Path, cache: Path, progress: Progress) -> Artefacts:
    """``python -m build`` into ``out`` (emptied first), then the package's SBOM beside the artefacts."""
    tool_bin = ensure_tool_venv(cache, "build", BUILD_VERSION, progress)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    with progress.step("python -m build (sdist and wheel)"):
        run([str(tool_bin / "python"), "-m", "build", "--sdist", "--wheel", "--outdir", str(out), str(repo)])
    sdists, wheels = sorted(out.glob("*.tar.gz")), sorted(out.glob("*.whl"))
    if len(sdists) != 1 or len(wheels) != 1:
        raise SupplyError(f"python -m build left {len(sdists)} sdist(s) and {len(wheels)} wheel(s) in {out}")
    _check_contents(sdists[0], wheels[0])
    version = wheels[0].name.split("-")[1]
    locked = pylock.parse_lock((repo / "requirements" / "runtime.lock").read_text(encoding="utf-8"))
    document = sbom.python_sbom("ipledger", version, [(p.name, p.version, list(p.hashes)) for p in locked.values()])
    path = sbom.write(document, out / f"ipledger-{version}.cdx.json")
    return Artefacts(sdists[0], wheels[0], path)


def _check_contents(sdist: Path, wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    for needed in ("ipledger/py.typed", "ipledger/cli/main.py"):
        if needed not in names:
            raise SupplyError(f"{wheel.name} lacks {needed}")
    if not any(n.endswith(".dist-info/entry_points.txt") for n in names):
        raise SupplyError(f"{wheel.name} has no entry points: the `ipledger` command would be missing")
    if not any("/licenses/LICENSE" in n or n.endswith(".dist-info/LICENSE") for n in names):
        raise SupplyError(f"{wheel.name} does not carry the LICENSE file")
    with tarfile.open(sdist) as archive:
        if not any(n.endswith("/LICENSE") for n in archive.getnames()):
            raise SupplyError(f"{sdist.name} does not carry the LICENSE file")


def check_wheel(wheel: Path, lock: Path, expected_version: str, progress: Progress) -> list[str]:
    """Install the wheel into a fresh venv (locked, hash-checked dependencies) and run the CLI; returns its lines."""
    with tempfile.TemporaryDirectory(prefix="ipledger-wheel-") as tmp:
        venv = Path(tmp) / "venv"
        with progress.step(f"install {wheel.name} into a clean virtualenv"):
            run([sys.executable, "-m", "venv", str(venv)])
            pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
            run([*pip, "--require-hashes", "-r", str(lock)])
            run([*pip, "--no-deps", str(wheel)])
            run([str(venv / "bin" / "python"), "-m", "pip", "check"])
        cli = str(venv / "bin" / "ipledger")
        version_line = run([cli, "--version"], cwd=Path(tmp)).strip()
        if not version_line.endswith(f"version {expected_version}"):
            raise SupplyError(f"the installed CLI says {version_line!r}, expected version {expected_version}")
        help_text = run([cli, "--help"], cwd=Path(tmp))
        if "network" not in help_text:
            raise SupplyError("`ipledger --help` from the wheel does not list the `network` commands")
        return [version_line, help_text.splitlines()[0]]
