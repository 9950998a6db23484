"""Founding the registry from the definition and checking it (operator/registry.py), against an in-memory
model of the chaincode's founding rules (CONTRACT.md §3.1): no network."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import pytest
import yaml

from ipledger.consortium.definition import parse_definition
from ipledger.consortium.plan import ConsortiumPlan, OfficePlan, build_plan
from ipledger.domain import (
    AlreadyExistsError,
    FoundingProposal,
    FoundingStatus,
    NotFoundError,
    NotAuthorizedError,
    Office,
    OfficeDefinition,
    UnknownOfficeError,
    registry_hash,
)
from ipledger.domain.founding import canonical_registry
from ipledger.gateway.errors import GatewayError
from ipledger.operator import registry
from ipledger.operator.errors import OperatorError

REPO = Path(__file__).resolve().parents[3]
VECTORS = json.loads((REPO / "chaincode" / "contract" / "testdata" / "founding-vectors.json").read_text())["vectors"]
OPERATOR_VECTOR = next(v for v in VECTORS if v["name"] == "the operator's registry of four offices with every role")

# The four offices of that shared vector, fixed here so that editing network/consortium.yaml changes nothing.
OFFICES = [
    {"code": "JP", "mspId": "JPMSP", "name": "Japan Patent Office"},
    {"code": "US", "mspId": "USMSP", "name": "United States Patent and Trademark Office"},
    {"code": "EP", "mspId": "EPMSP", "name": "European Patent Office"},
    {"code": "KR", "mspId": "KRMSP", "name": "Korean Intellectual Property Office"},
]
RAW = dict(yaml.safe_load((REPO / "network" / "consortium.yaml").read_text()), offices=OFFICES)
PLAN = build_plan(parse_definition(RAW), REPO)
TIMESTAMP = "2025-03-17T09:12:44Z"


# -- hash and comparison --------------------------------------------------------------------------------------


def test_the_operator_computes_the_chaincodes_hash_of_the_definition() -> None:
    # The shared vector was checked against the chaincode (founding_test.go) with the same document.
    assert registry.offices_document(PLAN) == json.loads(OPERATOR_VECTOR["argument"])
    assert canonical_registry(registry.founding_offices(PLAN)) == OPERATOR_VECTOR["canonical"].encode()
    assert registry.definition_hash(PLAN) == OPERATOR_VECTOR["sha256"]


def test_equal_registries_have_no_differences() -> None:
    document = registry.offices_document(PLAN)
    shuffled = [dict(reversed(list(office.items()))) for office in reversed(document)]
    for office in shuffled:
        office["roles"] = {"accessing": list(reversed(office["roles"]["accessing"])),
                           "depositing": office["roles"]["depositing"]}
    assert registry.registry_differences(document, shuffled) == []


def test_differences_name_each_office_and_field() -> None:
    document = registry.offices_document(PLAN)
    ledger = copy.deepcopy(document)
    ledger[0]["mspId"] = "ROGUEMSP"
    ledger[1]["roles"]["depositing"] = ["PATENT"]
    ledger[2]["calendar"] = {"closedWeekdays": [], "closedDates": []}
    del ledger[3]
    ledger.append({"officeCode": "CN", "mspId": "CNMSP", "name": "CNIPA"})
    assert registry.registry_differences(document, ledger, where="the ledger") == [
        "CN: in the ledger but not in the definition",
        "EP: calendar is {'closedWeekdays': [], 'closedDates': []} in the ledger, absent in the definition",
        "JP: mspId is 'ROGUEMSP' in the ledger, 'JPMSP' in the definition",
        "KR: in the definition but not in the ledger",
        "US: roles is {'depositing': ['PATENT'], 'accessing': ['INDUSTRIAL_DESIGN', 'PATENT', 'TRADEMARK', "
        "'UTILITY_MODEL']} in the ledger, {'depositing': ['INDUSTRIAL_DESIGN', 'PATENT', 'TRADEMARK', "
        "'UTILITY_MODEL'], 'accessing': ['INDUSTRIAL_DESIGN', 'PATENT', 'TRADEMARK', 'UTILITY_MODEL']} in the "
        "definition",
    ]
    assert registry.registry_differences(document, ledger, ("name",), where="the ledger") == [
        "CN: in the ledger but not in the definition", "KR: in the definition but not in the ledger"]


# -- founding against a model of the chaincode ---------------------------------------------------------------


@dataclass
class Chain:
    """The founding rules of the chaincode, in memory: proposals by hash, the founded hash, the registry."""

    proposals: dict[str, dict[str, Any]] = field(default_factory=dict)
    founded: str | None = None
    offices: dict[str, dict[str, Any]] = field(default_factory=dict)  # the registry (ListOffices), by code
    submitted: list[tuple[str, str]] = field(default_factory=list)  # (MSP, transaction)

    def propose(self, msp: str, document: Sequence[dict[str, Any]]) -> str:
        digest = registry_hash(document)
        if self.founded is not None and self.founded != digest:
            raise AlreadyExistsError("the consortium is already founded with another registry")
        self.proposals.setdefault(digest, {"registry": [dict(o) for o in document], "confirmations": set(),
                                           "proposedBy": next(o["officeCode"] for o in document if o["mspId"] == msp)})
        return digest

    def confirm(self, msp: str, digest: str) -> None:
        proposal = self.proposals[digest]
        code = next(o["officeCode"] for o in proposal["registry"] if o["mspId"] == msp)
        proposal["confirmations"].add(code)
        if self.founded is None and len(proposal["confirmations"]) == len(proposal["registry"]):
            self.founded = digest
            self.offices = {o["officeCode"]: dict(o, status="ACTIVE") for o in proposal["registry"]}

    def view(self, digest: str) -> FoundingProposal:
        proposal = self.proposals[digest]
        codes = sorted(o["officeCode"] for o in proposal["registry"])
        status = "OPEN" if self.founded is None else "ACTIVE" if self.founded == digest else "VOID"
        return FoundingProposal.from_json({
            "registryHash": digest, "registry": proposal["registry"], "proposedBy": proposal["proposedBy"],
            "confirmations": sorted(proposal["confirmations"]),
            "awaiting": [c for c in codes if c not in proposal["confirmations"]] if status == "OPEN" else [],
            "status": status, "createdAt": TIMESTAMP, "updatedAt": TIMESTAMP,
            "activatedAt": TIMESTAMP if status == "ACTIVE" else ""})


@dataclass
class Admin:
    """One office administrator's ledger connection (the FoundingClient the operator uses)."""

    chain: Chain
    msp: str
    failures: list[Exception] = field(default_factory=list)  # raised by the next calls, first to last

    def _call(self) -> None:
        if self.failures:
            raise self.failures.pop(0)

    def _registered(self) -> None:
        if self.chain.founded is not None and all(o["mspId"] != self.msp for o in self.chain.offices.values()):
            raise UnknownOfficeError(f"MSP {self.msp} is not bound to a registered office")

    def init_consortium(self, offices: Sequence[OfficeDefinition]) -> FoundingProposal:
        self._call()
        self.chain.submitted.append((self.msp, "InitConsortium"))
        return self.chain.view(self.chain.propose(self.msp, [o.to_json() for o in offices]))

    def confirm_founding(self, registry_hash: str) -> FoundingProposal:
        self._call()
        if registry_hash not in self.chain.proposals:
            raise NotFoundError("no founding proposal")
        if all(o["mspId"] != self.msp for o in self.chain.proposals[registry_hash]["registry"]):
            raise NotAuthorizedError("not listed")
        self.chain.submitted.append((self.msp, "ConfirmFounding"))
        self.chain.confirm(self.msp, registry_hash)
        return self.chain.view(registry_hash)

    def get_founding_proposal(self, registry_hash: str) -> FoundingProposal:
        self._call()
        self._registered()
        if registry_hash not in self.chain.proposals:
            raise NotFoundError("no founding proposal")
        return self.chain.view(registry_hash)

    def iter_founding_proposals(self, *, status: FoundingStatus | str | None = None,
                                page_size: int | None = None) -> Iterator[FoundingProposal]:
        self._registered()
        views = [self.chain.view(digest) for digest in sorted(self.chain.proposals)]
        return iter([v for v in views if status is None or v.status == status])

    def iter_offices(self, *, page_size: int | None = None) -> Iterator[Office]:
        self._registered()
        return iter([Office.from_json(_office_view(o)) for _, o in sorted(self.chain.offices.items())])


def _office_view(registered: dict[str, Any]) -> dict[str, Any]:
    return {**registered, "calendar": {"closedWeekdays": ["SATURDAY", "SUNDAY"], "closedDates": []},
            "applicationNumberPatterns": [], "restorationPolicy": [], "createdAt": TIMESTAMP, "updatedAt": TIMESTAMP,
            "settingsVersion": 1, "settingsUpdatedAt": TIMESTAMP}


@dataclass
class Network:
    chain: Chain = field(default_factory=Chain)
    admins: dict[str, Admin] = field(default_factory=dict)
    sleeps: list[float] = field(default_factory=list)

    def admin(self, code: str) -> Admin:
        return self.admins.setdefault(code, Admin(self.chain, f"{code}MSP"))

    def found(self, plan: ConsortiumPlan = PLAN) -> registry.FoundingResult:
        @contextmanager
        def connect(_: ConsortiumPlan, office: OfficePlan) -> Iterator[Admin]:
            yield self.admin(office.code)

        return registry.found(plan, connect, ready_timeout=30, sleep=self.sleeps.append)


def test_a_fresh_network_is_founded_by_every_office() -> None:
    net = Network()
    result = net.found()
    assert result.proposed_by == "JP" and result.confirmed_by == ["JP", "US", "EP", "KR"]
    assert net.chain.submitted == [("JPMSP", "InitConsortium"), ("JPMSP", "ConfirmFounding"),
                                   ("USMSP", "ConfirmFounding"), ("EPMSP", "ConfirmFounding"),
                                   ("KRMSP", "ConfirmFounding")]
    assert net.chain.founded == registry.definition_hash(PLAN) == result.registry_hash
    assert sorted(net.chain.offices) == ["EP", "JP", "KR", "US"]


def test_a_second_up_submits_nothing() -> None:
    net = Network()
    net.found()
    net.chain.submitted.clear()
    result = net.found()
    assert not result.changed and net.chain.submitted == []


def test_an_interrupted_founding_is_completed() -> None:
    net = Network()
    digest = net.chain.propose("JPMSP", registry.offices_document(PLAN))
    net.chain.confirm("EPMSP", digest)
    result = net.found()
    assert result.proposed_by is None and result.confirmed_by == ["JP", "US", "KR"]
    assert net.chain.founded == digest


def test_an_office_not_yet_seeing_the_last_confirmation_is_waited_for_and_conflicts_are_retried() -> None:
    net = Network()
    unreachable = GatewayError(grpc.StatusCode.UNAVAILABLE, "failed to connect to all addresses")
    net.admin("JP").failures.append(unreachable)  # the chaincode servers are still starting
    net.admin("US").failures.append(GatewayError(grpc.StatusCode.ABORTED, "MVCC"))
    net.found()
    assert net.chain.founded is not None and len(net.sleeps) == 2


def test_a_registry_founded_from_other_content_fails_loudly() -> None:
    net = Network()
    rogue = registry.offices_document(PLAN)
    rogue[3]["name"] = "KIPO"
    digest = net.chain.propose("JPMSP", rogue)
    for msp in ("JPMSP", "USMSP", "EPMSP", "KRMSP"):
        net.chain.confirm(msp, digest)
    with pytest.raises(OperatorError) as raised:
        net.found()
    message = str(raised.value)
    assert f"founded with registry {digest}" in message
    assert "KR: name is 'KIPO' in the founded registry" in message
    assert net.chain.submitted == [("JPMSP", "InitConsortium")]  # refused: ALREADY_EXISTS, nothing else tried


def test_a_rogue_proposal_does_not_stop_the_definitions_registry() -> None:
    net = Network()
    rogue = registry.offices_document(PLAN)
    rogue[0]["mspId"] = "ROGUEMSP"  # JP's seat bound to the rogue's MSP
    rogue_digest = net.chain.propose("USMSP", rogue)
    net.chain.confirm("USMSP", rogue_digest)
    net.found()
    assert net.chain.founded == registry.definition_hash(PLAN)
    assert net.chain.view(rogue_digest).status is FoundingStatus.VOID


def test_the_same_registry_founded_in_another_order_is_accepted() -> None:
    net = Network()
    reordered = list(reversed(registry.offices_document(PLAN)))
    digest = net.chain.propose("KRMSP", reordered)
    for msp in ("JPMSP", "USMSP", "EPMSP", "KRMSP"):
        net.chain.confirm(msp, digest)
    result = net.found()
    assert any(digest in note for note in result.notes)


def test_the_registered_offices_are_compared_with_the_definition() -> None:
    net = Network()
    net.found()
    net.chain.offices["US"]["roles"] = {"depositing": ["PATENT"], "accessing": ["PATENT"]}  # governance: fine
    net.chain.offices["EP"]["status"] = "SUSPENDED"
    net.found()
    net.chain.offices["KR"]["name"] = "KIPO"
    net.chain.offices["CN"] = {"officeCode": "CN", "mspId": "CNMSP", "name": "CNIPA", "status": "ACTIVE",
                               "roles": {"depositing": [], "accessing": []}}
    with pytest.raises(OperatorError) as raised:
        net.found()
    assert "ListOffices differs" in str(raised.value)
    assert "CN: in the ledger's registry but not in the definition" in str(raised.value)
    assert "KR: name is 'KIPO' in the ledger's registry" in str(raised.value)


def test_a_registry_without_the_first_office_fails_loudly() -> None:
    net = Network()
    others = registry.offices_document(PLAN)[1:]
    digest = net.chain.propose("USMSP", others)
    for msp in ("USMSP", "EPMSP", "KRMSP"):
        net.chain.confirm(msp, digest)
    with pytest.raises(OperatorError, match="not registered"):
        net.found()


def test_a_chaincode_refusal_is_an_answer_not_retried() -> None:
    net = Network()
    net.admin("KR").failures.append(NotAuthorizedError("KR's administrator is not an admin"))
    with pytest.raises(NotAuthorizedError):
        net.found()
    assert net.chain.founded is None and net.sleeps == []
