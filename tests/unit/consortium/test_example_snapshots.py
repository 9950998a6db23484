"""Snapshots of what each example definition generates: the key-free files, so a generator change shows up
as a diff under tests/unit/consortium/snapshots/ (refresh with IPLEDGER_UPDATE_SNAPSHOTS=1).

Keys, certificates and secrets are random and are not snapshot; configtx.yaml is, with the temporary root
written as ``<root>`` (it names the MSP and consenter files, which hold certificates only).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ipledger.consortium import compose
from ipledger.consortium.definition import load_definition
from ipledger.consortium.describe import describe_plan
from ipledger.consortium.generate import generate
from ipledger.consortium.plan import build_plan

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((REPO / "network" / "examples").glob("*.yaml"))
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
UPDATE = os.environ.get("IPLEDGER_UPDATE_SNAPSHOTS") == "1"


def generated_files(example: Path, root: Path) -> dict[str, str]:
    """The deterministic files generated from ``example`` in ``root``, by their path in the snapshot."""
    source = example.relative_to(REPO).as_posix()
    plan = build_plan(load_definition(example), root, source)
    generate(plan, write_compose_file=False)
    files = {
        "plan.json": json.dumps(describe_plan(plan), indent=2) + "\n",
        "docker-compose-fabric.yaml": compose.render_compose(plan),
        "channel/configtx.yaml": plan.configtx_dir.joinpath("configtx.yaml").read_text().replace(str(root), "<root>"),
    }
    for office in plan.defined:
        files[f"offices/{office.slug}/docker-compose.yaml"] = compose.render_office_compose(plan, office)
    for profile in sorted(plan.profiles_dir.glob("*.json")):
        files[f"profiles/{profile.name}"] = profile.read_text()
    return files


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_generated_files_match_their_snapshots(example: Path, tmp_path: Path) -> None:
    files = generated_files(example, tmp_path)
    for name, text in files.items():
        assert "PRIVATE KEY" not in text and "BEGIN CERTIFICATE" not in text, f"{name} is not key-free"
        assert str(tmp_path) not in text, f"{name} names the temporary root"
    folder = SNAPSHOTS / example.stem
    if UPDATE:
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
    stored = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert stored == set(files), "snapshot files differ: run with IPLEDGER_UPDATE_SNAPSHOTS=1 and review the diff"
    stale = [name for name, text in files.items() if (folder / name).read_text(encoding="utf-8") != text]
    assert stale == [], f"{example.name}: {stale} changed; run with IPLEDGER_UPDATE_SNAPSHOTS=1 and review the diff"


def test_generation_is_deterministic_apart_from_keys(tmp_path: Path) -> None:
    example = REPO / "network" / "examples" / "raft-3-offices.yaml"
    first = generated_files(example, tmp_path / "a")
    second = generated_files(example, tmp_path / "b")
    assert first == second
