"""Chaincode events from the gateway's ChaincodeEvents stream."""

from __future__ import annotations

from .event_stream import AsyncEventStream
from .grpc_client import AsyncGatewayClient
from ..chaincode_events import _OPERATION, ChaincodeEvent, _ChaincodeEventsRequestBase
from ..reconnect import ReconnectPolicy

__all__ = ["AsyncChaincodeEventsRequest"]


class AsyncChaincodeEventsRequest(_ChaincodeEventsRequestBase[AsyncGatewayClient]):
    def events(self, *, reconnect: ReconnectPolicy | None = None) -> AsyncEventStream[ChaincodeEvent]:
        # unasync: async-only
        """The stream as an async iterator; it connects on the first ``__anext__``."""
        # unasync: end
        # unasync: sync-only
        # """Open the stream (signing first if needed); iterate, then ``close()``."""
        # unasync: end
        client = self._context.client
        stream = AsyncEventStream(
            client.chaincode_events, self._signed_request(), self._cursor(), reconnect, _OPERATION
        )
        self._context.streams.add(stream)
        return stream
