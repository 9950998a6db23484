"""Fixtures of the live CLI tests; every one goes through the session fixture ``network``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from _live_cli import OFFICES, Cli, Peers, copy_profile
from ipledger.operator.bringup import Context

#: An endpoint nothing listens on: connecting to it fails (connection refused).
CLOSED_PORT = "127.0.0.1:1"


@pytest.fixture(scope="session")
def live_profiles(network: Context) -> Path:
    return network.plan.profiles_dir


@pytest.fixture(scope="session")
def cli(live_profiles: Path) -> Cli:
    """``ipledger`` in-process with IPLEDGER_PROFILES = the running network's profiles."""
    return Cli(live_profiles)


@pytest.fixture(scope="session")
def peers(network: Context, live_profiles: Path) -> Iterator[Peers]:
    opened = Peers(live_profiles, network.plan.channel)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="session")
def closed_profiles(live_profiles: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A profiles directory whose four offices point at a closed port (gateway, peers and CA)."""
    directory = tmp_path_factory.mktemp("closed-profiles")
    for code in OFFICES:
        copy_profile(live_profiles / f"{code}.json", directory, endpoint=CLOSED_PORT,
                     ca_url=f"https://{CLOSED_PORT}", wallet=directory / "wallets" / code)
    return directory
