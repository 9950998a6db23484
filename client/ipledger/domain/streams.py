# generated from client/ipledger/domain/aio_streams.py by scripts/unasync.py - do not edit; run ./scripts/generate
"""The event stream of :class:`~ipledger.domain.PriorityLedger`: typed events, checkpointed."""

from __future__ import annotations

from types import TracebackType

from ipledger.gateway.checkpointers import Checkpointer

from .protocols import EventIterator
from .events import LedgerEvent, _StreamBase

__all__ = ["LedgerEventStream"]


class LedgerEventStream(_StreamBase):
    """Blocking iterator of :class:`LedgerEvent`; ``close()`` ends it (from any thread)."""

    def __init__(self, events: EventIterator, checkpointer: Checkpointer | None = None) -> None:
        super().__init__(checkpointer)
        self._events = events

    def __iter__(self) -> LedgerEventStream:
        return self

    def __next__(self) -> LedgerEvent:
        self.checkpoint()
        return self._deliver(next(self._events))

    def close(self) -> None:
        self._events.close()

    def __enter__(self) -> LedgerEventStream:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()
