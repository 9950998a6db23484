"""Block events over ``protos.Deliver``: full, filtered, or with private data."""

from __future__ import annotations

from .event_stream import AsyncEventStream
from .grpc_client import AsyncGatewayClient
from .._protos import Message
from ..block_events import _BlockEventsRequestBase
from ..reconnect import ReconnectPolicy

__all__ = ["AsyncBlockEventsRequest"]


class AsyncBlockEventsRequest(_BlockEventsRequestBase[AsyncGatewayClient]):
    def events(self, *, reconnect: ReconnectPolicy | None = None) -> AsyncEventStream[Message]:
        # unasync: async-only
        """The Deliver stream as an async iterator; it connects on first ``__anext__``."""
        # unasync: end
        # unasync: sync-only
        # """Open the Deliver stream; yields protobuf Block / FilteredBlock / BlockAndPrivateData."""
        # unasync: end
        client = self._context.client
        flavour = self.flavour
        stream: AsyncEventStream[Message] = AsyncEventStream(
            lambda envelope: client.deliver(flavour, envelope),
            self._signed_envelope(), self._cursor(), reconnect, self._operation,
        )
        self._context.streams.add(stream)
        return stream
