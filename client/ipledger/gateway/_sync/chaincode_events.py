# generated from client/ipledger/gateway/_async/chaincode_events.py by scripts/unasync.py - do not edit; run ./scripts/generate
"""Chaincode events from the gateway's ChaincodeEvents stream."""

from __future__ import annotations

from .event_stream import EventStream
from .grpc_client import SyncGatewayClient
from ..chaincode_events import _OPERATION, ChaincodeEvent, _ChaincodeEventsRequestBase
from ..reconnect import ReconnectPolicy

__all__ = ["ChaincodeEventsRequest"]


class ChaincodeEventsRequest(_ChaincodeEventsRequestBase[SyncGatewayClient]):
    def events(self, *, reconnect: ReconnectPolicy | None = None) -> EventStream[ChaincodeEvent]:
        """Open the stream (signing first if needed); iterate, then ``close()``."""
        client = self._context.client
        stream = EventStream(
            client.chaincode_events, self._signed_request(), self._cursor(), reconnect, _OPERATION
        )
        self._context.streams.add(stream)
        return stream
