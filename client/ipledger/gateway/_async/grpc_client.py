"""The only module that calls gRPC stubs: per-stage default deadlines, typed errors."""

from __future__ import annotations

import time

import grpc

from .._grpc import DELIVER_METHODS, AsyncStream, ClientBase, expired, to_gateway_error
from .._parser import transaction_id_of_commit_request
from .._protos import Message
from ..errors import CommitStatusError, EndorseError, SubmitError
from ..timeouts import TimeoutArg, resolve

__all__ = ["AsyncGatewayClient"]


class AsyncGatewayClient(ClientBase):
    # unasync: async-only
    """Awaitable calls over a ``grpc.aio.Channel``."""
    # unasync: end
    # unasync: sync-only
    # """Blocking calls over a ``grpc.Channel``."""
    # unasync: end

    async def evaluate(self, request: Message, timeout: TimeoutArg) -> Message:
        deadline, started = resolve(timeout, self.timeouts.evaluate), time.monotonic()
        try:
            return await self._gateway.Evaluate(request, timeout=deadline)
        except grpc.RpcError as error:
            raise to_gateway_error(
                error, transaction_id=request.transaction_id, operation="evaluate",
                deadline_expired=expired(started, deadline),
            ) from None

    async def endorse(self, request: Message, timeout: TimeoutArg) -> Message:
        deadline, started = resolve(timeout, self.timeouts.endorse), time.monotonic()
        try:
            return await self._gateway.Endorse(request, timeout=deadline)
        except grpc.RpcError as error:
            raise to_gateway_error(error, EndorseError, transaction_id=request.transaction_id,
                                   deadline_expired=expired(started, deadline)) from None

    async def submit(self, request: Message, timeout: TimeoutArg) -> Message:
        deadline, started = resolve(timeout, self.timeouts.submit), time.monotonic()
        try:
            return await self._gateway.Submit(request, timeout=deadline)
        except grpc.RpcError as error:
            raise to_gateway_error(error, SubmitError, transaction_id=request.transaction_id,
                                   deadline_expired=expired(started, deadline)) from None

    async def commit_status(self, request: Message, timeout: TimeoutArg) -> Message:
        deadline, started = resolve(timeout, self.timeouts.commit_status), time.monotonic()
        try:
            return await self._gateway.CommitStatus(request, timeout=deadline)
        except grpc.RpcError as error:
            raise to_gateway_error(
                error, CommitStatusError, transaction_id=transaction_id_of_commit_request(request),
                deadline_expired=expired(started, deadline),
            ) from None

    def chaincode_events(self, request: Message) -> AsyncStream:
        return AsyncStream(self._gateway.ChaincodeEvents(request), "chaincode events")

    def deliver(self, flavour: str, envelope: Message) -> AsyncStream:
        method = getattr(self._deliver, DELIVER_METHODS[flavour])
        # One envelope, then half-close: the peer serves that SeekInfo until
        # its stop position (the end of time) before it reads again.
        return AsyncStream(method(iter([envelope])), f"{flavour.replace('_', ' ')} events")
