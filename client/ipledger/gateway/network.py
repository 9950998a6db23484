"""A Fabric channel as seen through the gateway: contracts and event streams."""

from __future__ import annotations

from typing import Generic

from . import _builder
from ._context import ClientT, Context
from ._event_stream import AsyncEventStream, EventStream
from ._grpc import AsyncGatewayClient, SyncGatewayClient
from ._parser import ParsedSeekEnvelope
from ._protos import Message, gateway_pb2
from .block_events import (
    BLOCK,
    BLOCK_AND_PRIVATE_DATA,
    FILTERED_BLOCK,
    AsyncBlockEventsRequest,
    BlockEventsRequest,
)
from .chaincode_events import AsyncChaincodeEventsRequest, ChaincodeEvent, ChaincodeEventsRequest
from .checkpointers import Checkpoint
from .contract import AsyncContract, Contract
from .reconnect import ReconnectPolicy

__all__ = ["AsyncNetwork", "Network"]


def _position(start_block: int | None, checkpoint: Checkpoint | None) -> tuple[Message, str]:
    if checkpoint is None:
        return _builder.start_position(start_block, None, None)
    return _builder.start_position(start_block, checkpoint.block_number, checkpoint.transaction_id)


class _NetworkBase(Generic[ClientT]):
    def __init__(self, context: Context[ClientT], name: str) -> None:
        self._context: Context[ClientT] = context
        self.name = name

    def _chaincode_events_protos(
        self, chaincode: str, start_block: int | None, checkpoint: Checkpoint | None
    ) -> tuple[Message, Message]:
        start, after_transaction_id = _position(start_block, checkpoint)
        signed = _builder.build_chaincode_events_request(
            creator=self._context.signing.creator,
            channel=self.name,
            chaincode=chaincode,
            start=start,
            after_transaction_id=after_transaction_id,
        )
        return signed, gateway_pb2.ChaincodeEventsRequest.FromString(signed.request)

    def _seek_envelope(self, start_block: int | None, checkpoint: Checkpoint | None) -> ParsedSeekEnvelope:
        # Block events resume by block number only; a transaction id in the
        # checkpoint means that block was not finished, so it is read again.
        start, _ = _position(start_block, checkpoint)
        tls_hash = self._context.tls_certificate_hash
        envelope = _builder.build_seek_envelope(
            creator=self._context.signing.creator, channel=self.name, start=start, tls_certificate_hash=tls_hash
        )
        return ParsedSeekEnvelope(envelope=envelope, channel=self.name,
                                  tls_certificate_hash=tls_hash or b"", start=start)


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


class AsyncNetwork(_NetworkBase[AsyncGatewayClient]):
    """The asyncio twin of :class:`Network`; event streams are ``async for`` iterators."""

    def get_contract(self, chaincode_name: str, contract_name: str | None = None) -> AsyncContract:
        return AsyncContract(self._context, self.name, chaincode_name, contract_name)

    def new_chaincode_events_request(
        self, chaincode_name: str, *, start_block: int | None = None, checkpoint: Checkpoint | None = None
    ) -> AsyncChaincodeEventsRequest:
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
        request = self.new_block_events_request(start_block=start_block, checkpoint=checkpoint)
        return request.events(reconnect=reconnect)

    def filtered_block_events(
        self, start_block: int | None = None, checkpoint: Checkpoint | None = None, *,
        reconnect: ReconnectPolicy | None = None,
    ) -> AsyncEventStream[Message]:
        request = self.new_filtered_block_events_request(start_block=start_block, checkpoint=checkpoint)
        return request.events(reconnect=reconnect)

    def block_and_private_data_events(
        self, start_block: int | None = None, checkpoint: Checkpoint | None = None, *,
        reconnect: ReconnectPolicy | None = None,
    ) -> AsyncEventStream[Message]:
        request = self.new_block_and_private_data_events_request(start_block=start_block, checkpoint=checkpoint)
        return request.events(reconnect=reconnect)
