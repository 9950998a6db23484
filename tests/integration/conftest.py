"""The live Fabric network, started once per test session and removed at the end, even after a failure.

Set IPLEDGER_REUSE_NETWORK=1 to run against an already running network and leave it running (for iterating
on tests); without it the session starts from nothing, exactly as CI does.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from ipledger.operator import bringup, containers
from ipledger.operator.bringup import Context
from ipledger.operator.progress import Progress

REUSE = os.environ.get("IPLEDGER_REUSE_NETWORK") == "1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.live)


def _running_roles(ctx: Context) -> set[str]:
    engine = ctx.need_engine(install=False)
    return {c.labels.get("io.ipledger.role", "") for c in containers.containers(engine) if c.status == "running"}


@pytest.fixture(scope="session")
def network() -> Iterator[Context]:
    ctx = Context.load(progress=Progress())
    roles = _running_roles(ctx)
    if REUSE and {"peer", "chaincode"} <= roles and ctx.plan.state_file.exists():
        yield ctx
        return
    if "peer" in roles and not REUSE:
        # Never wipe a consortium someone is using (its ledgers would go with it).
        pytest.exit("an ipledger network is running: stop it with `scripts/network down`, or set "
                    "IPLEDGER_REUSE_NETWORK=1 to run the live tests against it", returncode=3)
    bringup.down(ctx)  # a clean slate: nothing left from an earlier, interrupted session
    try:
        bringup.up(ctx)
        yield ctx
    finally:
        if not REUSE:
            bringup.down(ctx)


@pytest.fixture(scope="session")
def profiles_dir(network: Context) -> Path:
    return network.plan.profiles_dir


def profile_path(network: Context, office: str) -> Path:
    return network.plan.profiles_dir / f"{office}.json"
