"""What the event iterators (``_async/event_stream.py`` and its generated blocking twin) share.

A *cursor* (sans-I/O) knows the event kind: it turns responses into items,
remembers the position after each delivered item and builds the request
that resumes from there.  The iterators only drive the stream.  Waiting
before a reconnect is where threads and asyncio differ: ``Wake`` and
``AsyncWake``, written twice.
"""

from __future__ import annotations

import asyncio
import collections
import threading
from typing import Generic, Protocol, TypeVar

from ._protos import Message
from .errors import GatewayError, NoSignerError
from .reconnect import ReconnectPolicy

__all__ = ["AsyncWake", "Cursor", "StreamDriver", "Wake"]

T = TypeVar("T")


class Cursor(Protocol[T]):
    def items(self, response: Message) -> list[T]:
        """Items in one response; raises GatewayError for an error status."""

    def delivered(self, item: T) -> None:
        """Record that ``item`` was handed to the application."""

    def resume_request(self) -> Message:
        """A signed request that restarts right after the last delivered item."""


class StreamDriver(Generic[T]):
    """State and decisions shared by the two iterators."""

    def __init__(self, request: Message, cursor: Cursor[T], reconnect: ReconnectPolicy | None,
                 operation: str) -> None:
        self._request = request
        self._cursor = cursor
        self._reconnect = reconnect
        self._operation = operation
        self._buffer: collections.deque[T] = collections.deque()
        self._attempt = 0
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def _deliver_next(self) -> T:
        item = self._buffer.popleft()
        self._cursor.delivered(item)
        return item

    def _accept(self, response: Message) -> None:
        self._buffer.extend(self._cursor.items(response))
        self._attempt = 0

    def _ended(self) -> GatewayError:
        return GatewayError(None, "the peer ended the event stream", operation=self._operation)

    def _retry_delay(self, error: GatewayError) -> float:
        """Seconds to wait before reconnecting; re-raises ``error`` if no retry."""
        self._attempt += 1
        if self._reconnect is None or not self._reconnect.should_retry(error, self._attempt):
            raise error
        try:
            self._request = self._cursor.resume_request()
        except NoSignerError:
            # Offline-signed streams cannot sign a resume request themselves.
            raise error from None
        return self._reconnect.delay(self._attempt)


class Wake:
    """Interruptible waits of a blocking stream: ``close()`` from another thread cuts them short."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def wait(self, delay: float) -> bool:
        """Wait ``delay`` seconds; True if woken (the stream was closed) meanwhile."""
        return self._event.wait(delay)

    def set(self) -> None:
        self._event.set()


class AsyncWake:
    """The asyncio twin of :class:`Wake`; its event is made on first use, inside the running loop."""

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None
        self._set = False

    async def wait(self, delay: float) -> bool:
        """Wait ``delay`` seconds; True if woken (the stream was closed) meanwhile."""
        if self._event is None:
            self._event = asyncio.Event()
            if self._set:
                self._event.set()
        try:
            await asyncio.wait_for(self._event.wait(), delay)
        except asyncio.TimeoutError:
            pass
        return self._set

    def set(self) -> None:
        self._set = True
        if self._event is not None:
            self._event.set()
