"""Small virtual environments for Python tools from PyPI (pip-audit, build), cached per pinned version."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from ipledger.operator.progress import Progress
from ipledger.operator.run import run

STAMP = ".ipledger-complete"


def ensure_tool_venv(cache: Path, name: str, version: str, progress: Progress) -> Path:
    """The bin directory of a venv holding ``name==version``; built in place (a venv cannot be moved), and
    complete only once the stamp is written, so an interrupted install is redone."""
    target = cache / f"py-{name}-{version}"
    if (target / STAMP).exists():
        return target / "bin"
    with progress.step(f"install {name} {version} from PyPI"):
        shutil.rmtree(target, ignore_errors=True)
        run([sys.executable, "-m", "venv", str(target)])
        run([str(target / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             f"{name}=={version}"])
        (target / STAMP).write_text(f"{name}=={version}\n", encoding="utf-8")
    return target / "bin"
