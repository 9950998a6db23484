"""network/consortium.schema.json: the examples follow it, and definition.py refuses what it refuses."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from ipledger.consortium.definition import DefinitionError, PortSpec, load_definition, parse_definition

REPO = Path(__file__).resolve().parents[3]
SCHEMA_PATH = REPO / "network" / "consortium.schema.json"
DEFINITIONS = [REPO / "network" / "consortium.yaml", *sorted((REPO / "network" / "examples").glob("*.yaml"))]


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_there_are_the_four_examples() -> None:
    assert {p.name for p in DEFINITIONS[1:]} == {"bft-4-offices.yaml", "raft-3-offices.yaml", "mutual-tls.yaml",
                                                "five-offices-one-joining.yaml"}


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.name)
def test_every_definition_follows_the_schema_and_loads(validator: Draft202012Validator, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    relative = "../" if path.parent.name == "examples" else "./"
    assert text.startswith(f"# yaml-language-server: $schema={relative}{SCHEMA_PATH.name}\n")
    assert list(validator.iter_errors(yaml.safe_load(text))) == []
    load_definition(path)


def test_the_bft_example_is_the_default_under_its_own_name_and_ports() -> None:
    default = load_definition(REPO / "network" / "consortium.yaml")
    example = load_definition(REPO / "network" / "examples" / "bft-4-offices.yaml")
    assert replace(example, name=default.name, ports=PortSpec(base=default.ports.base)) == default


def _minimal() -> dict[str, Any]:
    return {"consortium": "t", "ordering": {"type": "RAFT"}, "offices": [{"code": "JP"}, {"code": "US"}]}


def _with(path: str, value: Any) -> dict[str, Any]:
    """The minimal definition with one value set at a dotted path (``offices.0.code``)."""
    document = copy.deepcopy(_minimal())
    *parents, last = path.split(".")
    node: Any = document
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return document


def _without(key: str) -> dict[str, Any]:
    document = _minimal()
    del document[key]
    return document


BAD: dict[str, Any] = {
    "not a mapping": ["consortium", "t"],
    "no consortium name": _without("consortium"),
    "no offices": _without("offices"),
    "empty offices": _with("offices", []),
    "unknown top-level key": _with("orderers", 4),
    "bad consortium name": _with("consortium", "a b"),
    "uppercase domain": _with("domain", "IPLEDGER.test"),
    "one-label domain": _with("domain", "localhost"),
    "channel with capitals": _with("channel", "Priority"),
    "unknown ordering type": _with("ordering.type", "SOLO"),
    "unknown ordering key": _with("ordering.consenters", 3),
    "bad batch timeout": _with("ordering.batchTimeout", "half a second"),
    "zero messages per block": _with("ordering.maxMessageCount", 0),
    "too many messages per block": _with("ordering.maxMessageCount", 10001),
    "office without code": _with("offices.1", {"name": "Nobody"}),
    "office as text": _with("offices.1", "US"),
    "lowercase office code": _with("offices.1.code", "us"),
    "unknown office XX": _with("offices.1.code", "XX"),
    "bad MSP ID": _with("offices.1.mspId", "1US"),
    "office name not text": _with("offices.1.name", 42),
    "no peers": _with("offices.1.peers", 0),
    "four peers": _with("offices.1.peers", 4),
    "port base too high": _with("offices.1.portBase", 65401),
    "port base as text": _with("offices.1.portBase", "9000"),
    "founding as text": _with("offices.1.founding", "no"),
    "unknown office key": _with("offices.1.role", "observer"),
    "no founding office": _with("offices", [{"code": "JP", "founding": False}]),
    "BFT with three founders": _with("ordering.type", "BFT") | {
        "offices": [{"code": c} for c in ("JP", "US", "EP")] + [{"code": "KR", "founding": False}]},
    "BFT by default with two offices": {"consortium": "t", "offices": [{"code": "JP"}, {"code": "US"}]},
    "bad chaincode name": _with("chaincode.name", "ip ledger"),
    "chaincode version true": _with("chaincode.version", True),
    "chaincode version with a space": _with("chaincode.version", "1 0"),
    "sequence zero": _with("chaincode.sequence", 0),
    "unknown endorsement policy": _with("chaincode.endorsementPolicy", "TWO_THIRDS"),
    "unknown channel policy": _with("policies.admins", "MOST"),
    "policy in lowercase": _with("policies.endorsement", "majority"),
    "port base below 1024": _with("ports.base", 80),
    "stride too small": _with("ports.stride", 50),
    "published beyond loopback": _with("ports.host", "0.0.0.0"),
    "mutual TLS as text": _with("tls.mutual", "yes"),
    "unknown tls key": _with("tls.ciphers", "all"),
}


@pytest.mark.parametrize("document", list(BAD.values()), ids=list(BAD))
def test_what_the_schema_refuses_the_definition_refuses(validator: Draft202012Validator, document: Any) -> None:
    assert list(validator.iter_errors(document)), "the schema accepts it"
    with pytest.raises(DefinitionError):
        parse_definition(document, "bad.yaml")


GOOD: dict[str, Any] = {
    "minimal": _minimal(),
    "ordering type in any case": _with("ordering.type", "raft"),
    "null sections": _minimal() | {"chaincode": None, "policies": None, "ports": None, "tls": None},
    "numeric chaincode version": _with("chaincode.version", 2.1),
    "office with every key": _with("offices.1", {"code": "US", "mspId": "USPTO-MSP", "name": "USPTO", "peers": 3,
                                                 "portBase": 20000, "founding": True}),
    "BFT with four founders and one to join": {
        "consortium": "t", "offices": [{"code": c} for c in ("JP", "US", "EP", "KR")] + [
            {"code": "CN", "founding": False}]},
}


@pytest.mark.parametrize("document", list(GOOD.values()), ids=list(GOOD))
def test_what_the_schema_accepts_the_definition_accepts(validator: Draft202012Validator, document: Any) -> None:
    assert list(validator.iter_errors(document)) == []
    parse_definition(document, "good.yaml")
