# generated from client/ipledger/gateway/_async/network.py by scripts/unasync.py - do not edit; run ./scripts/generate
"""A Fabric channel as seen through the gateway: contracts and event streams."""

from __future__ import annotations

from .event_stream import EventStream
from .grpc_client import SyncGatewayClient
from .._protos import Message
from ..block_events import BLOCK, BLOCK_AND_PRIVATE_DATA, FILTERED_BLOCK
from ..chaincode_events import ChaincodeEvent
from ..checkpointers import Checkpoint
from ..network import _NetworkBase
from ..reconnect import ReconnectPolicy
from .block_events import BlockEventsRequest
from .chaincode_events import ChaincodeEventsRequest
from .contract import Contract

__all__ = ["Network"]


class Network(_NetworkBase[SyncGatewayClient]):
    """One channel: ``get_contract()``, chaincode events and block events."""

    def get_contract(self, chaincode_name: str, contract_name: str | None = None) -> Contract:
        return Contract(self._context, self.name, chaincode_name, contract_name)

    def new_chaincode_events_request(
        self, chaincode_name: str, *, start_block: int | None = None, checkpoint: Checkpoint | None = None
    ) -> ChaincodeEventsRequest:
        """An unsigned chaincode events request, for offline signing."""
        signed, request = self._chaincode_events_protos(chaincode_name, start_block, checkpoint)
        return ChaincodeEventsRequest(self._context, signed, request)

    def chaincode_events(
        self,
        chaincode_name: str,
        start_block: int | None = None,
        checkpoint: Checkpoint | None = None,
        *,
        reconnect: ReconnectPolicy | None = None,
    ) -> EventStream[ChaincodeEvent]:
        """Events of one chaincode, from ``checkpoint``, else ``start_block``, else the next commit."""
        request = self.new_chaincode_events_request(chaincode_name, start_block=start_block, checkpoint=checkpoint)
        return request.events(reconnect=reconnect)

    def new_block_events_request(
        self, *, start_block: int | None = None, checkpoint: Checkpoint | None = None
    ) -> BlockEventsRequest:
        return BlockEventsRequest(self._context, self._seek_envelope(start_block, checkpoint), BLOCK)

    def new_filtered_block_events_request(
        self, *, start_block: int | None = None, checkpoint: Checkpoint | None = None
    ) -> BlockEventsRequest:
        return BlockEventsRequest(self._context, self._seek_envelope(start_block, checkpoint), FILTERED_BLOCK)

    def new_block_and_private_data_events_request(
        self, *, start_block: int | None = None, checkpoint: Checkpoint | None = None
    ) -> BlockEventsRequest:
        return BlockEventsRequest(
            self._context, self._seek_envelope(start_block, checkpoint), BLOCK_AND_PRIVATE_DATA
        )

    def block_events(
        self, start_block: int | None = None, checkpoint: Checkpoint | None = None, *,
        reconnect: ReconnectPolicy | None = None,
    ) -> EventStream[Message]:
        """Full ``common.Block`` messages; checkpoint with ``checkpoint_block(n)``."""
        request = self.new_block_events_request(start_block=start_block, checkpoint=checkpoint)
        return request.events(reconnect=reconnect)

    def filtered_block_events(
        self, start_block: int | None = None, checkpoint: Checkpoint | None = None, *,
        reconnect: ReconnectPolicy | None = None,
    ) -> EventStream[Message]:
        """``peer.FilteredBlock`` messages: tx ids, validation codes, event names."""
        request = self.new_filtered_block_events_request(start_block=start_block, checkpoint=checkpoint)
        return request.events(reconnect=reconnect)

    def block_and_private_data_events(
        self, start_block: int | None = None, checkpoint: Checkpoint | None = None, *,
        reconnect: ReconnectPolicy | None = None,
    ) -> EventStream[Message]:
        """``peer.BlockAndPrivateData`` messages (private data the caller may read)."""
        request = self.new_block_and_private_data_events_request(start_block=start_block, checkpoint=checkpoint)
        return request.events(reconnect=reconnect)
