"""``ipledger grants``: who may retrieve a first filing (access codes and direct grants)."""

from __future__ import annotations

from datetime import date

import click

from ipledger.domain.enums import IpRight
from ipledger.domain.errors import AccessCodeMismatchError

from .options import json_option
from .output import json_text, render_record, rows_table
from .params import ACCESS_CODE, APPLICATION_NUMBER, FILING_ID, ISO_DATE, OFFICE_CODE, EnumType, TextType
from .session import Session, pass_session
from .views import GRANT_COLUMNS

__all__ = ["grants"]


@click.group()
def grants() -> None:
    """Access to first filings: redeem an access code, grant, revoke, unlock.

    An accessing office gains access by redeeming the applicant's access code
    (DAS today) or by a direct grant of the depositing office.  Five wrong
    codes lock the office out of that document until the depositing office
    resets the lock.

    \b
    Example:
      ipledger --office US grants redeem JP PATENT "JP 2024-012345" --filing-date 2024-03-15
      ipledger --office JP grants list JP:PATENT:2024012345
    """


@grants.command("redeem")
@click.argument("office_code", type=OFFICE_CODE)
@click.argument("ip_right", type=EnumType(IpRight))
@click.argument("application_number", type=APPLICATION_NUMBER)
@click.option("--filing-date", type=ISO_DATE, required=True, help="Priority filing date as the applicant gave it.")
@click.option("--code", type=ACCESS_CODE, default=None,
              help="The access code; prompted for (hidden) when not given, which keeps it out of shell history.")
@json_option
@pass_session
def redeem(session: Session, office_code: str, ip_right: IpRight, application_number: str, filing_date: date,
           code: str | None) -> None:
    """Redeem the applicant's access code for another office's first filing.

    A wrong code counts as a failed attempt (exit code 6, with the attempts
    left); the fifth locks access.

    \b
    Example:
      ipledger --office US grants redeem JP PATENT "JP 2024-012345" --filing-date 2024-03-15 --code 7F3A
    """
    if code is None:
        code = click.prompt("Access code", hide_input=True, type=ACCESS_CODE)
    assert code is not None
    with session.busy("submitting RedeemAccessCode, then SettleAccessCodeRedemption"):
        try:
            result = session.ledger().redeem_access_code(office_code, ip_right, application_number, filing_date,
                                                         code)
        except AccessCodeMismatchError as error:
            if error.result is not None and session.json_output:
                click.echo(json_text(error.result))  # scripts still get the counters
            raise
    session.emit(result, lambda: render_record(result))


@grants.command("grant")
@click.argument("filing_id", type=FILING_ID)
@click.argument("accessing_office", type=OFFICE_CODE)
@json_option
@pass_session
def grant(session: Session, filing_id: str, accessing_office: str) -> None:
    """Grant an office access directly (depositing office, on the applicant's instruction).

    \b
    Example:
      ipledger --office JP grants grant JP:PATENT:2024012345 KR
    """
    with session.busy("submitting GrantAccess"):
        record = session.ledger().grant_access(filing_id, accessing_office)
    session.emit(record, lambda: render_record(record))


@grants.command("revoke")
@click.argument("filing_id", type=FILING_ID)
@click.argument("accessing_office", type=OFFICE_CODE)
@click.option("--reason", type=TextType(1, 500), required=True, help="Why access is revoked.")
@json_option
@pass_session
def revoke(session: Session, filing_id: str, accessing_office: str, reason: str) -> None:
    """Revoke an office's active grant.

    \b
    Example:
      ipledger --office JP grants revoke JP:PATENT:2024012345 KR --reason "applicant's request"
    """
    with session.busy("submitting RevokeAccess"):
        record = session.ledger().revoke_access(filing_id, accessing_office, reason)
    session.emit(record, lambda: render_record(record))


@grants.command("reset-lock")
@click.argument("filing_id", type=FILING_ID)
@click.argument("accessing_office", type=OFFICE_CODE)
@json_option
@pass_session
def reset_lock(session: Session, filing_id: str, accessing_office: str) -> None:
    """Reset an office's failed attempts and lock on a first filing.

    \b
    Example:
      ipledger --office JP grants reset-lock JP:PATENT:2024012345 US
    """
    with session.busy("submitting ResetAccessLock"):
        record = session.ledger().reset_access_lock(filing_id, accessing_office)
    session.emit(record, lambda: render_record(record))


@grants.command("list")
@click.argument("filing_id", type=FILING_ID)
@json_option
@pass_session
def list_grants(session: Session, filing_id: str) -> None:
    """Show a first filing's access record: one row per office that ever asked.

    \b
    Example:
      ipledger --office JP grants list JP:PATENT:2024012345
    """
    with session.busy("querying the ledger"):
        record = session.ledger().get_access_record(filing_id)

    def text() -> str:
        head = (f"first filing {record.filing_id} (owner {record.owner_office}); access code "
                f"{'set, version ' + str(record.access_code_version) if record.access_code_set else 'not set'}")
        return head + "\n\n" + rows_table(GRANT_COLUMNS, record.offices) if record.offices else head
    session.emit(record, text)
