"""A Fabric channel as seen through the gateway: contracts and event streams."""

from __future__ import annotations

from typing import Generic

from . import _builder
from ._context import ClientT, Context
from ._parser import ParsedSeekEnvelope
from ._protos import Message, gateway_pb2
from .checkpointers import Checkpoint

__all__: list[str] = []


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
