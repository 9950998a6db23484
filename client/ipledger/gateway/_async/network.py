"""A Fabric channel as seen through the gateway: contracts and event streams."""

from __future__ import annotations

from .event_stream import AsyncEventStream
from .grpc_client import AsyncGatewayClient
from .._protos import Message
from ..block_events import BLOCK, BLOCK_AND_PRIVATE_DATA, FILTERED_BLOCK
from ..chaincode_events import ChaincodeEvent
from ..checkpointers import Checkpoint
from ..network import _NetworkBase
from ..reconnect import ReconnectPolicy
from .block_events import AsyncBlockEventsRequest
from .chaincode_events import AsyncChaincodeEventsRequest
from .contract import AsyncContract

__all__ = ["AsyncNetwork"]


class AsyncNetwork(_NetworkBase[AsyncGatewayClient]):
    # unasync: async-only
    """The asyncio twin of :class:`Network`; event streams are ``async for`` iterators."""
    # unasync: end
    # unasync: sync-only
    # """One channel: ``get_contract()``, chaincode events and block events."""
    # unasync: end

    def get_contract(self, chaincode_name: str, contract_name: str | None = None) -> AsyncContract:
        return AsyncContract(self._context, self.name, chaincode_name, contract_name)

    def new_chaincode_events_request(
        self, chaincode_name: str, *, start_block: int | None = None, checkpoint: Checkpoint | None = None
    ) -> AsyncChaincodeEventsRequest:
        """An unsigned chaincode events request, for offline signing."""
        signed, request = self._chaincode_events_protos(chaincode_name, start_block, checkpoint)
        return AsyncChaincodeEventsRequest(self._context, signed, request)

    def chaincode_events(
        self,
        chaincode_name: str,
        start_block: int | None = None,
        checkpoint: Checkpoint | None = None,
        *,
        reconnect: ReconnectPolicy | None = None,
    ) -> AsyncEventStream[ChaincodeEvent]:
        """Events of one chaincode, from ``checkpoint``, else ``start_block``, else the next commit."""
        request = self.new_chaincode_events_request(chaincode_name, start_block=start_block, checkpoint=checkpoint)
        return request.events(reconnect=reconnect)

    def new_block_events_request(
        self, *, start_block: int | None = None, checkpoint: Checkpoint | None = None
    ) -> AsyncBlockEventsRequest:
        return AsyncBlockEventsRequest(self._context, self._seek_envelope(start_block, checkpoint), BLOCK)

    def new_filtered_block_events_request(
        self, *, start_block: int | None = None, checkpoint: Checkpoint | None = None
    ) -> AsyncBlockEventsRequest:
        return AsyncBlockEventsRequest(self._context, self._seek_envelope(start_block, checkpoint), FILTERED_BLOCK)

    def new_block_and_private_data_events_request(
        self, *, start_block: int | None = None, checkpoint: Checkpoint | None = None
    ) -> AsyncBlockEventsRequest:
        return AsyncBlockEventsRequest(
            self._context, self._seek_envelope(start_block, checkpoint), BLOCK_AND_PRIVATE_DATA
        )

    def block_events(
        self, start_block: int | None = None, checkpoint: Checkpoint | None = None, *,
        reconnect: ReconnectPolicy | None = None,
    ) -> AsyncEventStream[Message]:
        """Full ``common.Block`` messages; checkpoint with ``checkpoint_block(n)``."""
        request = self.new_block_events_request(start_block=start_block, checkpoint=checkpoint)
        return request.events(reconnect=reconnect)

    def filtered_block_events(
        self, start_block: int | None = None, checkpoint: Checkpoint | None = None, *,
        reconnect: ReconnectPolicy | None = None,
    ) -> AsyncEventStream[Message]:
        """``peer.FilteredBlock`` messages: tx ids, validation codes, event names."""
        request = self.new_filtered_block_events_request(start_block=start_block, checkpoint=checkpoint)
        return request.events(reconnect=reconnect)

    def block_and_private_data_events(
        self, start_block: int | None = None, checkpoint: Checkpoint | None = None, *,
        reconnect: ReconnectPolicy | None = None,
    ) -> AsyncEventStream[Message]:
        """``peer.BlockAndPrivateData`` messages (private data the caller may read)."""
        request = self.new_block_and_private_data_events_request(start_block=start_block, checkpoint=checkpoint)
        return request.events(reconnect=reconnect)
