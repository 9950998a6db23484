"""The hashed lock of the Python runtime dependencies (requirements/runtime.lock) and its checks.

The lock is pip's requirements format as pip-compile writes it: ``name==version \\`` followed by ``--hash=sha256:``
lines. Checks: every entry is pinned with ``==`` and has hashes; every ``install_requires`` name of setup.cfg is
locked; and the environment has exactly the locked versions installed.
"""

from __future__ import annotations

import configparser
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ipledger.operator.supply.errors import LockFileError

REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")
HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})")


@dataclass(frozen=True)
class LockedPackage:
    name: str  # normalised (PEP 503)
    version: str
    hashes: tuple[str, ...]


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_lock(text: str, source: str = "lock file") -> dict[str, LockedPackage]:
    """The locked packages, by normalised name; any entry without ``==`` or without a hash is an error."""
    packages: dict[str, LockedPackage] = {}
    # Join continuation lines: one requirement per logical line, comments dropped.
    logical = re.sub(r"\\\n", " ", "\n".join(line.split(" #")[0] if not line.lstrip().startswith("#") else ""
                                            for line in text.splitlines()))
    for number, line in enumerate(logical.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("-"):
            raise LockFileError(f"{source}: option line {line.split()[0]!r} does not belong in the lock")
        pin = PIN.match(line)
        if not pin:
            raise LockFileError(f"{source}: {line.split()[0]!r} is not pinned with ==")
        name = normalise(pin.group(1))
        hashes = tuple(HASH.findall(line))
        if not hashes:
            raise LockFileError(f"{source}: {name}=={pin.group(2)} has no --hash=sha256 (pip --require-hashes)")
        if name in packages:
            raise LockFileError(f"{source}: {name} is locked twice")
        packages[name] = LockedPackage(name, pin.group(2), hashes)
    if not packages:
        raise LockFileError(f"{source}: no packages")
    return packages


def install_requires(setup_cfg: Path) -> list[str]:
    """The normalised names that setup.cfg's ``install_requires`` asks for."""
    parser = configparser.ConfigParser()
    parser.read(setup_cfg, encoding="utf-8")
    lines = parser.get("options", "install_requires", fallback="").strip().splitlines()
    names = []
    for line in lines:
        match = REQUIREMENT_NAME.match(line)
        if match:
            names.append(normalise(match.group(1)))
    return names


def missing_from_lock(required: list[str], locked: dict[str, LockedPackage]) -> list[str]:
    return [name for name in required if name not in locked]


def installed_mismatches(locked: dict[str, LockedPackage],
                         installed: dict[str, str]) -> list[tuple[str, str, str | None]]:
    """(name, locked version, installed version or None) for each package installed otherwise than locked."""
    return [(p.name, p.version, installed.get(p.name)) for p in locked.values() if installed.get(p.name) != p.version]


def conflicts(first: dict[str, LockedPackage],
              second: dict[str, LockedPackage]) -> list[tuple[str, str, str]]:
    """(name, version in ``first``, version in ``second``) for each package two locks pin differently: both are
    installed into one environment, so they must agree."""
    return [(name, p.version, second[name].version) for name, p in first.items()
            if name in second and second[name].version != p.version]


def installed_versions() -> dict[str, str]:
    return {normalise(d.metadata["Name"]): d.version for d in metadata.distributions() if d.metadata["Name"]}
