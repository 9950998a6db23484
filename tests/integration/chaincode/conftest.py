"""Fixtures of the live chaincode tests: one raw Gateway client per office on the session's network."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from _chaincode_support import Office, close_offices, open_offices
from ipledger.operator.bringup import Context


@pytest.fixture(scope="session")
def offices(network: Context) -> Iterator[dict[str, Office]]:
    """JP, US, EP and KR, each connected to its own gateway peer as its User1."""
    opened = open_offices(network.plan.profiles_dir)
    try:
        yield opened
    finally:
        close_offices(opened)


@pytest.fixture
def jp(offices: dict[str, Office]) -> Office:
    return offices["JP"]


@pytest.fixture
def us(offices: dict[str, Office]) -> Office:
    return offices["US"]


@pytest.fixture
def ep(offices: dict[str, Office]) -> Office:
    return offices["EP"]


@pytest.fixture
def kr(offices: dict[str, Office]) -> Office:
    return offices["KR"]
