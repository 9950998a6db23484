# unasync: async-only
"""Typed events from the asyncio domain API's event streams, resumed from a checkpoint without replaying anything.

The one source of test_live_domain_events.py, the same tests for PriorityLedger (``./scripts/generate``).
"""
# unasync: end
# unasync: sync-only
# """Typed events from the domain API's event streams, resumed from a checkpoint without replaying anything."""
# unasync: end

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

from _live_domain import Deposited, adeposit, aread_events, aretry_conflicts
from ipledger.domain import (
    AccessCodeChanged,
    AccessEvent,
    AccessGranted,
    AsyncPriorityLedger,
    FirstFilingCorrected,
    FirstFilingDeposited,
    FirstFilingEvent,
    FirstFilingPublished,
    FirstFilingWithdrawn,
    LedgerEvent,
)
from ipledger.gateway import AsyncLedgerReader, FileCheckpointer, InMemoryCheckpointer


def _about(deposited: Deposited) -> Callable[[LedgerEvent], bool]:
    return lambda event: event.record_id == deposited.id


async def _history_tx_ids(ledger: AsyncPriorityLedger, filing_id: str) -> list[str]:
    history = [entry async for entry in ledger.iter_record_history("filing", filing_id)]
    return [entry.tx_id for entry in reversed(history)]


async def test_events_are_typed_and_resume_from_a_file_checkpoint(
        async_ledger: Callable[[str], AbstractAsyncContextManager[AsyncPriorityLedger]], tmp_path: Path) -> None:
    async with async_ledger("JP") as jp:
        assert jp.gateway is not None and jp.profile is not None
        first_block = (await AsyncLedgerReader(jp.gateway.get_network(jp.profile.channel)).get_chain_info()).height
        deposited = await adeposit(jp, "JP", access_code="a11ce5")
        await aretry_conflicts(lambda: jp.correct_first_filing(deposited.id, reason="rescanned",
                                                               document_format="TIFF_ZIP"))

        path = tmp_path / "checkpoint.json"
        stream = jp.events(start_block=first_block, checkpointer=FileCheckpointer(path))
        async with stream:
            mine, seen = await aread_events(stream, _about(deposited), 3)
            stream.checkpoint()  # the last event is handled
        assert [type(event) for event in mine] == [FirstFilingDeposited, AccessCodeChanged, FirstFilingCorrected]
        assert isinstance(mine[0], FirstFilingEvent) and isinstance(mine[1], AccessEvent)
        assert all(event.office_code == "JP" and event.block_number >= first_block for event in mine)
        assert (mine[0].record_type, mine[0].status, mine[1].record_type, mine[1].subject_office) == (
            "filing", "AVAILABLE", "access", "")
        assert [mine[0].transaction_id, mine[2].transaction_id] == await _history_tx_ids(jp, deposited.id)
        last = seen[-1]
        assert FileCheckpointer(path).block_number == last.block_number
        assert FileCheckpointer(path).transaction_id == last.transaction_id

        # More happens while nobody listens; a new stream resumes after the checkpoint, replaying nothing.
        await aretry_conflicts(lambda: jp.mark_first_filing_published(deposited.id, "2025-10-01"))
        await aretry_conflicts(lambda: jp.grant_access(deposited.id, "EP"))
        resumed = jp.events(checkpointer=FileCheckpointer(path))
        async with resumed:
            later, again = await aread_events(resumed, _about(deposited), 2)
    assert [type(event) for event in later] == [FirstFilingPublished, AccessGranted]
    assert (later[1].subject_office, later[1].status) == ("EP", "ACTIVE")
    assert not {event.transaction_id for event in again} & {event.transaction_id for event in seen}
    assert (again[0].block_number, again[0].transaction_id) != (last.block_number, last.transaction_id)
    assert again[0].block_number >= last.block_number
    positions = [event.block_number for event in seen + again]
    assert positions == sorted(positions)


async def test_events_are_typed_and_resume_from_a_checkpoint(
        async_ledger: Callable[[str], AbstractAsyncContextManager[AsyncPriorityLedger]]) -> None:
    checkpointer = InMemoryCheckpointer()
    async with async_ledger("US") as us:
        assert us.gateway is not None and us.profile is not None
        first_block = (await AsyncLedgerReader(us.gateway.get_network(us.profile.channel)).get_chain_info()).height
        deposited = await adeposit(us, "US")
        await aretry_conflicts(lambda: us.withdraw_first_filing(deposited.id, "withdrawn for the events test"))
        async with us.events(start_block=first_block, checkpointer=checkpointer) as stream:
            mine, seen = await aread_events(stream, _about(deposited), 2)
            stream.checkpoint()
        assert [type(event) for event in mine] == [FirstFilingDeposited, FirstFilingWithdrawn]
        assert mine[1].status == "WITHDRAWN" and all(event.record_id == deposited.id for event in mine)
        assert checkpointer.transaction_id == seen[-1].transaction_id

        other = await adeposit(us, "US")
        async with us.events(checkpointer=checkpointer) as resumed:
            later, again = await aread_events(resumed, _about(other), 1)
        assert isinstance(later[0], FirstFilingDeposited) and later[0].record_id == other.id
        assert not {event.transaction_id for event in again} & {event.transaction_id for event in seen}
