"""``ipledger filings``: first filings (priority documents) of the depositing office."""

from __future__ import annotations

import secrets
from datetime import date

import click

from ipledger.domain.enums import ApplicationCategory, DocumentFormat, FilingStatus, IpRight
from ipledger.domain.errors import DepositIncompleteError
from ipledger.domain.models import Applicant, ConfidentialDetails, Contact, FirstFiling
from ipledger.domain.validation import check_application_number

from .exit_codes import ExitCode
from .options import emit_listing, json_option, listing_options
from .output import render_record
from .progress import transfer_progress
from .params import (
    ACCESS_CODE,
    APPLICANT,
    APPLICATION_NUMBER,
    DOCUMENT,
    EMAIL,
    FILING_ID,
    ISO_DATE,
    OFFICE_CODE,
    SHA256,
    Document,
    EnumType,
    InvalidInput,
    TextType,
)
from .session import Session, pass_session
from .views import FILING_COLUMNS

__all__ = ["filings"]

#: Generated access codes: 16 hex digits (64 bits).  DAS uses 4, which only a lock keeps from guessing.
GENERATED_CODE_BYTES = 8


def _check_document_choice(document: Document | None, sha256: str | None, *, required: bool) -> None:
    """--document or --sha256, never both (checked before anything touches the network)."""
    if document is not None and sha256 is not None:
        raise InvalidInput("give either --document or --sha256, not both", param_hint="'--document'")
    if required and document is None and sha256 is None:
        raise InvalidInput("give the document (--document FILE) or its SHA-256 (--sha256)",
                           param_hint="'--document'")


def _stored_digest(session: Session, document: Document | None, sha256: str | None) -> str | None:
    """The document in the office's library: --document is stored there first; --sha256 must be there already,
    so that no ledger record ever names a document the library lacks."""
    ledger = session.ledger()
    if document is not None:
        with transfer_progress(f"storing {document.path.name} in the library") as progress:
            return ledger.store_document(document.path, sha256=document.sha256, progress=progress)
    if sha256 is not None:
        with session.busy("asking the office's library"):
            if not ledger.holds_document(sha256):
                raise InvalidInput(f"the office's library holds no document with SHA-256 {sha256}; "
                                   "give the file with --document to store it", param_hint="'--sha256'")
    return sha256


def _confidential(title: str | None, applicants: tuple[Applicant, ...], contact_name: str,
                  contact_email: str) -> ConfidentialDetails | None:
    if title is None and not applicants:
        if contact_name or contact_email:
            raise InvalidInput("contact details need --title and --applicant", param_hint="'--contact-name'")
        return None
    if title is None:
        raise InvalidInput("confidential data needs a --title", param_hint="'--title'")
    if not applicants:
        raise InvalidInput("confidential data needs at least one --applicant", param_hint="'--applicant'")
    return ConfidentialDetails(title, applicants, Contact(contact_name, contact_email))


def _new_access_code() -> str:
    return secrets.token_hex(GENERATED_CODE_BYTES)


def _announce_code(session: Session, code: str) -> None:
    # On stderr: the code is for the applicant, not part of the record (the ledger keeps only a salted hash).
    session.note(f"access code (give it to the applicant; the ledger keeps only its hash): {code}")


def _confidential_options(function: click.decorators.FC) -> click.decorators.FC:
    for option in reversed([
        click.option("--title", type=TextType(1, 1000), help="Title of the invention/design/mark (private)."),
        click.option("--applicant", "applicants", type=APPLICANT, multiple=True,
                     help="Applicant as NAME or CC:NAME with an ST.3 country code (repeatable; private)."),
        click.option("--contact-name", type=TextType(0, 300), default="", help="Contact person (private)."),
        click.option("--contact-email", type=EMAIL, default="", help="Contact e-mail (private)."),
    ]):
        function = option(function)
    return function


@click.group()
def filings() -> None:
    """Deposit and maintain first filings (priority documents).

    The document itself never goes on the ledger: it is stored in the
    office's own digital library, and the ledger records its SHA-256, its
    format and the public bibliographic data.
    Title, applicants and contact are private to the depositing office.

    \b
    Example:
      ipledger --office JP filings deposit --ip-right PATENT --number "JP 2024-012345" \\
          --filing-date 2024-03-15 --document priority.pdf --generate-access-code
      ipledger --office JP filings list --owner JP --status AVAILABLE
    """


@filings.command("deposit")
@click.option("--ip-right", type=EnumType(IpRight), required=True, help="IP right of the first filing.")
@click.option("--number", "application_number", type=APPLICATION_NUMBER, required=True,
              help="Application number as the office writes it, e.g. 'JP 2024-012345'.")
@click.option("--filing-date", type=ISO_DATE, required=True, help="Filing date (YYYY-MM-DD).")
@click.option("--document", type=DOCUMENT, default=None,
              help="The priority document: stored in the office's library, its SHA-256 recorded on the ledger.")
@click.option("--sha256", type=SHA256, default=None,
              help="SHA-256 of a document already in the office's library, instead of --document.")
@click.option("--format", "document_format", type=EnumType(DocumentFormat), default=DocumentFormat.PDF.value,
              show_default=True, help="Document format.")
@click.option("--category", type=EnumType(ApplicationCategory), default=None,
              help="Application category (default NATIONAL).")
@_confidential_options
@click.option("--access-code", type=ACCESS_CODE, default=None, help="Access code (4-64 hex digits) to set.")
@click.option("--generate-access-code", is_flag=True, help="Generate a 16-hex-digit access code and print it.")
@json_option
@pass_session
def deposit(session: Session, ip_right: IpRight, application_number: str, filing_date: date,
            document: Document | None, sha256: str | None, document_format: DocumentFormat,
            category: ApplicationCategory | None, title: str | None, applicants: tuple[Applicant, ...],
            contact_name: str, contact_email: str, access_code: str | None, generate_access_code: bool) -> None:
    """Deposit a first filing of the acting office.

    Deposits the public record first (endorsed by a majority), then sets
    the confidential data and the access code, endorsed by the acting
    office alone, so no other office ever sees them.

    \b
    Example:
      ipledger --office JP filings deposit --ip-right PATENT --number "JP 2024-012345" \\
          --filing-date 2024-03-15 --document priority.pdf \\
          --title "Folding widget" --applicant "JP:ACME K.K." --generate-access-code
    """
    _check_document_choice(document, sha256, required=True)
    if access_code and generate_access_code:
        raise InvalidInput("give either --access-code or --generate-access-code", param_hint="'--access-code'")
    try:
        check_application_number(application_number, category)
    except ValueError as problem:  # the PCT form depends on --category, so it is checked here
        raise InvalidInput(str(problem), param_hint="'--number'") from None
    confidential = _confidential(title, applicants, contact_name, contact_email)
    code = _new_access_code() if generate_access_code else access_code
    digest = _stored_digest(session, document, sha256)
    assert digest is not None
    try:
        with session.busy("submitting DepositFirstFiling"):
            filing = session.ledger().deposit_first_filing(
                ip_right=ip_right, application_number=application_number, filing_date=filing_date,
                document_sha256=digest, document_format=document_format, application_category=category,
                confidential=confidential, access_code=code)
    except DepositIncompleteError as error:
        if code and "access code" not in error.missing:
            _announce_code(session, code)
        session.note(f"first filing {error.filing.id} is deposited; repeat the missing step with "
                     f"`ipledger filings confidential set` or `ipledger filings access-code`")
        if session.json_output:
            session.emit(error.filing, lambda: "")  # scripts still learn the deposited filing's id
        raise
    session.emit(filing, lambda: render_record(filing))
    if code and generate_access_code:
        _announce_code(session, code)


@filings.command("correct")
@click.argument("filing_id", type=FILING_ID)
@click.option("--reason", type=TextType(1, 500), required=True, help="Why the record is corrected.")
@click.option("--filing-date", type=ISO_DATE, default=None, help="Corrected filing date.")
@click.option("--document", type=DOCUMENT, default=None,
              help="Replacement document (stored in the office's library; its SHA-256 is recorded).")
@click.option("--sha256", type=SHA256, default=None,
              help="SHA-256 of a replacement already in the office's library, instead of --document.")
@click.option("--format", "document_format", type=EnumType(DocumentFormat), default=None,
              help="Corrected document format.")
@json_option
@pass_session
def correct(session: Session, filing_id: str, reason: str, filing_date: date | None, document: Document | None,
            sha256: str | None, document_format: DocumentFormat | None) -> None:
    """Correct the filing date, document or format (the version goes up by one).

    \b
    Example:
      ipledger --office JP filings correct JP:PATENT:2024012345 --document corrected.pdf \\
          --reason "missing drawing sheet"
    """
    _check_document_choice(document, sha256, required=False)
    if filing_date is None and document is None and sha256 is None and document_format is None:
        raise InvalidInput("change at least one of --filing-date, --document/--sha256, --format",
                           param_hint="'--filing-date'")
    digest = _stored_digest(session, document, sha256)
    with session.busy("submitting CorrectFirstFiling"):
        filing = session.ledger().correct_first_filing(filing_id, reason=reason, filing_date=filing_date,
                                                       document_sha256=digest, document_format=document_format)
    session.emit(filing, lambda: render_record(filing))


@filings.command("withdraw")
@click.argument("filing_id", type=FILING_ID)
@click.option("--reason", type=TextType(1, 500), required=True, help="Why the document is withdrawn.")
@json_option
@pass_session
def withdraw(session: Session, filing_id: str, reason: str) -> None:
    """Withdraw a first filing: grants stay, every later retrieval is refused.

    \b
    Example:
      ipledger --office JP filings withdraw JP:PATENT:2024012345 --reason "security review"
    """
    with session.busy("submitting WithdrawFirstFiling"):
        filing = session.ledger().withdraw_first_filing(filing_id, reason)
    session.emit(filing, lambda: render_record(filing))


@filings.command("publish")
@click.argument("filing_id", type=FILING_ID)
@click.option("--publication-date", type=ISO_DATE, required=True, help="Publication date (YYYY-MM-DD).")
@json_option
@pass_session
def publish(session: Session, filing_id: str, publication_date: date) -> None:
    """Mark a first filing as published.

    \b
    Example:
      ipledger --office JP filings publish JP:PATENT:2024012345 --publication-date 2025-09-18
    """
    with session.busy("submitting MarkFirstFilingPublished"):
        filing = session.ledger().mark_first_filing_published(filing_id, publication_date)
    session.emit(filing, lambda: render_record(filing))


@filings.command("show")
@click.argument("filing_id", type=FILING_ID)
@json_option
@pass_session
def show(session: Session, filing_id: str) -> None:
    """Show a first filing by its id (<office>:<ipRight>:<normalised number>).

    \b
    Example:
      ipledger --office US filings show JP:PATENT:2024012345
    """
    with session.busy("querying the ledger"):
        filing = session.ledger().get_first_filing(filing_id)
    session.emit(filing, lambda: render_record(filing))


@filings.command("find")
@click.argument("office_code", type=OFFICE_CODE)
@click.argument("ip_right", type=EnumType(IpRight))
@click.argument("application_number", type=APPLICATION_NUMBER)
@json_option
@pass_session
def find(session: Session, office_code: str, ip_right: IpRight, application_number: str) -> None:
    """Find a first filing by its application number as written.

    The number is normalised with the depositing office's own rules, so
    "JP 2024-012345" and "2024012345" find the same filing.

    \b
    Example:
      ipledger --office US filings find JP PATENT "JP 2024-012345"
    """
    with session.busy("querying the ledger"):
        filing = session.ledger().find_first_filing(office_code, ip_right, application_number)
    session.emit(filing, lambda: render_record(filing))


@filings.command("list")
@click.option("--owner", "office_code", type=OFFICE_CODE, default=None, help="Only this depositing office.")
@click.option("--ip-right", type=EnumType(IpRight), default=None, help="Only this IP right.")
@click.option("--status", type=EnumType(FilingStatus), default=None, help="Only this status.")
@click.option("--from", "date_from", type=ISO_DATE, default=None, help="Filed on or after this date.")
@click.option("--to", "date_to", type=ISO_DATE, default=None, help="Filed on or before this date.")
@json_option
@listing_options
@pass_session
def list_filings(session: Session, office_code: str | None, ip_right: IpRight | None, status: FilingStatus | None,
                 date_from: date | None, date_to: date | None) -> None:
    """List first filings, ordered by office, filing date, IP right and number.

    \b
    Example:
      ipledger --office JP filings list --owner JP --from 2024-01-01 --to 2024-12-31
      ipledger --office JP filings list --status AVAILABLE --page --page-size 50 --json
    """
    if date_from and date_to and date_from > date_to:
        raise InvalidInput("--from is after --to", param_hint="'--from'")
    ledger = session.ledger()
    emit_listing(session, FILING_COLUMNS,
                 lambda bookmark, size: ledger.list_first_filings(
                     office_code=office_code, ip_right=ip_right, status=status, filing_date_from=date_from,
                     filing_date_to=date_to, page_size=size, bookmark=bookmark),
                 lambda size: ledger.iter_first_filings(
                     office_code=office_code, ip_right=ip_right, status=status, filing_date_from=date_from,
                     filing_date_to=date_to, page_size=size))


@filings.command("access-code")
@click.argument("filing_id", type=FILING_ID)
@click.option("--code", type=ACCESS_CODE, default=None,
              help="The new access code (4-64 hex digits); prompted for (hidden) when neither option is given.")
@click.option("--generate", is_flag=True, help="Generate a 16-hex-digit code and print it.")
@json_option
@pass_session
def access_code(session: Session, filing_id: str, code: str | None, generate: bool) -> None:
    """Set or change a first filing's access code (stored only as a salted hash).

    \b
    Example:
      ipledger --office JP filings access-code JP:PATENT:2024012345 --generate
    """
    if code and generate:
        raise InvalidInput("give either --code or --generate", param_hint="'--code'")
    if generate:
        code = _new_access_code()
    elif code is None:
        code = click.prompt("Access code", hide_input=True, confirmation_prompt=True, type=ACCESS_CODE)
    assert code is not None
    with session.busy("submitting SetAccessCode"):
        record = session.ledger().set_access_code(filing_id, code)
    session.emit(record, lambda: render_record(record))
    if generate:
        _announce_code(session, code)


# -- confidential data ---------------------------------------------------------------------------


@filings.group("confidential")
def confidential() -> None:
    """The private part of a first filing: title, applicants, contact.

    Stored in the depositing office's private collection; the public record
    keeps only its salted hash.

    \b
    Example:
      ipledger --office JP filings confidential show JP:PATENT:2024012345
    """


@confidential.command("show")
@click.argument("filing_id", type=FILING_ID)
@json_option
@pass_session
def confidential_show(session: Session, filing_id: str) -> None:
    """Show the confidential data of one of the acting office's filings.

    \b
    Example:
      ipledger --office JP filings confidential show JP:PATENT:2024012345 --json
    """
    with session.busy("querying the ledger"):
        record = session.ledger().get_filing_confidential(filing_id)
    session.emit(record, lambda: render_record(record))


@confidential.command("set")
@click.argument("filing_id", type=FILING_ID)
@_confidential_options
@json_option
@pass_session
def confidential_set(session: Session, filing_id: str, title: str | None, applicants: tuple[Applicant, ...],
                     contact_name: str, contact_email: str) -> None:
    """Set or replace the confidential data of one of the acting office's filings.

    \b
    Example:
      ipledger --office JP filings confidential set JP:PATENT:2024012345 \\
          --title "Folding widget" --applicant "JP:ACME K.K." --contact-email ip@acme.example
    """
    details = _confidential(title, applicants, contact_name, contact_email)
    if details is None:
        raise InvalidInput("give --title and at least one --applicant", param_hint="'--title'")
    with session.busy("submitting SetFilingConfidential"):
        filing: FirstFiling = session.ledger().set_filing_confidential(filing_id, details)
    session.emit(filing, lambda: render_record(filing))


@confidential.command("check")
@click.argument("filing_id", type=FILING_ID)
@json_option
@pass_session
def confidential_check(session: Session, filing_id: str) -> None:
    """Check that the public confidentialHash matches the private data's hash.

    Exits with 6 when they differ.

    \b
    Example:
      ipledger --office US filings confidential check JP:PATENT:2024012345
    """
    with session.busy("querying the ledger"):
        result = session.ledger().check_confidential_integrity(filing_id)
    session.emit(result, lambda: render_record(result))
    if not result.match:
        raise click.exceptions.Exit(ExitCode.CONFLICT)
