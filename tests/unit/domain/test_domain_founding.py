"""The founding registry hash: the chaincode's shared test vectors, and the check of InitConsortium's answer."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

import _contract_examples as examples
from _domain_fakes import FakeContract
from ipledger.domain import (
    FoundingProposal,
    FoundingStatus,
    IpRight,
    OfficeDefinition,
    PriorityLedger,
    Roles,
    UnexpectedResultError,
    registry_hash,
)
from ipledger.domain.founding import canonical_json, canonical_registry

VECTORS = Path(__file__).resolve().parents[3] / "chaincode" / "contract" / "testdata" / "founding-vectors.json"
CASES: list[dict[str, Any]] = json.loads(VECTORS.read_text(encoding="utf-8"))["vectors"]


@pytest.mark.parametrize("vector", CASES, ids=lambda vector: vector["name"])
def test_the_chaincodes_vectors(vector: dict[str, Any]) -> None:
    value = json.loads(vector["argument"])
    assert canonical_json(value) == vector["canonical"].encode("utf-8")
    assert hashlib.sha256(canonical_json(value)).hexdigest() == vector["sha256"]
    if vector["registry"]:
        assert registry_hash(value) == vector["sha256"]
        # An office as a domain object is sent as written when its optional parts are absent or set
        # (a null part is left out instead, which is another registry: the hash is over what is sent).
        second = OfficeDefinition.from_json(value[1])
        assert second.to_json() == value[1]
        assert registry_hash([value[0], second, *value[2:]]) == vector["sha256"]


@pytest.mark.parametrize("value", [[{"x": 1}], [[0.5]], [{"ok": True, "n": {"deep": [2]}}]])
def test_numbers_are_refused(value: Any) -> None:
    with pytest.raises(ValueError, match="no numbers"):
        canonical_json(value)


def test_a_registry_hash_depends_on_content_and_order_but_not_on_spelling() -> None:
    jp = OfficeDefinition("JP", "JPMSP", "Japan Patent Office", Roles((IpRight.PATENT,), ()))
    us = OfficeDefinition("US", "USMSP", "USPTO", Roles((), (IpRight.PATENT,)))
    assert registry_hash([jp, us]) == registry_hash([jp.to_json(), us.to_json()])
    assert registry_hash([jp, us]) == registry_hash([dict(reversed(list(jp.to_json().items()))), us.to_json()])
    assert registry_hash([jp, us]) != registry_hash([us, jp])
    assert canonical_registry([jp]).startswith(b'[{"mspId":"JPMSP","name":"Japan Patent Office","officeCode":"JP"')


def _proposal_for(offices: list[OfficeDefinition], **changes: Any) -> dict[str, Any]:
    proposal = dict(examples.FOUNDING, registryHash=registry_hash(offices),
                    registry=[office.to_json() for office in offices])
    proposal.update(changes)
    return proposal


def test_init_consortium_returns_the_proposal_of_the_registry_sent() -> None:
    offices = [OfficeDefinition.from_json(office) for office in examples.FOUNDING["registry"]]
    contract = FakeContract({"InitConsortium": _proposal_for(offices)})
    proposal = PriorityLedger(contract, office_code="JP", msp_id="JPMSP").init_consortium(offices)
    assert isinstance(proposal, FoundingProposal) and proposal.registry_hash == registry_hash(offices)
    [call] = contract.calls
    assert call.kind == "submit" and json.loads(call.arguments[0]) == [office.to_json() for office in offices]
    assert registry_hash(json.loads(call.arguments[0])) == proposal.registry_hash


def test_init_consortium_refuses_an_answer_for_another_registry() -> None:
    offices = [OfficeDefinition.from_json(office) for office in examples.FOUNDING["registry"]]
    contract = FakeContract({"InitConsortium": _proposal_for(offices, registryHash="ab" * 32)})
    with pytest.raises(UnexpectedResultError, match="not the"):
        PriorityLedger(contract, office_code="JP", msp_id="JPMSP").init_consortium(offices)


def test_founding_calls() -> None:
    active = dict(examples.FOUNDING, status="ACTIVE", confirmations=["JP", "US"], awaiting=[],
                  activatedAt=examples.TIMESTAMP)
    contract = FakeContract({"ConfirmFounding": active, "GetFoundingProposal": examples.FOUNDING,
                             "ListFoundingProposals": examples.page([active])})
    ledger = PriorityLedger(contract, office_code="US", msp_id="USMSP")
    assert ledger.confirm_founding(examples.DIGEST.upper()).status is FoundingStatus.ACTIVE
    assert ledger.get_founding_proposal(examples.DIGEST).awaiting == ("US",)
    assert [p.status for p in ledger.iter_founding_proposals(status="active")] == [FoundingStatus.ACTIVE]
    assert [(call.kind, call.name, call.arguments) for call in contract.calls] == [
        ("submit", "ConfirmFounding", (examples.DIGEST,)),
        ("evaluate", "GetFoundingProposal", (examples.DIGEST,)),
        ("evaluate", "ListFoundingProposals", ("ACTIVE", "", "")),
    ]
