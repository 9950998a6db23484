"""``ipledger events``: follow the chaincode's events, resuming where the last run stopped."""

from __future__ import annotations

from pathlib import Path

import click

from ipledger.domain.enums import RecordType
from ipledger.domain.events import EVENT_TYPES, LedgerEvent
from ipledger.gateway.checkpointers import Checkpointer, FileCheckpointer
from ipledger.gateway.reconnect import ReconnectPolicy

from .options import json_option
from .output import format_value, json_text
from .session import Session, pass_session
from .views import EVENT_COLUMNS

__all__ = ["events"]


def default_checkpoint_path(session: Session) -> Path:
    """``<wallet dir>/checkpoints/events-<user>.json``: one position per office and user."""
    return session.wallet_dir() / "checkpoints" / f"events-{session.user}.json"


# Typical widths (event names up to 30 characters, filing ids about 25), so most lines align with the header.
_START_WIDTHS = {"block": 6, "event": 30, "record": 28, "status": 10}


class _EventPrinter:
    """Prints events as they come: an aligned line each, or one JSON object per line."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._widths = [max(len(column.header), _START_WIDTHS.get(column.header, 0)) for column in EVENT_COLUMNS]
        self._header_shown = False

    def _line(self, cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, self._widths)).rstrip()

    def __call__(self, event: LedgerEvent) -> None:
        if self._session.json_output:
            click.echo(json_text(event, indent=None))
            return
        if not self._header_shown:
            click.echo(self._line([column.header for column in EVENT_COLUMNS]))
            self._header_shown = True
        cells = [format_value(column.value(event)) for column in EVENT_COLUMNS]
        # A table cannot be measured before a stream ends: columns only grow, earlier lines stay as printed.
        self._widths = [max(width, len(cell)) for width, cell in zip(self._widths, cells)]
        click.echo(self._line(cells))


@click.group()
def events() -> None:
    """Chaincode events: what changed, block by block.

    \b
    Example:
      ipledger --office JP events watch
      ipledger --office JP --json events watch --from-block 0 --limit 100
    """


@events.command("watch")
@click.option("--from-block", type=click.IntRange(min=0), default=None,
              help="Start at this block instead of the checkpoint (the checkpoint is still updated).")
@click.option("--checkpoint", "checkpoint_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Checkpoint file (default: <wallet dir>/checkpoints/events-<user>.json).")
@click.option("--no-checkpoint", is_flag=True, help="Neither read nor write a checkpoint.")
@click.option("--event", "names", multiple=True, type=click.Choice(sorted(EVENT_TYPES)),
              help="Only these event names (repeatable).")
@click.option("--record-type", "record_types", multiple=True, type=click.Choice(
    [record_type.value for record_type in RecordType]), help="Only events about this record type (repeatable).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Stop after this many (shown) events.")
@json_option
@pass_session
def watch(session: Session, from_block: int | None, checkpoint_path: Path | None, no_checkpoint: bool,
          names: tuple[str, ...], record_types: tuple[str, ...], limit: int | None) -> None:
    """Print events as they are committed; Ctrl-C stops, the next run resumes.

    Without --from-block the stream starts after the last event handled by
    the previous run (file checkpoint), or at the next block on the first
    run.  The stream reconnects by itself when the peer goes away.  With
    --json each event is one JSON object on its own line.

    \b
    Example:
      ipledger --office JP events watch
      ipledger --office US events watch --event AccessGranted --event RetrievalRequested
      ipledger --office JP --json events watch --from-block 0 --no-checkpoint --limit 50
    """
    if no_checkpoint and checkpoint_path is not None:
        raise click.UsageError("give either --checkpoint or --no-checkpoint")
    checkpointer: Checkpointer | None = None
    if not no_checkpoint:
        path = checkpoint_path or default_checkpoint_path(session)
        path.parent.mkdir(parents=True, exist_ok=True)
        checkpointer = FileCheckpointer(path)
    show = _EventPrinter(session)
    shown = 0
    stream = session.ledger().events(start_block=from_block, checkpointer=checkpointer,
                                     reconnect=ReconnectPolicy())
    try:
        with stream:
            if checkpointer is not None and from_block is None and checkpointer.block_number is not None:
                session.note(f"resuming at block {checkpointer.block_number}")
            for event in stream:
                if (not names or event.name in names) and (not record_types or event.record_type in record_types):
                    show(event)
                    shown += 1
                stream.checkpoint()  # handled (shown or filtered out): do not replay it
                if limit is not None and shown >= limit:
                    break
    except KeyboardInterrupt:
        session.note("stopped" + (f"; the next run resumes after block {checkpointer.block_number}"
                                  if checkpointer is not None and checkpointer.block_number is not None else ""))
