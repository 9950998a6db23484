"""Chaincode events from the gateway's ChaincodeEvents stream."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Generic

from . import _builder
from ._context import ClientT, Context
from ._protos import Message
from ._signing_identity import SigningIdentity

__all__ = ["ChaincodeEvent"]

_OPERATION = "chaincode events"


@dataclass(frozen=True)
class ChaincodeEvent:
    """An event a chaincode set in a transaction that committed VALID."""

    block_number: int
    transaction_id: str
    chaincode_name: str
    event_name: str
    payload: bytes


class _ChaincodeEventsCursor:
    """Turns responses into events and resumes after the last delivered one.

    The gateway skips everything up to and including ``after_transaction_id``
    in the given block, so (block, tx) of the last delivered event is an exact
    resume point: nothing lost, nothing repeated.
    """

    def __init__(self, signing: SigningIdentity, request: Message, original: Message) -> None:
        self._signing = signing
        self._channel: str = request.channel_id
        self._chaincode: str = request.chaincode_id
        self._original = original
        self._position: tuple[int, str] | None = None

    def items(self, response: Message) -> list[ChaincodeEvent]:
        block = int(response.block_number)
        return [
            ChaincodeEvent(block, event.tx_id, event.chaincode_id, event.event_name, event.payload)
            for event in response.events
        ]

    def delivered(self, item: ChaincodeEvent) -> None:
        self._position = (item.block_number, item.transaction_id)

    def resume_request(self) -> Message:
        if self._position is None:
            # The request carries no timestamp, so the original stays valid.
            return self._original
        block, transaction_id = self._position
        signed = _builder.build_chaincode_events_request(
            creator=self._signing.creator,
            channel=self._channel,
            chaincode=self._chaincode,
            start=_builder.seek_specified(block),
            after_transaction_id=transaction_id,
        )
        signed.signature = self._signing.sign(self._signing.digest(signed.request))
        return signed


class _ChaincodeEventsRequestBase(Generic[ClientT]):
    """A ``gateway.SignedChaincodeEventsRequest``, signable offline."""

    def __init__(self, context: Context[ClientT], signed_request: Message, request: Message) -> None:
        self._context: Context[ClientT] = context
        self._signed = signed_request
        self._request = request

    @property
    def bytes(self) -> builtins.bytes:
        """Serialized ``gateway.SignedChaincodeEventsRequest``, for offline signing."""
        result: builtins.bytes = self._signed.SerializeToString()
        return result

    @property
    def digest(self) -> builtins.bytes:
        return self._context.signing.digest(self._signed.request)

    @property
    def is_signed(self) -> bool:
        return bool(self._signed.signature)

    def _set_signature(self, signature: builtins.bytes) -> None:
        self._signed.signature = signature

    def _signed_request(self) -> Message:
        if not self.is_signed:
            self._set_signature(self._context.signing.sign(self.digest))
        return self._signed

    def _cursor(self) -> _ChaincodeEventsCursor:
        return _ChaincodeEventsCursor(self._context.signing, self._request, self._signed)
