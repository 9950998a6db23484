"""Issue 9, finding 5: the founding registry is the definition's, confirmed by every office it lists, and no
single office can change it afterwards (CONTRACT.md §3.1).

``up`` founded the registry before these tests: the first office proposed it and each office's administrator
confirmed the hash it computed from the definition.  What happens before founding (a rogue's proposal staying
OPEN, refusals of every other transaction, a peer outside the registry refusing to endorse its founding) is
covered by the chaincode's harness tests; here the founded ledger is checked against the definition and one office
tries to propose and confirm another registry.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from _chaincode_support import CHANNEL, Office, random_hex, read_events
from ipledger.domain import registry_hash
from ipledger.gateway import Gateway, LedgerReader
from ipledger.operator import registry
from ipledger.operator.bringup import Context


def _all(office: Office, name: str, *args: str) -> list[dict[str, Any]]:
    """Every record of a paged query (all pages)."""
    records: list[dict[str, Any]] = []
    bookmark = ""
    while True:
        page = office.evaluate(name, *args, "100", bookmark)
        records += page["records"]
        bookmark = page["bookmark"]
        if not bookmark:
            return records


@pytest.fixture(scope="module")
def us_admin(network: Context, offices: dict[str, Office]) -> Iterator[Office]:
    """US's administrator (NodeOU admin: founding needs one) on US's own gateway peer."""
    gateway = Gateway.from_profile(network.plan.profiles_dir / "US.json", user="Admin")
    try:
        yield Office("US", offices["US"].msp_id, gateway, gateway.get_network(CHANNEL), offices)
    finally:
        gateway.close()


def test_the_founded_registry_is_the_definitions(network: Context, jp: Office) -> None:
    plan = network.plan
    digest = registry.definition_hash(plan)
    codes = sorted(office.code for office in plan.offices)

    founding = jp.evaluate("GetFoundingProposal", digest)
    assert (founding["status"], founding["confirmations"], founding["awaiting"]) == ("ACTIVE", codes, [])
    assert founding["registry"] == registry.offices_document(plan)  # exactly what was hashed and confirmed
    assert founding["proposedBy"] == plan.offices[0].code and founding["activatedAt"] != ""
    assert [p["registryHash"] for p in _all(jp, "ListFoundingProposals", "ACTIVE")] == [digest]
    assert _all(jp, "ListFoundingProposals", "OPEN") == []  # anything else proposed before founding is VOID

    registered = _all(jp, "ListOffices")
    assert registry.registry_differences(registry.offices_document(plan), registered, registry.IDENTITY_FIELDS) == []
    defined = {office.code for office in plan.offices}
    assert all(office["createdAt"] == founding["activatedAt"] for office in registered if office["officeCode"] in defined)

    # The proposal's history: proposed by the first office, then one confirmation per office, each signed by that
    # office (its administrator), the last one founding the registry.  A second `up` would have added nothing.
    history = list(reversed(_all(jp, "GetRecordHistory", "founding", digest)))
    expected = [(plan.offices[0].msp_id, "InitConsortium")] + [(o.msp_id, "ConfirmFounding") for o in plan.offices]
    assert len(history) == len(expected)
    reader = LedgerReader(jp.network)
    for count, (entry, (msp, function)) in enumerate(zip(history, expected)):
        transaction = reader.get_transaction_by_id(entry["txId"])
        assert (transaction.creator_msp_id, transaction.function, transaction.validation_code_name) == (
            msp, function, "VALID")
        record = entry["record"]
        assert len(record["confirmations"]) == count
        assert record["status"] == ("ACTIVE" if count == len(plan.offices) else "OPEN")

    # One event per transaction; the founding confirmation announces the registry's offices.
    start = reader.get_block_by_tx_id(history[0]["txId"]).number
    events, _ = read_events(jp, start, [entry["txId"] for entry in history])
    assert [e.event_name for e in events] == (["ConsortiumFoundingProposed"]
                                              + ["ConsortiumFoundingConfirmed"] * (len(plan.offices) - 1)
                                              + ["ConsortiumInitialised"])
    last = json.loads(events[-1].payload)
    assert (last["recordType"], last["recordId"], last["status"]) == ("office", ",".join(codes), "ACTIVE")


def test_one_office_cannot_propose_or_confirm_another_registry(
        network: Context, offices: dict[str, Office], jp: Office, us_admin: Office) -> None:
    plan = network.plan
    digest = registry.definition_hash(plan)
    founded_before = jp.evaluate("GetFoundingProposal", digest)
    history_before = len(_all(jp, "GetRecordHistory", "founding", digest))
    registered_before = _all(jp, "ListOffices")

    # US's administrator proposes a registry of its own making (another name for itself, unique per run).
    rogue = registry.offices_document(plan)
    us_entry = next(office for office in rogue if office["officeCode"] == "US")
    us_entry["name"] = f"{us_entry['name']} (rogue {random_hex(8)})"
    rogue_hash = registry_hash(rogue)
    us_admin.refused_submit("ALREADY_EXISTS", "InitConsortium", json.dumps(rogue))
    us_admin.refused_submit("NOT_FOUND", "ConfirmFounding", rogue_hash)
    jp.refused_evaluate("NOT_FOUND", "GetFoundingProposal", rogue_hash)
    # Not an administrator: a client of a founding office cannot speak for it about the registry.
    offices["US"].refused_submit("NOT_AUTHORIZED", "ConfirmFounding", digest)
    offices["US"].refused_submit("NOT_AUTHORIZED", "InitConsortium", json.dumps(registry.offices_document(plan)))
    jp.refused_evaluate("INVALID_ARGUMENT", "GetFoundingProposal", "not-a-hash")

    # The founded registry again, proposed and confirmed: both succeed and change nothing.
    confirmed = us_admin.submit_tx("ConfirmFounding", digest.upper())
    proposed = us_admin.submit_tx("InitConsortium", json.dumps(registry.offices_document(plan)))
    for tx in (confirmed, proposed):
        assert tx.result == founded_before
    events, _ = read_events(jp, confirmed.block_number, [confirmed.transaction_id, proposed.transaction_id])
    assert sorted((e.event_name, json.loads(e.payload)["status"]) for e in events) == [
        ("ConsortiumFoundingConfirmed", "ACTIVE"), ("ConsortiumFoundingProposed", "ACTIVE")]

    assert jp.evaluate("GetFoundingProposal", digest) == founded_before
    assert len(_all(jp, "GetRecordHistory", "founding", digest)) == history_before
    assert rogue_hash not in {p["registryHash"] for p in _all(jp, "ListFoundingProposals", "")}
    registered_after = _all(jp, "ListOffices")
    assert registry.registry_differences(registered_before, registered_after,
                                         ("mspId", "name", "createdAt"), where="the registry afterwards") == []
