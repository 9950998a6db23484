"""Frozen dataclasses for every record the chaincode returns or accepts (CONTRACT.md §2-§6).

``Record.from_json`` takes the chaincode's JSON (text, bytes or decoded) and
``to_json`` gives it back with the chaincode's camelCase names and field
order; see :mod:`ipledger.domain._codec` for the type mapping.  Field names
follow the contract: ``office_code``, ``ip_right``, ``filing_date`` ...
Unset values the chaincode writes as ``""`` are ``None`` here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from ._codec import RecordFormatError, decode_record, encode_record
from .enums import (
    ApplicationCategory,
    ClaimStatus,
    ClaimTimeliness,
    ClaimWarning,
    DocumentFormat,
    FilingStatus,
    FoundingStatus,
    GrantRoute,
    GrantStatus,
    IpRight,
    MembershipAction,
    OfficeStatus,
    ProposalStatus,
    RedemptionOutcome,
    RestorationCriterion,
    RestorationDecision,
    RetrievalStatus,
    Weekday,
)

__all__ = [
    "AccessGrant",
    "AccessRecord",
    "Applicant",
    "Application",
    "ConfidentialDetails",
    "ConfidentialIntegrity",
    "Contact",
    "FilingConfidential",
    "FirstFiling",
    "FoundingProposal",
    "HistoryEntry",
    "LaterApplicationClaims",
    "MembershipProposal",
    "NumberPatterns",
    "Office",
    "OfficeCalendar",
    "OfficeDefinition",
    "OfficeSettings",
    "Page",
    "PriorityApplication",
    "PriorityClaim",
    "PriorityDeadline",
    "Record",
    "RecordFormatError",
    "RecordedClaim",
    "RedemptionResult",
    "Restoration",
    "RestorationRule",
    "Retrieval",
    "Roles",
    "load_json",
]

R = TypeVar("R", bound="Record")
T = TypeVar("T")


def load_json(data: str | bytes | Any) -> Any:
    """Decode text or bytes as JSON; anything else is taken as already decoded."""
    if isinstance(data, (str, bytes, bytearray)):
        try:
            return json.loads(data)
        except ValueError as error:
            raise RecordFormatError("result", f"is not valid JSON: {error}") from None
    return data


class Record:
    """Mixin of every record: JSON in and out with the chaincode's field names."""

    @classmethod
    def from_json(cls: type[R], data: str | bytes | Any) -> R:
        return decode_record(cls, load_json(data))

    def to_json(self) -> dict[str, Any]:
        return encode_record(self)


# -- offices -------------------------------------------------------------------


@dataclass(frozen=True)
class Roles(Record):
    """DAS roles per IP right: depositing = office of first filing, accessing = office of second filing."""

    depositing: tuple[IpRight, ...] = ()
    accessing: tuple[IpRight, ...] = ()


@dataclass(frozen=True)
class OfficeCalendar(Record):
    """Days an office is closed for filing (Paris Art. 4C(3) extensions)."""

    closed_weekdays: tuple[Weekday, ...] = (Weekday.SATURDAY, Weekday.SUNDAY)
    closed_dates: tuple[date, ...] = ()


@dataclass(frozen=True)
class NumberPatterns(Record):
    """An office's application-number regexes (RE2) for one IP right."""

    ip_right: IpRight
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class RestorationRule(Record):
    """Whether (and on which criteria) an office restores priority for later applications of one IP right."""

    ip_right: IpRight
    allowed: bool
    criteria: tuple[RestorationCriterion, ...] = ()


@dataclass(frozen=True)
class OfficeSettings(Record):
    """What an office maintains itself; ``UpdateOfficeSettings`` replaces all three parts."""

    calendar: OfficeCalendar
    application_number_patterns: tuple[NumberPatterns, ...] = ()
    restoration_policy: tuple[RestorationRule, ...] = ()


@dataclass(frozen=True)
class Office(Record):
    """A member office: registry entry and settings (``GetOffice``, ``ListOffices``)."""

    office_code: str
    msp_id: str
    name: str
    status: OfficeStatus
    roles: Roles
    calendar: OfficeCalendar
    application_number_patterns: tuple[NumberPatterns, ...]
    restoration_policy: tuple[RestorationRule, ...]
    created_at: datetime | None
    updated_at: datetime | None
    settings_version: int
    settings_updated_at: datetime | None

    @property
    def settings(self) -> OfficeSettings:
        return OfficeSettings(self.calendar, self.application_number_patterns, self.restoration_policy)

    def can_deposit(self, ip_right: IpRight) -> bool:
        return ip_right in self.roles.depositing

    def can_access(self, ip_right: IpRight) -> bool:
        return ip_right in self.roles.accessing


@dataclass(frozen=True)
class OfficeDefinition(Record):
    """A founding office for ``InitConsortium``; settings left ``None`` take the chaincode defaults."""

    office_code: str
    msp_id: str
    name: str
    roles: Roles
    calendar: OfficeCalendar | None = None
    application_number_patterns: tuple[NumberPatterns, ...] | None = None
    restoration_policy: tuple[RestorationRule, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        # The chaincode treats an absent part as "use the default"; null would work too,
        # but leaving it out keeps the argument readable in the transaction.
        return {key: value for key, value in encode_record(self).items() if value is not None}


@dataclass(frozen=True)
class FoundingProposal(Record):
    """A founding registry awaiting the confirmation of every office it lists (CONTRACT.md §2.2a, §3.1).

    ``registry`` is the proposed ``officesJSON`` as the chaincode stores it (canonical, the bytes
    ``registry_hash`` is the hash of), one JSON object per office; ``awaiting`` names the offices whose
    confirmation is still needed (empty unless OPEN).
    """

    registry_hash: str
    registry: tuple[dict[str, Any], ...] = field(repr=False)  # long: shown as a table by the CLI
    proposed_by: str
    confirmations: tuple[str, ...]
    awaiting: tuple[str, ...]
    status: FoundingStatus
    created_at: datetime | None
    updated_at: datetime | None
    activated_at: datetime | None

    @property
    def office_codes(self) -> tuple[str, ...]:
        """The codes of the offices the registry lists, sorted."""
        return tuple(sorted(str(office.get("officeCode", "")) for office in self.registry))


@dataclass(frozen=True)
class MembershipProposal(Record):
    """A governance proposal; its ``id`` is the proposing transaction's id.

    It can be approved until ``expires_at`` (created + 30 days); then any ACTIVE office may close it (EXPIRED).
    """

    id: str
    action: MembershipAction
    office_code: str
    msp_id: str
    name: str
    roles: Roles
    reason: str
    proposed_by: str
    approvals: tuple[str, ...]
    status: ProposalStatus
    created_at: datetime | None
    updated_at: datetime | None
    expires_at: datetime | None
    closed_at: datetime | None


# -- first filings and access ---------------------------------------------------


@dataclass(frozen=True)
class FirstFiling(Record):
    """A priority document deposited by its office of first filing (public part)."""

    id: str
    office_code: str
    ip_right: IpRight
    application_category: ApplicationCategory
    application_number: str
    application_number_normalised: str
    filing_date: date
    document_sha256: str
    document_format: DocumentFormat
    version: int
    status: FilingStatus
    publication_date: date | None
    confidential_hash: str
    last_change_reason: str
    deposited_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True)
class Applicant(Record):
    name: str
    country_code: str = ""


@dataclass(frozen=True)
class Contact(Record):
    name: str = ""
    email: str = ""


@dataclass(frozen=True)
class ConfidentialDetails(Record):
    """Input for ``SetFilingConfidential``: sent as transient data, the salt is added by the client."""

    title: str
    applicants: tuple[Applicant, ...]
    contact: Contact = Contact()


@dataclass(frozen=True)
class FilingConfidential(Record):
    """The private part of a first filing, readable by its owner only."""

    filing_id: str
    salt: str = field(repr=False)
    title: str
    applicants: tuple[Applicant, ...]
    contact: Contact

    @property
    def details(self) -> ConfidentialDetails:
        return ConfidentialDetails(self.title, self.applicants, self.contact)


@dataclass(frozen=True)
class ConfidentialIntegrity(Record):
    """Whether the public ``confidentialHash`` matches the private data's hash on the answering peer."""

    filing_id: str
    confidential_hash: str
    private_data_hash: str
    match: bool


@dataclass(frozen=True)
class AccessGrant(Record):
    """One accessing office's entry in an access record."""

    office_code: str
    grant: GrantStatus
    route: GrantRoute | None
    granted_at: datetime | None
    revoked_at: datetime | None
    revocation_reason: str
    failed_attempts: int
    locked: bool
    locked_at: datetime | None
    #: A committed attempt awaiting ``SettleAccessCodeRedemption`` (already counted in failed_attempts).
    pending_attempt: bool = False
    pending_attempt_at: datetime | None = None
    #: The access code version current at revocation: that code no longer redeems (0 unless REVOKED).
    revoked_code_version: int = 0


@dataclass(frozen=True)
class AccessRecord(Record):
    """Who may retrieve a first filing; one per first filing, owned by its office."""

    filing_id: str
    owner_office: str
    access_code_set: bool
    access_code_version: int
    access_code_set_at: datetime | None
    offices: tuple[AccessGrant, ...]
    updated_at: datetime | None

    def grant_for(self, office_code: str) -> AccessGrant | None:
        return next((entry for entry in self.offices if entry.office_code == office_code), None)


@dataclass(frozen=True)
class RedemptionResult(Record):
    """Outcome of ``RedeemAccessCode`` (ATTEMPT_PENDING) or ``SettleAccessCodeRedemption``.

    A settled mismatch is raised as AccessCodeMismatchError.
    """

    filing_id: str
    office_code: str
    result: RedemptionOutcome
    failed_attempts: int
    remaining_attempts: int
    locked: bool


@dataclass(frozen=True)
class Retrieval(Record):
    """One retrieval of a first filing by an accessing office (append-only audit)."""

    id: str
    filing_id: str
    owner_office: str
    requesting_office: str
    grant_route: GrantRoute | None
    document_version: int
    expected_sha256: str
    status: RetrievalStatus
    received_sha256: str
    error_code: str
    error_message: str
    requested_at: datetime | None
    completed_at: datetime | None


# -- priority claims -------------------------------------------------------------


@dataclass(frozen=True)
class Application(Record):
    """The later application (filed at the office of second filing) of a priority claim."""

    application_number: str
    application_number_normalised: str
    ip_right: IpRight
    application_category: ApplicationCategory
    filing_date: date


@dataclass(frozen=True)
class PriorityApplication(Record):
    """The application whose priority is claimed (normally a first filing)."""

    office_code: str
    application_number: str
    application_number_normalised: str
    ip_right: IpRight
    application_category: ApplicationCategory
    filing_date: date


@dataclass(frozen=True)
class Restoration(Record):
    """Restoration of the right of priority (PCT R26bis.3) requested for a late claim."""

    criterion: RestorationCriterion | None = None
    request_date: date | None = None
    requested_at: datetime | None = None
    decision: RestorationDecision | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True)
class PriorityClaim(Record):
    """A priority claim recorded by the office of second filing, with its frozen periods."""

    id: str
    office_code: str
    later_application: Application
    sequence_number: int
    priority: PriorityApplication
    first_filing_id: str
    period_months: int
    nominal_period_end: date
    period_end: date
    restoration_available: bool
    nominal_restoration_end: date | None
    restoration_end: date | None
    timeliness: ClaimTimeliness
    status: ClaimStatus
    restoration: Restoration
    warnings: tuple[ClaimWarning, ...]
    created_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True)
class RecordedClaim(Record):
    """Result of ``RecordPriorityClaim``: the claim and the later application's earliest priority date."""

    claim: PriorityClaim
    earliest_priority_date: date | None


@dataclass(frozen=True)
class LaterApplicationClaims(Record):
    """All priority claims of one later application (``GetLaterApplicationClaims``)."""

    office_code: str
    ip_right: IpRight
    application_number_normalised: str
    claims: tuple[PriorityClaim, ...]
    earliest_priority_date: date | None


@dataclass(frozen=True)
class PriorityDeadline(Record):
    """Result of ``ComputePriorityDeadline``: periods as the office of second filing counts them."""

    office_code: str
    priority_ip_right: IpRight
    later_ip_right: IpRight
    priority_filing_date: date
    period_months: int
    nominal_period_end: date
    period_end: date
    restoration_available: bool
    restoration_criteria: tuple[RestorationCriterion, ...]
    nominal_restoration_end: date | None
    restoration_end: date | None


# -- histories and pages -----------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry(Record):
    """One version of a record (``GetRecordHistory``), newest first.

    ``record`` stays the raw JSON object: history also covers internal shapes
    (the registry entry and the settings of an office) that have no class of
    their own.  ``record`` is ``None`` for a deletion.
    """

    tx_id: str
    timestamp: datetime | None
    is_delete: bool
    record: dict[str, Any] | None


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list query; the listing is finished only when ``bookmark`` is ``""``.

    ``fetched_count`` counts ledger entries scanned, so a filtered page may
    hold fewer records than asked for (even none) and still not be the last.
    """

    records: tuple[T, ...]
    fetched_count: int
    bookmark: str

    @property
    def is_last(self) -> bool:
        return self.bookmark == ""

    @classmethod
    def from_json(cls, data: str | bytes | Any, item_type: type[T]) -> Page[T]:
        document = load_json(data)
        where = f"Page[{item_type.__name__}]"
        if not isinstance(document, dict):
            raise RecordFormatError(where, "expected a JSON object")
        records = document.get("records")
        fetched = document.get("fetchedCount")
        bookmark = document.get("bookmark")
        if not isinstance(records, list):
            raise RecordFormatError(f"{where}.records", "expected a JSON array")
        if isinstance(fetched, bool) or not isinstance(fetched, int):
            raise RecordFormatError(f"{where}.fetchedCount", "expected an integer")
        if not isinstance(bookmark, str):
            raise RecordFormatError(f"{where}.bookmark", "expected a string")
        items = tuple(
            decode_record(item_type, item, f"{where}.records[{index}]") for index, item in enumerate(records)
        )
        return cls(items, fetched, bookmark)

    def to_json(self) -> dict[str, Any]:
        return {
            "records": [encode_record(record) for record in self.records],
            "fetchedCount": self.fetched_count,
            "bookmark": self.bookmark,
        }
