"""Chaincode error codes as exception classes (CONTRACT.md §7).

The chaincode answers every refusal with ``<CODE>: <message>``.  The domain
API reads that text from the gateway error and raises the class registered
for the code, so callers write ``except NotFoundError`` instead of parsing
messages::

    ipledger.errors.IpledgerError
    └── LedgerError                  LEDGER_ERROR (also: a code this client does not know)
        ├── NotAuthorizedError       NOT_AUTHORIZED
        ├── UnknownOfficeError       UNKNOWN_OFFICE
        ├── ...                      one class per chaincode code
        ├── AccessCodeMismatchError  ACCESS_CODE_MISMATCH  (raised after commit, see below)
        ├── HashMismatchError        HASH_MISMATCH         (raised after commit)
        ├── UnexpectedResultError    UNEXPECTED_RESULT     (client side: unreadable result)
        └── DepositIncompleteError   DEPOSIT_INCOMPLETE    (client side: a deposit step failed)

Some outcomes are successful transactions that record a failure (a wrong
access code counts an attempt; a wrong document hash closes a retrieval as
ERROR).  They are committed first and then raised, with the committed
``transaction_id`` and the record, so the failure is both on the ledger and
impossible to overlook in code.

Gateway failures that carry no chaincode code (peer down, endorsement policy
failure, MVCC conflict) are *not* wrapped: they propagate as the gateway's
own typed errors (``EndorseError``, ``CommitError``, ``ConnectionError`` ...).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from ipledger.errors import IpledgerError

if TYPE_CHECKING:
    from ipledger.gateway.errors import GatewayError

    from .models import FirstFiling, RedemptionResult, Retrieval

__all__ = [
    "AccessCodeMismatchError",
    "AccessCodeNotSetError",
    "AccessLockedError",
    "AlreadyExistsError",
    "ClockSkewError",
    "DateMismatchError",
    "DepositIncompleteError",
    "DocumentUnavailableError",
    "FutureDateError",
    "HashMismatchError",
    "IncompatibleIpTypeError",
    "InternalLedgerError",
    "InvalidApplicationNumberError",
    "InvalidArgumentError",
    "InvalidDateError",
    "InvalidOfficeCodeError",
    "InvalidTransitionError",
    "LedgerError",
    "NoGrantError",
    "NotAuthorizedError",
    "NotFoundError",
    "OfficeSuspendedError",
    "PriorityDateNotEarlierError",
    "PriorityPeriodExpiredError",
    "RestorationNotAvailableError",
    "RoleNotAllowedError",
    "UnexpectedResultError",
    "UnknownOfficeError",
    "WrongEndorserError",
    "error_class_for",
    "ledger_error_from",
    "parse_chaincode_error",
]

# The chaincode's wire format: "<CODE>: <message>" (errs.Error.Error()).
_CODED = re.compile(r"^([A-Z][A-Z0-9_]*): (.*)$", re.DOTALL)


class LedgerError(IpledgerError):
    """The ledger refused a request.

    ``chaincode_code`` is the code the chaincode sent (equal to ``code`` for
    the specific subclasses; for a code this client does not know yet it is
    that code while ``code`` stays ``LEDGER_ERROR``).  ``transaction_id`` is
    set when the refusal belongs to a known transaction.
    """

    code: ClassVar[str] = "LEDGER_ERROR"

    def __init__(self, message: str, *, chaincode_code: str | None = None,
                 transaction_id: str | None = None) -> None:
        super().__init__(message)
        self.chaincode_code = chaincode_code or (self.code if self.code in _REGISTRY else None)
        self.transaction_id = transaction_id

    def __str__(self) -> str:
        prefix = self.chaincode_code or self.code
        return f"{prefix}: {self.message}"


_REGISTRY: dict[str, type[LedgerError]] = {}


def _coded(cls: type[LedgerError]) -> type[LedgerError]:
    _REGISTRY[cls.code] = cls
    return cls


@_coded
class NotAuthorizedError(LedgerError):
    """The caller is not the owner of the record or not allowed to do this."""

    code: ClassVar[str] = "NOT_AUTHORIZED"


@_coded
class UnknownOfficeError(LedgerError):
    """The caller's MSP or a referenced office is not registered, or the code is unassigned / XX."""

    code: ClassVar[str] = "UNKNOWN_OFFICE"


@_coded
class OfficeSuspendedError(LedgerError):
    """The calling (or granted) office is suspended."""

    code: ClassVar[str] = "OFFICE_SUSPENDED"


@_coded
class RoleNotAllowedError(LedgerError):
    """The office lacks the depositing/accessing role for this IP right."""

    code: ClassVar[str] = "ROLE_NOT_ALLOWED"


@_coded
class InvalidArgumentError(LedgerError):
    """Malformed JSON, bad enum, length, charset, page size, bookmark or transient data."""

    code: ClassVar[str] = "INVALID_ARGUMENT"


@_coded
class InvalidOfficeCodeError(LedgerError):
    """An office code that is not two upper-case letters."""

    code: ClassVar[str] = "INVALID_OFFICE_CODE"


@_coded
class InvalidApplicationNumberError(LedgerError):
    """An application number failing the charset, office pattern or PCT format rules."""

    code: ClassVar[str] = "INVALID_APPLICATION_NUMBER"


@_coded
class InvalidDateError(LedgerError):
    """Not a real YYYY-MM-DD date in range, or dates inconsistent with each other."""

    code: ClassVar[str] = "INVALID_DATE"


@_coded
class FutureDateError(LedgerError):
    """A date after today + 1 day."""

    code: ClassVar[str] = "FUTURE_DATE"


@_coded
class AlreadyExistsError(LedgerError):
    """Duplicate record, grant, approval or open proposal."""

    code: ClassVar[str] = "ALREADY_EXISTS"


@_coded
class NotFoundError(LedgerError):
    """The record does not exist."""

    code: ClassVar[str] = "NOT_FOUND"


@_coded
class DateMismatchError(LedgerError):
    """The filing date differs from the deposited first filing's (the expected date is never echoed)."""

    code: ClassVar[str] = "DATE_MISMATCH"


@_coded
class AccessCodeNotSetError(LedgerError):
    """Redemption before the depositing office set an access code."""

    code: ClassVar[str] = "ACCESS_CODE_NOT_SET"


@_coded
class AccessCodeMismatchError(LedgerError):
    """A wrong access code.  The attempt is committed (it counts), then this is raised.

    ``result`` holds the committed counters (``failed_attempts``,
    ``remaining_attempts``, ``locked``).
    """

    code: ClassVar[str] = "ACCESS_CODE_MISMATCH"

    def __init__(self, message: str, *, chaincode_code: str | None = None,
                 transaction_id: str | None = None, result: RedemptionResult | None = None) -> None:
        super().__init__(message, chaincode_code=chaincode_code, transaction_id=transaction_id)
        self.result = result


@_coded
class AccessLockedError(LedgerError):
    """Five failed redemptions for this document and office; the owner must reset the lock."""

    code: ClassVar[str] = "ACCESS_LOCKED"


@_coded
class NoGrantError(LedgerError):
    """The office has no ACTIVE grant for the first filing."""

    code: ClassVar[str] = "NO_GRANT"


@_coded
class DocumentUnavailableError(LedgerError):
    """The first filing was withdrawn."""

    code: ClassVar[str] = "DOCUMENT_UNAVAILABLE"


@_coded
class HashMismatchError(LedgerError):
    """The retrieved document's hash differs from the deposited one.

    The retrieval is committed as ERROR (the audit keeps it), then this is
    raised with the committed ``retrieval``.
    """

    code: ClassVar[str] = "HASH_MISMATCH"

    def __init__(self, message: str, *, chaincode_code: str | None = None,
                 transaction_id: str | None = None, retrieval: Retrieval | None = None) -> None:
        super().__init__(message, chaincode_code=chaincode_code, transaction_id=transaction_id)
        self.retrieval = retrieval


@_coded
class PriorityDateNotEarlierError(LedgerError):
    """The priority date is not before the later application's filing date."""

    code: ClassVar[str] = "PRIORITY_DATE_NOT_EARLIER"


@_coded
class IncompatibleIpTypeError(LedgerError):
    """The IP rights cannot claim each other's priority (Paris 4C(1), 4E)."""

    code: ClassVar[str] = "INCOMPATIBLE_IP_TYPE"


@_coded
class PriorityPeriodExpiredError(LedgerError):
    """The later application was filed after the (restoration) period."""

    code: ClassVar[str] = "PRIORITY_PERIOD_EXPIRED"


@_coded
class RestorationNotAvailableError(LedgerError):
    """Late within two months, but the office does not restore (or not on that criterion, or too late)."""

    code: ClassVar[str] = "RESTORATION_NOT_AVAILABLE"


@_coded
class InvalidTransitionError(LedgerError):
    """The record's state machine forbids the change."""

    code: ClassVar[str] = "INVALID_TRANSITION"


@_coded
class WrongEndorserError(LedgerError):
    """``RedeemAccessCode`` ran on a peer that cannot read the owner's private data (a client bug)."""

    code: ClassVar[str] = "WRONG_ENDORSER"


@_coded
class ClockSkewError(LedgerError):
    """The request's timestamp is more than 10 minutes from the endorsing peer's clock: fix the client's clock."""

    code: ClassVar[str] = "CLOCK_SKEW"


@_coded
class InternalLedgerError(LedgerError):
    """An unexpected ledger or serialisation failure inside the chaincode."""

    code: ClassVar[str] = "INTERNAL"


class UnexpectedResultError(LedgerError):
    """The chaincode answered with something this client cannot read (a version mismatch)."""

    code: ClassVar[str] = "UNEXPECTED_RESULT"


class DepositIncompleteError(LedgerError):
    """The first filing was deposited but setting its confidential data or access code failed.

    ``filing`` is the committed first filing; ``cause`` the failure of the
    follow-up step.  Repeat the missing step with ``set_filing_confidential``
    or ``set_access_code``.
    """

    code: ClassVar[str] = "DEPOSIT_INCOMPLETE"

    def __init__(self, message: str, *, filing: FirstFiling, cause: BaseException,
                 missing: tuple[str, ...]) -> None:
        super().__init__(message)
        self.filing = filing
        self.cause = cause
        self.missing = missing


def error_class_for(code: str) -> type[LedgerError]:
    """The class raised for chaincode ``code`` (``LedgerError`` for unknown codes)."""
    return _REGISTRY.get(code, LedgerError)


def parse_chaincode_error(text: str) -> tuple[str, str] | None:
    """``(code, message)`` from ``"<CODE>: <message>"``, or None if the text carries no code."""
    match = _CODED.match(text.strip())
    if match is None:
        return None
    return match.group(1), match.group(2)


def ledger_error_from(error: GatewayError) -> LedgerError | None:
    """The domain error for a gateway failure caused by a coded chaincode refusal, else None."""
    text = error.chaincode_message()
    if text is None:
        return None
    parsed = parse_chaincode_error(text)
    if parsed is None:
        return None
    code, message = parsed
    return error_class_for(code)(message, chaincode_code=code, transaction_id=error.transaction_id)
