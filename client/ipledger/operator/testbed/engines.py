"""One Docker engine per testbed host: ``dockerd`` started inside the host's network namespace.

``nsenter --net`` switches only the network namespace (``ip netns exec`` also remounts /sys, after which
dockerd finds no devices cgroup and refuses to start). Each engine has its own data root, exec root, socket,
pid file, containerd namespace and cgroup parent, so engines never see each other's objects nor the
machine's own engine's. Tear-down finds an engine's processes by those paths (dockerd, its containerd and
shims), ends them by pid, and unmounts whatever is left under its directories.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ipledger.operator.engine import daemon_answers
from ipledger.operator.run import run
from ipledger.operator.testbed.layout import HostLayout, TestbedError


def dockerd_argv(host: HostLayout) -> list[str]:
    namespace = f"{host.testbed}-{host.name}"
    return ["nsenter", f"--net={host.netns_path}", "dockerd",
            "--config-file", str(host.config_file),
            "--data-root", str(host.data_root), "--exec-root", str(host.exec_root),
            "--pidfile", str(host.pidfile), "-H", host.base_url,
            "--containerd-namespace", namespace, "--containerd-plugins-namespace", f"{namespace}-plugins",
            "--cgroup-parent", host.cgroup_parent]


def start_engine(host: HostLayout) -> subprocess.Popen[bytes]:
    """Start the host's dockerd (in the background, in its own session); see :func:`wait_engine`."""
    host.directory.mkdir(parents=True, exist_ok=True)
    host.config_file.write_text(json.dumps({"log-level": "warn"}) + "\n", encoding="utf-8")
    with open(host.log, "ab") as log:
        return subprocess.Popen(dockerd_argv(host), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)


def wait_engine(host: HostLayout, process: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if host.socket.exists() and daemon_answers(host.base_url):
            return
        time.sleep(0.3)
    tail = "\n".join(host.log.read_text(errors="replace").splitlines()[-8:]) if host.log.exists() else ""
    state = f"exited {process.returncode}" if process.poll() is not None else f"no answer within {timeout:.0f}s"
    raise TestbedError(f"the engine of testbed host {host.netns} did not start ({state}); its log ends:\n{tail}")


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def engine_processes(host: HostLayout) -> list[int]:
    """Pids of the host's dockerd, containerd and shims: every process whose command line names its roots."""
    marks = (str(host.data_root), str(host.exec_root) + "/", str(host.socket))
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            line = _cmdline(int(entry.name))
            if any(mark in line for mark in marks):
                pids.append(int(entry.name))
    return sorted(pids)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (our own child not yet reaped) is as good as gone.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def stop_engine(host: HostLayout, grace: float = 20.0) -> list[int]:
    """Stop the host's engine: dockerd gets SIGTERM (it stops its containers and containerd), whatever is
    still running after ``grace`` seconds gets SIGKILL. Returns the pids that were ended."""
    pids = engine_processes(host)
    dockerd = [pid for pid in pids if " dockerd " in f" {_cmdline(pid)}" or _cmdline(pid).startswith("dockerd")]
    for pid in dockerd:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(_alive(pid) for pid in dockerd):
        for pid in dockerd:
            _reap(pid)
        time.sleep(0.3)
    for pid in engine_processes(host):
        _signal(pid, signal.SIGKILL)
    for pid in pids:
        _reap(pid)
    return pids


def _signal(pid: int, sig: signal.Signals) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def mounts_under(*roots: Path) -> list[str]:
    """Mount points below ``roots`` (overlay layers, secrets tmpfs, netns bind mounts), deepest first."""
    prefixes = tuple(str(r).rstrip("/") + "/" for r in roots)
    points = []
    for line in Path("/proc/self/mounts").read_text().splitlines():
        fields = line.split()
        if len(fields) > 1:
            point = fields[1].replace("\\040", " ")
            if point.startswith(prefixes) or point.rstrip("/") in {p.rstrip("/") for p in prefixes}:
                points.append(point)
    return sorted(set(points), key=lambda p: p.count("/"), reverse=True)


def unmount_all(*roots: Path) -> list[str]:
    points = mounts_under(*roots)
    for point in points:
        run(["umount", "-l", point], check=False, timeout=30)
    return points


def remove_cgroups(host: HostLayout) -> None:
    """The engine's cgroup parent in every v1 hierarchy (children first); empty once its containers stopped."""
    base = Path("/sys/fs/cgroup")
    if not base.is_dir():
        return
    for hierarchy in base.iterdir():
        top = hierarchy / host.cgroup_parent.lstrip("/")
        if not top.is_dir():
            continue
        for directory in sorted((p for p in top.rglob("*") if p.is_dir()), key=lambda p: len(p.parts),
                                reverse=True) + [top]:
            try:
                directory.rmdir()
            except OSError:
                pass


@dataclass(frozen=True)
class EngineMemory:
    """Resident memory of one host: its engine's processes, and its containers (their cgroup)."""

    engine_bytes: int
    containers_bytes: int

    @property
    def total_bytes(self) -> int:
        return self.engine_bytes + self.containers_bytes


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def memory(host: HostLayout) -> EngineMemory:
    # Shims count with the engine here; the containers' own processes are in the cgroup.
    engine = sum(_rss(pid) for pid in engine_processes(host))
    containers = 0
    usage = Path("/sys/fs/cgroup/memory") / host.cgroup_parent.lstrip("/") / "memory.usage_in_bytes"
    if usage.exists():
        # usage_in_bytes counts page cache too; subtract it, as `docker stats` does.
        containers = int(usage.read_text().strip())
        stat = usage.with_name("memory.stat")
        for line in stat.read_text().splitlines() if stat.exists() else []:
            key, _, value = line.partition(" ")
            if key == "total_inactive_file":
                containers -= int(value)
    return EngineMemory(engine_bytes=engine, containers_bytes=max(containers, 0))


def cgroup_processes(host: HostLayout) -> list[int]:
    """Pids of the host's containers: every process in its cgroup parent (v1 pids hierarchy, or memory)."""
    pids: set[int] = set()
    for hierarchy in ("pids", "memory"):
        top = Path("/sys/fs/cgroup") / hierarchy / host.cgroup_parent.lstrip("/")
        if top.is_dir():
            for procs in top.rglob("cgroup.procs"):
                pids.update(int(line) for line in procs.read_text().split() if line.isdigit())
    return sorted(pids)


def kill_host(host: HostLayout) -> list[int]:
    """SIGKILL every process of the host at once: containers first, then the engine (no orderly shutdown)."""
    pids = cgroup_processes(host) + engine_processes(host)
    for pid in pids:
        _signal(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        for pid in pids:
            _reap(pid)
        time.sleep(0.2)
    return pids
