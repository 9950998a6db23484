"""Pure logic of the operator layer: policies, images, cache keys, the README tour, progress lines."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from ipledger.consortium.definition import parse_definition
from ipledger.consortium.plan import build_plan
from ipledger.operator import lifecycle, metrics, promtext
from ipledger.operator.admin import OfficeAdmin
from ipledger.operator.leader import bft_leader, leader_other_than_own
from ipledger.operator.images import ImageSpec
from ipledger.operator.progress import Progress
from ipledger.operator.toolchain import tree_hash
from ipledger.operator.tour import tour_script

REPO = Path(__file__).resolve().parents[3]
RAW = yaml.safe_load((REPO / "network" / "consortium.yaml").read_text())


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("MAJORITY", ("--channel-config-policy", "/Channel/Application/Endorsement")),
        ("ANY", ("--signature-policy", "OR('JPMSP.peer', 'USMSP.peer', 'EPMSP.peer', 'KRMSP.peer')")),
        ("ALL", ("--signature-policy", "AND('JPMSP.peer', 'USMSP.peer', 'EPMSP.peer', 'KRMSP.peer')")),
    ],
)
def test_endorsement_policy_args_follow_the_definition(rule: str, expected: tuple[str, ...]) -> None:
    raw = dict(RAW, chaincode={**RAW["chaincode"], "endorsementPolicy": rule})
    plan = build_plan(parse_definition(raw), REPO)
    assert lifecycle.endorsement_policy_args(plan) == expected


def test_host_ports_name_their_node() -> None:
    plan = build_plan(parse_definition(RAW), REPO)
    ports = plan.host_ports()
    assert ports[7051] == "peer0.jp.ipledger.test"
    assert ports[8053] == "orderer0.us.ipledger.test (admin)"
    assert ports[10055] == "ca.kr.ipledger.test (operations)"
    assert ports[9057] == "library.ep.ipledger.test"
    assert len(ports) == 4 * 8


def test_image_inputs_hash_changes_with_any_input(tmp_path: Path) -> None:
    binary = tmp_path / "peer"
    binary.write_bytes(b"v1")
    spec = ImageSpec(tag="x:1", files={"usr/local/bin/peer": binary}, instructions=['CMD ["peer"]'])
    first = spec.inputs_hash()
    assert first == spec.inputs_hash()
    assert f'io.ipledger.inputs="{first}"' in spec.dockerfile()
    assert spec.dockerfile().splitlines()[1] == "FROM scratch"
    binary.write_bytes(b"v2")
    assert spec.inputs_hash() != first


def test_tree_hash_is_order_independent_and_content_sensitive(tmp_path: Path) -> None:
    a, b = tmp_path / "a.go", tmp_path / "b.go"
    a.write_text("package a")
    b.write_text("package b")
    assert tree_hash([a, b], tmp_path) == tree_hash([b, a], tmp_path)
    before = tree_hash([a, b], tmp_path)
    b.write_text("package b // changed")
    assert tree_hash([a, b], tmp_path) != before


def test_tour_is_read_from_the_readme() -> None:
    script = tour_script(REPO / "README.md")
    assert "ipledger --office JP filings deposit" in script
    assert "ipledger --office US claims record" in script


def test_tour_without_markers_is_an_error(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# nothing here\n")
    with pytest.raises(ValueError, match="has no tour"):
        tour_script(readme)


def test_progress_prints_each_step_with_its_duration() -> None:
    out = io.StringIO()
    progress = Progress(stream=out)
    with progress.step("build"):
        progress.note("half way")
    with pytest.raises(RuntimeError):
        with progress.step("explode"):
            raise RuntimeError("boom")
    lines = out.getvalue().splitlines()
    assert lines[0] == "▶ build ..." and lines[1] == "  half way"
    assert lines[2].startswith("✓ build (") and lines[2].endswith("s)")
    assert lines[4].startswith("✗ explode failed after")
    assert set(progress.timings) == {"build"}


@pytest.mark.parametrize(("ordering", "exposition", "leader", "other_than_own"), [
    ("BFT", 'consensus_BFT_leader_id{channel="priority"} 2\n', "US", "US"),
    ("BFT", 'consensus_BFT_leader_id{channel="priority"} 1\n', "JP", None),  # JP asks: it leads itself
    ("BFT", 'consensus_BFT_leader_id{channel="other"} 2\n', None, None),  # another channel's leader
    ("BFT", 'consensus_BFT_leader_id{channel="priority"} 9\n', None, None),  # not a member this plan knows
    ("BFT", None, None, None),  # metrics unreadable: no shortcut
    ("RAFT", 'consensus_BFT_leader_id{channel="priority"} 2\n', None, None),  # Raft forwards at once
])
def test_bft_leader_from_the_own_orderers_metrics(monkeypatch: pytest.MonkeyPatch, ordering: str,
                                                  exposition: str | None, leader: str | None,
                                                  other_than_own: str | None) -> None:
    plan = build_plan(parse_definition(dict(RAW, ordering={**RAW["ordering"], "type": ordering})), REPO)
    asked: list[str] = []

    def scrape(target: metrics.Target, timeout: float = 3.0) -> metrics.Scrape:
        asked.append(target.node)
        parsed = promtext.parse(exposition) if exposition is not None else None
        return metrics.Scrape(target, 0.0, metrics=parsed, error=None if parsed else "unreachable")

    monkeypatch.setattr(metrics, "scrape", scrape)
    admin = OfficeAdmin(plan, plan.office("JP"), None)  # type: ignore[arg-type]
    assert (found.code if (found := bft_leader(admin)) else None) == leader
    assert (found.code if (found := leader_other_than_own(admin)) else None) == other_than_own
    assert set(asked) <= {"orderer0.jp.ipledger.test"}  # only its own orderer's metrics are read
