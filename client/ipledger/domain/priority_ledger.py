# generated from client/ipledger/domain/aio_priority_ledger.py by scripts/unasync.py - do not edit; run ./scripts/generate
"""``PriorityLedger``: the ipledger chaincode as a typed, blocking Python API.

::

    with PriorityLedger.connect("JP") as ledger:           # office code or profile path
        filing = ledger.deposit_first_filing(
            ip_right=IpRight.PATENT, application_number="JP 2024-012345",
            filing_date="2024-03-15", document_sha256=digest,
            confidential=ConfidentialDetails("Widget", (Applicant("ACME", "JP"),)),
            access_code="7f3a9c21",
        )
        for filing in ledger.iter_first_filings(office_code="JP"):
            print(filing.id, filing.status)

One method per chaincode transaction, named after it in snake_case; list
queries come as ``list_x`` (one :class:`Page`) and ``iter_x`` (every record,
following bookmarks).  Private fields travel as transient data with a fresh
salt, endorsers are chosen as the contract requires, and chaincode refusals
raise the :mod:`ipledger.domain.errors` class of their code.
"""

from __future__ import annotations

import time
import os
from collections.abc import Iterator, Callable, Sequence
from itertools import count
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from ipledger.gateway.checkpointers import Checkpointer
from ipledger.errors import IpledgerError
from ipledger.errors import ConfigurationError
from ipledger.gateway.errors import CommitError
from ipledger.gateway import Gateway
from ipledger.credentials.connection_profile import ConnectionProfile, load_profile
from ipledger.gateway.reconnect import ReconnectPolicy
from ipledger.gateway.timeouts import Timeouts

from ipledger.library import LibraryError, Progress

from . import documents
from . import transactions as tx
from ._base import (
    DEFAULT_CONNECT_TIMEOUT,
    LedgerBase,
    behind_retry_delay,
    finish_deposit,
    ledger_errors,
    next_bookmark,
    settle_retry_delay,
    start_position,
    in_caller_thread,
    unregistered,
)
from .enums import (
    ApplicationCategory,
    DocumentFormat,
    FilingStatus,
    FoundingStatus,
    IpRight,
    MembershipAction,
    ProposalStatus,
    RecordType,
    RestorationCriterion,
    RestorationDecision,
    RetrievalFailureReason,
)
from .errors import InvalidTransitionError, NotFoundError
from .streams import LedgerEventStream
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
    RecordedClaim,
    RedemptionResult,
    Retrieval,
    Roles,
)
from .protocols import ChaincodeEventSource, ContractLike, Submitted
from .transactions import Call, Endorsement

__all__ = ["PriorityLedger"]

T = TypeVar("T")


class PriorityLedger(LedgerBase):
    """Blocking domain API over a gateway ``Contract`` (see the module docstring)."""

    def __init__(self, contract: ContractLike, *, network: ChaincodeEventSource | None = None,
                 office_code: str | None = None, msp_id: str | None = None) -> None:
        """``office_code``/``msp_id`` identify the caller; when absent they are asked from the ledger."""
        super().__init__(office_code=office_code, msp_id=msp_id)
        self.contract = contract
        self.network = network
        self.gateway: Gateway | None = None
        self.profile: ConnectionProfile | None = None
        #: The offices' digital libraries (set by :meth:`connect` from the profile; assign your own otherwise).
        self.libraries: documents.Libraries | None = None

    @classmethod
    def connect(cls, profile: str | os.PathLike[str] | ConnectionProfile, user: str = "User1", *,
                profiles_dir: Path | None = None, connect_timeout: float | None = DEFAULT_CONNECT_TIMEOUT,
                timeouts: Timeouts = Timeouts()) -> PriorityLedger:
        """Connect as ``user`` of an office, given its code (``"JP"``) or its profile path.

        Waits up to ``connect_timeout`` seconds for the gateway peer (ConnectionError after that; ``None``:
        connect lazily).  The ledger owns the gateway connection: use it as a context manager
        or call :meth:`close`.
        """
        resolved = load_profile(profile, profiles_dir)
        gateway = Gateway.from_profile(resolved, user, timeouts=timeouts)
        try:
            if connect_timeout is not None:
                gateway.wait_ready(connect_timeout)
            network = gateway.get_network(resolved.channel)
            ledger = cls(network.get_contract(resolved.chaincode), network=network,
                         office_code=resolved.office, msp_id=resolved.msp_id)
        except BaseException:
            gateway.close()
            raise
        ledger.gateway, ledger.profile = gateway, resolved
        ledger.libraries = documents.Libraries(resolved, user)
        return ledger

    def close(self) -> None:
        """Close the gateway connection if :meth:`connect` opened it."""
        if self.gateway is not None:
            self.gateway.close()

    def __enter__(self) -> PriorityLedger:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    # -- running calls -------------------------------------------------------------

    def _endorsers(self, endorsement: Endorsement) -> tuple[str, ...]:
        planned = self._planned_endorsers(endorsement)
        if planned is not None:
            return planned
        if endorsement.kind == "caller":
            self.directory.learn_caller(self._run(tx.get_caller_office()))
            return (self.directory.caller_msp or "",)
        assert endorsement.office_code is not None
        return (self.office_msp(endorsement.office_code),)

    def _send(self, call: Call[T]) -> Submitted:
        endorsers = self._endorsers(call.endorsement)
        for attempt in count(1):
            try:
                with ledger_errors():
                    return self.contract.submit_async(call.name, call.arguments, call.transient, endorsers)
            except IpledgerError as error:
                delay = behind_retry_delay(error, endorsers, self.msp_id, attempt)
                if delay is None:
                    raise
            time.sleep(delay)
        raise AssertionError("unreachable")  # count() never ends

    def _wait(self, call: Call[T], submitted: Submitted) -> T:
        with ledger_errors():
            (submitted.status()).raise_for_failure()
        return call.finish(submitted.result, submitted.transaction_id)

    def _run(self, call: Call[T]) -> T:
        if call.submit:
            return self._wait(call, self._send(call))
        endorsers = self._endorsers(call.endorsement)
        with ledger_errors():
            raw = self.contract.evaluate(call.name, call.arguments, call.transient, endorsers)
        return call.finish(raw, None)

    def _iterate(self, page_call: Callable[[str], Call[Page[T]]]) -> Iterator[T]:
        # Building the first call checks the arguments now, not at the first __next__.
        return self._pages(page_call(""), page_call)

    def _pages(self, first: Call[Page[T]], page_call: Callable[[str], Call[Page[T]]]) -> Iterator[T]:
        call, bookmark = first, ""
        while True:
            page = self._run(call)
            for record in page.records:
                yield record
            following = next_bookmark(page, bookmark)
            if following is None:
                return
            call, bookmark = page_call(following), following

    def office_msp(self, office_code: str) -> str:
        """The MSP ID of a registered office (cached; UnknownOfficeError if not registered)."""
        msp = self.directory.msp_of(office_code)
        if msp is None:
            try:
                office = self._run(tx.get_office(office_code))
            except NotFoundError:
                raise unregistered(office_code) from None
            self.directory.learn([office])
            msp = office.msp_id
        return msp

    # -- offices and governance ------------------------------------------------------

    def init_consortium(self, offices: Sequence[OfficeDefinition]) -> FoundingProposal:
        """Propose the founding registry; it is founded once every office in it confirmed it
        (:meth:`confirm_founding`).  Proposing the same registry again returns the existing proposal."""
        return self._run(tx.init_consortium(offices))

    def confirm_founding(self, registry_hash: str) -> FoundingProposal:
        """Confirm, as an administrator of a listed office, the registry with this hash; compute the hash
        from your own definition (:func:`ipledger.domain.registry_hash`), not from the ledger.
        The last confirmation founds the registry (status ACTIVE)."""
        return self._run(tx.confirm_founding(registry_hash))

    def get_founding_proposal(self, registry_hash: str) -> FoundingProposal:
        return self._run(tx.get_founding_proposal(registry_hash))

    def list_founding_proposals(self, *, status: FoundingStatus | str | None = None,
                                page_size: int | None = None, bookmark: str = "") -> Page[FoundingProposal]:
        return self._run(tx.list_founding_proposals(status, page_size, bookmark))

    def iter_founding_proposals(self, *, status: FoundingStatus | str | None = None,
                                page_size: int | None = None) -> Iterator[FoundingProposal]:
        return self._iterate(lambda bookmark: tx.list_founding_proposals(status, page_size, bookmark))

    def update_office_settings(self, settings: OfficeSettings) -> Office:
        """Replace the caller's calendar, number patterns and restoration policy."""
        return self._run(tx.update_office_settings(settings))

    def propose_membership_change(self, action: MembershipAction | str, office_code: str, *,
                                  msp_id: str | None = None, name: str | None = None,
                                  roles: Roles | None = None, reason: str = "") -> MembershipProposal:
        """Propose adding, suspending, reactivating an office or changing its roles."""
        return self._run(tx.propose_membership_change(action, office_code, msp_id=msp_id, name=name,
                                                      roles=roles, reason=reason))

    def approve_membership_change(self, proposal_id: str) -> MembershipProposal:
        return self._run(tx.approve_membership_change(proposal_id))

    def withdraw_membership_proposal(self, proposal_id: str) -> MembershipProposal:
        return self._run(tx.withdraw_membership_proposal(proposal_id))

    def get_caller_office(self) -> Office:
        office = self._run(tx.get_caller_office())
        self.directory.learn_caller(office)
        return office

    def get_office(self, office_code: str) -> Office:
        office = self._run(tx.get_office(office_code))
        self.directory.learn([office])
        return office

    def list_offices(self, *, page_size: int | None = None, bookmark: str = "") -> Page[Office]:
        page = self._run(tx.list_offices(page_size, bookmark))
        self.directory.learn(page.records)
        return page

    def iter_offices(self, *, page_size: int | None = None) -> Iterator[Office]:
        return self._iterate(lambda bookmark: tx.list_offices(page_size, bookmark))

    def get_membership_proposal(self, proposal_id: str) -> MembershipProposal:
        return self._run(tx.get_membership_proposal(proposal_id))

    def list_membership_proposals(self, *, status: ProposalStatus | str | None = None,
                                  page_size: int | None = None, bookmark: str = "") -> Page[MembershipProposal]:
        return self._run(tx.list_membership_proposals(status, page_size, bookmark))

    def iter_membership_proposals(self, *, status: ProposalStatus | str | None = None,
                                  page_size: int | None = None) -> Iterator[MembershipProposal]:
        return self._iterate(lambda bookmark: tx.list_membership_proposals(status, page_size, bookmark))

    # -- first filings -------------------------------------------------------------------

    def deposit_first_filing(self, *, ip_right: IpRight | str, application_number: str,
                             filing_date: date | str, document_sha256: str,
                             document_format: DocumentFormat | str = DocumentFormat.PDF,
                             application_category: ApplicationCategory | str | None = None,
                             confidential: ConfidentialDetails | None = None,
                             access_code: str | None = None) -> FirstFiling:
        """Deposit a first filing; with ``confidential``/``access_code`` also set those.

        The deposit itself carries public data only (MAJORITY endorses it);
        the private parts follow as owner-endorsed transactions once the
        deposit committed (CONTRACT.md §1).  If one of them fails,
        DepositIncompleteError says which, and the filing stays deposited.
        Returns the latest version of the filing.
        """
        deposit = tx.deposit_first_filing(
            ip_right=ip_right, application_number=application_number, filing_date=filing_date,
            document_sha256=document_sha256, document_format=document_format,
            application_category=application_category,
        )
        # Check the follow-up input now, so bad input cannot leave a half-done deposit.
        tx.check_deposit_extras(confidential, access_code)
        filing = self._run(deposit)
        if confidential is None and access_code is None:
            return filing
        # Both are endorsed by the owner's peer alone: they write only owner-only keys (the confidential
        # commitment, the access record) and the owner's collection, never the majority-endorsed filing.
        outcomes: list[tuple[str, object]] = []
        if confidential is not None:
            confidential_outcome = self._attempt(tx.set_filing_confidential(filing.id, confidential))
            outcomes.append(("confidential data", confidential_outcome))
        if access_code is not None:
            access_outcome = self._attempt(tx.set_access_code(filing.id, access_code))
            outcomes.append(("access code", access_outcome))
        return finish_deposit(filing, outcomes)

    def _attempt(self, call: Call[T]) -> T | Exception:
        """Run a follow-up step of a deposit, returning its failure instead of raising it."""
        try:
            return self._run(call)
        except IpledgerError as error:  # chaincode refusal, gateway, commit or connection failure
            return error

    def set_filing_confidential(self, filing_id: str, details: ConfidentialDetails) -> FirstFiling:
        """Store (or replace) the filing's private data; only the owner's peer sees it."""
        return self._run(tx.set_filing_confidential(filing_id, details))

    def set_access_code(self, filing_id: str, access_code: str) -> AccessRecord:
        """Set (or change) the access code; only a salted hash is stored, privately."""
        return self._run(tx.set_access_code(filing_id, access_code))

    def correct_first_filing(self, filing_id: str, *, reason: str, filing_date: date | str | None = None,
                             document_sha256: str | None = None,
                             document_format: DocumentFormat | str | None = None) -> FirstFiling:
        return self._run(tx.correct_first_filing(
            filing_id, reason=reason, filing_date=filing_date, document_sha256=document_sha256,
            document_format=document_format))

    def withdraw_first_filing(self, filing_id: str, reason: str) -> FirstFiling:
        return self._run(tx.withdraw_first_filing(filing_id, reason))

    def mark_first_filing_published(self, filing_id: str, publication_date: date | str) -> FirstFiling:
        return self._run(tx.mark_first_filing_published(filing_id, publication_date))

    def get_first_filing(self, filing_id: str) -> FirstFiling:
        return self._run(tx.get_first_filing(filing_id))

    def find_first_filing(self, office_code: str, ip_right: IpRight | str,
                          application_number: str) -> FirstFiling:
        """Look a first filing up by its number as written (normalised with the office's rules)."""
        return self._run(tx.find_first_filing(office_code, ip_right, application_number))

    def list_first_filings(self, *, office_code: str | None = None, ip_right: IpRight | str | None = None,
                           status: FilingStatus | str | None = None, filing_date_from: date | str | None = None,
                           filing_date_to: date | str | None = None, page_size: int | None = None,
                           bookmark: str = "") -> Page[FirstFiling]:
        return self._run(tx.list_first_filings(
            office_code=office_code, ip_right=ip_right, status=status, filing_date_from=filing_date_from,
            filing_date_to=filing_date_to, page_size=page_size, bookmark=bookmark))

    def iter_first_filings(self, *, office_code: str | None = None, ip_right: IpRight | str | None = None,
                           status: FilingStatus | str | None = None, filing_date_from: date | str | None = None,
                           filing_date_to: date | str | None = None,
                           page_size: int | None = None) -> Iterator[FirstFiling]:
        return self._iterate(lambda bookmark: tx.list_first_filings(
            office_code=office_code, ip_right=ip_right, status=status, filing_date_from=filing_date_from,
            filing_date_to=filing_date_to, page_size=page_size, bookmark=bookmark))

    def get_filing_confidential(self, filing_id: str) -> FilingConfidential:
        """The private data of one of the caller's own filings."""
        return self._run(tx.get_filing_confidential(filing_id))

    def check_confidential_integrity(self, filing_id: str) -> ConfidentialIntegrity:
        return self._run(tx.check_confidential_integrity(filing_id))

    # -- access -------------------------------------------------------------------------------

    def redeem_access_code(self, office_code: str, ip_right: IpRight | str, application_number: str,
                           filing_date: date | str, access_code: str) -> RedemptionResult:
        """Obtain access to another office's first filing with the applicant's access code.

        Two transactions, both endorsed by the owner's peer alone: the attempt
        (``RedeemAccessCode``, counted as a failure before anyone learns the
        outcome), then its settlement (``SettleAccessCodeRedemption``). A wrong
        code stays counted (towards the lock) and is raised as
        AccessCodeMismatchError.
        """
        attempt = self._run(tx.redeem_access_code(office_code, ip_right, application_number, filing_date,
                                                  access_code))
        return self.settle_access_code_redemption(attempt.filing_id, attempt.office_code)

    def settle_access_code_redemption(self, filing_id: str, accessing_office: str) -> RedemptionResult:
        """Settle a committed pending attempt (e.g. one left by an interrupted :meth:`redeem_access_code`).

        The attempt was committed as seen by the caller's own peer; the owner's
        peer, which endorses the settlement, may not have committed that block
        yet (it then answers INVALID_TRANSITION, or its stale read is
        invalidated as MVCC_READ_CONFLICT). Both are retried a few times:
        giving up would leave the counted attempt pending.
        """
        for attempt in count(1):
            try:
                return self._run(tx.settle_access_code_redemption(filing_id, accessing_office))
            except (CommitError, InvalidTransitionError) as error:
                delay = settle_retry_delay(error, attempt)
                if delay is None:
                    raise
            time.sleep(delay)
        raise AssertionError("unreachable")  # count() never ends; keeps mypy's return check honest

    def grant_access(self, filing_id: str, accessing_office: str) -> AccessRecord:
        """Grant an office access directly (the depositing office acting on the applicant's instruction)."""
        return self._run(tx.grant_access(filing_id, accessing_office))

    def revoke_access(self, filing_id: str, accessing_office: str, reason: str) -> AccessRecord:
        return self._run(tx.revoke_access(filing_id, accessing_office, reason))

    def reset_access_lock(self, filing_id: str, accessing_office: str) -> AccessRecord:
        return self._run(tx.reset_access_lock(filing_id, accessing_office))

    def get_access_record(self, filing_id: str) -> AccessRecord:
        return self._run(tx.get_access_record(filing_id))

    # -- documents (the libraries) ------------------------------------------------------------

    def _libraries(self) -> documents.Libraries:
        if self.libraries is None:
            raise ConfigurationError("this ledger knows no libraries: connect() with a profile, or set .libraries")
        return self.libraries

    def store_document(self, path: str | os.PathLike[str], *, sha256: str | None = None,
                       progress: Progress | None = None) -> str:
        """Put a document into the caller's own library (idempotent); returns its SHA-256 for the ledger.

        Store first, then deposit or correct with the returned hash: the ledger never names a document
        its owner's library does not hold. ``sha256`` skips hashing the file when already known.
        """
        library = self._libraries().own()
        return in_caller_thread(library.store, Path(path), sha256, progress)

    def holds_document(self, sha256: str) -> bool:
        """Whether the caller's own library holds the document with this SHA-256."""
        library = self._libraries().own()
        return in_caller_thread(library.stored_size, sha256) is not None

    def fetch_document(self, filing_id: str, out: str | os.PathLike[str], *, retrieval_id: str | None = None,
                       progress: Progress | None = None,
                       retry_window: float = 60.0) -> documents.FetchedDocument:
        """Retrieve another office's first filing into ``out``: request (or continue ``retrieval_id``),
        download from the owner's library, verify and record the outcome (module documents).

        Raises HashMismatchError after recording HASH_MISMATCH, LibraryError (after FailRetrieval where
        the delivery failed; LocalStorageError leaves the retrieval PENDING for a resumed fetch).
        """
        target = Path(out)
        documents.check_destination(target)
        if retrieval_id is None:
            retrieval = self.request_retrieval(filing_id)
        else:
            retrieval = self.get_retrieval(retrieval_id)
            documents.check_fetchable(retrieval, filing_id, self.office_code)
        library = self._libraries().of(retrieval.owner_office)
        try:
            download = in_caller_thread(
                lambda: library.download(retrieval.filing_id, retrieval.document_version, retrieval.id,
                                         documents.part_path(target), retrieval.expected_sha256,
                                         progress=progress, retry_window=retry_window))
        except LibraryError as error:
            failure = documents.failure_for(error)
            if failure is not None:
                self._attempt(tx.fail_retrieval(retrieval.id, *failure))
            raise
        if download.sha256 != retrieval.expected_sha256:
            download.path.unlink(missing_ok=True)  # never resume from bytes known to be wrong
            self.acknowledge_retrieval(retrieval.id, download.sha256)  # records HASH_MISMATCH and raises
            raise documents.unexpected_acceptance(retrieval.id)
        documents.place(download, target)
        done = self.acknowledge_retrieval(retrieval.id, download.sha256)
        return documents.FetchedDocument(path=target, sha256=download.sha256, size=download.size, retrieval=done,
                                         attempts=download.attempts, resumed_from=download.resumed_from)

    # -- retrievals ---------------------------------------------------------------------------

    def request_retrieval(self, filing_id: str) -> Retrieval:
        return self._run(tx.request_retrieval(filing_id))

    def acknowledge_retrieval(self, retrieval_id: str, received_sha256: str) -> Retrieval:
        """Confirm receipt; a different hash is committed as ERROR, then raised as HashMismatchError."""
        return self._run(tx.acknowledge_retrieval(retrieval_id, received_sha256))

    def fail_retrieval(self, retrieval_id: str, reason: RetrievalFailureReason | str,
                       message: str = "") -> Retrieval:
        return self._run(tx.fail_retrieval(retrieval_id, reason, message))

    def get_retrieval(self, retrieval_id: str) -> Retrieval:
        return self._run(tx.get_retrieval(retrieval_id))

    def list_retrievals(self, filing_id: str, *, page_size: int | None = None,
                        bookmark: str = "") -> Page[Retrieval]:
        return self._run(tx.list_retrievals(filing_id, page_size, bookmark))

    def iter_retrievals(self, filing_id: str, *, page_size: int | None = None) -> Iterator[Retrieval]:
        return self._iterate(lambda bookmark: tx.list_retrievals(filing_id, page_size, bookmark))

    # -- priority claims -------------------------------------------------------------------------

    def record_priority_claim(self, *, later_application_number: str, later_ip_right: IpRight | str,
                              later_filing_date: date | str, priority_office: str,
                              priority_application_number: str, priority_ip_right: IpRight | str,
                              priority_filing_date: date | str, sequence_number: int = 1,
                              later_category: ApplicationCategory | str | None = None,
                              priority_category: ApplicationCategory | str | None = None) -> RecordedClaim:
        """Record a priority claim of a later application filed with the caller's office."""
        return self._run(tx.record_priority_claim(
            later_application_number=later_application_number, later_ip_right=later_ip_right,
            later_filing_date=later_filing_date, priority_office=priority_office,
            priority_application_number=priority_application_number, priority_ip_right=priority_ip_right,
            priority_filing_date=priority_filing_date, sequence_number=sequence_number,
            later_category=later_category, priority_category=priority_category))

    def request_restoration(self, claim_id: str, criterion: RestorationCriterion | str,
                            request_date: date | str) -> PriorityClaim:
        return self._run(tx.request_restoration(claim_id, criterion, request_date))

    def decide_restoration(self, claim_id: str, decision: RestorationDecision | str) -> PriorityClaim:
        return self._run(tx.decide_restoration(claim_id, decision))

    def withdraw_priority_claim(self, claim_id: str) -> PriorityClaim:
        return self._run(tx.withdraw_priority_claim(claim_id))

    def get_priority_claim(self, claim_id: str) -> PriorityClaim:
        return self._run(tx.get_priority_claim(claim_id))

    def list_claims_on_first_filing(self, office_code: str, ip_right: IpRight | str, application_number: str, *,
                                    page_size: int | None = None, bookmark: str = "") -> Page[PriorityClaim]:
        return self._run(tx.list_claims_on_first_filing(office_code, ip_right, application_number,
                                                        page_size, bookmark))

    def iter_claims_on_first_filing(self, office_code: str, ip_right: IpRight | str, application_number: str, *,
                                    page_size: int | None = None) -> Iterator[PriorityClaim]:
        return self._iterate(lambda bookmark: tx.list_claims_on_first_filing(
            office_code, ip_right, application_number, page_size, bookmark))

    def get_later_application_claims(self, office_code: str, ip_right: IpRight | str,
                                     application_number: str) -> LaterApplicationClaims:
        return self._run(tx.get_later_application_claims(office_code, ip_right, application_number))

    def compute_priority_deadline(self, office_code: str, priority_ip_right: IpRight | str,
                                  priority_filing_date: date | str,
                                  later_ip_right: IpRight | str) -> PriorityDeadline:
        """Priority and restoration periods as office ``office_code`` (the OSF) would count them."""
        return self._run(tx.compute_priority_deadline(office_code, priority_ip_right, priority_filing_date,
                                                      later_ip_right))

    # -- history and events -------------------------------------------------------------------------

    def get_record_history(self, record_type: RecordType | str, record_id: str, *, page_size: int | None = None,
                           bookmark: str = "") -> Page[HistoryEntry]:
        return self._run(tx.get_record_history(record_type, record_id, page_size, bookmark))

    def iter_record_history(self, record_type: RecordType | str, record_id: str, *,
                            page_size: int | None = None) -> Iterator[HistoryEntry]:
        return self._iterate(lambda bookmark: tx.get_record_history(record_type, record_id, page_size, bookmark))

    def events(self, *, start_block: int | None = None, checkpointer: Checkpointer | None = None,
               reconnect: ReconnectPolicy | None = None) -> LedgerEventStream:
        """Typed chaincode events: from ``start_block``, else the checkpoint, else the next block.

        With a ``checkpointer`` each event's position is saved once the next
        one is requested, so a restarted listener resumes after the last
        handled event.
        """
        if self.network is None:
            raise ConfigurationError("this ledger was built without a network, so it cannot stream events")
        block, checkpoint = start_position(start_block, checkpointer)
        stream = self.network.chaincode_events(self.contract.chaincode_name, block, checkpoint, reconnect=reconnect)
        return LedgerEventStream(stream, checkpointer)
