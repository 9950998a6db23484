# generated from client/ipledger/gateway/_async/block_events.py by scripts/unasync.py - do not edit; run ./scripts/generate
"""Block events over ``protos.Deliver``: full, filtered, or with private data."""

from __future__ import annotations

from .event_stream import EventStream
from .grpc_client import SyncGatewayClient
from .._protos import Message
from ..block_events import _BlockEventsRequestBase
from ..reconnect import ReconnectPolicy

__all__ = ["BlockEventsRequest"]


class BlockEventsRequest(_BlockEventsRequestBase[SyncGatewayClient]):
    def events(self, *, reconnect: ReconnectPolicy | None = None) -> EventStream[Message]:
        """Open the Deliver stream; yields protobuf Block / FilteredBlock / BlockAndPrivateData."""
        client = self._context.client
        flavour = self.flavour
        stream: EventStream[Message] = EventStream(
            lambda envelope: client.deliver(flavour, envelope),
            self._signed_envelope(), self._cursor(), reconnect, self._operation,
        )
        self._context.streams.add(stream)
        return stream
