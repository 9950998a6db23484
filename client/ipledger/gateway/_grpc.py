"""What the gRPC clients (``_async/grpc_client.py`` and its generated blocking twin) share.

``to_gateway_error`` turns every ``grpc.RpcError`` into the typed error for the step that failed, with the
gateway's error details decoded from the status trailer; the two stream readers are where ``grpc`` and
``grpc.aio`` really differ, so they are written twice.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import grpc
from grpc import aio as grpc_aio

from ._parser import parse_error_details
from ._protos import Message, events_pb2_grpc, gateway_pb2_grpc
from .errors import GatewayError
from .timeouts import Timeouts

__all__ = [
    "AsyncStream",
    "DELIVER_METHODS",
    "SyncStream",
    "expired",
    "to_gateway_error",
]

_STATUS_DETAILS_KEY = "grpc-status-details-bin"

#: Deliver flavour -> stub method name.
DELIVER_METHODS = {
    "block": "Deliver",
    "filtered_block": "DeliverFiltered",
    "block_and_private_data": "DeliverWithPrivateData",
}


def _status_details(trailing_metadata: Any) -> bytes | None:
    for key, value in trailing_metadata or ():
        if key == _STATUS_DETAILS_KEY and isinstance(value, bytes):
            return value
    return None


def to_gateway_error(
    error: Exception,
    error_type: type[GatewayError] = GatewayError,
    *,
    transaction_id: str | None = None,
    operation: str | None = None,
    deadline_expired: bool = False,
) -> GatewayError:
    """Map a ``grpc.RpcError`` (sync or aio) to ``error_type``.

    RPC errors raised by stubs are also ``grpc.Call`` objects, which is where
    the code, message and trailers live; anything else keeps its text.
    ``deadline_expired`` says the call's own deadline has passed.
    """
    code_fn = getattr(error, "code", None)
    details_fn = getattr(error, "details", None)
    trailers_fn = getattr(error, "trailing_metadata", None)
    code = code_fn() if callable(code_fn) else None
    if deadline_expired and code == grpc.StatusCode.CANCELLED:
        # A peer that sees the deadline pass resets the stream (RST_STREAM
        # CANCEL); when that reset beats the client's own timer gRPC reports
        # CANCELLED, although nobody cancelled: the call timed out.
        code = grpc.StatusCode.DEADLINE_EXCEEDED
    message = details_fn() if callable(details_fn) else None
    trailers = trailers_fn() if callable(trailers_fn) else None
    mapped = error_type(
        code,
        message if isinstance(message, str) and message else str(error),
        parse_error_details(_status_details(trailers)),
        transaction_id,
        operation=operation,
    )
    mapped.__cause__ = error
    return mapped


def expired(started: float, deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() - started >= deadline


class ClientBase:
    def __init__(self, channel: Any, timeouts: Timeouts) -> None:
        self.channel = channel
        self.timeouts = timeouts
        self._gateway = gateway_pb2_grpc.GatewayStub(channel)
        self._deliver = events_pb2_grpc.DeliverStub(channel)


class SyncStream:
    """A server-streaming call: ``read()`` returns the next message or ``None`` at the end."""

    def __init__(self, call: Any, operation: str) -> None:
        self._call = call
        self._operation = operation

    def read(self) -> Message | None:
        try:
            return next(self._call)
        except StopIteration:
            return None
        except grpc.RpcError as error:
            raise to_gateway_error(error, operation=self._operation) from None

    def cancel(self) -> None:
        self._call.cancel()


class AsyncStream:
    """The asyncio twin of :class:`SyncStream`."""

    def __init__(self, call: Any, operation: str) -> None:
        self._call = call
        self._operation = operation
        self._cancelled = False

    async def read(self) -> Message | None:
        try:
            message = await self._call.read()
        except grpc.RpcError as error:
            raise to_gateway_error(error, operation=self._operation) from None
        except asyncio.CancelledError:
            # grpc.aio reports our own cancel() this way; a cancelled *task*
            # must still propagate.
            if self._cancelled:
                return None
            raise
        if message is grpc_aio.EOF:
            return None
        return message

    def cancel(self) -> None:
        self._cancelled = True
        self._call.cancel()
