# unasync: async-only
"""The I/O seams the asyncio domain API depends on, as structural types.

``ipledger.gateway``'s AsyncContract and AsyncNetwork satisfy them; unit
tests pass small fakes instead.  Only what the domain layer calls is listed.
The blocking seams in :mod:`ipledger.domain.protocols` are generated from these.
"""
# unasync: end
# unasync: sync-only
# """The I/O seams the domain API depends on, as structural types.
#
# ``ipledger.gateway``'s Contract and Network satisfy them; unit tests pass
# small fakes instead.  Only what the domain layer calls is listed.
# """
# unasync: end

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
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
]


class AsyncSubmitted(Protocol):
    # unasync: async-only
    """A transaction accepted by the orderers (``AsyncSubmittedTransaction``)."""
    # unasync: end
    # unasync: sync-only
    # """A transaction accepted by the orderers (``SubmittedTransaction``)."""
    # unasync: end

    @property
    def result(self) -> bytes: ...

    @property
    def transaction_id(self) -> str: ...

    async def status(self) -> Status: ...


class AsyncContractLike(Protocol):
    # unasync: async-only
    """What :class:`~ipledger.domain.AsyncPriorityLedger` needs of an ``AsyncContract``."""
    # unasync: end
    # unasync: sync-only
    # """What :class:`~ipledger.domain.PriorityLedger` needs of a gateway ``Contract``."""
    # unasync: end

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


class AsyncEventIterator(Protocol):
    # unasync: async-only
    """A closeable ``async for`` event stream (gateway ``AsyncEventStream``)."""
    # unasync: end
    # unasync: sync-only
    # """A closeable blocking event stream (gateway ``EventStream``)."""
    # unasync: end

    def __aiter__(self) -> AsyncIterator[ChaincodeEvent]: ...

    async def __anext__(self) -> ChaincodeEvent: ...

    def close(self) -> None: ...


class AsyncChaincodeEventSource(Protocol):
    # unasync: async-only
    """A channel that streams chaincode events (a gateway ``AsyncNetwork``)."""
    # unasync: end
    # unasync: sync-only
    # """A channel that streams chaincode events (a gateway ``Network``)."""
    # unasync: end

    def chaincode_events(
        self,
        chaincode_name: str,
        start_block: int | None = ...,
        checkpoint: Checkpoint | None = ...,
        *,
        reconnect: ReconnectPolicy | None = ...,
    ) -> AsyncEventIterator: ...
