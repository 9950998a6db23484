"""govulncheck and the Go vulnerability database, built from the Go module proxy into the per-user cache.

Both are keyed by their pinned version (:mod:`.pins`), like the Fabric builds in :mod:`ipledger.operator.toolchain`,
so CI builds them once per machine: the database takes ~3 minutes cold (indexdb's dependencies), then nothing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ipledger.operator.errors import BuildError
from ipledger.operator.progress import Progress
from ipledger.operator.run import run
from ipledger.operator.supply.pins import GOVULNCHECK_MODULE, GOVULNCHECK_VERSION, VULNDB_MODULE, VULNDB_VERSION
from ipledger.operator.toolchain import _build_into, _require_go


def _go_env(gobin: Path | None = None) -> dict[str, str]:
    env = {"CGO_ENABLED": "0", "GOTOOLCHAIN": os.environ.get("GOTOOLCHAIN", "local"), "GOFLAGS": ""}
    if gobin is not None:
        env["GOBIN"] = str(gobin)
    return env


def ensure_govulncheck(cache: Path, progress: Progress) -> Path:
    target = cache / f"govulncheck-{GOVULNCHECK_VERSION}"
    binary = target / "bin" / "govulncheck"
    if binary.exists():
        return binary

    def build(out: Path) -> None:
        _require_go()
        run(["go", "install", "-trimpath", f"{GOVULNCHECK_MODULE}/cmd/govulncheck@{GOVULNCHECK_VERSION}"],
            env=_go_env(out / "bin"))

    with progress.step(f"build govulncheck {GOVULNCHECK_VERSION} from the Go module proxy"):
        _build_into(target, build)
    return binary


def module_dir(module: str, version: str) -> Path:
    """Download one module version through the proxy (checked against sum.golang.org) and return its directory."""
    out = run(["go", "mod", "download", "-json", f"{module}@{version}"], env=_go_env())
    info = json.loads(out[out.index("{"):])
    if "Error" in info or "Dir" not in info:
        raise BuildError(f"go mod download {module}@{version}: {info.get('Error', 'no directory')}")
    return Path(info["Dir"])


def ensure_vulndb(cache: Path, progress: Progress) -> Path:
    """The database directory (``index/``, ``ID/``) for ``govulncheck -db file://<dir>``."""
    target = cache / f"vulndb-{VULNDB_VERSION}"
    if (target / "db" / "index" / "db.json").exists():
        return target / "db"

    def build(out: Path) -> None:
        _require_go()
        source = module_dir(VULNDB_MODULE, VULNDB_VERSION)
        advisories = source / "data" / "osv"
        if not advisories.is_dir():
            raise BuildError(f"{VULNDB_MODULE}@{VULNDB_VERSION} has no data/osv directory")
        run(["go", "install", "-trimpath", f"{VULNDB_MODULE}/cmd/indexdb@{VULNDB_VERSION}"],
            env=_go_env(out / "tools"))
        run([str(out / "tools" / "indexdb"), "-vulns", str(advisories), "-out", str(out / "db")])
        (out / "tools" / "indexdb").unlink()  # 29 MB, needed once

    with progress.step(f"build the Go vulnerability database ({VULNDB_MODULE}@{VULNDB_VERSION})"):
        _build_into(target, build)
    return target / "db"
