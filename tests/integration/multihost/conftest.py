"""Fixtures of the multi-host suite: the testbed (five engines in network namespaces) and the consortium
deployed on it: one office per host and one swarm per office, JP's swarm spanning two hosts (peer1.jp on the
second), JP and US deployed by their own operators' commands (`ipledger network swarm deploy` / `swarm
chaincode` against the office's own engines), the others from one seat. Both are torn down at the end of the suite, also after a
failure; nothing of the testbed is left in the machine's namespaces or iptables. The figures go to
benchmarks/results/multihost.md."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from _live_network import definition_of
from _results import Results
from _testbed import BY_HAND, OFFICE_HOSTS, SECOND_HOST, definitions_dir, make_testbed, multihost_context
from ipledger.consortium.plan import CA_IMAGE, LIBRARY_IMAGE, ORDERER_IMAGE, PEER_IMAGE
from ipledger.operator import multihost, swarm_stack
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
    results: Results
    by_hand: list[list[str]] = field(default_factory=list)  # the commands the offices' operators ran, as run

    def host_of(self, code: str) -> str:
        """The testbed host (h1..h4) that runs an office (its swarm's manager)."""
        office = self.ctx.plan.office(code)
        return next(h.name for h in self.bed.layout.hosts if h.address == office.host_ip)


def cli(*args: str) -> list[str]:
    """``ipledger network ...`` as its entry point, run by the office's operator."""
    return [sys.executable, "-m", "ipledger.cli.network", *args]


def run_by_hand(argv: list[str], ran: list[list[str]]) -> None:
    ran.append(argv)
    print("\n$ ipledger network " + " ".join(argv[3:]), flush=True)
    done = subprocess.run(argv, capture_output=True, text=True, timeout=900)
    print(done.stdout[-3000:] + done.stderr[-3000:], flush=True)
    if done.returncode != 0:
        raise AssertionError(f"`ipledger network {' '.join(argv[3:])}` failed ({done.returncode})")


@pytest.fixture(scope="session")
def multihost_network() -> Iterator[MultihostNetwork]:
    if os.geteuid() != 0:
        pytest.skip("the multi-host testbed needs root (network namespaces, bridges, dockerd)")
    require_root()
    directory = definitions_dir()
    directory.mkdir(parents=True, exist_ok=True)
    results = Results()
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
        definition = definition_of(ctx)
        with bed:
            bed.load_images(connect(default_base_url()), [PEER_IMAGE, ORDERER_IMAGE, CA_IMAGE, LIBRARY_IMAGE, chaincode_image])
            offices = bed.layout.hosts[:OFFICE_HOSTS]
            hosts = OfficeHosts({o.code: bed.engine(h.name) for o, h in zip(ctx.plan.offices, offices)},
                                {bed.layout.host(SECOND_HOST).address: bed.engine(SECOND_HOST)})
            net = MultihostNetwork(bed=bed, ctx=ctx, hosts=hosts, results=results)

            def operator_of(code: str) -> Callable[[str], None]:
                office = ctx.plan.office(code)
                engine = ["--engine", hosts.of(office).base_url]
                others = [f"--host={a}={hosts.at(a).base_url}" for a in swarm_stack.office_addresses(office)[1:]]

                def act(phase: str) -> None:
                    if phase == multihost.NODES:
                        argv = cli("swarm", "deploy", "--definition", definition, "--office", code, *engine, *others)
                    else:
                        argv = cli("swarm", "chaincode", "--definition", definition, "--office", code, *engine,
                                   "--image", chaincode_image)
                    run_by_hand(argv, net.by_hand)
                return act

            began = time.monotonic()
            multihost.up(ctx, hosts, chaincode_image, own_seat={code: operator_of(code) for code in BY_HAND})
            deployed = time.monotonic() - began
            figures = bed.measure()
            print("\n" + "\n".join(figures.lines()))
            results.lines += figures.lines()
            results.note(f"deployment (5 hosts, 4 swarms; {' and '.join(BY_HAND)} by their own operators' "
                         f"commands): {deployed:.0f} s")
            results.lines += ["the offices' operators ran:"] + ["  ipledger network " + " ".join(a[3:]).replace(f"{ctx.plan.root}/", "")
                                                        for a in net.by_hand]
            try:
                yield net
            finally:
                results.write()
        if ctx.plan.generated.exists():
            shutil.rmtree(ctx.plan.generated)
