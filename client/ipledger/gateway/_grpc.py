"""The only module that calls gRPC stubs.

It applies the per-stage default deadlines and turns every ``grpc.RpcError``
into the typed error for the step that failed, with the gateway's error
details decoded from the status trailer.  The sync and asyncio clients share
everything except the ``await``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import grpc
from grpc import aio as grpc_aio

from ._parser import parse_error_details, transaction_id_of_commit_request
from ._protos import Message, events_pb2_grpc, gateway_pb2_grpc
from .errors import CommitStatusError, EndorseError, GatewayError, SubmitError
from .timeouts import Timeouts, TimeoutArg, resolve

__all__ = [
    "AsyncGatewayClient",
    "AsyncStream",
    "DELIVER_METHODS",
    "SyncGatewayClient",
    "SyncStream",
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
) -> GatewayError:
    """Map a ``grpc.RpcError`` (sync or aio) to ``error_type``.

    RPC errors raised by stubs are also ``grpc.Call`` objects, which is where
    the code, message and trailers live; anything else keeps its text.
    """
    code_fn = getattr(error, "code", None)
    details_fn = getattr(error, "details", None)
    trailers_fn = getattr(error, "trailing_metadata", None)
    code = code_fn() if callable(code_fn) else None
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


class _ClientBase:
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


class SyncGatewayClient(_ClientBase):
    """Blocking calls over a ``grpc.Channel``."""

    def evaluate(self, request: Message, timeout: TimeoutArg) -> Message:
        try:
            return self._gateway.Evaluate(request, timeout=resolve(timeout, self.timeouts.evaluate))
        except grpc.RpcError as error:
            raise to_gateway_error(
                error, transaction_id=request.transaction_id, operation="evaluate"
            ) from None

    def endorse(self, request: Message, timeout: TimeoutArg) -> Message:
        try:
            return self._gateway.Endorse(request, timeout=resolve(timeout, self.timeouts.endorse))
        except grpc.RpcError as error:
            raise to_gateway_error(error, EndorseError, transaction_id=request.transaction_id) from None

    def submit(self, request: Message, timeout: TimeoutArg) -> Message:
        try:
            return self._gateway.Submit(request, timeout=resolve(timeout, self.timeouts.submit))
        except grpc.RpcError as error:
            raise to_gateway_error(error, SubmitError, transaction_id=request.transaction_id) from None

    def commit_status(self, request: Message, timeout: TimeoutArg) -> Message:
        try:
            return self._gateway.CommitStatus(request, timeout=resolve(timeout, self.timeouts.commit_status))
        except grpc.RpcError as error:
            raise to_gateway_error(
                error, CommitStatusError, transaction_id=transaction_id_of_commit_request(request)
            ) from None

    def chaincode_events(self, request: Message) -> SyncStream:
        return SyncStream(self._gateway.ChaincodeEvents(request), "chaincode events")

    def deliver(self, flavour: str, envelope: Message) -> SyncStream:
        method = getattr(self._deliver, DELIVER_METHODS[flavour])
        # One envelope, then half-close: the peer serves that SeekInfo until
        # its stop position (the end of time) before it reads again.
        return SyncStream(method(iter([envelope])), f"{flavour.replace('_', ' ')} events")


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


class AsyncGatewayClient(_ClientBase):
    """Awaitable calls over a ``grpc.aio.Channel``."""

    async def evaluate(self, request: Message, timeout: TimeoutArg) -> Message:
        try:
            return await self._gateway.Evaluate(request, timeout=resolve(timeout, self.timeouts.evaluate))
        except grpc.RpcError as error:
            raise to_gateway_error(
                error, transaction_id=request.transaction_id, operation="evaluate"
            ) from None

    async def endorse(self, request: Message, timeout: TimeoutArg) -> Message:
        try:
            return await self._gateway.Endorse(request, timeout=resolve(timeout, self.timeouts.endorse))
        except grpc.RpcError as error:
            raise to_gateway_error(error, EndorseError, transaction_id=request.transaction_id) from None

    async def submit(self, request: Message, timeout: TimeoutArg) -> Message:
        try:
            return await self._gateway.Submit(request, timeout=resolve(timeout, self.timeouts.submit))
        except grpc.RpcError as error:
            raise to_gateway_error(error, SubmitError, transaction_id=request.transaction_id) from None

    async def commit_status(self, request: Message, timeout: TimeoutArg) -> Message:
        try:
            return await self._gateway.CommitStatus(
                request, timeout=resolve(timeout, self.timeouts.commit_status)
            )
        except grpc.RpcError as error:
            raise to_gateway_error(
                error, CommitStatusError, transaction_id=transaction_id_of_commit_request(request)
            ) from None

    def chaincode_events(self, request: Message) -> AsyncStream:
        return AsyncStream(self._gateway.ChaincodeEvents(request), "chaincode events")

    def deliver(self, flavour: str, envelope: Message) -> AsyncStream:
        method = getattr(self._deliver, DELIVER_METHODS[flavour])
        return AsyncStream(method(iter([envelope])), f"{flavour.replace('_', ' ')} events")
