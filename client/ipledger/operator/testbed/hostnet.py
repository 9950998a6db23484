"""The testbed's wide-area network: a Linux bridge in the root namespace, one network namespace per host joined
to it by a veth pair, and the iptables rules that let traffic cross the bridge and nothing leave it.

The hosts get no default route and the root namespace forwards nothing between the bridge and any other
interface (explicit DROP rules, ahead of anything else), so no packet from a host can leave the machine.
Everything is done with iproute2's ``ip`` and ``iptables``; every step is idempotent and tear-down removes
exactly what carries the testbed's names.
"""

from __future__ import annotations

import shutil

from ipledger.operator.errors import CommandFailedError
from ipledger.operator.run import run
from ipledger.operator.testbed.layout import HostLayout, TestbedError, TestbedLayout

TOOLS = ("ip", "iptables", "nsenter", "dockerd", "umount")


def check_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        raise TestbedError(f"the testbed needs {', '.join(missing)} (Debian: iproute2, iptables, util-linux, "
                           f"docker.io)")


def _ip(*args: str, check: bool = True) -> str:
    return run(["ip", *args], check=check, timeout=30)


def _links() -> set[str]:
    out = _ip("-o", "link", "show")
    # "12: name@if11: <...>" -> name
    return {line.split(":", 2)[1].strip().split("@", 1)[0] for line in out.splitlines() if ":" in line}


def netns_names() -> set[str]:
    out = _ip("netns", "list")
    return {line.split()[0] for line in out.splitlines() if line.strip()}


def create_bridge(tb: TestbedLayout) -> None:
    if tb.bridge not in _links():
        _ip("link", "add", tb.bridge, "type", "bridge")
    _ip("addr", "replace", f"{tb.bridge_address}/{tb.prefix_length}", "dev", tb.bridge)
    _ip("link", "set", tb.bridge, "up")


def create_host_netns(tb: TestbedLayout, host: HostLayout) -> None:
    """The host's namespace, its cable to the bridge (``eth0`` inside) and its address; no default route."""
    if host.netns not in netns_names():
        _ip("netns", "add", host.netns)
    if host.veth not in _links():
        _ip("link", "add", host.veth, "type", "veth", "peer", "name", "eth0", "netns", host.netns)
    _ip("link", "set", host.veth, "master", tb.bridge, "up")
    _ip("-n", host.netns, "addr", "replace", f"{host.address}/{tb.prefix_length}", "dev", "eth0")
    _ip("-n", host.netns, "link", "set", "eth0", "up")
    _ip("-n", host.netns, "link", "set", "lo", "up")


def _rules(tb: TestbedLayout) -> list[list[str]]:
    """The FORWARD rules of the testbed, first to last: traffic between hosts crosses the bridge (the root
    namespace's FORWARD policy is DROP when Docker runs there, and bridged frames pass through it), and
    nothing is forwarded between the bridge and any other interface."""
    tag = ["-m", "comment", "--comment", tb.rule_comment]
    return [["-i", tb.bridge, "-o", tb.bridge, *tag, "-j", "ACCEPT"],
            ["-i", tb.bridge, "!", "-o", tb.bridge, *tag, "-j", "DROP"],
            ["!", "-i", tb.bridge, "-o", tb.bridge, *tag, "-j", "DROP"]]


def add_rules(tb: TestbedLayout) -> None:
    remove_rules(tb)
    for position, rule in enumerate(_rules(tb), start=1):
        run(["iptables", "-w", "-I", "FORWARD", str(position), *rule], timeout=30)


def remove_rules(tb: TestbedLayout) -> int:
    """Remove every rule that carries the testbed's comment, in any chain of the filter table."""
    removed = 0
    for line in run(["iptables", "-w", "-S"], timeout=30).splitlines():
        if f'"{tb.rule_comment}"' not in line or not line.startswith("-A "):
            continue
        # iptables -S prints the comment quoted; split it back into the argv that created the rule.
        head, _, rest = line.partition(f'"{tb.rule_comment}"')
        argv = ["iptables", "-w", "-D", *head.split()[1:], tb.rule_comment, *rest.split()]
        try:
            run(argv, timeout=30)
            removed += 1
        except CommandFailedError:
            pass  # removed meanwhile
    return removed


def testbed_rules(tb: TestbedLayout) -> list[str]:
    """Every line of ``iptables -S`` (filter and nat) that mentions the testbed: empty after tear-down."""
    lines = []
    for table in ("filter", "nat"):
        for line in run(["iptables", "-w", "-t", table, "-S"], timeout=30).splitlines():
            if tb.rule_comment in line or tb.bridge in line:
                lines.append(f"{table}: {line}")
    return lines


def remove_network(tb: TestbedLayout) -> list[str]:
    """Remove the namespaces, cables and bridge of the testbed; returns what was removed."""
    removed = []
    namespaces = netns_names()
    for host in tb.hosts:
        if host.netns in namespaces:
            _ip("netns", "del", host.netns)
            removed.append(f"netns {host.netns}")
    # A veth pair dies with its namespace end; a cable whose namespace was never made may remain.
    links = _links()
    for host in tb.hosts:
        if host.veth in links:
            _ip("link", "del", host.veth, check=False)
            removed.append(f"link {host.veth}")
    if tb.bridge in links:
        _ip("link", "del", tb.bridge)
        removed.append(f"bridge {tb.bridge}")
    if remove_rules(tb):
        removed.append("iptables rules")
    return removed


def leftovers(tb: TestbedLayout) -> list[str]:
    """What of the testbed's network still exists (empty after a complete tear-down)."""
    out = [f"netns {n}" for n in sorted(netns_names()) if n in {h.netns for h in tb.hosts}]
    links = _links()
    out += [f"link {name}" for name in sorted(links) if name == tb.bridge or name in {h.veth for h in tb.hosts}]
    out += testbed_rules(tb)
    return out
