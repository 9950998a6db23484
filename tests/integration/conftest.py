"""The live Fabric network of the test session: a consortium of its own, started once and removed at the end.

The session derives its definition from network/consortium.yaml with its own name (so its own compose project,
labels, container names and generated files) and its own port block, so a demo network started with
`./scripts/demo` keeps running untouched beside it. A lock held for the whole session keeps two sessions off the
same test network; what an interrupted session left behind is removed first.

Set IPLEDGER_REUSE_NETWORK=1 to run against the test network left running by an earlier session, and leave it
running; IPLEDGER_TEST_NETWORK (default ipledger-test) and IPLEDGER_TEST_PORT_BASE (default 27000) choose
another name and port block, e.g. for a second session at the same time.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from _live_network import TEST_NETWORK, derived_definition, write_definition
from ipledger.consortium.plan import project_name
from ipledger.operator import bringup, containers
from ipledger.operator.bringup import Context, default_definition
from ipledger.operator.progress import Progress

REUSE = os.environ.get("IPLEDGER_REUSE_NETWORK") == "1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.live)


def _running_roles(ctx: Context) -> set[str]:
    engine = ctx.need_engine(install=False)
    return {c.labels.get("io.ipledger.role", "") for c in containers.containers(engine, ctx.plan)
            if c.status == "running"}


@pytest.fixture(scope="session")
def network() -> Iterator[Context]:
    root = default_definition().parents[1]
    definitions = root / "network" / f"generated-{project_name(TEST_NETWORK)}-definition"
    ctx = Context.load(write_definition(derived_definition(), definitions), Progress())
    with (definitions / ".session.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pytest.exit(f"another test session is using the test network {ctx.plan.project}: wait for it, or set "
                        "IPLEDGER_TEST_NETWORK and IPLEDGER_TEST_PORT_BASE to run a second one", returncode=3)
        if REUSE and {"peer", "chaincode"} <= _running_roles(ctx) and ctx.plan.state_file.exists():
            yield ctx
            return
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
