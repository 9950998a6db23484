"""Helpers of the live domain API tests: unique test data, conflict retries, peers in step, bounded event reading.

Every record a test writes gets a random application number, so the tests can run again and again on the same
ledger, next to other engineers' tests.  Each office reads through its own peer; ``Peers.settle`` waits (on the
peers' block streams, without sleeping) until every peer has committed what any of them has, before one office
reads what another wrote.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from _live_blocks import wait_for_block
from ipledger.domain import (
    AsyncLedgerEventStream,
    AsyncPriorityLedger,
    ConfidentialDetails,
    FirstFiling,
    IpRight,
    LedgerEvent,
    LedgerEventStream,
    PriorityLedger,
)
from ipledger.gateway import CommitError, LedgerReader, Network

T = TypeVar("T")

OFFICES = ("JP", "US", "EP", "KR")
#: Safety net for streams: one that never delivers is closed after this many seconds (not a timing assertion).
STREAM_SAFETY_SECONDS = 120.0
#: Attempts for a write that other engineers' concurrent updates may invalidate (MVCC_READ_CONFLICT).
CONFLICT_ATTEMPTS = 3
PRIORITY_DATE = date(2024, 6, 3)


def random_digits(count: int) -> str:
    return "".join(str(secrets.randbelow(10)) for _ in range(count))


def random_past_date() -> date:
    """A random day between 1990 and 2019, so a date filter finds (practically) only this test's records."""
    return date(1990, 1, 1) + timedelta(days=secrets.randbelow(30 * 365))


def new_document() -> bytes:
    return b"%PDF-1.7 ipledger domain live test " + secrets.token_bytes(32)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def retry_conflicts(write: Callable[[], T]) -> T:
    """Run ``write`` again when it was invalidated by someone else's concurrent update (nothing was written)."""
    for attempt in range(1, CONFLICT_ATTEMPTS + 1):
        try:
            return write()
        except CommitError as error:
            if error.code_name != "MVCC_READ_CONFLICT" or attempt == CONFLICT_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


async def aretry_conflicts(write: Callable[[], Awaitable[T]]) -> T:
    for attempt in range(1, CONFLICT_ATTEMPTS + 1):
        try:
            return await write()
        except CommitError as error:
            if error.code_name != "MVCC_READ_CONFLICT" or attempt == CONFLICT_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Deposited:
    """A first filing a test deposited, with the number as written and the document it stands for."""

    filing: FirstFiling
    number: str
    document: bytes

    @property
    def id(self) -> str:
        return self.filing.id


def _deposit_arguments(office: str, filing_date: date, ip_right: IpRight) -> tuple[str, bytes, dict[str, object]]:
    number = f"{office} {filing_date.year}-{random_digits(10)}"
    document = new_document()
    return number, document, {"ip_right": ip_right, "application_number": number, "filing_date": filing_date,
                              "document_sha256": sha256(document)}


def deposit(ledger: PriorityLedger, office: str, *, filing_date: date = PRIORITY_DATE,
            ip_right: IpRight = IpRight.PATENT, confidential: ConfidentialDetails | None = None,
            access_code: str | None = None) -> Deposited:
    def attempt() -> Deposited:
        number, document, arguments = _deposit_arguments(office, filing_date, ip_right)
        filing = ledger.deposit_first_filing(**arguments, confidential=confidential,  # type: ignore[arg-type]
                                             access_code=access_code)
        return Deposited(filing, number, document)
    return retry_conflicts(attempt)


async def adeposit(ledger: AsyncPriorityLedger, office: str, *, filing_date: date = PRIORITY_DATE,
                   ip_right: IpRight = IpRight.PATENT, confidential: ConfidentialDetails | None = None,
                   access_code: str | None = None) -> Deposited:
    async def attempt() -> Deposited:
        number, document, arguments = _deposit_arguments(office, filing_date, ip_right)
        filing = await ledger.deposit_first_filing(**arguments, confidential=confidential,  # type: ignore[arg-type]
                                                   access_code=access_code)
        return Deposited(filing, number, document)
    return await aretry_conflicts(attempt)


class Peers:
    """Waits until every office's peer committed the newest block that one of them has."""

    def __init__(self, networks: Mapping[str, Network]) -> None:
        self._networks = dict(networks)

    def height(self, office: str) -> int:
        return LedgerReader(self._networks[office]).get_chain_info().height

    def settle(self) -> int:
        newest = max(self.height(code) for code in self._networks) - 1
        for code, network in self._networks.items():
            wait_for_block(network, newest, code)
        return newest


def read_events(stream: LedgerEventStream, wanted: Callable[[LedgerEvent], bool],
                count: int) -> tuple[list[LedgerEvent], list[LedgerEvent]]:
    """Read until ``count`` wanted events came; returns (wanted events, every event read).

    Other engineers' transactions share the channel, so foreign events are read past, not counted.
    """
    guard = threading.Timer(STREAM_SAFETY_SECONDS, stream.close)
    guard.daemon = True
    guard.start()
    mine: list[LedgerEvent] = []
    seen: list[LedgerEvent] = []
    try:
        for event in stream:
            seen.append(event)
            if wanted(event):
                mine.append(event)
                if len(mine) == count:
                    break
    finally:
        guard.cancel()
    assert len(mine) == count, f"the stream ended after {len(mine)} of {count} events"
    return mine, seen


async def aread_events(stream: AsyncLedgerEventStream, wanted: Callable[[LedgerEvent], bool],
                       count: int) -> tuple[list[LedgerEvent], list[LedgerEvent]]:
    """The asyncio twin of :func:`read_events` (bounded by a safety timeout)."""
    mine: list[LedgerEvent] = []
    seen: list[LedgerEvent] = []

    async def collect() -> None:
        async for event in stream:
            seen.append(event)
            if wanted(event):
                mine.append(event)
                if len(mine) == count:
                    return

    await asyncio.wait_for(collect(), STREAM_SAFETY_SECONDS)
    return mine, seen
