"""Step 2 of a transaction: the endorsed envelope, signed and sent for ordering."""

from __future__ import annotations

import builtins
from typing import Generic

import grpc

from . import _builder
from ._context import ClientT, Context
from ._protos import Message
from .errors import SubmitError

__all__ = ["already_ordered"]


class _TransactionBase(Generic[ClientT]):
    """A ``gateway.PreparedTransaction``: the envelope the gateway assembled."""

    def __init__(
        self, context: Context[ClientT], channel: str, prepared: Message, result: builtins.bytes
    ) -> None:
        self._context: Context[ClientT] = context
        self._channel = channel
        self._prepared = prepared
        self._result = result

    @property
    def result(self) -> builtins.bytes:
        """What the chaincode returned when it was endorsed."""
        return self._result

    @property
    def transaction_id(self) -> str:
        result: str = self._prepared.transaction_id
        return result

    @property
    def bytes(self) -> builtins.bytes:
        """Serialized ``gateway.PreparedTransaction``, for offline signing."""
        result: builtins.bytes = self._prepared.SerializeToString()
        return result

    @property
    def digest(self) -> builtins.bytes:
        """What to sign: the hash of the envelope payload."""
        return self._context.signing.digest(self._prepared.envelope.payload)

    @property
    def is_signed(self) -> bool:
        return bool(self._prepared.envelope.signature)

    def _set_signature(self, signature: builtins.bytes) -> None:
        self._prepared.envelope.signature = signature

    def _prepare_submit(self) -> tuple[Message, Message]:
        """Sign if needed, then build the Submit request and the commit status request.

        The commit status request is built -- and, when a signer is present,
        signed -- *before* Submit, like the official client: once the
        transaction is on its way to the orderers, a signing failure must not
        leave the caller unable to learn its fate.
        """
        signing = self._context.signing
        if not self.is_signed:
            self._set_signature(signing.sign(self.digest))
        status_request = _builder.build_commit_status_request(
            creator=signing.creator, channel=self._channel, transaction_id=self.transaction_id
        )
        if signing.signer is not None:
            status_request.signature = signing.sign(signing.digest(status_request.request))
        return _builder.submit_request(self._channel, self._prepared), status_request


def already_ordered(error: SubmitError) -> bool:
    """True when a BFT submit was refused only because consensus already had the transaction.

    The peer gateway sends a transaction to every orderer and wants a quorum of acceptances; an orderer
    that already received it from a peer orderer answers "request already processed", which counts as a
    refusal (hyperledger/fabric#4415). Such a transaction is on its way into a block, so the commit status
    - not the submit error - tells its fate.
    """
    return error.grpc_code == grpc.StatusCode.UNAVAILABLE and any(
        "already processed" in detail.message for detail in error.details)
