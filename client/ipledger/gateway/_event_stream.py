"""Closeable event iterators with optional reconnection, sync and asyncio.

A *cursor* (sans-I/O) knows the event kind: it turns responses into items,
remembers the position after each delivered item and builds the request
that resumes from there.  The iterators here only drive the stream.
"""

from __future__ import annotations

import asyncio
import collections
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Generic, Protocol, TypeVar

from ._grpc import AsyncStream, SyncStream
from ._protos import Message
from .errors import GatewayError, NoSignerError
from .reconnect import ReconnectPolicy

__all__ = ["AsyncEventStream", "Cursor", "EventStream"]

T = TypeVar("T")


class Cursor(Protocol[T]):
    def items(self, response: Message) -> list[T]:
        """Items in one response; raises GatewayError for an error status."""

    def delivered(self, item: T) -> None:
        """Record that ``item`` was handed to the application."""

    def resume_request(self) -> Message:
        """A signed request that restarts right after the last delivered item."""


class _StreamDriver(Generic[T]):
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


class EventStream(_StreamDriver[T]):
    """Blocking iterator over events; ``close()`` (any thread) cancels the call."""

    def __init__(self, open_stream: Callable[[Message], SyncStream], request: Message, cursor: Cursor[T],
                 reconnect: ReconnectPolicy | None, operation: str) -> None:
        super().__init__(request, cursor, reconnect, operation)
        self._open = open_stream
        self._stream: SyncStream | None = None
        self._wake = threading.Event()

    def __iter__(self) -> EventStream[T]:
        return self

    def __next__(self) -> T:
        while True:
            if self._buffer:
                return self._deliver_next()
            if self._closed:
                raise StopIteration
            try:
                if self._stream is None:
                    self._stream = self._open(self._request)
                response = self._stream.read()
                if response is None:
                    if self._reconnect is None:
                        self.close()
                        raise StopIteration
                    raise self._ended()
                self._accept(response)
            except GatewayError as error:
                if self._closed:
                    raise StopIteration from None
                self._drop_stream()
                try:
                    delay = self._retry_delay(error)
                except GatewayError:
                    self.close()
                    raise
                if self._wake.wait(delay):
                    raise StopIteration from None

    def _drop_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.cancel()

    def close(self) -> None:
        """Stop the stream; a blocked ``next()`` ends with StopIteration."""
        self._closed = True
        self._wake.set()
        self._drop_stream()

    def __enter__(self) -> EventStream[T]:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


class AsyncEventStream(_StreamDriver[T]):
    """Async iterator over events; ``close()``/``aclose()`` cancel the call."""

    def __init__(self, open_stream: Callable[[Message], AsyncStream], request: Message, cursor: Cursor[T],
                 reconnect: ReconnectPolicy | None, operation: str) -> None:
        super().__init__(request, cursor, reconnect, operation)
        self._open = open_stream
        self._stream: AsyncStream | None = None
        self._wake: asyncio.Event | None = None

    def __aiter__(self) -> AsyncEventStream[T]:
        return self

    async def __anext__(self) -> T:
        while True:
            if self._buffer:
                return self._deliver_next()
            if self._closed:
                raise StopAsyncIteration
            try:
                if self._stream is None:
                    self._stream = self._open(self._request)
                response = await self._stream.read()
                if response is None:
                    if self._closed or self._reconnect is None:
                        self.close()
                        raise StopAsyncIteration
                    raise self._ended()
                self._accept(response)
            except GatewayError as error:
                if self._closed:
                    raise StopAsyncIteration from None
                self._drop_stream()
                try:
                    delay = self._retry_delay(error)
                except GatewayError:
                    self.close()
                    raise
                if await self._sleep(delay):
                    raise StopAsyncIteration from None

    async def _sleep(self, delay: float) -> bool:
        """Wait ``delay`` seconds; True if the stream was closed meanwhile."""
        if self._wake is None:
            self._wake = asyncio.Event()
        try:
            await asyncio.wait_for(self._wake.wait(), delay)
        except asyncio.TimeoutError:
            pass
        return self._closed

    def _drop_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.cancel()

    def close(self) -> None:
        """Stop the stream; a pending ``__anext__`` ends with StopAsyncIteration."""
        self._closed = True
        if self._wake is not None:
            self._wake.set()
        self._drop_stream()

    async def aclose(self) -> None:
        self.close()

    async def __aenter__(self) -> AsyncEventStream[T]:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        traceback: TracebackType | None) -> None:
        self.close()
