"""The consortium definition is validated before anything is generated or started, listing every problem."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from ipledger.consortium.definition import DefinitionError, load_definition, parse_definition

REPO = Path(__file__).resolve().parents[3]
DEFAULT = yaml.safe_load((REPO / "network" / "consortium.yaml").read_text())


def variant(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(DEFAULT)
    doc.update(changes)
    return doc


def problems_of(doc: Any) -> list[str]:
    with pytest.raises(DefinitionError) as err:
        parse_definition(doc, "test.yaml")
    return err.value.problems


def test_default_definition_is_four_offices_bft() -> None:
    spec = load_definition(REPO / "network" / "consortium.yaml")
    assert [o.code for o in spec.offices] == ["JP", "US", "EP", "KR"]
    assert spec.ordering.type == "BFT"
    assert spec.channel == "priority"
    assert spec.chaincode.name == "ipledger"


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (variant(offices=DEFAULT["offices"][:3]), "ordering.type: BFT needs at least 4 orderers"),
        (variant(offices=[*DEFAULT["offices"][:3], {**DEFAULT["offices"][3], "code": "JP", "mspId": "JP2MSP"}]),
         "offices[3].code: duplicate office code 'JP' (already used by offices[0])"),
        (variant(offices=[*DEFAULT["offices"][:3], {**DEFAULT["offices"][3], "mspId": "JPMSP"}]),
         "offices[3].mspId: duplicate MSP ID 'JPMSP'"),
        (variant(offices=[*DEFAULT["offices"][:3], {**DEFAULT["offices"][3], "code": "kr"}]),
         "offices[3].code: 'kr' is not a WIPO ST.3 office code"),
        (variant(offices=[*DEFAULT["offices"][:3], {**DEFAULT["offices"][3], "code": "XX"}]),
         "offices[3].code: 'XX' is the ST.3 code for an unknown office"),
        (variant(offices=[*DEFAULT["offices"][:3], {**DEFAULT["offices"][3], "portBase": 7000}]),
         "port clash: offices[3] (KR) orderer uses port 7050, already used by offices[0] (JP) orderer"),
        (variant(ordering={"type": "PBFT"}), "ordering.type: 'PBFT' must be one of BFT, RAFT"),
        (variant(colour="blue"), "colour: unknown key (expected one of:"),
        (variant(offices=[{**DEFAULT["offices"][0], "peerz": 2}, *DEFAULT["offices"][1:]]),
         "offices[0].peerz: unknown key"),
        (variant(ports={"base": 7000, "host": "0.0.0.0"}), "ports.host: '0.0.0.0' must be a loopback address"),
        (variant(ports={"base": 64000}), "is above 65535"),
        (variant(channel="Priority Data"), "channel: 'Priority Data' must start with a lowercase letter"),
        (variant(chaincode={"name": "ipledger", "endorsementPolicy": "SOME"}),
         "chaincode.endorsementPolicy: 'SOME' must be one of MAJORITY, ANY, ALL"),
        (variant(offices=[]), "offices: must be a non-empty list of offices"),
    ],
    ids=["bft-needs-four", "duplicate-code", "duplicate-msp", "lowercase-code", "xx-code", "port-clash",
         "unknown-ordering", "unknown-top-key", "unknown-office-key", "non-loopback", "port-overflow",
         "bad-channel", "bad-policy", "no-offices"],
)
def test_bad_definition_is_refused_with_message(doc: dict[str, Any], expected: str) -> None:
    assert any(expected in p for p in problems_of(doc)), problems_of(doc)


def test_every_problem_is_listed_at_once() -> None:
    doc = variant(colour="blue", ordering={"type": "BFT"}, offices=DEFAULT["offices"][:2] + [{"code": "XX"}])
    problems = problems_of(doc)
    assert len(problems) >= 3
    assert any(p.startswith("colour:") for p in problems)
    assert any("BFT needs at least 4" in p for p in problems)
    assert any("'XX'" in p for p in problems)


def test_raft_with_three_offices_is_accepted() -> None:
    spec = parse_definition(variant(offices=DEFAULT["offices"][:3], ordering={"type": "RAFT"}))
    assert spec.ordering.type == "RAFT" and len(spec.offices) == 3


def test_missing_file_and_bad_yaml_are_reported(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match="file not found"):
        load_definition(tmp_path / "nope.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("offices: [\n")
    with pytest.raises(DefinitionError, match="not valid YAML"):
        load_definition(broken)
