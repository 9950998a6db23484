"""One pure builder per chaincode transaction: arguments, transient data, endorsers, result parser.

Nothing here does I/O.  :class:`~ipledger.domain.PriorityLedger` and
:class:`~ipledger.domain.AsyncPriorityLedger` only *run* these calls, so the
two twins cannot drift apart, and every rule about how a transaction is
shaped (CONTRACT.md §1, §3, §6) is in one place and unit-testable.

Input is checked here with the chaincode's own syntax rules and refused with
the same error classes the chaincode would use, before any network call.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from ._codec import RecordFormatError, format_date
from .enums import (
    ApplicationCategory,
    DocumentFormat,
    FilingStatus,
    FoundingStatus,
    IpRight,
    LedgerEnum,
    MembershipAction,
    ProposalStatus,
    RecordType,
    RedemptionOutcome,
    RestorationCriterion,
    RestorationDecision,
    RetrievalFailureReason,
    RetrievalStatus,
)
from .errors import (
    AccessCodeMismatchError,
    HashMismatchError,
    InvalidApplicationNumberError,
    InvalidArgumentError,
    InvalidDateError,
    InvalidOfficeCodeError,
    LedgerError,
    UnexpectedResultError,
)
from .models import (
    AccessRecord,
    ConfidentialDetails,
    ConfidentialIntegrity,
    FilingConfidential,
    FirstFiling,
    FoundingProposal,
    HistoryEntry,
    LaterApplicationClaims,
    MembershipProposal,
    Office,
    OfficeDefinition,
    OfficeSettings,
    Page,
    PriorityClaim,
    PriorityDeadline,
    Record,
    RecordedClaim,
    RedemptionResult,
    Retrieval,
    Roles,
)
from .founding import registry_document, registry_hash
from .transient import access_code_transient, confidential_transient, redemption_transient
from .validation import (
    check_access_code,
    check_application_number,
    check_claim_id,
    check_date,
    check_email,
    check_filing_id,
    check_msp_id,
    check_office_code,
    check_page_size,
    check_proposal_id,
    check_retrieval_id,
    check_sequence_number,
    check_sha256,
    check_text,
)

__all__ = [
    "CALLER",
    "GATEWAY",
    "Call",
    "Endorsement",
    "check_confidential_details",
    "check_deposit_extras",
    "owner_of",
]

T = TypeVar("T")
R = TypeVar("R", bound=Record)
E = TypeVar("E", bound=LedgerEnum)

#: Chaincode limits for free text (CONTRACT.md §2, §3).
MAX_REASON = 500
MAX_TITLE = 1000
MAX_NAME = 300
MAX_APPLICANTS = 50


# -- call description -------------------------------------------------------------


@dataclass(frozen=True)
class Endorsement:
    """Which organisations must endorse (CONTRACT.md §1).

    ``gateway``: none given, the gateway plans from the chaincode and key-level
    policies; ``caller``: the caller's own MSP (transactions writing its
    private data); ``office``: the MSP of ``office_code`` (the owner whose
    private data the transaction reads).

    Naming organisations replaces the gateway's plan, so a named list must
    satisfy every policy of every key the transaction writes.  Only the
    transactions on an owner's private data name one (its MSP): they write
    nothing but owner-only keys and that owner's collection.  Records other
    offices rely on need the owner *and* other offices (a majority, or for a
    retrieval the owner or a majority); those are left to the gateway, which
    reads the keys' policies from its simulation and tries another
    combination of offices when one refuses.
    """

    kind: str
    office_code: str | None = None


GATEWAY = Endorsement("gateway")
CALLER = Endorsement("caller")


def owner_of(office_code: str) -> Endorsement:
    return Endorsement("office", office_code)


@dataclass(frozen=True)
class Call(Generic[T]):
    """A transaction ready to run: evaluate (query) or submit."""

    name: str
    arguments: tuple[str, ...]
    parse: Callable[[bytes], T]
    submit: bool = False
    transient: Mapping[str, bytes] = field(default_factory=dict, repr=False)  # carries secrets
    endorsement: Endorsement = GATEWAY
    #: Raises for results that record a failure in a successful transaction.
    check: Callable[[T, str | None], None] | None = None

    def finish(self, raw: bytes, transaction_id: str | None) -> T:
        """Parse the result and apply the soft-failure check."""
        value = self.parse(raw)
        if self.check is not None:
            self.check(value, transaction_id)
        return value


def _evaluate(name: str, arguments: Sequence[str], parse: Callable[[bytes], T], *,
              endorsement: Endorsement = GATEWAY) -> Call[T]:
    return Call(name, tuple(arguments), parse, submit=False, endorsement=endorsement)


def _submit(name: str, arguments: Sequence[str], parse: Callable[[bytes], T], *,
            transient: Mapping[str, bytes] | None = None, endorsement: Endorsement = GATEWAY,
            check: Callable[[T, str | None], None] | None = None) -> Call[T]:
    return Call(name, tuple(arguments), parse, submit=True, transient=dict(transient or {}),
                endorsement=endorsement, check=check)


# -- result parsers -------------------------------------------------------------------


def _unexpected(name: str, error: RecordFormatError) -> UnexpectedResultError:
    return UnexpectedResultError(f"{name} returned an unreadable result ({error}); "
                                 "is the client older than the chaincode?")


def _record(name: str, cls: type[R]) -> Callable[[bytes], R]:
    def parse(raw: bytes) -> R:
        try:
            return cls.from_json(raw)
        except RecordFormatError as error:
            raise _unexpected(name, error) from None
    return parse


def _page(name: str, cls: type[R]) -> Callable[[bytes], Page[R]]:
    def parse(raw: bytes) -> Page[R]:
        try:
            return Page.from_json(raw, cls)
        except RecordFormatError as error:
            raise _unexpected(name, error) from None
    return parse


# -- argument checks (raise the chaincode's error classes) ------------------------------------


def _checked(error: type[LedgerError], what: str, check: Callable[[Any], T], value: Any) -> T:
    try:
        return check(value)
    except ValueError as problem:
        raise error(f"{what}: {problem}") from None


def _office(what: str, code: str) -> str:
    return _checked(InvalidOfficeCodeError, what, check_office_code, code)


def _enum(cls: type[E], what: str, value: E | str) -> str:
    if isinstance(value, cls):
        return str(value.value)
    try:
        return str(cls.parse(str(value)).value)
    except ValueError as problem:
        raise InvalidArgumentError(f"{what}: {problem}") from None


def _date(what: str, value: date | str) -> str:
    if isinstance(value, date):
        return format_date(value)
    return format_date(_checked(InvalidDateError, what, check_date, value))


def _filing_id(value: str) -> str:
    return _checked(InvalidArgumentError, "filing id", check_filing_id, value)


def _text(what: str, value: str, minimum: int, maximum: int) -> str:
    return _checked(InvalidArgumentError, what, lambda text: check_text(text, minimum, maximum), value)


def _number(what: str, value: str, category: ApplicationCategory | None = None) -> str:
    return _checked(InvalidApplicationNumberError, what,
                    lambda number: check_application_number(number, category), value)


def _category(value: ApplicationCategory | str | None) -> ApplicationCategory | None:
    if value is None:
        return None
    return ApplicationCategory(_enum(ApplicationCategory, "application category", value))


def _page_size(page_size: int | None) -> str:
    if page_size is None:
        return ""
    return str(_checked(InvalidArgumentError, "page size", check_page_size, page_size))


def _proposal_id(value: str) -> str:
    return _checked(InvalidArgumentError, "proposal id", check_proposal_id, value)


def _json(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def check_confidential_details(details: ConfidentialDetails) -> None:
    """The chaincode's limits on confidential data (CONTRACT.md §2.4), checked before sending."""
    _text("title", details.title, 1, MAX_TITLE)
    if not 1 <= len(details.applicants) <= MAX_APPLICANTS:
        raise InvalidArgumentError(f"applicants: 1 to {MAX_APPLICANTS} applicants are required")
    for applicant in details.applicants:
        _text("applicant name", applicant.name, 1, MAX_NAME)
        if applicant.country_code:
            _office("applicant country code", applicant.country_code)
    _text("contact name", details.contact.name, 0, MAX_NAME)
    _checked(InvalidArgumentError, "contact e-mail", check_email, details.contact.email)


def _access_code(code: str) -> str:
    return _checked(InvalidArgumentError, "access code", check_access_code, code)


def check_deposit_extras(confidential: ConfidentialDetails | None, access_code: str | None) -> None:
    """Check what a deposit sets after its first transaction, before that transaction runs."""
    if confidential is not None:
        check_confidential_details(confidential)
    if access_code is not None:
        _access_code(access_code)


# -- offices and governance (CONTRACT.md §3.1, §6) ---------------------------------------------


def _registry_hash(value: str) -> str:
    return _checked(InvalidArgumentError, "registry hash", check_sha256, value)


def init_consortium(offices: Sequence[OfficeDefinition]) -> Call[FoundingProposal]:
    """Propose the founding registry; the result's ``registry_hash`` must be the one computed here."""
    for office in offices:
        _office("office code", office.office_code)
        _checked(InvalidArgumentError, "MSP ID", check_msp_id, office.msp_id)
    expected = registry_hash(offices)

    def same_registry(proposal: FoundingProposal, transaction_id: str | None) -> None:
        # The chaincode hashes what it received; anything else means the registry was not the one sent.
        if proposal.registry_hash != expected:
            raise UnexpectedResultError(f"InitConsortium proposed registry {proposal.registry_hash}, "
                                        f"not the {expected} sent", transaction_id=transaction_id)

    return _submit("InitConsortium", [_json(registry_document(offices))], _record("InitConsortium", FoundingProposal),
                   check=same_registry)


def confirm_founding(registry_hash: str) -> Call[FoundingProposal]:
    return _submit("ConfirmFounding", [_registry_hash(registry_hash)], _record("ConfirmFounding", FoundingProposal))


def get_founding_proposal(registry_hash: str) -> Call[FoundingProposal]:
    return _evaluate("GetFoundingProposal", [_registry_hash(registry_hash)],
                     _record("GetFoundingProposal", FoundingProposal))


def list_founding_proposals(status: FoundingStatus | str | None = None, page_size: int | None = None,
                            bookmark: str = "") -> Call[Page[FoundingProposal]]:
    wanted = "" if status is None else _enum(FoundingStatus, "status", status)
    return _evaluate("ListFoundingProposals", [wanted, _page_size(page_size), bookmark],
                     _page("ListFoundingProposals", FoundingProposal))


def update_office_settings(settings: OfficeSettings) -> Call[Office]:
    return _submit("UpdateOfficeSettings", [_json(settings.to_json())], _record("UpdateOfficeSettings", Office))


def propose_membership_change(action: MembershipAction | str, office_code: str, *, msp_id: str | None = None,
                              name: str | None = None, roles: Roles | None = None,
                              reason: str = "") -> Call[MembershipProposal]:
    document: dict[str, Any] = {
        "action": _enum(MembershipAction, "action", action),
        "officeCode": _office("office code", office_code),
    }
    if msp_id is not None:
        document["mspId"] = _checked(InvalidArgumentError, "MSP ID", check_msp_id, msp_id)
    if name is not None:
        document["name"] = _text("name", name, 1, 200)
    if roles is not None:
        document["roles"] = roles.to_json()
    if reason:
        document["reason"] = _text("reason", reason, 0, MAX_REASON)
    return _submit("ProposeMembershipChange", [_json(document)],
                   _record("ProposeMembershipChange", MembershipProposal))


def approve_membership_change(proposal_id: str) -> Call[MembershipProposal]:
    return _submit("ApproveMembershipChange", [_proposal_id(proposal_id)],
                   _record("ApproveMembershipChange", MembershipProposal))


def withdraw_membership_proposal(proposal_id: str) -> Call[MembershipProposal]:
    return _submit("WithdrawMembershipProposal", [_proposal_id(proposal_id)],
                   _record("WithdrawMembershipProposal", MembershipProposal))


def get_caller_office() -> Call[Office]:
    return _evaluate("GetCallerOffice", [], _record("GetCallerOffice", Office))


def get_office(office_code: str) -> Call[Office]:
    return _evaluate("GetOffice", [_office("office code", office_code)], _record("GetOffice", Office))


def list_offices(page_size: int | None = None, bookmark: str = "") -> Call[Page[Office]]:
    return _evaluate("ListOffices", [_page_size(page_size), bookmark], _page("ListOffices", Office))


def get_membership_proposal(proposal_id: str) -> Call[MembershipProposal]:
    return _evaluate("GetMembershipProposal", [_proposal_id(proposal_id)],
                     _record("GetMembershipProposal", MembershipProposal))


def list_membership_proposals(status: ProposalStatus | str | None = None, page_size: int | None = None,
                              bookmark: str = "") -> Call[Page[MembershipProposal]]:
    wanted = "" if status is None else _enum(ProposalStatus, "status", status)
    return _evaluate("ListMembershipProposals", [wanted, _page_size(page_size), bookmark],
                     _page("ListMembershipProposals", MembershipProposal))


# -- first filings (CONTRACT.md §3.2) ----------------------------------------------------------


def deposit_first_filing(*, ip_right: IpRight | str, application_number: str, filing_date: date | str,
                         document_sha256: str, document_format: DocumentFormat | str = DocumentFormat.PDF,
                         application_category: ApplicationCategory | str | None = None) -> Call[FirstFiling]:
    category = _category(application_category)
    document: dict[str, Any] = {
        "ipRight": _enum(IpRight, "IP right", ip_right),
        "applicationNumber": _number("application number", application_number, category),
        "filingDate": _date("filing date", filing_date),
        "documentSha256": _checked(InvalidArgumentError, "document SHA-256", check_sha256, document_sha256),
        "documentFormat": _enum(DocumentFormat, "document format", document_format),
    }
    if category is not None:
        document["applicationCategory"] = category.value
    # Public data only: MAJORITY endorses it, so no transient data may travel with it (CONTRACT.md §1).
    return _submit("DepositFirstFiling", [_json(document)], _record("DepositFirstFiling", FirstFiling))


def set_filing_confidential(filing_id: str, details: ConfidentialDetails,
                            salt: str | None = None) -> Call[FirstFiling]:
    check_confidential_details(details)
    return _submit("SetFilingConfidential", [_filing_id(filing_id)], _record("SetFilingConfidential", FirstFiling),
                   transient=confidential_transient(details, salt), endorsement=CALLER)


def set_access_code(filing_id: str, access_code: str, salt: str | None = None) -> Call[AccessRecord]:
    return _submit("SetAccessCode", [_filing_id(filing_id)], _record("SetAccessCode", AccessRecord),
                   transient=access_code_transient(_access_code(access_code), salt), endorsement=CALLER)


def correct_first_filing(filing_id: str, *, reason: str, filing_date: date | str | None = None,
                         document_sha256: str | None = None,
                         document_format: DocumentFormat | str | None = None) -> Call[FirstFiling]:
    document: dict[str, Any] = {}
    if filing_date is not None:
        document["filingDate"] = _date("filing date", filing_date)
    if document_sha256 is not None:
        document["documentSha256"] = _checked(InvalidArgumentError, "document SHA-256", check_sha256,
                                              document_sha256)
    if document_format is not None:
        document["documentFormat"] = _enum(DocumentFormat, "document format", document_format)
    if not document:
        raise InvalidArgumentError("a correction must change the filing date, the document or its format")
    document["reason"] = _text("reason", reason, 1, MAX_REASON)
    return _submit("CorrectFirstFiling", [_filing_id(filing_id), _json(document)],
                   _record("CorrectFirstFiling", FirstFiling))


def withdraw_first_filing(filing_id: str, reason: str) -> Call[FirstFiling]:
    return _submit("WithdrawFirstFiling", [_filing_id(filing_id), _text("reason", reason, 1, MAX_REASON)],
                   _record("WithdrawFirstFiling", FirstFiling))


def mark_first_filing_published(filing_id: str, publication_date: date | str) -> Call[FirstFiling]:
    return _submit("MarkFirstFilingPublished",
                   [_filing_id(filing_id), _date("publication date", publication_date)],
                   _record("MarkFirstFilingPublished", FirstFiling))


def get_first_filing(filing_id: str) -> Call[FirstFiling]:
    return _evaluate("GetFirstFiling", [_filing_id(filing_id)], _record("GetFirstFiling", FirstFiling))


def find_first_filing(office_code: str, ip_right: IpRight | str, application_number: str) -> Call[FirstFiling]:
    return _evaluate("FindFirstFiling", [
        _office("office code", office_code),
        _enum(IpRight, "IP right", ip_right),
        _number("application number", application_number),
    ], _record("FindFirstFiling", FirstFiling))


def list_first_filings(*, office_code: str | None = None, ip_right: IpRight | str | None = None,
                       status: FilingStatus | str | None = None, filing_date_from: date | str | None = None,
                       filing_date_to: date | str | None = None, page_size: int | None = None,
                       bookmark: str = "") -> Call[Page[FirstFiling]]:
    return _evaluate("ListFirstFilings", [
        "" if office_code is None else _office("office code", office_code),
        "" if ip_right is None else _enum(IpRight, "IP right", ip_right),
        "" if status is None else _enum(FilingStatus, "status", status),
        "" if filing_date_from is None else _date("filing date from", filing_date_from),
        "" if filing_date_to is None else _date("filing date to", filing_date_to),
        _page_size(page_size),
        bookmark,
    ], _page("ListFirstFilings", FirstFiling))


def get_filing_confidential(filing_id: str) -> Call[FilingConfidential]:
    # Private data lives on the owner's peers only; the owner asks its own peer.
    return _evaluate("GetFilingConfidential", [_filing_id(filing_id)],
                     _record("GetFilingConfidential", FilingConfidential), endorsement=CALLER)


def check_confidential_integrity(filing_id: str) -> Call[ConfidentialIntegrity]:
    return _evaluate("CheckConfidentialIntegrity", [_filing_id(filing_id)],
                     _record("CheckConfidentialIntegrity", ConfidentialIntegrity))


# -- access (CONTRACT.md §3.3) -------------------------------------------------------------------


def _redemption_check(result: RedemptionResult, transaction_id: str | None) -> None:
    if result.result is RedemptionOutcome.ACCESS_CODE_MISMATCH:
        state = ("access is now locked; the depositing office must reset it" if result.locked
                 else f"{result.remaining_attempts} attempt(s) left before access is locked")
        raise AccessCodeMismatchError(
            f"the access code for {result.filing_id} is wrong ({result.failed_attempts} failed attempt(s); {state})",
            transaction_id=transaction_id, result=result,
        )


def redeem_access_code(office_code: str, ip_right: IpRight | str, application_number: str,
                       filing_date: date | str, access_code: str) -> Call[RedemptionResult]:
    """Phase one of a redemption: the attempt, counted as a failure until settled (result ATTEMPT_PENDING).

    The chaincode does not compare the code here, so no simulation of this
    transaction reveals whether the code is right; :func:`settle_access_code_redemption`
    compares it once the attempt is committed.
    """
    owner = _office("office code", office_code)
    # Only the owner's peer can read the code hash, and the gateway refuses to
    # send transient data to other organisations, so the owner endorses alone.
    return _submit("RedeemAccessCode", [
        owner,
        _enum(IpRight, "IP right", ip_right),
        _number("application number", application_number),
        _date("filing date", filing_date),
    ], _record("RedeemAccessCode", RedemptionResult), transient=redemption_transient(_access_code(access_code)),
        endorsement=owner_of(owner), check=_redemption_check)


def settle_access_code_redemption(filing_id: str, accessing_office: str) -> Call[RedemptionResult]:
    """Phase two: compare the committed pending attempt; a mismatch raises AccessCodeMismatchError."""
    checked = _filing_id(filing_id)
    owner = checked.split(":", 1)[0]
    # Only the owner's peer can read the pending attempt and the code hash.
    return _submit("SettleAccessCodeRedemption", [checked, _office("accessing office", accessing_office)],
                   _record("SettleAccessCodeRedemption", RedemptionResult), endorsement=owner_of(owner),
                   check=_redemption_check)


def grant_access(filing_id: str, accessing_office: str) -> Call[AccessRecord]:
    return _submit("GrantAccess", [_filing_id(filing_id), _office("accessing office", accessing_office)],
                   _record("GrantAccess", AccessRecord))


def revoke_access(filing_id: str, accessing_office: str, reason: str) -> Call[AccessRecord]:
    return _submit("RevokeAccess", [
        _filing_id(filing_id), _office("accessing office", accessing_office), _text("reason", reason, 1, MAX_REASON),
    ], _record("RevokeAccess", AccessRecord))


def reset_access_lock(filing_id: str, accessing_office: str) -> Call[AccessRecord]:
    return _submit("ResetAccessLock", [_filing_id(filing_id), _office("accessing office", accessing_office)],
                   _record("ResetAccessLock", AccessRecord))


def get_access_record(filing_id: str) -> Call[AccessRecord]:
    return _evaluate("GetAccessRecord", [_filing_id(filing_id)], _record("GetAccessRecord", AccessRecord))


# -- retrievals (CONTRACT.md §3.4) -------------------------------------------------------------------


def _retrieval_id(value: str) -> str:
    return _checked(InvalidArgumentError, "retrieval id", check_retrieval_id, value)


def _acknowledgement_check(retrieval: Retrieval, transaction_id: str | None) -> None:
    if retrieval.status is RetrievalStatus.ERROR and retrieval.error_code == HashMismatchError.code:
        raise HashMismatchError(
            f"the received document of {retrieval.filing_id} does not match the deposited one "
            f"(expected SHA-256 {retrieval.expected_sha256}, received {retrieval.received_sha256}); "
            f"retrieval {retrieval.id} is recorded as ERROR",
            transaction_id=transaction_id, retrieval=retrieval,
        )


def request_retrieval(filing_id: str) -> Call[Retrieval]:
    return _submit("RequestRetrieval", [_filing_id(filing_id)], _record("RequestRetrieval", Retrieval))


# Acknowledge and fail are planned by the gateway: the retrieval's key needs the requester and either the
# owner or a majority (CONTRACT.md §1).  Naming [requester, owner] would be valid but would let the owner veto
# the record of its own failed delivery; the gateway falls back to other offices when the owner refuses.


def acknowledge_retrieval(retrieval_id: str, received_sha256: str) -> Call[Retrieval]:
    return _submit("AcknowledgeRetrieval", [
        _retrieval_id(retrieval_id),
        _checked(InvalidArgumentError, "received SHA-256", check_sha256, received_sha256),
    ], _record("AcknowledgeRetrieval", Retrieval), check=_acknowledgement_check)


def fail_retrieval(retrieval_id: str, reason: RetrievalFailureReason | str, message: str = "") -> Call[Retrieval]:
    return _submit("FailRetrieval", [
        _retrieval_id(retrieval_id),
        _enum(RetrievalFailureReason, "reason", reason),
        _text("message", message, 0, MAX_REASON),
    ], _record("FailRetrieval", Retrieval))


def get_retrieval(retrieval_id: str) -> Call[Retrieval]:
    return _evaluate("GetRetrieval", [_retrieval_id(retrieval_id)], _record("GetRetrieval", Retrieval))


def list_retrievals(filing_id: str, page_size: int | None = None, bookmark: str = "") -> Call[Page[Retrieval]]:
    return _evaluate("ListRetrievals", [_filing_id(filing_id), _page_size(page_size), bookmark],
                     _page("ListRetrievals", Retrieval))


# -- priority claims (CONTRACT.md §3.5, §6) -----------------------------------------------------------


def _claim_id(value: str) -> str:
    return _checked(InvalidArgumentError, "priority claim id", check_claim_id, value)


def record_priority_claim(*, later_application_number: str, later_ip_right: IpRight | str,
                          later_filing_date: date | str, priority_office: str,
                          priority_application_number: str, priority_ip_right: IpRight | str,
                          priority_filing_date: date | str, sequence_number: int = 1,
                          later_category: ApplicationCategory | str | None = None,
                          priority_category: ApplicationCategory | str | None = None) -> Call[RecordedClaim]:
    later_cat, priority_cat = _category(later_category), _category(priority_category)
    later: dict[str, Any] = {
        "applicationNumber": _number("later application number", later_application_number, later_cat),
        "ipRight": _enum(IpRight, "later IP right", later_ip_right),
        "filingDate": _date("later filing date", later_filing_date),
    }
    if later_cat is not None:
        later["applicationCategory"] = later_cat.value
    priority: dict[str, Any] = {
        "officeCode": _office("priority office", priority_office),
        "applicationNumber": _number("priority application number", priority_application_number, priority_cat),
        "ipRight": _enum(IpRight, "priority IP right", priority_ip_right),
        "filingDate": _date("priority filing date", priority_filing_date),
    }
    if priority_cat is not None:
        priority["applicationCategory"] = priority_cat.value
    sequence = _checked(InvalidArgumentError, "sequence number", check_sequence_number, sequence_number)
    document = {"laterApplication": later, "sequenceNumber": sequence, "priority": priority}
    return _submit("RecordPriorityClaim", [_json(document)], _record("RecordPriorityClaim", RecordedClaim))


def request_restoration(claim_id: str, criterion: RestorationCriterion | str,
                        request_date: date | str) -> Call[PriorityClaim]:
    return _submit("RequestRestoration", [
        _claim_id(claim_id),
        _enum(RestorationCriterion, "criterion", criterion),
        _date("request date", request_date),
    ], _record("RequestRestoration", PriorityClaim))


def decide_restoration(claim_id: str, decision: RestorationDecision | str) -> Call[PriorityClaim]:
    return _submit("DecideRestoration", [_claim_id(claim_id), _enum(RestorationDecision, "decision", decision)],
                   _record("DecideRestoration", PriorityClaim))


def withdraw_priority_claim(claim_id: str) -> Call[PriorityClaim]:
    return _submit("WithdrawPriorityClaim", [_claim_id(claim_id)], _record("WithdrawPriorityClaim", PriorityClaim))


def get_priority_claim(claim_id: str) -> Call[PriorityClaim]:
    return _evaluate("GetPriorityClaim", [_claim_id(claim_id)], _record("GetPriorityClaim", PriorityClaim))


def list_claims_on_first_filing(office_code: str, ip_right: IpRight | str, application_number: str,
                                page_size: int | None = None, bookmark: str = "") -> Call[Page[PriorityClaim]]:
    return _evaluate("ListClaimsOnFirstFiling", [
        _office("office code", office_code),
        _enum(IpRight, "IP right", ip_right),
        _number("application number", application_number),
        _page_size(page_size),
        bookmark,
    ], _page("ListClaimsOnFirstFiling", PriorityClaim))


def get_later_application_claims(office_code: str, ip_right: IpRight | str,
                                 application_number: str) -> Call[LaterApplicationClaims]:
    return _evaluate("GetLaterApplicationClaims", [
        _office("office code", office_code),
        _enum(IpRight, "IP right", ip_right),
        _number("application number", application_number),
    ], _record("GetLaterApplicationClaims", LaterApplicationClaims))


def compute_priority_deadline(office_code: str, priority_ip_right: IpRight | str,
                              priority_filing_date: date | str,
                              later_ip_right: IpRight | str) -> Call[PriorityDeadline]:
    return _evaluate("ComputePriorityDeadline", [
        _office("office code", office_code),
        _enum(IpRight, "priority IP right", priority_ip_right),
        _date("priority filing date", priority_filing_date),
        _enum(IpRight, "later IP right", later_ip_right),
    ], _record("ComputePriorityDeadline", PriorityDeadline))


# -- history ---------------------------------------------------------------------------------------------


def get_record_history(record_type: RecordType | str, record_id: str, page_size: int | None = None,
                       bookmark: str = "") -> Call[Page[HistoryEntry]]:
    return _evaluate("GetRecordHistory", [
        _enum(RecordType, "record type", record_type),
        _text("record id", record_id, 1, 400),
        _page_size(page_size),
        bookmark,
    ], _page("GetRecordHistory", HistoryEntry))
