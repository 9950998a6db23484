"""The hashed Python lock: parsing, coverage of setup.cfg, and the installed environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipledger.operator.supply import pylock
from ipledger.operator.supply.errors import LockFileError

REPO = Path(__file__).resolve().parents[3]
H1, H2 = "a" * 64, "b" * 64
LOCK = f"""# comment
click==8.5.1 \\
    --hash=sha256:{H1} \\
    --hash=sha256:{H2}
    # via setup.cfg
PyYAML==6.0.4 \\
    --hash=sha256:{H1}
"""


def test_lock_entries_are_parsed_with_their_hashes() -> None:
    locked = pylock.parse_lock(LOCK)
    assert locked["click"] == pylock.LockedPackage("click", "8.5.1", (H1, H2))
    assert locked["pyyaml"].version == "6.0.4"


@pytest.mark.parametrize("text, message", [
    ("click>=8\n", "not pinned with =="),
    ("click==8.5.1\n", "has no --hash"),
    (f"click==8.5.1 --hash=sha256:{H1}\nClick==8.5.1 --hash=sha256:{H1}\n", "locked twice"),
    ("--find-links /opt/wheels\n", "does not belong"),
    ("# nothing\n", "no packages"),
])
def test_bad_locks_are_refused(text: str, message: str) -> None:
    with pytest.raises(LockFileError, match=message):
        pylock.parse_lock(text)


def test_mismatches_name_the_package_and_both_versions() -> None:
    locked = pylock.parse_lock(LOCK)
    assert pylock.installed_mismatches(locked, {"click": "8.5.1", "pyyaml": "6.0.3"}) == [("pyyaml", "6.0.4", "6.0.3")]
    assert pylock.installed_mismatches(locked, {"click": "8.5.1"}) == [("pyyaml", "6.0.4", None)]


def test_the_committed_lock_covers_every_runtime_requirement() -> None:
    locked = pylock.parse_lock((REPO / "requirements" / "runtime.lock").read_text(encoding="utf-8"))
    required = pylock.install_requires(REPO / "setup.cfg")
    assert "hyperledger-fabric-protos" in required and "pyyaml" in required
    assert pylock.missing_from_lock(required, locked) == []


def test_two_locks_installed_together_must_pin_shared_packages_alike() -> None:
    runtime = pylock.parse_lock(LOCK)
    same = pylock.parse_lock(f"click==8.5.1 --hash=sha256:{H1}\nnumpy==2.0 --hash=sha256:{H2}\n")
    other = pylock.parse_lock(f"click==8.6.0 --hash=sha256:{H1}\n")
    assert pylock.conflicts(runtime, same) == []
    assert pylock.conflicts(runtime, other) == [("click", "8.5.1", "8.6.0")]


def test_the_repository_bench_lock_is_hashed_and_agrees_with_the_runtime_lock() -> None:
    runtime = pylock.parse_lock((REPO / "requirements" / "runtime.lock").read_text(encoding="utf-8"))
    bench = pylock.parse_lock((REPO / "requirements" / "bench.lock").read_text(encoding="utf-8"))
    assert "matplotlib" in bench
    assert pylock.conflicts(runtime, bench) == []
