"""``ipledger deadlines``: priority and restoration periods as an office counts them."""

from __future__ import annotations

from datetime import date

import click

from ipledger.domain.enums import IpRight

from .options import json_option
from .output import render_record
from .params import ISO_DATE, OFFICE_CODE, EnumType
from .session import Session, pass_session

__all__ = ["deadlines"]


@click.group()
def deadlines() -> None:
    """Compute priority and restoration deadlines as an office counts them.

    Paris Convention Art. 4C, PCT Rules 80 and 26bis.3.

    \b
    Example:
      ipledger --office US deadlines compute 2024-03-15 --ip-right PATENT
    """


@deadlines.command("compute")
@click.argument("priority_date", type=ISO_DATE)
@click.option("--ip-right", "priority_ip_right", type=EnumType(IpRight), required=True,
              help="IP right of the first filing.")
@click.option("--later-ip-right", type=EnumType(IpRight), default=None,
              help="IP right of the later application (default: the same).")
@click.option("--osf", "office_code", type=OFFICE_CODE, default=None,
              help="Office of second filing whose calendar and policy apply (default: the acting office).")
@json_option
@pass_session
def compute(session: Session, priority_date: date, priority_ip_right: IpRight, later_ip_right: IpRight | None,
            office_code: str | None) -> None:
    """Priority period end and restoration period end for a priority date.

    The period ends on the same day number N months later (or the month's
    last day), extended to the next day the office of second filing is
    open; restoration adds two months from the extended end.

    \b
    Example:
      ipledger --office US deadlines compute 2024-03-15 --ip-right PATENT
      ipledger --office JP deadlines compute 2023-08-31 --ip-right INDUSTRIAL_DESIGN --osf EP --json
    """
    ledger = session.ledger()
    with session.busy("querying the ledger"):
        osf = office_code or ledger.office_code or ledger.get_caller_office().office_code
        deadline = ledger.compute_priority_deadline(osf, priority_ip_right, priority_date,
                                                    later_ip_right or priority_ip_right)
    session.emit(deadline, lambda: render_record(deadline))
