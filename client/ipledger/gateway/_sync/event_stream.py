# generated from client/ipledger/gateway/_async/event_stream.py by scripts/unasync.py - do not edit; run ./scripts/generate
"""Closeable event iterators with optional reconnection."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from .._event_stream import Wake, Cursor, StreamDriver, T
from .._grpc import SyncStream
from .._protos import Message
from ..errors import GatewayError
from ..reconnect import ReconnectPolicy

__all__ = ["EventStream"]


class EventStream(StreamDriver[T]):
    """Blocking iterator over events; ``close()`` (any thread) cancels the call."""

    def __init__(self, open_stream: Callable[[Message], SyncStream], request: Message, cursor: Cursor[T],
                 reconnect: ReconnectPolicy | None, operation: str) -> None:
        super().__init__(request, cursor, reconnect, operation)
        self._open = open_stream
        self._stream: SyncStream | None = None
        self._wake = Wake()

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
                    # The end of the stream, or (grpc.aio) our own close() cancelling the read.
                    if self._closed or self._reconnect is None:
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
