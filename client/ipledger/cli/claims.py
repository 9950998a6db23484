"""``ipledger claims``: priority claims recorded by the office of second filing."""

from __future__ import annotations

from datetime import date

import click

from ipledger.domain.enums import ApplicationCategory, IpRight, RestorationCriterion, RestorationDecision
from ipledger.domain.models import LaterApplicationClaims, PriorityClaim
from ipledger.domain.validation import check_application_number

from .options import emit_listing, json_option, listing_options
from .output import render_record, rows_table
from .params import APPLICATION_NUMBER, CLAIM_ID, ISO_DATE, OFFICE_CODE, EnumType, InvalidInput
from .session import Session, pass_session
from .views import CLAIM_COLUMNS

__all__ = ["claims"]

_APPLICATION = (OFFICE_CODE, EnumType(IpRight), APPLICATION_NUMBER)


def _note_warnings(session: Session, claim: PriorityClaim) -> None:
    if not session.json_output and claim.warnings:
        session.note("warnings: " + ", ".join(warning.value for warning in claim.warnings))


def _emit_claim(session: Session, claim: PriorityClaim) -> None:
    session.emit(claim, lambda: render_record(claim))
    _note_warnings(session, claim)


@click.group()
def claims() -> None:
    """Record priority claims and follow restoration of the right of priority.

    The acting office is the office of second filing.  Periods are computed
    with its calendar when the claim is recorded and then frozen.

    \b
    Example:
      ipledger --office US claims record --number "18/123,456" --ip-right PATENT --filing-date 2025-03-17 \\
          --priority-office JP --priority-number "JP 2024-012345" --priority-date 2024-03-15
      ipledger --office US claims list --later US PATENT "18/123,456"
    """


@claims.command("record")
@click.option("--number", "later_number", type=APPLICATION_NUMBER, required=True,
              help="Number of the later application (filed with the acting office).")
@click.option("--ip-right", "later_ip_right", type=EnumType(IpRight), required=True,
              help="IP right of the later application.")
@click.option("--filing-date", "later_date", type=ISO_DATE, required=True,
              help="Filing date of the later application.")
@click.option("--category", "later_category", type=EnumType(ApplicationCategory), default=None,
              help="Category of the later application (default NATIONAL).")
@click.option("--priority-office", type=OFFICE_CODE, required=True, help="Office of the claimed first filing.")
@click.option("--priority-number", type=APPLICATION_NUMBER, required=True, help="Number of the claimed filing.")
@click.option("--priority-ip-right", type=EnumType(IpRight), default=None,
              help="IP right of the claimed filing (default: that of the later application).")
@click.option("--priority-date", type=ISO_DATE, required=True, help="Filing date of the claimed filing.")
@click.option("--priority-category", type=EnumType(ApplicationCategory), default=None,
              help="Category of the claimed filing (default NATIONAL).")
@click.option("--sequence", type=click.IntRange(1, 999), default=1, show_default=True,
              help="Sequence number of the claim within the later application.")
@json_option
@pass_session
def record(session: Session, later_number: str, later_ip_right: IpRight, later_date: date,
           later_category: ApplicationCategory | None, priority_office: str, priority_number: str,
           priority_ip_right: IpRight | None, priority_date: date, priority_category: ApplicationCategory | None,
           sequence: int) -> None:
    """Record a priority claim of a later application filed with the acting office.

    Refused with exit code 6 when the period has expired
    (PRIORITY_PERIOD_EXPIRED), the IP rights are incompatible or the dates
    do not fit the deposited first filing.

    \b
    Example:
      ipledger --office US claims record --number "18/123,456" --ip-right PATENT --filing-date 2025-03-17 \\
          --priority-office JP --priority-number "JP 2024-012345" --priority-date 2024-03-15
    """
    for number, category, hint in ((later_number, later_category, "'--number'"),
                                   (priority_number, priority_category, "'--priority-number'")):
        try:
            check_application_number(number, category)
        except ValueError as problem:
            raise InvalidInput(str(problem), param_hint=hint) from None
    with session.busy("submitting RecordPriorityClaim"):
        result = session.ledger().record_priority_claim(
            later_application_number=later_number, later_ip_right=later_ip_right, later_filing_date=later_date,
            later_category=later_category, priority_office=priority_office,
            priority_application_number=priority_number, priority_ip_right=priority_ip_right or later_ip_right,
            priority_filing_date=priority_date, priority_category=priority_category, sequence_number=sequence)
    session.emit(result, lambda: render_record(result.claim, extra=[
        ("earliest priority date", result.earliest_priority_date)]))
    _note_warnings(session, result.claim)


@claims.command("show")
@click.argument("claim_id", type=CLAIM_ID)
@json_option
@pass_session
def show(session: Session, claim_id: str) -> None:
    """Show a priority claim with its frozen periods.

    \b
    Example:
      ipledger --office US claims show US:PATENT:18123456:1
    """
    with session.busy("querying the ledger"):
        claim = session.ledger().get_priority_claim(claim_id)
    _emit_claim(session, claim)


@claims.command("list")
@click.option("--cited", type=_APPLICATION, default=None, metavar="OFFICE IP_RIGHT NUMBER",
              help="Claims citing this (first) filing, whether deposited on the ledger or not.")
@click.option("--later", type=_APPLICATION, default=None, metavar="OFFICE IP_RIGHT NUMBER",
              help="Claims of this later application, with its earliest priority date.")
@json_option
@listing_options
@pass_session
def list_claims(session: Session, cited: tuple[str, IpRight, str] | None,
                later: tuple[str, IpRight, str] | None) -> None:
    """List the claims citing a first filing (--cited) or made by a later application (--later).

    \b
    Example:
      ipledger --office JP claims list --cited JP PATENT "JP 2024-012345"
      ipledger --office US claims list --later US PATENT "18/123,456" --json
    """
    if (cited is None) == (later is None):
        raise InvalidInput("give exactly one of --cited or --later", param_hint="'--cited'")
    ledger = session.ledger()
    if cited is not None:
        office, ip_right, number = cited
        emit_listing(session, CLAIM_COLUMNS,
                     lambda bookmark, size: ledger.list_claims_on_first_filing(office, ip_right, number,
                                                                               page_size=size, bookmark=bookmark),
                     lambda size: ledger.iter_claims_on_first_filing(office, ip_right, number, page_size=size))
        return
    assert later is not None
    with session.busy("querying the ledger"):
        found = ledger.get_later_application_claims(*later)
    session.emit(found, lambda: _later_text(found))


def _later_text(found: LaterApplicationClaims) -> str:
    head = (f"{found.office_code} {found.ip_right.value} {found.application_number_normalised}: "
            f"earliest priority date {found.earliest_priority_date or 'none'}")
    return head + ("\n\n" + rows_table(CLAIM_COLUMNS, found.claims) if found.claims else "")


@claims.command("withdraw")
@click.argument("claim_id", type=CLAIM_ID)
@json_option
@pass_session
def withdraw(session: Session, claim_id: str) -> None:
    """Withdraw a priority claim.

    \b
    Example:
      ipledger --office US claims withdraw US:PATENT:18123456:2
    """
    with session.busy("submitting WithdrawPriorityClaim"):
        claim = session.ledger().withdraw_priority_claim(claim_id)
    _emit_claim(session, claim)


@claims.group("restoration")
def restoration() -> None:
    """Restoration of the right of priority for late claims (PCT Rule 26bis.3).

    \b
    Example:
      ipledger --office US claims restoration request US:PATENT:18123456:1 \\
          --criterion UNINTENTIONAL --request-date 2025-04-02
      ipledger --office US claims restoration decide US:PATENT:18123456:1 GRANTED
    """


@restoration.command("request")
@click.argument("claim_id", type=CLAIM_ID)
@click.option("--criterion", type=EnumType(RestorationCriterion), required=True,
              help="DUE_CARE or UNINTENTIONAL (must be in the office's policy).")
@click.option("--request-date", type=ISO_DATE, required=True, help="Date the applicant requested restoration.")
@json_option
@pass_session
def restoration_request(session: Session, claim_id: str, criterion: RestorationCriterion,
                        request_date: date) -> None:
    """Record a restoration request for a late (LATE_RESTORABLE) claim.

    \b
    Example:
      ipledger --office US claims restoration request US:PATENT:18123456:1 \\
          --criterion UNINTENTIONAL --request-date 2025-04-02
    """
    with session.busy("submitting RequestRestoration"):
        claim = session.ledger().request_restoration(claim_id, criterion, request_date)
    _emit_claim(session, claim)


@restoration.command("decide")
@click.argument("claim_id", type=CLAIM_ID)
@click.argument("decision", type=EnumType(RestorationDecision))
@json_option
@pass_session
def restoration_decide(session: Session, claim_id: str, decision: RestorationDecision) -> None:
    """Record the decision on a restoration request: GRANTED or REFUSED.

    \b
    Example:
      ipledger --office US claims restoration decide US:PATENT:18123456:1 GRANTED
    """
    with session.busy("submitting DecideRestoration"):
        claim = session.ledger().decide_restoration(claim_id, decision)
    _emit_claim(session, claim)
