"""Fixtures of the multi-host suite: the testbed (four engines in network namespaces) and the consortium
deployed on it, one office per host, one swarm per office. Both are torn down at the end of the suite, also
after a failure; nothing of the testbed is left in the machine's namespaces or iptables."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from _testbed import definitions_dir, make_testbed, multihost_context
from ipledger.consortium.plan import CA_IMAGE, LIBRARY_IMAGE, ORDERER_IMAGE, PEER_IMAGE
from ipledger.operator import multihost
from ipledger.operator.bringup import Context, prepare_images
from ipledger.operator.engine import connect, default_base_url
from ipledger.operator.multihost import OfficeHosts
from ipledger.operator.testbed import Testbed, require_root


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.multihost)


@dataclass
class MultihostNetwork:
    bed: Testbed
    ctx: Context
    hosts: OfficeHosts

    def host_of(self, code: str) -> str:
        """The testbed host (h1..h4) that runs an office."""
        office = self.ctx.plan.office(code)
        return next(h.name for h in self.bed.layout.hosts if h.address == office.host_ip)


@pytest.fixture(scope="session")
def multihost_network() -> Iterator[MultihostNetwork]:
    if os.geteuid() != 0:
        pytest.skip("the multi-host testbed needs root (network namespaces, bridges, dockerd)")
    require_root()
    directory = definitions_dir()
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / ".session.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pytest.exit("another session is using the multi-host testbed", returncode=3)
        bed = make_testbed()
        ctx = multihost_context(bed)
        # A clean slate: the generated files of an earlier run belong to engines that no longer exist.
        if ctx.plan.generated.exists():
            shutil.rmtree(ctx.plan.generated)
        chaincode_image = prepare_images(ctx, deploy=True)  # built in the machine's own engine
        with bed:
            bed.load_images(connect(default_base_url()), [PEER_IMAGE, ORDERER_IMAGE, CA_IMAGE, LIBRARY_IMAGE, chaincode_image])
            hosts = OfficeHosts({o.code: bed.engine(h.name) for o, h in zip(ctx.plan.offices, bed.layout.hosts)})
            multihost.up(ctx, hosts, chaincode_image)
            figures = bed.measure()
            print("\n" + "\n".join(figures.lines()))
            yield MultihostNetwork(bed=bed, ctx=ctx, hosts=hosts)
        if ctx.plan.generated.exists():
            shutil.rmtree(ctx.plan.generated)
