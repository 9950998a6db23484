"""The fault-injection suite's own consortium: faults would break the session network other tests share.

Its definition is the repository's, renamed `<IPLEDGER_TEST_NETWORK>-faults`, with JP running two peers (for the
failover test) and a port block of its own (see _faults.fault_port_base). It is started once for the suite and
removed at the end; IPLEDGER_REUSE_NETWORK=1 keeps it running between runs, like the session network.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from pathlib import Path

import pytest

from _faults import REUSE, FaultNetwork, fault_context
from ipledger.operator import bringup


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.faults)


@pytest.fixture(scope="session")
def fault_network() -> Iterator[FaultNetwork]:
    ctx = fault_context()
    definitions = Path(ctx.plan.root / ctx.plan.source).parent
    with (definitions / ".session.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pytest.exit(f"another session is using the fault network {ctx.plan.project}", returncode=3)
        net = FaultNetwork(ctx)
        if REUSE and net.is_running():
            yield net
            return
        bringup.down(ctx)  # whatever an interrupted run left behind
        try:
            bringup.up(ctx)
            yield net
        finally:
            if not REUSE:
                bringup.down(ctx)
