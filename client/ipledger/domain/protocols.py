"""The I/O seams the domain API depends on, as structural types.

``ipledger.gateway``'s Contract/AsyncContract and Network/AsyncNetwork
satisfy them; unit tests pass small fakes instead.  Only what the domain
layer calls is listed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from typing import Protocol

from ipledger.gateway.chaincode_events import ChaincodeEvent
from ipledger.gateway.checkpointers import Checkpoint
from ipledger.gateway.commit import Status
from ipledger.gateway.reconnect import ReconnectPolicy

__all__ = [
    "AsyncChaincodeEventSource",
    "AsyncContractLike",
    "AsyncEventIterator",
    "AsyncSubmitted",
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


class AsyncSubmitted(Protocol):
    @property
    def result(self) -> bytes: ...

    @property
    def transaction_id(self) -> str: ...

    async def status(self) -> Status: ...


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


class AsyncContractLike(Protocol):
    """What :class:`~ipledger.domain.AsyncPriorityLedger` needs of an ``AsyncContract``."""

    chaincode_name: str

    async def evaluate(
        self,
        name: str,
        arguments: Sequence[str] = ...,
        transient: Mapping[str, bytes] | None = ...,
        endorsing_organizations: Iterable[str] = ...,
    ) -> bytes: ...

    async def submit_async(
        self,
        name: str,
        arguments: Sequence[str] = ...,
        transient: Mapping[str, bytes] | None = ...,
        endorsing_organizations: Iterable[str] = ...,
    ) -> AsyncSubmitted: ...


class EventIterator(Protocol):
    """A closeable blocking event stream (gateway ``EventStream``)."""

    def __iter__(self) -> Iterator[ChaincodeEvent]: ...

    def __next__(self) -> ChaincodeEvent: ...

    def close(self) -> None: ...


class AsyncEventIterator(Protocol):
    """A closeable ``async for`` event stream (gateway ``AsyncEventStream``)."""

    def __aiter__(self) -> AsyncIterator[ChaincodeEvent]: ...

    async def __anext__(self) -> ChaincodeEvent: ...

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


class AsyncChaincodeEventSource(Protocol):
    def chaincode_events(
        self,
        chaincode_name: str,
        start_block: int | None = ...,
        checkpoint: Checkpoint | None = ...,
        *,
        reconnect: ReconnectPolicy | None = ...,
    ) -> AsyncEventIterator: ...
