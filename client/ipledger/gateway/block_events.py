"""Block events over ``protos.Deliver``: full, filtered, or with private data."""

from __future__ import annotations

import builtins
from typing import Any, Generic

import grpc

from . import _builder
from ._context import ClientT, Context
from ._parser import ParsedSeekEnvelope
from ._protos import Message, common_pb2
from ._signing_identity import SigningIdentity
from .errors import GatewayError

__all__ = [
    "BLOCK",
    "BLOCK_AND_PRIVATE_DATA",
    "FILTERED_BLOCK",
]

#: Deliver flavours: the value is also the DeliverResponse field that carries the item.
BLOCK = "block"
FILTERED_BLOCK = "filtered_block"
BLOCK_AND_PRIVATE_DATA = "block_and_private_data"

# Deliver reports failures as a common.Status inside the stream; give them the
# gRPC code of the same meaning so callers and ReconnectPolicy see one scheme.
_STATUS_TO_GRPC: dict[int, Any] = {
    400: grpc.StatusCode.INVALID_ARGUMENT,
    403: grpc.StatusCode.PERMISSION_DENIED,
    404: grpc.StatusCode.NOT_FOUND,
    413: grpc.StatusCode.RESOURCE_EXHAUSTED,
    500: grpc.StatusCode.INTERNAL,
    501: grpc.StatusCode.UNIMPLEMENTED,
    503: grpc.StatusCode.UNAVAILABLE,
}
_SUCCESS = 200


def block_number_of(item: Message) -> int:
    """The number of a Block, FilteredBlock or BlockAndPrivateData."""
    if hasattr(item, "header"):
        return int(item.header.number)
    if hasattr(item, "private_data_map"):
        return int(item.block.header.number)
    return int(item.number)


class _BlockCursor:
    """Passes blocks through and resumes at the block after the last delivered one."""

    def __init__(self, signing: SigningIdentity, parsed: ParsedSeekEnvelope, flavour: str) -> None:
        self._signing = signing
        self._parsed = parsed
        self._flavour = flavour
        self._next_block: int | None = None

    def items(self, response: Message) -> list[Message]:
        kind = response.WhichOneof("Type")
        if kind == self._flavour:
            return [getattr(response, kind)]
        if kind == "status":
            status = int(response.status)
            if status == _SUCCESS:
                return []  # the requested range is complete; the stream ends next
            name = common_pb2.Status.Name(status) if status in common_pb2.Status.values() else str(status)
            raise GatewayError(
                _STATUS_TO_GRPC.get(status, grpc.StatusCode.UNKNOWN),
                f"deliver returned status {name} ({status})",
                operation=f"{self._flavour.replace('_', ' ')} events",
            )
        return []  # an item of another flavour: not ours to report

    def delivered(self, item: Message) -> None:
        self._next_block = block_number_of(item) + 1

    def resume_request(self) -> Message:
        """A freshly timestamped envelope: the peer rejects stale ones (time window)."""
        signing = self._signing
        if self._next_block is None and signing.signer is None:
            return self._parsed.envelope
        start = self._parsed.start if self._next_block is None else _builder.seek_specified(self._next_block)
        envelope = _builder.build_seek_envelope(
            creator=signing.creator,
            channel=self._parsed.channel,
            start=start,
            tls_certificate_hash=self._parsed.tls_certificate_hash or None,
        )
        envelope.signature = signing.sign(signing.digest(envelope.payload))
        return envelope


class _BlockEventsRequestBase(Generic[ClientT]):
    """A Deliver request envelope (``common.Envelope``), signable offline."""

    def __init__(self, context: Context[ClientT], parsed: ParsedSeekEnvelope, flavour: str) -> None:
        self._context: Context[ClientT] = context
        self._parsed = parsed
        self.flavour = flavour

    @property
    def bytes(self) -> builtins.bytes:
        """Serialized ``common.Envelope``, for offline signing."""
        result: builtins.bytes = self._parsed.envelope.SerializeToString()
        return result

    @property
    def digest(self) -> builtins.bytes:
        return self._context.signing.digest(self._parsed.envelope.payload)

    @property
    def is_signed(self) -> bool:
        return bool(self._parsed.envelope.signature)

    def _set_signature(self, signature: builtins.bytes) -> None:
        self._parsed.envelope.signature = signature

    def _signed_envelope(self) -> Message:
        if not self.is_signed:
            self._set_signature(self._context.signing.sign(self.digest))
        return self._parsed.envelope

    def _cursor(self) -> _BlockCursor:
        return _BlockCursor(self._context.signing, self._parsed, self.flavour)

    @property
    def _operation(self) -> str:
        return f"{self.flavour.replace('_', ' ')} events"
