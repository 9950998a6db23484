"""CPU time of a consortium: each container (its cgroup), the container engine's own processes and the machine.

Benchmarks take a :func:`sample` before and after a window and turn the pair into cores with :func:`usage`
(1.0 = one core busy for the whole window). Containers are read from their cgroup's CPU accounting: cgroup v1
(``cpuacct.usage``, as Debian's docker.io sets up with the cgroupfs driver) or cgroup v2 (``cpu.stat``). The
engine's processes are read from /proc: the shims (with the runc/exec children they reaped) of the consortium's
containers, the docker-proxy processes of its published ports, and the engine daemon (dockerd and its
containerd, which serve every project on that engine). Anything else running on the machine shows only in the machine's figure.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ipledger.consortium.plan import ConsortiumPlan
from ipledger.operator import containers
from ipledger.operator.engine import Engine

__all__ = ["COMPONENTS", "CpuSample", "CpuUsage", "ENGINE_PROCESSES", "EngineScope", "Watched",
           "container_seconds", "daemon_pids", "engine_role", "engine_seconds", "machine_seconds", "parse_proc_stat",
           "parse_process_stat", "sample", "usage", "watched"]

ENGINE_PROCESSES = ("dockerd", "containerd", "containerd-shim", "containerd-shim-runc-v2", "docker-proxy")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CGROUP_ROOT = Path("/sys/fs/cgroup")
#: Component names in report order: container roles (io.ipledger.role), the engine's processes serving those
#: containers (their shims and docker-proxies), the engine daemon (dockerd + containerd, shared with anything
#: else on that engine), and the client.
COMPONENTS = ("peer", "orderer", "chaincode", "ca", "library", "engine", "daemon", "client")


def parse_proc_stat(text: str) -> tuple[float, float]:
    """(busy, total) CPU seconds of all cores from /proc/stat's first line; idle and iowait are not busy."""
    fields = [int(v) for v in text.splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / CLOCK_TICKS, sum(fields) / CLOCK_TICKS


def parse_process_stat(text: str) -> tuple[str, float]:
    """(command name, CPU seconds including reaped children) from a /proc/<pid>/stat line."""
    name = text[text.index("(") + 1:text.rindex(")")]
    rest = text[text.rindex(")") + 2:].split()
    utime, stime, cutime, cstime = (int(rest[i]) for i in (11, 12, 13, 14))
    return name, (utime + stime + cutime + cstime) / CLOCK_TICKS


def machine_seconds() -> tuple[float, float]:
    return parse_proc_stat(Path("/proc/stat").read_text())


@dataclass(frozen=True)
class EngineScope:
    """Which engine processes belong to the measured consortium: the shims of its containers (by container id),
    the docker-proxy processes of its published ports, and the engine daemon it talks to (dockerd with its
    containerd; shared with any other project on that engine). None of a field: count every such process."""

    container_ids: frozenset[str] | None = None
    host_ports: frozenset[int] | None = None
    daemon_pids: frozenset[int] | None = None


def engine_role(name: str, argv: list[str], pid: int, ppid: int, scope: EngineScope) -> str | None:
    """The key a process counts under (containerd-shim, docker-proxy, dockerd, containerd), or None when it is
    not an engine process of ``scope``."""
    def option(flag: str) -> str | None:
        return argv[argv.index(flag) + 1] if flag in argv[:-1] else None

    if name.startswith("containerd-shim"):
        ours = scope.container_ids is None or option("-id") in scope.container_ids
        return "containerd-shim" if ours else None
    if name == "docker-proxy":
        port = option("-host-port")
        ours = scope.host_ports is None or (port is not None and port.isdigit() and int(port) in scope.host_ports)
        return "docker-proxy" if ours else None
    if name in ("dockerd", "containerd"):
        ours = scope.daemon_pids is None or pid in scope.daemon_pids or (name == "containerd"
                                                                         and ppid in scope.daemon_pids)
        return name if ours else None
    return None


def engine_seconds(proc: Path = Path("/proc"), scope: EngineScope = EngineScope()) -> dict[str, float]:
    """CPU seconds of the engine's processes in ``scope``, summed by :func:`engine_role`."""
    totals: dict[str, float] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
            name, seconds = parse_process_stat(text)
            if name not in ENGINE_PROCESSES:
                continue
            ppid = int(text[text.rindex(")") + 2:].split()[1])
            argv = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except (OSError, ValueError):
            continue  # the process ended while we looked
        key = engine_role(name, argv, int(entry.name), ppid, scope)
        if key is not None:
            totals[key] = totals.get(key, 0.0) + seconds
    return totals


def daemon_pids(pidfile: Path = Path("/var/run/docker.pid")) -> frozenset[int] | None:
    """The local engine daemon's pid (its containerd is its child), None when it cannot be told."""
    try:
        return frozenset({int(pidfile.read_text().strip())})
    except (OSError, ValueError):
        return None


def container_seconds(container_id: str, root: Path = CGROUP_ROOT) -> float | None:
    """CPU seconds a container has used, from its cgroup; None when no accounting file is found."""
    v1 = root / "cpuacct" / "docker" / container_id / "cpuacct.usage"
    if v1.exists():
        return int(v1.read_text()) / 1e9
    for v2 in (root / "system.slice" / f"docker-{container_id}.scope" / "cpu.stat",
               root / "docker" / container_id / "cpu.stat"):
        if v2.exists():
            for line in v2.read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "usage_usec":
                    return int(value) / 1e6
    return None


@dataclass(frozen=True)
class CpuSample:
    at: float  # time.monotonic()
    machine_busy: float  # CPU seconds busy, all cores
    machine_total: float  # CPU seconds elapsed, all cores
    containers: dict[str, float]  # container name -> CPU seconds
    engine: dict[str, float]  # engine process name -> CPU seconds
    client: float  # this process's CPU seconds (every thread)


@dataclass(frozen=True)
class Watched:
    """The containers to sample: name -> id, name -> role (peer, orderer, chaincode, ca, library), and the
    engine processes that serve them."""

    ids: dict[str, str]
    roles: dict[str, str]
    scope: EngineScope = EngineScope()


def watched(engine: Engine, plan: ConsortiumPlan) -> Watched:
    """The consortium's running containers (chaincode servers included)."""
    running = [c for c in containers.containers(engine, plan) if c.status == "running"]
    ids = {c.name: engine.client.containers.get(c.name).id or "" for c in running}
    scope = EngineScope(frozenset(ids.values()), frozenset(p for c in running for p in c.ports), daemon_pids())
    return Watched(ids, {c.name: c.labels.get("io.ipledger.role", "other") for c in running}, scope)


def sample(ids: Mapping[str, str], scope: EngineScope = EngineScope()) -> CpuSample:
    busy, total = machine_seconds()
    used = {}
    for name, container_id in ids.items():
        seconds = container_seconds(container_id)
        if seconds is not None:
            used[name] = seconds
    return CpuSample(time.monotonic(), busy, total, used, engine_seconds(scope=scope), time.process_time())


@dataclass(frozen=True)
class CpuUsage:
    """CPU between two samples, in cores (1.0 = one core busy for the whole window)."""

    wall: float
    cores: int
    machine: float  # share of the whole machine busy, 0..1
    containers: dict[str, float] = field(default_factory=dict)
    engine: dict[str, float] = field(default_factory=dict)
    client: float = 0.0

    def by_component(self, roles: Mapping[str, str]) -> dict[str, float]:
        """Cores per component (:data:`COMPONENTS` order, then any other role), from each container's role."""
        totals = {name: 0.0 for name in COMPONENTS}
        for name, cores in self.containers.items():
            role = roles.get(name, "other")
            totals[role] = totals.get(role, 0.0) + cores
        totals["engine"] = sum(v for k, v in self.engine.items() if k in ("containerd-shim", "docker-proxy"))
        totals["daemon"] = sum(v for k, v in self.engine.items() if k in ("dockerd", "containerd"))
        totals["client"] = self.client
        return totals


def _delta(after: Mapping[str, float], before: Mapping[str, float], wall: float) -> dict[str, float]:
    return {name: (after[name] - before.get(name, 0.0)) / wall for name in after}


def usage(before: CpuSample, after: CpuSample, cores: int | None = None) -> CpuUsage:
    wall = max(after.at - before.at, 1e-9)
    total = after.machine_total - before.machine_total
    machine = (after.machine_busy - before.machine_busy) / total if total > 0 else 0.0
    return CpuUsage(wall=wall, cores=cores or os.cpu_count() or 1, machine=machine,
                    containers=_delta(after.containers, before.containers, wall),
                    engine=_delta(after.engine, before.engine, wall), client=(after.client - before.client) / wall)
