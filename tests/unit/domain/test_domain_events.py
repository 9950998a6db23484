"""Typed events and checkpointed streams."""

from __future__ import annotations

import pytest

from _domain_fakes import FakeContract, FakeNetwork, event
from ipledger.domain import (
    AccessCodeRejected,
    AccessEvent,
    ConsortiumInitialised,
    FirstFilingDeposited,
    FirstFilingEvent,
    LedgerEvent,
    PriorityLedger,
    UnexpectedResultError,
    UnknownLedgerEvent,
)
from ipledger.domain.events import EVENT_TYPES, parse_event
from ipledger.gateway.chaincode_events import ChaincodeEvent
from ipledger.gateway.checkpointers import FileCheckpointer, InMemoryCheckpointer

# CONTRACT.md §4, every event name.
CONTRACT_EVENTS = [
    "ConsortiumFoundingProposed", "ConsortiumFoundingConfirmed", "ConsortiumInitialised", "OfficeSettingsUpdated", "MembershipChangeProposed", "MembershipChangeApproved",
    "MembershipChangeWithdrawn", "OfficeAdded", "OfficeSuspended", "OfficeReactivated", "OfficeRolesChanged",
    "FirstFilingDeposited", "FirstFilingConfidentialUpdated", "AccessCodeChanged", "FirstFilingCorrected",
    "FirstFilingWithdrawn", "FirstFilingPublished", "AccessCodeAttempted", "AccessGranted", "AccessCodeRejected",
    "AccessRevoked",
    "AccessLockReset", "RetrievalRequested", "RetrievalCompleted", "PriorityClaimRecorded", "PriorityClaimChanged",
]


@pytest.mark.parametrize("name", CONTRACT_EVENTS)
def test_every_event_name_has_its_class(name: str) -> None:
    parsed = parse_event(event(name, 3, "tx3"))
    assert type(parsed) is EVENT_TYPES[name]
    assert parsed.name == name
    assert parsed.block_number == 3 and parsed.transaction_id == "tx3"


def test_event_fields_and_groups() -> None:
    parsed = parse_event(event("AccessCodeRejected", 9, "tx9", record_type="access", office="US", subject="US",
                               status="LOCKED"))
    assert isinstance(parsed, AccessCodeRejected) and isinstance(parsed, AccessEvent)
    assert (parsed.record_type, parsed.office_code, parsed.subject_office, parsed.status) == (
        "access", "US", "US", "LOCKED")
    assert parsed.to_json()["name"] == "AccessCodeRejected"
    deposited = parse_event(event("FirstFilingDeposited", 1, "tx1"))
    assert isinstance(deposited, FirstFilingDeposited) and isinstance(deposited, FirstFilingEvent)


def test_consortium_initialised_lists_the_offices() -> None:
    parsed = parse_event(event("ConsortiumInitialised", 5, "tx5", record_type="office", record_id="EP,JP,KR,US"))
    assert isinstance(parsed, ConsortiumInitialised)
    assert parsed.office_codes == ("EP", "JP", "KR", "US")


def test_unknown_event_names_are_kept() -> None:
    parsed = parse_event(event("SomethingNew", 2, "tx2"))
    assert isinstance(parsed, UnknownLedgerEvent)
    assert parsed.name == "SomethingNew" and parsed.record_id == "JP:PATENT:2024012345"


@pytest.mark.parametrize("payload", [b"not json", b"[]", b'{"recordType": "filing"}'])
def test_malformed_payload_is_an_unexpected_result(payload: bytes) -> None:
    with pytest.raises(UnexpectedResultError):
        parse_event(ChaincodeEvent(1, "tx", "ipledger", "FirstFilingDeposited", payload))


def _events() -> list[ChaincodeEvent]:
    return [event("FirstFilingDeposited", 10, "a"), event("AccessCodeChanged", 10, "b", record_type="access"),
            event("FirstFilingPublished", 11, "c", status="PUBLISHED")]


def test_stream_checkpoints_an_event_once_the_next_is_requested() -> None:
    network = FakeNetwork(_events())
    checkpointer = InMemoryCheckpointer()
    ledger = PriorityLedger(FakeContract(), network=network)
    with ledger.events(checkpointer=checkpointer) as stream:
        first = next(stream)
        assert isinstance(first, LedgerEvent)
        assert checkpointer.block_number is None  # not handled yet
        next(stream)
        assert (checkpointer.block_number, checkpointer.transaction_id) == (10, "a")
        stream.checkpoint()
        assert (checkpointer.block_number, checkpointer.transaction_id) == (10, "b")
    assert network.streams[0].closed
    assert network.requests == [{"chaincode": "ipledger", "start_block": None, "checkpoint": None}]


def test_restart_resumes_after_the_last_handled_event(tmp_path: object) -> None:
    from pathlib import Path
    path = Path(str(tmp_path)) / "events.json"
    network = FakeNetwork(_events())
    ledger = PriorityLedger(FakeContract(), network=network)
    stream = ledger.events(checkpointer=FileCheckpointer(path))
    next(stream)
    next(stream)
    stream.checkpoint()
    stream.close()
    resumed = [e.transaction_id for e in ledger.events(checkpointer=FileCheckpointer(path))]
    assert resumed == ["c"]
    assert network.requests[1]["checkpoint"] == (10, "b")


def test_explicit_start_block_wins_over_the_checkpoint() -> None:
    network = FakeNetwork(_events())
    checkpointer = InMemoryCheckpointer()
    checkpointer.checkpoint_transaction(11, "c")
    ledger = PriorityLedger(FakeContract(), network=network)
    names = [e.name for e in ledger.events(start_block=10, checkpointer=checkpointer)]
    assert names == ["FirstFilingDeposited", "AccessCodeChanged", "FirstFilingPublished"]
    assert network.requests[0]["start_block"] == 10 and network.requests[0]["checkpoint"] is None
