"""The multi-host suite's consortium and testbed: four offices, each on a host of its own.

Each office runs on its own Docker engine, in a network namespace of its own, with its own swarm; the hosts are
joined by a private bridge (10.77.0.0/24 by default, IPLEDGER_MULTIHOST_SUBNET) that plays the wide-area
network, and the test (the operator's seat) sits in the root namespace at the bridge's .1 address.
"""

from __future__ import annotations

import os
from pathlib import Path

from _live_network import TEST_NETWORK, TEST_PORT_BASE, derived_definition, write_definition
from ipledger.consortium.plan import project_name
from ipledger.operator.bringup import Context, default_definition
from ipledger.operator.progress import Progress
from ipledger.operator.testbed import Testbed, layout
from ipledger.operator.toolchain import cache_root

MULTIHOST_NETWORK = f"{TEST_NETWORK}-mh"
SUBNET = os.environ.get("IPLEDGER_MULTIHOST_SUBNET", "10.77.0.0/24")
#: The testbed's name prefixes its interfaces, namespaces and sockets (at most 10 characters).
TESTBED_NAME = os.environ.get("IPLEDGER_MULTIHOST_TESTBED", "ipltb")


def multihost_port_base(session_base: int = TEST_PORT_BASE) -> int:
    """Each office publishes on its own host's address, so ports cannot clash with loopback networks; a block
    of its own still keeps the suite's ports apart from the others' in listings."""
    return int(os.environ.get("IPLEDGER_MULTIHOST_PORT_BASE", str(session_base + 20000)))


#: Four offices on h1..h4; JP (the first) runs its second peer on a host of its own swarm, h5.
OFFICE_HOSTS = 4
SPREAD_OFFICE, SECOND_HOST = "JP", "h5"
#: The offices whose operators deploy them by hand with `ipledger network swarm ...` (the others: from one
#: seat): JP with its second host (`--host`), US on one.
BY_HAND = ("JP", "US")


def make_testbed(hosts: int = OFFICE_HOSTS + 1) -> Testbed:
    return Testbed(layout(TESTBED_NAME, hosts, cache_root() / "testbed", SUBNET), Progress())


def multihost_definition(bed: Testbed) -> dict:  # type: ignore[type-arg]
    raw = derived_definition(MULTIHOST_NETWORK, multihost_port_base())
    for office, host in zip(raw["offices"], bed.layout.hosts[:OFFICE_HOSTS]):
        office["host"] = host.address
        if office["code"] == SPREAD_OFFICE:
            office["peers"] = 2
            office["peerHosts"] = {"peer1": bed.layout.host(SECOND_HOST).address}
    return raw


def multihost_context(bed: Testbed) -> Context:
    root = default_definition().parents[1]
    directory = root / "network" / f"generated-{project_name(MULTIHOST_NETWORK)}-definition"
    return Context.load(write_definition(multihost_definition(bed), directory), Progress())


def definitions_dir() -> Path:
    return default_definition().parents[1] / "network" / f"generated-{project_name(MULTIHOST_NETWORK)}-definition"
