"""``ipledger history``: every version of any record, newest first."""

from __future__ import annotations

import click

from ipledger.domain.enums import RecordType

from .options import emit_listing, json_option, listing_options
from .params import EnumType, TextType
from .session import Session, pass_session
from .views import HISTORY_COLUMNS

__all__ = ["history"]


@click.command()
@click.argument("record_type", type=EnumType(RecordType))
@click.argument("record_id", type=TextType(1, 400))
@json_option
@listing_options
@pass_session
def history(session: Session, record_type: RecordType, record_id: str) -> None:
    """Show the history of a record: each transaction that changed it, newest first.

    RECORD_TYPE is office, officeSettings (or office-settings), proposal,
    filing, access, retrieval or claim; RECORD_ID its id.  --json includes
    each version's full record.

    \b
    Example:
      ipledger --office JP history filing JP:PATENT:2024012345
      ipledger --office JP history access JP:PATENT:2024012345 --json
    """
    ledger = session.ledger()
    emit_listing(session, HISTORY_COLUMNS,
                 lambda bookmark, size: ledger.get_record_history(record_type, record_id, page_size=size,
                                                                  bookmark=bookmark),
                 lambda size: ledger.iter_record_history(record_type, record_id, page_size=size))
