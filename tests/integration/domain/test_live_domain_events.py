# generated from tests/integration/domain/test_live_domain_events_aio.py by scripts/unasync.py - do not edit; run ./scripts/generate
"""Typed events from the domain API's event streams, resumed from a checkpoint without replaying anything."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from _live_domain import Deposited, deposit, read_events, retry_conflicts
from ipledger.domain import (
    AccessCodeChanged,
    AccessEvent,
    AccessGranted,
    PriorityLedger,
    FirstFilingCorrected,
    FirstFilingDeposited,
    FirstFilingEvent,
    FirstFilingPublished,
    FirstFilingWithdrawn,
    LedgerEvent,
)
from ipledger.gateway import LedgerReader, FileCheckpointer, InMemoryCheckpointer


def _about(deposited: Deposited) -> Callable[[LedgerEvent], bool]:
    return lambda event: event.record_id == deposited.id


def _history_tx_ids(ledger: PriorityLedger, filing_id: str) -> list[str]:
    history = [entry for entry in ledger.iter_record_history("filing", filing_id)]
    return [entry.tx_id for entry in reversed(history)]


def test_events_are_typed_and_resume_from_a_file_checkpoint(
        open_ledger: Callable[[str], AbstractContextManager[PriorityLedger]], tmp_path: Path) -> None:
    with open_ledger("JP") as jp:
        assert jp.gateway is not None and jp.profile is not None
        first_block = (LedgerReader(jp.gateway.get_network(jp.profile.channel)).get_chain_info()).height
        deposited = deposit(jp, "JP", access_code="a11ce5")
        retry_conflicts(lambda: jp.correct_first_filing(deposited.id, reason="rescanned",
                                                        document_format="TIFF_ZIP"))

        path = tmp_path / "checkpoint.json"
        stream = jp.events(start_block=first_block, checkpointer=FileCheckpointer(path))
        with stream:
            mine, seen = read_events(stream, _about(deposited), 3)
            stream.checkpoint()  # the last event is handled
        assert [type(event) for event in mine] == [FirstFilingDeposited, AccessCodeChanged, FirstFilingCorrected]
        assert isinstance(mine[0], FirstFilingEvent) and isinstance(mine[1], AccessEvent)
        assert all(event.office_code == "JP" and event.block_number >= first_block for event in mine)
        assert (mine[0].record_type, mine[0].status, mine[1].record_type, mine[1].subject_office) == (
            "filing", "AVAILABLE", "access", "")
        assert [mine[0].transaction_id, mine[2].transaction_id] == _history_tx_ids(jp, deposited.id)
        last = seen[-1]
        assert FileCheckpointer(path).block_number == last.block_number
        assert FileCheckpointer(path).transaction_id == last.transaction_id

        # More happens while nobody listens; a new stream resumes after the checkpoint, replaying nothing.
        retry_conflicts(lambda: jp.mark_first_filing_published(deposited.id, "2025-10-01"))
        retry_conflicts(lambda: jp.grant_access(deposited.id, "EP"))
        resumed = jp.events(checkpointer=FileCheckpointer(path))
        with resumed:
            later, again = read_events(resumed, _about(deposited), 2)
    assert [type(event) for event in later] == [FirstFilingPublished, AccessGranted]
    assert (later[1].subject_office, later[1].status) == ("EP", "ACTIVE")
    assert not {event.transaction_id for event in again} & {event.transaction_id for event in seen}
    assert (again[0].block_number, again[0].transaction_id) != (last.block_number, last.transaction_id)
    assert again[0].block_number >= last.block_number
    positions = [event.block_number for event in seen + again]
    assert positions == sorted(positions)


def test_events_are_typed_and_resume_from_a_checkpoint(
        open_ledger: Callable[[str], AbstractContextManager[PriorityLedger]]) -> None:
    checkpointer = InMemoryCheckpointer()
    with open_ledger("US") as us:
        assert us.gateway is not None and us.profile is not None
        first_block = (LedgerReader(us.gateway.get_network(us.profile.channel)).get_chain_info()).height
        deposited = deposit(us, "US")
        retry_conflicts(lambda: us.withdraw_first_filing(deposited.id, "withdrawn for the events test"))
        with us.events(start_block=first_block, checkpointer=checkpointer) as stream:
            mine, seen = read_events(stream, _about(deposited), 2)
            stream.checkpoint()
        assert [type(event) for event in mine] == [FirstFilingDeposited, FirstFilingWithdrawn]
        assert mine[1].status == "WITHDRAWN" and all(event.record_id == deposited.id for event in mine)
        assert checkpointer.transaction_id == seen[-1].transaction_id

        other = deposit(us, "US")
        with us.events(checkpointer=checkpointer) as resumed:
            later, again = read_events(resumed, _about(other), 1)
        assert isinstance(later[0], FirstFilingDeposited) and later[0].record_id == other.id
        assert not {event.transaction_id for event in again} & {event.transaction_id for event in seen}
