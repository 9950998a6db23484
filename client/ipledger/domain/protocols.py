# generated from client/ipledger/domain/aio_protocols.py by scripts/unasync.py - do not edit; run ./scripts/generate
"""The I/O seams the domain API depends on, as structural types.

``ipledger.gateway``'s Contract and Network satisfy them; unit tests pass
small fakes instead.  Only what the domain layer calls is listed.
"""

from __future__ import annotations

from collections.abc import Iterator, Iterable, Mapping, Sequence
from typing import Protocol

from ipledger.gateway.chaincode_events import ChaincodeEvent
from ipledger.gateway.checkpointers import Checkpoint
from ipledger.gateway.commit import Status
from ipledger.gateway.reconnect import ReconnectPolicy

__all__ = [
    "ChaincodeEventSource",
    "ContractLike",
    "EventIterator",
    "Submitted",
]


class Submitted(Protocol):
    """A transaction accepted by the orderers (``SubmittedTransaction``)."""

    @property
    def result(self) -> bytes: ...

    @property
    def transaction_id(self) -> str: ...

    def status(self) -> Status: ...


class ContractLike(Protocol):
    """What :class:`~ipledger.domain.PriorityLedger` needs of a gateway ``Contract``."""

    chaincode_name: str

    def evaluate(
        self,
        name: str,
        arguments: Sequence[str] = ...,
        transient: Mapping[str, bytes] | None = ...,
        endorsing_organizations: Iterable[str] = ...,
    ) -> bytes: ...

    def submit_async(
        self,
        name: str,
        arguments: Sequence[str] = ...,
        transient: Mapping[str, bytes] | None = ...,
        endorsing_organizations: Iterable[str] = ...,
    ) -> Submitted: ...


class EventIterator(Protocol):
    """A closeable blocking event stream (gateway ``EventStream``)."""

    def __iter__(self) -> Iterator[ChaincodeEvent]: ...

    def __next__(self) -> ChaincodeEvent: ...

    def close(self) -> None: ...


class ChaincodeEventSource(Protocol):
    """A channel that streams chaincode events (a gateway ``Network``)."""

    def chaincode_events(
        self,
        chaincode_name: str,
        start_block: int | None = ...,
        checkpoint: Checkpoint | None = ...,
        *,
        reconnect: ReconnectPolicy | None = ...,
    ) -> EventIterator: ...
