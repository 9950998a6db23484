"""Fixtures of the live domain API tests; every one goes through the session fixture ``network``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, AbstractContextManager, asynccontextmanager, contextmanager
from pathlib import Path

import pytest

from _live_domain import OFFICES, Peers
from ipledger.domain import AsyncPriorityLedger, PriorityLedger
from ipledger.operator.bringup import Context


@pytest.fixture(scope="session")
def live_profiles(network: Context) -> Path:
    return network.plan.profiles_dir


@pytest.fixture(scope="session")
def ledgers(live_profiles: Path) -> Iterator[dict[str, PriorityLedger]]:
    """The blocking domain API of every office, each as its User1 through its own gateway peer."""
    opened: dict[str, PriorityLedger] = {}
    try:
        for code in OFFICES:
            opened[code] = PriorityLedger.connect(code, profiles_dir=live_profiles)
        yield opened
    finally:
        for ledger in opened.values():
            ledger.close()


@pytest.fixture(scope="session")
def peers(network: Context, ledgers: dict[str, PriorityLedger]) -> Peers:
    networks = {}
    for code, ledger in ledgers.items():
        assert ledger.gateway is not None
        networks[code] = ledger.gateway.get_network(network.plan.channel)
    return Peers(networks)


@pytest.fixture
def async_ledger(live_profiles: Path) -> Callable[[str], AbstractAsyncContextManager[AsyncPriorityLedger]]:
    """``async with async_ledger("JP") as ledger``: the asyncio domain API of an office (this test's loop)."""

    @asynccontextmanager
    async def open_ledger(code: str) -> AsyncIterator[AsyncPriorityLedger]:
        async with await AsyncPriorityLedger.connect(code, profiles_dir=live_profiles) as ledger:
            yield ledger

    return open_ledger


@pytest.fixture
def open_ledger(ledgers: dict[str, PriorityLedger]) -> Callable[[str], AbstractContextManager[PriorityLedger]]:
    """``with open_ledger("JP") as ledger``: the blocking twin of ``async_ledger``, lending the session's ledger."""

    @contextmanager
    def lend(code: str) -> Iterator[PriorityLedger]:
        yield ledgers[code]

    return lend
