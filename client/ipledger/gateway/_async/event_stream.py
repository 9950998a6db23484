"""Closeable event iterators with optional reconnection."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from .._event_stream import AsyncWake, Cursor, StreamDriver, T
from .._grpc import AsyncStream
from .._protos import Message
from ..errors import GatewayError
from ..reconnect import ReconnectPolicy

__all__ = ["AsyncEventStream"]


class AsyncEventStream(StreamDriver[T]):
    # unasync: async-only
    """Async iterator over events; ``close()``/``aclose()`` cancel the call."""
    # unasync: end
    # unasync: sync-only
    # """Blocking iterator over events; ``close()`` (any thread) cancels the call."""
    # unasync: end

    def __init__(self, open_stream: Callable[[Message], AsyncStream], request: Message, cursor: Cursor[T],
                 reconnect: ReconnectPolicy | None, operation: str) -> None:
        super().__init__(request, cursor, reconnect, operation)
        self._open = open_stream
        self._stream: AsyncStream | None = None
        self._wake = AsyncWake()

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
                    # The end of the stream, or (grpc.aio) our own close() cancelling the read.
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
                if await self._wake.wait(delay):
                    raise StopAsyncIteration from None

    def _drop_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.cancel()

    def close(self) -> None:
        # unasync: async-only
        """Stop the stream; a pending ``__anext__`` ends with StopAsyncIteration."""
        # unasync: end
        # unasync: sync-only
        # """Stop the stream; a blocked ``next()`` ends with StopIteration."""
        # unasync: end
        self._closed = True
        self._wake.set()
        self._drop_stream()

    # unasync: async-only
    async def aclose(self) -> None:
        self.close()

    # unasync: end
    async def __aenter__(self) -> AsyncEventStream[T]:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        traceback: TracebackType | None) -> None:
        self.close()
