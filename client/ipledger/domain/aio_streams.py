"""The event stream of :class:`~ipledger.domain.AsyncPriorityLedger`: typed events, checkpointed."""

from __future__ import annotations

from types import TracebackType

from ipledger.gateway.checkpointers import Checkpointer

from .aio_protocols import AsyncEventIterator
from .events import LedgerEvent, _StreamBase

__all__ = ["AsyncLedgerEventStream"]


class AsyncLedgerEventStream(_StreamBase):
    # unasync: async-only
    """``async for`` twin of :class:`LedgerEventStream`."""
    # unasync: end
    # unasync: sync-only
    # """Blocking iterator of :class:`LedgerEvent`; ``close()`` ends it (from any thread)."""
    # unasync: end

    def __init__(self, events: AsyncEventIterator, checkpointer: Checkpointer | None = None) -> None:
        super().__init__(checkpointer)
        self._events = events

    def __aiter__(self) -> AsyncLedgerEventStream:
        return self

    async def __anext__(self) -> LedgerEvent:
        self.checkpoint()
        return self._deliver(await anext(self._events))

    def close(self) -> None:
        self._events.close()

    # unasync: async-only
    async def aclose(self) -> None:
        self.close()

    # unasync: end
    async def __aenter__(self) -> AsyncLedgerEventStream:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        traceback: TracebackType | None) -> None:
        self.close()
