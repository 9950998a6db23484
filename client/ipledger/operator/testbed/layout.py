"""The names and addresses of a multi-host testbed: a pure function of its name, size and subnet.

Every object the testbed creates on the machine is named from the testbed's name, so tear-down finds them all
(also after a crash, from another process) and never touches anything else: the bridge ``<name>-br``, the
veth ``<name>-v<i>`` (its other end is ``eth0`` inside the host), the network namespace ``<name>-h<i>``, the
engine socket ``/run/<name>-h<i>.sock``, the iptables rules commented ``ipledger-testbed <name>`` and the
directory ``<root>/<name>/h<i>`` (data root, exec root, pid file, log).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path

from ipledger.operator.errors import OperatorError

# Interface names are at most 15 bytes: "<name>-br" and "<name>-v<i>" must fit.
NAME = re.compile(r"^[a-z][a-z0-9]{0,9}$")
MAX_HOSTS = 9
DEFAULT_SUBNET = "10.77.0.0/24"
RUN_DIR = Path("/run")
NETNS_DIR = Path("/run/netns")


class TestbedError(OperatorError):
    """The testbed could not be set up (or torn down); the message names the step and the cause."""

    code = "TESTBED_FAILED"


@dataclass(frozen=True)
class HostLayout:
    """One simulated host: a network namespace with its own Docker engine."""

    testbed: str
    index: int  # 1-based
    address: str  # on the testbed's bridge
    directory: Path

    @property
    def name(self) -> str:
        return f"h{self.index}"

    @property
    def netns(self) -> str:
        return f"{self.testbed}-h{self.index}"

    @property
    def netns_path(self) -> Path:
        return NETNS_DIR / self.netns

    @property
    def veth(self) -> str:
        """The host's cable, root-namespace end (on the bridge); the other end is ``eth0`` in the host."""
        return f"{self.testbed}-v{self.index}"

    @property
    def socket(self) -> Path:
        return RUN_DIR / f"{self.testbed}-h{self.index}.sock"

    @property
    def base_url(self) -> str:
        return f"unix://{self.socket}"

    @property
    def data_root(self) -> Path:
        return self.directory / "data"

    @property
    def exec_root(self) -> Path:
        # Short: containerd's socket lives under it and unix socket paths are limited to 108 bytes.
        return RUN_DIR / f"{self.testbed}-h{self.index}"

    @property
    def pidfile(self) -> Path:
        return self.directory / "dockerd.pid"

    @property
    def log(self) -> Path:
        return self.directory / "dockerd.log"

    @property
    def config_file(self) -> Path:
        return self.directory / "daemon.json"

    @property
    def cgroup_parent(self) -> str:
        """The engine's containers live under this cgroup, so their memory can be read in one place."""
        return f"/{self.testbed}-h{self.index}"


@dataclass(frozen=True)
class TestbedLayout:
    name: str
    hosts: tuple[HostLayout, ...]
    bridge_address: str  # the root namespace's own address on the bridge (the operator's seat)
    prefix_length: int
    root: Path  # <root>/<name> holds every host's directory

    @property
    def bridge(self) -> str:
        return f"{self.name}-br"

    @property
    def rule_comment(self) -> str:
        return f"ipledger-testbed {self.name}"

    @property
    def directory(self) -> Path:
        return self.root / self.name

    def host(self, name: str) -> HostLayout:
        for host in self.hosts:
            if host.name == name or host.netns == name:
                return host
        raise TestbedError(f"testbed {self.name} has no host {name!r} (it has {', '.join(h.name for h in self.hosts)})")


def layout(name: str, hosts: int, root: Path, subnet: str = DEFAULT_SUBNET) -> TestbedLayout:
    """The layout of a testbed; bad input is refused with every problem named."""
    problems = []
    if not NAME.match(name):
        problems.append(f"name {name!r} must be 1-10 lowercase letters or digits, starting with a letter "
                        f"(it prefixes interface names, which are at most 15 characters)")
    if not 1 <= hosts <= MAX_HOSTS:
        problems.append(f"hosts={hosts} must be between 1 and {MAX_HOSTS}")
    try:
        network = ipaddress.IPv4Network(subnet)
    except ValueError as exc:
        network = None
        problems.append(f"subnet {subnet!r} is not an IPv4 network: {exc}")
    if network is not None and not network.is_private:
        problems.append(f"subnet {subnet} must be a private range: the testbed's wide-area network never leaves "
                        f"the machine")
    if network is not None and network.num_addresses < hosts + 16:
        problems.append(f"subnet {subnet} is too small for {hosts} hosts")
    if problems:
        raise TestbedError("bad testbed layout: " + "; ".join(problems))
    assert network is not None
    base = network.network_address
    directory = root / name
    # .1 is the root namespace (the operator's seat); hosts start at .11 so that h<i> is .1<i>.
    return TestbedLayout(
        name=name,
        hosts=tuple(HostLayout(testbed=name, index=i, address=str(base + 10 + i), directory=directory / f"h{i}")
                    for i in range(1, hosts + 1)),
        bridge_address=str(base + 1), prefix_length=network.prefixlen, root=root)
