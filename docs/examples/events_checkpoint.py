"""Listen to the ledger's events with a checkpoint file, crash, and resume after the last handled event.

The listener handles each event and only then asks for the next one; the stream saves the position of an
event when the next is requested (or on ``checkpoint()``), so after a crash the restarted listener gets the
event it was handling again -- at least once, never lost -- and nothing it had finished.

docs-example: live
"""

from __future__ import annotations

import hashlib
import secrets
import tempfile
from pathlib import Path

from ipledger.domain import FirstFilingDeposited, IpRight, LedgerEvent, PriorityLedger
from ipledger.gateway import FileCheckpointer, LedgerReader


class Crash(Exception):
    """Stands in for the process dying while it handles an event."""


def listen(ledger: PriorityLedger, checkpoint_file: Path, wanted: set[str], *, start_block: int | None = None,
           crash_on: str | None = None) -> list[str]:
    """Handle events until every filing in ``wanted`` was seen; returns the filing IDs handled, in order."""
    handled: list[str] = []
    checkpointer = FileCheckpointer(checkpoint_file)  # a missing file means: no checkpoint yet
    # start_block is for the very first run only: once a checkpoint exists, it says where to resume.
    first_block = start_block if checkpointer.block_number is None else None
    with ledger.events(start_block=first_block, checkpointer=checkpointer) as stream:
        for event in stream:
            if not (isinstance(event, FirstFilingDeposited) and event.record_id in wanted):
                continue  # other offices' and other applications' events
            if event.record_id == crash_on:
                raise Crash(f"died while handling {event.record_id}")
            handle(event)
            handled.append(event.record_id)
            if wanted <= set(handled):
                stream.checkpoint()  # leaving on purpose: save the last handled event's position now
                return handled
    return handled


def handle(event: LedgerEvent) -> None:
    print(f"block {event.block_number}: {event.name} {event.record_id}")


with PriorityLedger.connect("JP") as jp, tempfile.TemporaryDirectory() as state:
    assert jp.gateway is not None and jp.profile is not None  # set by connect()
    channel = jp.gateway.get_network(jp.profile.channel)
    start = LedgerReader(channel).get_chain_info().height  # the next block to be committed
    filings = [
        jp.deposit_first_filing(
            ip_right=IpRight.PATENT, application_number=f"JP 2025-{100000 + secrets.randbelow(900000)}",
            filing_date="2025-06-27", document_sha256=hashlib.sha256(secrets.token_bytes(16)).hexdigest())
        for _ in range(3)
    ]
    ids = [filing.id for filing in filings]
    checkpoint = Path(state) / "listener.checkpoint.json"

    try:
        listen(jp, checkpoint, set(ids), start_block=start, crash_on=ids[1])
    except Crash as crash:
        print("crashed:", crash)

    # A restarted process: a new FileCheckpointer reads the position from the file.
    resumed = listen(jp, checkpoint, set(ids[1:]))
    print("resumed with the event being handled at the crash:", resumed[0] == ids[1])
    print("what was handled before the crash came again:", ids[0] in resumed)
