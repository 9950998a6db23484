# unasync: async-only
"""Paginated listings through the asyncio domain API: more records than a page, under a filter only this test matches.

The filter is a random filing date between 1990 and 2019 for one office, so the listing holds this test's
deposits (practically) alone; the assertions still allow for someone else's record on that day.

The one source of test_live_domain_pagination.py, the same tests for PriorityLedger (``./scripts/generate``).
"""
# unasync: end
# unasync: sync-only
# """Paginated listings through the domain API: more records than a page, under a filter only this test matches.
#
# The filter is a random filing date between 1990 and 2019 for one office, so the listing holds this test's
# deposits (practically) alone; the assertions still allow for someone else's record on that day.
# """
# unasync: end

from __future__ import annotations

# unasync: async-only
import asyncio
# unasync: end
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from _live_domain import Deposited, Peers, adeposit, aretry_conflicts, random_past_date
from ipledger.domain import (
    AsyncPriorityLedger,
    FilingStatus,
    FirstFiling,
    HistoryEntry,
    IpRight,
    Page,
)

RECORDS = 7
PAGE_SIZE = 3


def _number_order(filings: list[FirstFiling]) -> list[str]:
    return [filing.id for filing in sorted(filings, key=lambda f: (f.ip_right.value, f.application_number_normalised))]


async def test_pages_and_iteration_across_several_pages(
        async_ledger: Callable[[str], AbstractAsyncContextManager[AsyncPriorityLedger]], peers: Peers) -> None:
    async with async_ledger("JP") as jp, async_ledger("US") as us:
        filed = random_past_date()
        mine: list[Deposited] = [await adeposit(jp, "JP", filing_date=filed) for _ in range(RECORDS)]
        ids = {d.id for d in mine}
        peers.settle()

        # Page by page, passing the bookmark back, until the bookmark is "".
        pages: list[Page[FirstFiling]] = []
        bookmark = ""
        while True:
            page = await us.list_first_filings(office_code="JP", filing_date_from=filed, filing_date_to=filed,
                                               page_size=PAGE_SIZE, bookmark=bookmark)
            assert len(page.records) <= PAGE_SIZE and page.fetched_count >= len(page.records)
            pages.append(page)
            if page.is_last:
                break
            bookmark = page.bookmark
        listed = [filing for page in pages for filing in page.records]
        assert len(pages) >= RECORDS // PAGE_SIZE + 1
        assert ids <= {f.id for f in listed} and len({f.id for f in listed}) == len(listed)
        assert all(f.office_code == "JP" and f.filing_date == filed for f in listed)
        assert [f.id for f in listed] == _number_order(listed)  # ordered by office, date, IP right, number

        # The iterator follows the bookmarks itself and yields the same records in the same order.
        assert [f.id async for f in us.iter_first_filings(office_code="JP", filing_date_from=filed, filing_date_to=filed,
                                                          page_size=PAGE_SIZE)] == [f.id for f in listed]
        # Combined with a status filter: pages may come back short (even empty) while the listing goes on.
        for deposited in mine[:2]:
            await aretry_conflicts(lambda: jp.withdraw_first_filing(deposited.id, "withdrawn for the pagination test"))
        peers.settle()
        withdrawn = [f async for f in us.iter_first_filings(
            office_code="JP", ip_right=IpRight.PATENT, status=FilingStatus.WITHDRAWN,
            filing_date_from=filed, filing_date_to=filed, page_size=2)]
        assert {d.id for d in mine[:2]} <= {f.id for f in withdrawn}
        assert not ({f.id for f in withdrawn} & {d.id for d in mine[2:]})
        assert all(f.status is FilingStatus.WITHDRAWN for f in withdrawn)

        # A record's history, two versions a page.
        target = mine[2]
        for reason in ("first correction", "second correction", "third correction"):
            await aretry_conflicts(lambda: jp.correct_first_filing(target.id, reason=reason,
                                                                   document_sha256=f"{len(reason):02x}" * 32))
        history: list[HistoryEntry] = [entry async for entry in jp.iter_record_history("filing", target.id, page_size=2)]
        assert [(entry.record or {})["version"] for entry in history] == [4, 3, 2, 1]
        first_page = await jp.get_record_history("filing", target.id, page_size=2)
        assert [entry.tx_id for entry in first_page.records] == [entry.tx_id for entry in history[:2]]
        assert not first_page.is_last


# unasync: async-only
async def test_async_iteration_across_several_pages(
        async_ledger: Callable[[str], AbstractAsyncContextManager[AsyncPriorityLedger]], peers: Peers) -> None:
    filed = random_past_date()
    async with async_ledger("KR") as kr, async_ledger("EP") as ep:
        mine = await asyncio.gather(*(adeposit(kr, "KR", filing_date=filed, ip_right=IpRight.UTILITY_MODEL)
                                      for _ in range(RECORDS)))
        ids = {d.id for d in mine}
        assert len(ids) == RECORDS
        peers.settle()
        listed = [f async for f in ep.iter_first_filings(office_code="KR", ip_right="UTILITY_MODEL",
                                                         filing_date_from=filed, filing_date_to=filed,
                                                         page_size=PAGE_SIZE)]
        assert ids <= {f.id for f in listed} and len({f.id for f in listed}) == len(listed)
        assert [f.id for f in listed] == _number_order(listed)
        first = await ep.list_first_filings(office_code="KR", ip_right="UTILITY_MODEL", filing_date_from=filed,
                                            filing_date_to=filed, page_size=PAGE_SIZE)
        assert [f.id for f in first.records] == [f.id for f in listed[:PAGE_SIZE]] and not first.is_last
        second = await ep.list_first_filings(office_code="KR", ip_right="UTILITY_MODEL", filing_date_from=filed,
                                             filing_date_to=filed, page_size=PAGE_SIZE, bookmark=first.bookmark)
        assert [f.id for f in second.records] == [f.id for f in listed[PAGE_SIZE:2 * PAGE_SIZE]]
# unasync: end
