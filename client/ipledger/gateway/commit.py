"""Step 3 of a transaction: ask the gateway whether (and how) it committed."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Generic

from ._context import ClientT, Context
from ._parser import validation_code_name
from ._protos import Message
from .errors import CommitError

__all__ = ["Status"]

_VALID = 0  # TxValidationCode.VALID


@dataclass(frozen=True)
class Status:
    """The outcome of a committed transaction.

    ``code`` is Fabric's ``TxValidationCode`` (0 = VALID); ``successful`` says
    whether it is VALID; ``block_number`` is the block that holds it.
    """

    code: int
    successful: bool
    block_number: int
    transaction_id: str

    @property
    def code_name(self) -> str:
        return validation_code_name(self.code)

    def raise_for_failure(self) -> None:
        """Raise :class:`CommitError` unless the transaction committed VALID."""
        if not self.successful:
            raise CommitError(self.transaction_id, self.code, self.code_name)


class _CommitBase(Generic[ClientT]):
    """A signed-or-unsigned ``gateway.SignedCommitStatusRequest`` for one transaction."""

    def __init__(self, context: Context[ClientT], transaction_id: str, signed_request: Message) -> None:
        self._context: Context[ClientT] = context
        self._transaction_id = transaction_id
        self._signed_request = signed_request

    @property
    def transaction_id(self) -> str:
        return self._transaction_id

    @property
    def bytes(self) -> builtins.bytes:
        """Serialized ``gateway.SignedCommitStatusRequest``, for offline signing."""
        result: builtins.bytes = self._signed_request.SerializeToString()
        return result

    @property
    def digest(self) -> builtins.bytes:
        """What to sign: the hash of the serialized ``CommitStatusRequest``."""
        return self._context.signing.digest(self._signed_request.request)

    @property
    def is_signed(self) -> bool:
        return bool(self._signed_request.signature)

    def _set_signature(self, signature: builtins.bytes) -> None:
        self._signed_request.signature = signature

    def _signed(self) -> Message:
        if not self.is_signed:
            self._set_signature(self._context.signing.sign(self.digest))
        return self._signed_request

    def _to_status(self, response: Message) -> Status:
        code = int(response.result)
        return Status(
            code=code,
            successful=code == _VALID,
            block_number=int(response.block_number),
            transaction_id=self._transaction_id,
        )
