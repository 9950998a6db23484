"""Typed chaincode events (CONTRACT.md §4) and checkpointed event streams.

Every submit transaction emits exactly one event whose name says what
happened and whose JSON payload names the record that changed (never private
data; read the record for details)::

    {"recordType": "filing", "recordId": "JP:PATENT:2024012345", "officeCode": "JP",
     "subjectOffice": "", "status": "AVAILABLE", "txId": "..."}

Each event name has its own frozen dataclass, grouped under one base per
record kind (``FirstFilingEvent``, ``AccessEvent`` ...), so a listener can
filter with ``isinstance``.  A name this client does not know becomes
:class:`UnknownLedgerEvent` instead of stopping the stream.

Streams checkpoint *after* an event was handled: the position of an event
is saved when the next one is requested (or on :meth:`LedgerEventStream.checkpoint`),
so a crash while handling an event replays that event on restart rather
than losing it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from types import TracebackType
from typing import Any, ClassVar

from ipledger.gateway.chaincode_events import ChaincodeEvent
from ipledger.gateway.checkpointers import Checkpointer

from .errors import UnexpectedResultError

__all__ = [
    "AccessCodeAttempted",
    "AccessCodeChanged",
    "AccessCodeRejected",
    "AccessEvent",
    "AccessGranted",
    "AccessLockReset",
    "AccessRevoked",
    "ConsortiumFoundingConfirmed",
    "ConsortiumFoundingProposed",
    "ConsortiumInitialised",
    "EVENT_TYPES",
    "FirstFilingConfidentialUpdated",
    "FirstFilingCorrected",
    "FirstFilingDeposited",
    "FirstFilingEvent",
    "FirstFilingPublished",
    "FirstFilingWithdrawn",
    "FoundingEvent",
    "LedgerEvent",
    "MembershipChangeApproved",
    "MembershipChangeProposed",
    "MembershipChangeWithdrawn",
    "MembershipEvent",
    "OfficeAdded",
    "OfficeEvent",
    "OfficeReactivated",
    "OfficeRolesChanged",
    "OfficeSettingsUpdated",
    "OfficeSuspended",
    "PriorityClaimChanged",
    "PriorityClaimEvent",
    "PriorityClaimRecorded",
    "RetrievalCompleted",
    "RetrievalEvent",
    "RetrievalRequested",
    "UnknownLedgerEvent",
    "parse_event",
]


@dataclass(frozen=True)
class LedgerEvent:
    """An event of the ipledger chaincode, with where it was committed.

    ``office_code`` is the acting office; ``subject_office`` the other office
    concerned (grantee, proposal target) or ``""``; ``status`` the record's
    new status (for access events the subject office's grant/lock state).
    """

    NAME: ClassVar[str] = ""

    block_number: int
    transaction_id: str
    record_type: str
    record_id: str
    office_code: str
    subject_office: str
    status: str

    @property
    def name(self) -> str:
        return self.NAME

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "blockNumber": self.block_number,
            "transactionId": self.transaction_id,
            "recordType": self.record_type,
            "recordId": self.record_id,
            "officeCode": self.office_code,
            "subjectOffice": self.subject_office,
            "status": self.status,
        }


@dataclass(frozen=True)
class UnknownLedgerEvent(LedgerEvent):
    """An event name this client does not know (a newer chaincode); the payload is still read."""

    event_name: str = ""

    @property
    def name(self) -> str:
        return self.event_name


# One base per record kind, then one class per event name.


@dataclass(frozen=True)
class OfficeEvent(LedgerEvent):
    """The office registry or an office's settings changed."""


@dataclass(frozen=True)
class FoundingEvent(LedgerEvent):
    """A founding proposal was made or confirmed; ``record_id`` is its registry hash."""


@dataclass(frozen=True)
class MembershipEvent(LedgerEvent):
    """A membership proposal changed (and possibly was applied)."""


@dataclass(frozen=True)
class FirstFilingEvent(LedgerEvent):
    """A first filing changed; ``record_id`` is the filing id."""


@dataclass(frozen=True)
class AccessEvent(LedgerEvent):
    """A first filing's access record changed; ``subject_office`` is the accessing office."""


@dataclass(frozen=True)
class RetrievalEvent(LedgerEvent):
    """A retrieval was requested or completed; ``record_id`` is the retrieval id."""


@dataclass(frozen=True)
class PriorityClaimEvent(LedgerEvent):
    """A priority claim was recorded or changed; ``record_id`` is the claim id."""


@dataclass(frozen=True)
class ConsortiumFoundingProposed(FoundingEvent):
    NAME: ClassVar[str] = "ConsortiumFoundingProposed"


@dataclass(frozen=True)
class ConsortiumFoundingConfirmed(FoundingEvent):
    NAME: ClassVar[str] = "ConsortiumFoundingConfirmed"


@dataclass(frozen=True)
class ConsortiumInitialised(OfficeEvent):
    """The confirmation that founded the registry (the last founding office's)."""

    NAME: ClassVar[str] = "ConsortiumInitialised"

    @property
    def office_codes(self) -> tuple[str, ...]:
        """The founding offices (``record_id`` is their comma-separated codes)."""
        return tuple(code for code in self.record_id.split(",") if code)


@dataclass(frozen=True)
class OfficeSettingsUpdated(OfficeEvent):
    NAME: ClassVar[str] = "OfficeSettingsUpdated"


@dataclass(frozen=True)
class MembershipChangeProposed(MembershipEvent):
    NAME: ClassVar[str] = "MembershipChangeProposed"


@dataclass(frozen=True)
class MembershipChangeApproved(MembershipEvent):
    NAME: ClassVar[str] = "MembershipChangeApproved"


@dataclass(frozen=True)
class MembershipChangeWithdrawn(MembershipEvent):
    NAME: ClassVar[str] = "MembershipChangeWithdrawn"


@dataclass(frozen=True)
class OfficeAdded(MembershipEvent):
    """A proposal was applied; ``subject_office`` is the new office."""

    NAME: ClassVar[str] = "OfficeAdded"


@dataclass(frozen=True)
class OfficeSuspended(MembershipEvent):
    NAME: ClassVar[str] = "OfficeSuspended"


@dataclass(frozen=True)
class OfficeReactivated(MembershipEvent):
    NAME: ClassVar[str] = "OfficeReactivated"


@dataclass(frozen=True)
class OfficeRolesChanged(MembershipEvent):
    NAME: ClassVar[str] = "OfficeRolesChanged"


@dataclass(frozen=True)
class FirstFilingDeposited(FirstFilingEvent):
    NAME: ClassVar[str] = "FirstFilingDeposited"


@dataclass(frozen=True)
class FirstFilingConfidentialUpdated(FirstFilingEvent):
    NAME: ClassVar[str] = "FirstFilingConfidentialUpdated"


@dataclass(frozen=True)
class FirstFilingCorrected(FirstFilingEvent):
    NAME: ClassVar[str] = "FirstFilingCorrected"


@dataclass(frozen=True)
class FirstFilingWithdrawn(FirstFilingEvent):
    NAME: ClassVar[str] = "FirstFilingWithdrawn"


@dataclass(frozen=True)
class FirstFilingPublished(FirstFilingEvent):
    NAME: ClassVar[str] = "FirstFilingPublished"


@dataclass(frozen=True)
class AccessCodeChanged(AccessEvent):
    NAME: ClassVar[str] = "AccessCodeChanged"


@dataclass(frozen=True)
class AccessCodeAttempted(AccessEvent):
    """An access-code attempt was recorded and counted; ``status`` is ``PENDING`` until it is settled."""

    NAME: ClassVar[str] = "AccessCodeAttempted"


@dataclass(frozen=True)
class AccessGranted(AccessEvent):
    NAME: ClassVar[str] = "AccessGranted"


@dataclass(frozen=True)
class AccessCodeRejected(AccessEvent):
    """A wrong access code was recorded; ``status`` is ``REJECTED`` or ``LOCKED``."""

    NAME: ClassVar[str] = "AccessCodeRejected"


@dataclass(frozen=True)
class AccessRevoked(AccessEvent):
    NAME: ClassVar[str] = "AccessRevoked"


@dataclass(frozen=True)
class AccessLockReset(AccessEvent):
    NAME: ClassVar[str] = "AccessLockReset"


@dataclass(frozen=True)
class RetrievalRequested(RetrievalEvent):
    NAME: ClassVar[str] = "RetrievalRequested"


@dataclass(frozen=True)
class RetrievalCompleted(RetrievalEvent):
    """``status`` is ``SUCCESS`` or ``ERROR``."""

    NAME: ClassVar[str] = "RetrievalCompleted"


@dataclass(frozen=True)
class PriorityClaimRecorded(PriorityClaimEvent):
    NAME: ClassVar[str] = "PriorityClaimRecorded"


@dataclass(frozen=True)
class PriorityClaimChanged(PriorityClaimEvent):
    NAME: ClassVar[str] = "PriorityClaimChanged"


#: Event name -> class, for every name in CONTRACT.md §4.
EVENT_TYPES: dict[str, type[LedgerEvent]] = {
    cls.NAME: cls
    for cls in (
        ConsortiumFoundingProposed, ConsortiumFoundingConfirmed, ConsortiumInitialised, OfficeSettingsUpdated,
        MembershipChangeProposed, MembershipChangeApproved, MembershipChangeWithdrawn,
        OfficeAdded, OfficeSuspended, OfficeReactivated, OfficeRolesChanged,
        FirstFilingDeposited, FirstFilingConfidentialUpdated, FirstFilingCorrected,
        FirstFilingWithdrawn, FirstFilingPublished,
        AccessCodeChanged, AccessCodeAttempted, AccessGranted, AccessCodeRejected, AccessRevoked, AccessLockReset,
        RetrievalRequested, RetrievalCompleted,
        PriorityClaimRecorded, PriorityClaimChanged,
    )
}

_PAYLOAD_FIELDS = ("recordType", "recordId", "officeCode", "subjectOffice", "status")


def parse_event(event: ChaincodeEvent) -> LedgerEvent:
    """The typed event for a raw chaincode event; UnexpectedResultError if the payload is not the contract's."""
    try:
        payload = json.loads(event.payload)
    except ValueError as error:
        raise UnexpectedResultError(
            f"event {event.event_name} in transaction {event.transaction_id} has a payload that is not JSON: {error}"
        ) from None
    if not isinstance(payload, dict) or not all(isinstance(payload.get(key), str) for key in _PAYLOAD_FIELDS):
        raise UnexpectedResultError(
            f"event {event.event_name} in transaction {event.transaction_id} lacks the fields "
            f"{', '.join(_PAYLOAD_FIELDS)}"
        )
    common = {
        "block_number": event.block_number,
        "transaction_id": event.transaction_id,
        "record_type": payload["recordType"],
        "record_id": payload["recordId"],
        "office_code": payload["officeCode"],
        "subject_office": payload["subjectOffice"],
        "status": payload["status"],
    }
    cls = EVENT_TYPES.get(event.event_name)
    if cls is None:
        return UnknownLedgerEvent(**common, event_name=event.event_name)
    return cls(**common)


class _StreamBase:
    """Checkpointing shared by the sync and async streams."""

    def __init__(self, checkpointer: Checkpointer | None) -> None:
        self.checkpointer = checkpointer
        self._pending: ChaincodeEvent | None = None

    def checkpoint(self) -> None:
        """Record the last delivered event as handled (also done when the next one is requested)."""
        if self._pending is not None and self.checkpointer is not None:
            self.checkpointer.checkpoint_chaincode_event(self._pending)
        self._pending = None

    def _deliver(self, raw: ChaincodeEvent) -> LedgerEvent:
        event = parse_event(raw)
        self._pending = raw
        return event
