"""Typed errors of the Fabric Gateway client, one per step that can fail.

Every class has a stable ``code`` string (inherited contract of
:class:`ipledger.errors.IpledgerError`).  Errors that come from a gRPC call keep
the gRPC status code, the status message, the per-peer :class:`ErrorDetail`
list the gateway attached, and the transaction id, so a caller can always tell
*which* transaction failed *where* and *why*.

The gateway also raises :class:`ipledger.errors.ConfigurationError` and :class:`ipledger.errors.ConnectionError`,
which it shares with the credentials (profiles, wallets, Fabric CA).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from ipledger.errors import ConfigurationError, IpledgerError

__all__ = [
    "CheckpointError",
    "CommitError",
    "CommitStatusError",
    "EndorseError",
    "ErrorDetail",
    "GatewayError",
    "NoSignerError",
    "SubmitError",
]

# The peer's own words when a request timestamp falls outside its time window:
# core/handlers/auth/filter/timewindow.go ("incorrect timestamp ...
# peer.authentication.timewindow") and common/deliver/deliver.go ("envelope
# timestamp ... apart from current server time").  "skew"/"too far" cover
# wordings of other components and future releases.
_CLOCK_SKEW = re.compile(
    r"incorrect timestamp|timewindow|time window|apart from current server time|skew|too far",
    re.IGNORECASE,
)

_CLOCK_SKEW_HINT = (
    "hint: the peer rejected the request timestamp as outside its time window "
    "(peer.authentication.timewindow, 15 minutes by default); check that this "
    "machine's clock agrees with the peer's, and re-create requests that were "
    "signed offline too long ago"
)

# The gateway reports a chaincode failure as "chaincode response <status>, <text>",
# either in the status message (evaluate) or in a per-endorser detail (endorse).
_CHAINCODE_RESPONSE = re.compile(r"chaincode response \d{3}, (.*)", re.DOTALL)


@dataclass(frozen=True)
class ErrorDetail:
    """What one peer or orderer said about a failed request (``gateway.ErrorDetail``)."""

    address: str
    msp_id: str
    message: str


class GatewayError(IpledgerError):
    """A gRPC call to the gateway peer failed.

    Raised as-is for evaluate and event streams; the transaction steps raise
    the subclasses below.  ``grpc_code`` is a ``grpc.StatusCode`` (``None`` for
    failures reported inside a Deliver stream, which have a Fabric status
    instead).
    """

    code: ClassVar[str] = "GATEWAY_FAILED"
    operation: str = "gateway"

    def __init__(
        self,
        grpc_code: Any,
        message: str,
        details: Iterable[ErrorDetail] = (),
        transaction_id: str | None = None,
        *,
        operation: str | None = None,
    ) -> None:
        self.grpc_code = grpc_code
        self.details: list[ErrorDetail] = list(details)
        self.transaction_id = transaction_id
        if operation is not None:
            self.operation = operation
        super().__init__(message)

    @property
    def grpc_code_name(self) -> str | None:
        """The gRPC status code's name, such as ``"ABORTED"``."""
        if self.grpc_code is None:
            return None
        name = getattr(self.grpc_code, "name", None)
        return name if isinstance(name, str) else str(self.grpc_code)

    @property
    def clock_skew(self) -> bool:
        """True when the peer rejected the request's timestamp."""
        texts = [self.message, *(detail.message for detail in self.details)]
        return any(_CLOCK_SKEW.search(text) for text in texts)

    def chaincode_message(self) -> str | None:
        """The chaincode's own error text, or ``None`` if no chaincode failed.

        Details come first because for endorse they carry the endorsers'
        answers, while the status message only says that endorsement failed.
        """
        for text in [*(detail.message for detail in self.details), self.message]:
            match = _CHAINCODE_RESPONSE.search(text)
            if match:
                return match.group(1)
        return None

    def __str__(self) -> str:
        head = f"{self.operation} error"
        if self.grpc_code_name:
            head += f": {self.grpc_code_name}"
        head += f": {self.message}"
        if self.transaction_id:
            head += f" (transaction {self.transaction_id})"
        lines = [head]
        if self.details:
            lines.append("Details:")
            for detail in self.details:
                lines.append(f"  - {detail.address} ({detail.msp_id}): {detail.message}")
        if self.clock_skew:
            lines.append(_CLOCK_SKEW_HINT)
        return "\n".join(lines)


class EndorseError(GatewayError):
    """The Endorse call failed: the proposal was not endorsed, nothing was ordered."""

    code: ClassVar[str] = "ENDORSE_FAILED"
    operation = "endorse"


class SubmitError(GatewayError):
    """The Submit call failed: not enough orderers acknowledged the transaction.

    Its fate is unknown, not negative: an orderer may have received it and still order it (the fault suite sees
    such transactions commit). Submitting the same :class:`Transaction` again is safe (the same transaction id
    commits at most once); a new proposal is not, unless the transaction is idempotent.
    """

    code: ClassVar[str] = "SUBMIT_FAILED"
    operation = "submit"


class CommitStatusError(GatewayError):
    """The CommitStatus call failed; the transaction may or may not have committed."""

    code: ClassVar[str] = "COMMIT_STATUS_FAILED"
    operation = "commit status"


class CommitError(IpledgerError):
    """The transaction was committed to a block but marked invalid.

    ``code`` stays the stable string of every ipledger error, so the Fabric
    ``TxValidationCode`` lives in ``validation_code`` (and ``code_name``).
    """

    code: ClassVar[str] = "COMMIT_FAILED"

    def __init__(self, transaction_id: str, validation_code: int, code_name: str) -> None:
        self.transaction_id = transaction_id
        self.validation_code = validation_code
        self.code_name = code_name
        super().__init__(
            f"transaction {transaction_id} failed to commit with status code "
            f"{validation_code} ({code_name})"
        )


class NoSignerError(ConfigurationError):
    """Something had to be signed but the gateway has no signer (offline signing)."""

    code: ClassVar[str] = "SIGNER_MISSING"


class CheckpointError(IpledgerError):
    """A checkpoint file exists but cannot be read; refusing to guess a position."""

    code: ClassVar[str] = "CHECKPOINT_INVALID"
