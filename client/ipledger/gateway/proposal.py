"""Step 1 of a transaction: a signed chaincode proposal, evaluated or endorsed."""

from __future__ import annotations

import builtins
from typing import Generic

from . import _builder
from ._context import ClientT, Context
from ._parser import parse_transaction_envelope
from ._protos import Message, gateway_pb2
from ipledger.errors import ConfigurationError
from .errors import EndorseError

__all__: list[str] = []


class _ProposalBase(Generic[ClientT]):
    """A ``gateway.ProposedTransaction``: the proposal plus its target organisations."""

    def __init__(self, context: Context[ClientT], channel: str, proposed: Message) -> None:
        self._context: Context[ClientT] = context
        self._channel = channel
        self._proposed = proposed

    @property
    def transaction_id(self) -> str:
        result: str = self._proposed.transaction_id
        return result

    @property
    def bytes(self) -> builtins.bytes:
        """Serialized ``gateway.ProposedTransaction``, for offline signing."""
        result: builtins.bytes = self._proposed.SerializeToString()
        return result

    @property
    def digest(self) -> builtins.bytes:
        """What to sign: the hash of the proposal bytes."""
        return self._context.signing.digest(self._proposed.proposal.proposal_bytes)

    @property
    def is_signed(self) -> bool:
        return bool(self._proposed.proposal.signature)

    def _set_signature(self, signature: builtins.bytes) -> None:
        self._proposed.proposal.signature = signature

    def _sign(self) -> None:
        if not self.is_signed:
            self._set_signature(self._context.signing.sign(self.digest))

    def _evaluate_request(self) -> Message:
        self._sign()
        return _builder.evaluate_request(self._channel, self._proposed)

    def _endorse_request(self) -> Message:
        self._sign()
        return _builder.endorse_request(self._channel, self._proposed)

    def _prepared(self, response: Message) -> tuple[str, Message, builtins.bytes]:
        prepared = gateway_pb2.PreparedTransaction(
            transaction_id=self.transaction_id, envelope=response.prepared_transaction
        )
        try:
            channel, result = parse_transaction_envelope(prepared.envelope)
        except ConfigurationError as error:
            raise EndorseError(
                None, f"gateway returned an unreadable transaction: {error}", (), self.transaction_id
            ) from error
        return channel, prepared, result
