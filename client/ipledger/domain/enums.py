"""The chaincode's enumerations as ``str`` enums (CONTRACT.md §0 and §2).

Members compare equal to their wire value (``IpRight.PATENT == "PATENT"``),
so they can be passed wherever the chaincode expects the plain string.
Declaration order is the chaincode's canonical order (used for sorting).
Values that the chaincode leaves empty (``""``) are ``None`` on the Python
side rather than an extra "empty" member.
"""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

__all__ = [
    "ApplicationCategory",
    "ClaimStatus",
    "ClaimTimeliness",
    "ClaimWarning",
    "DocumentFormat",
    "FilingStatus",
    "FoundingStatus",
    "GrantRoute",
    "GrantStatus",
    "IpRight",
    "LedgerEnum",
    "MembershipAction",
    "OfficeStatus",
    "ProposalStatus",
    "RecordType",
    "RedemptionOutcome",
    "RestorationCriterion",
    "RestorationDecision",
    "RetrievalFailureReason",
    "RetrievalStatus",
    "Weekday",
]

E = TypeVar("E", bound="LedgerEnum")


class LedgerEnum(str, Enum):
    """Base of every ledger enum: ``str()`` is the wire value, not ``Class.MEMBER``."""

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def parse(cls: type[E], value: str) -> E:
        """The member for ``value`` (case-insensitive, ``-`` accepted for ``_``).

        Raises ValueError naming the allowed values, which the CLI shows as is.
        """
        wanted = cls._key(value)
        for member in cls:
            if cls._key(member.value) == wanted:
                return member
        allowed = ", ".join(member.value for member in cls)
        raise ValueError(f"{value!r} is not one of {allowed}")

    @classmethod
    def _key(cls, text: str) -> str:
        """How user input and member values are compared by :meth:`parse`."""
        return text.strip().upper().replace("-", "_")

    @classmethod
    def values(cls) -> tuple[str, ...]:
        return tuple(member.value for member in cls)


class IpRight(LedgerEnum):
    """The four IP rights DAS distinguishes."""

    PATENT = "PATENT"
    UTILITY_MODEL = "UTILITY_MODEL"
    INDUSTRIAL_DESIGN = "INDUSTRIAL_DESIGN"
    TRADEMARK = "TRADEMARK"


class ApplicationCategory(LedgerEnum):
    """Kind of application (PCT R4.10)."""

    NATIONAL = "NATIONAL"
    REGIONAL = "REGIONAL"
    INTERNATIONAL = "INTERNATIONAL"


class DocumentFormat(LedgerEnum):
    PDF = "PDF"
    TIFF_ZIP = "TIFF_ZIP"
    ST92_PACKAGE = "ST92_PACKAGE"


class Weekday(LedgerEnum):
    MONDAY = "MONDAY"
    TUESDAY = "TUESDAY"
    WEDNESDAY = "WEDNESDAY"
    THURSDAY = "THURSDAY"
    FRIDAY = "FRIDAY"
    SATURDAY = "SATURDAY"
    SUNDAY = "SUNDAY"


class RestorationCriterion(LedgerEnum):
    """PCT R26bis.3(a) standards for restoring the right of priority."""

    DUE_CARE = "DUE_CARE"
    UNINTENTIONAL = "UNINTENTIONAL"


class OfficeStatus(LedgerEnum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"


class MembershipAction(LedgerEnum):
    ADD_OFFICE = "ADD_OFFICE"
    SUSPEND_OFFICE = "SUSPEND_OFFICE"
    REACTIVATE_OFFICE = "REACTIVATE_OFFICE"
    CHANGE_ROLES = "CHANGE_ROLES"


class ProposalStatus(LedgerEnum):
    OPEN = "OPEN"
    APPLIED = "APPLIED"
    WITHDRAWN = "WITHDRAWN"
    #: Closed after ``expires_at`` (30 days) without a majority; any ACTIVE office may close it.
    EXPIRED = "EXPIRED"


class FoundingStatus(LedgerEnum):
    """A founding proposal: OPEN until every office it lists confirmed it, then ACTIVE (founded); VOID once
    another registry was founded."""

    OPEN = "OPEN"
    ACTIVE = "ACTIVE"
    VOID = "VOID"


class FilingStatus(LedgerEnum):
    """First filing life cycle: AVAILABLE -> PUBLISHED, either -> WITHDRAWN."""

    AVAILABLE = "AVAILABLE"
    PUBLISHED = "PUBLISHED"
    WITHDRAWN = "WITHDRAWN"


class GrantStatus(LedgerEnum):
    """An accessing office's grant on one first filing."""

    NONE = "NONE"
    ACTIVE = "ACTIVE"
    REVOKED = "REVOKED"


class GrantRoute(LedgerEnum):
    """How a grant came about; ``None`` on the Python side when never granted."""

    ACCESS_CODE = "ACCESS_CODE"
    DIRECT_GRANT = "DIRECT_GRANT"


class RedemptionOutcome(LedgerEnum):
    ACCESS_GRANTED = "ACCESS_GRANTED"
    ACCESS_CODE_MISMATCH = "ACCESS_CODE_MISMATCH"
    #: ``RedeemAccessCode`` recorded the attempt; ``SettleAccessCodeRedemption`` decides it.
    ATTEMPT_PENDING = "ATTEMPT_PENDING"


class RetrievalStatus(LedgerEnum):
    PENDING = "PENDING"
    SUCCESS = "SUCCESS"
    ERROR = "ERROR"


class RetrievalFailureReason(LedgerEnum):
    """Reasons an accessing office gives to ``FailRetrieval``."""

    DELIVERY_FAILED = "DELIVERY_FAILED"
    DOWNLOAD_FAILED = "DOWNLOAD_FAILED"
    FORMAT_ERROR = "FORMAT_ERROR"
    OTHER = "OTHER"


class ClaimTimeliness(LedgerEnum):
    IN_TIME = "IN_TIME"
    LATE_RESTORABLE = "LATE_RESTORABLE"


class ClaimStatus(LedgerEnum):
    RECORDED = "RECORDED"
    RESTORATION_REQUESTED = "RESTORATION_REQUESTED"
    RESTORED = "RESTORED"
    RESTORATION_REFUSED = "RESTORATION_REFUSED"
    WITHDRAWN = "WITHDRAWN"


class RestorationDecision(LedgerEnum):
    GRANTED = "GRANTED"
    REFUSED = "REFUSED"


class ClaimWarning(LedgerEnum):
    """Facts about a priority claim the examiner should look at (not errors)."""

    EXTERNAL_OFFICE = "EXTERNAL_OFFICE"
    NOT_ON_LEDGER = "NOT_ON_LEDGER"
    FIRST_FILING_WITHDRAWN = "FIRST_FILING_WITHDRAWN"
    NOT_FIRST_APPLICATION = "NOT_FIRST_APPLICATION"
    #: The priority number matches none of its (registered) office's patterns; normalised by the generic rule.
    UNRECOGNISED_NUMBER_FORMAT = "UNRECOGNISED_NUMBER_FORMAT"


class RecordType(LedgerEnum):
    """Record kinds named by ``GetRecordHistory`` and by event payloads.

    The wire values are camelCase words, so ``parse`` also accepts the
    kebab/upper spellings a shell user types (``office-settings``).
    """

    OFFICE = "office"
    OFFICE_SETTINGS = "officeSettings"
    FOUNDING = "founding"
    PROPOSAL = "proposal"
    FILING = "filing"
    #: A filing's confidential commitment (its ``confidentialHash``); history only, its changes are filing events.
    CONFIDENTIAL_HASH = "confidentialHash"
    ACCESS = "access"
    RETRIEVAL = "retrieval"
    CLAIM = "claim"

    @classmethod
    def _key(cls, text: str) -> str:
        return text.strip().replace("-", "").replace("_", "").lower()
