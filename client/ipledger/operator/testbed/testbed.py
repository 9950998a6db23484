"""A multi-host testbed in one machine: N Docker engines, each in its own network namespace, joined by a bridge
that plays the wide-area network, with the project's images loaded into each engine (no registry).

``Testbed.start`` builds it (and tears down whatever an earlier run of the same name left behind first);
``Testbed.stop`` removes everything it made - engines and their containers, mounts, namespaces, cables, the
bridge, the iptables rules, cgroups and directories - also after a failure half-way, and is safe to call
twice. Use it as a context manager so that an exception still tears it down.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import docker

from ipledger.operator.engine import Engine, connect
from ipledger.operator.errors import OperatorError
from ipledger.operator.progress import Progress
from ipledger.operator.run import run
from ipledger.operator.testbed import engines, hostnet
from ipledger.operator.testbed.layout import HostLayout, TestbedError, TestbedLayout


@dataclass
class TestbedFigures:
    """What the testbed cost: seconds to start (network, engines) and resident memory per host."""

    network_seconds: float = 0.0
    engines_seconds: float = 0.0
    images_seconds: float = 0.0
    memory: dict[str, engines.EngineMemory] = field(default_factory=dict)

    @property
    def start_seconds(self) -> float:
        return self.network_seconds + self.engines_seconds

    def lines(self) -> list[str]:
        out = [f"testbed start: {self.start_seconds:.1f} s (network {self.network_seconds:.1f} s, engines "
               f"{self.engines_seconds:.1f} s); images loaded in {self.images_seconds:.1f} s"]
        for name, mem in sorted(self.memory.items()):
            out.append(f"  {name}: engine {mem.engine_bytes / 2**20:.0f} MiB + containers "
                       f"{mem.containers_bytes / 2**20:.0f} MiB")
        if self.memory:
            total = sum(m.total_bytes for m in self.memory.values())
            out.append(f"  all hosts: {total / 2**20:.0f} MiB")
        return out


class Testbed:
    """The testbed of one layout; see the module's docstring."""

    def __init__(self, layout: TestbedLayout, progress: Progress | None = None) -> None:
        self.layout = layout
        self.progress = progress or Progress()
        self.figures = TestbedFigures()
        self._clients: dict[str, docker.DockerClient] = {}

    # Lifecycle ---------------------------------------------------------------------------------------------
    def start(self) -> "Testbed":
        hostnet.check_tools()
        tb = self.layout
        self.stop()  # whatever an earlier run of this name left behind
        try:
            began = time.monotonic()
            with self.progress.step(f"testbed {tb.name}: bridge {tb.bridge} {tb.bridge_address}/{tb.prefix_length}, "
                                    f"{len(tb.hosts)} host namespaces"):
                hostnet.create_bridge(tb)
                hostnet.add_rules(tb)
                for host in tb.hosts:
                    hostnet.create_host_netns(tb, host)
            self.figures.network_seconds = time.monotonic() - began
            began = time.monotonic()
            with self.progress.step(f"testbed {tb.name}: start {len(tb.hosts)} Docker engines"):
                started: list[tuple[HostLayout, subprocess.Popen[bytes]]] = [
                    (host, engines.start_engine(host)) for host in tb.hosts]
                for host, process in started:
                    engines.wait_engine(host, process)
            self.figures.engines_seconds = time.monotonic() - began
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> list[str]:
        """Tear everything down; returns what was removed. Raises TestbedError naming what could not be."""
        tb = self.layout
        for client in self._clients.values():
            client.close()
        self._clients.clear()
        removed: list[str] = []
        for host in tb.hosts:
            pids = engines.stop_engine(host)
            if pids:
                removed.append(f"{host.netns}: ended pids {' '.join(map(str, pids))}")
            points = engines.unmount_all(host.data_root, host.exec_root)
            if points:
                removed.append(f"{host.netns}: unmounted {len(points)} mount(s)")
            engines.remove_cgroups(host)
            for path in (host.socket, host.exec_root):
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                elif path.exists():
                    path.unlink()
        removed += hostnet.remove_network(tb)
        if tb.directory.exists():
            shutil.rmtree(tb.directory, ignore_errors=True)
            removed.append(f"directory {tb.directory}")
        left = self.leftovers()
        if left:
            raise TestbedError(f"testbed {tb.name} could not be removed completely: {'; '.join(left)}")
        return removed

    def leftovers(self) -> list[str]:
        """Whatever of the testbed still exists on the machine (empty after ``stop``)."""
        tb = self.layout
        out = hostnet.leftovers(tb)
        for host in tb.hosts:
            out += [f"{host.netns}: process {pid}" for pid in engines.engine_processes(host)]
            out += [f"{host.netns}: mount {p}" for p in engines.mounts_under(host.data_root, host.exec_root)]
            if host.socket.exists():
                out.append(f"{host.netns}: socket {host.socket}")
        if tb.directory.exists():
            out.append(f"directory {tb.directory}")
        return out

    def __enter__(self) -> "Testbed":
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    # Using it ----------------------------------------------------------------------------------------------
    def client(self, host: str) -> docker.DockerClient:
        """The SDK client of one host's engine (``h1`` or its namespace name)."""
        layout = self.layout.host(host)
        if layout.name not in self._clients:
            self._clients[layout.name] = connect(layout.base_url)
        return self._clients[layout.name]

    def engine(self, host: str) -> Engine:
        layout = self.layout.host(host)
        # Swarm stacks are deployed through the API; no compose tool is needed for a testbed host.
        return Engine(client=self.client(host), base_url=layout.base_url, compose=())

    def load_images(self, source: docker.DockerClient, tags: Iterable[str]) -> None:
        """Copy images from ``source`` (the machine's own engine) into every host's engine: each image is
        streamed from ``image.save()`` straight into ``images.load()`` (no tarball on disk, no registry), one
        thread per host; images already there are skipped."""
        began = time.monotonic()
        wanted = list(dict.fromkeys(tags))
        images = {}
        for tag in wanted:
            try:
                images[tag] = source.images.get(tag)
            except docker.errors.ImageNotFound:
                raise TestbedError(f"image {tag} is not in the source engine: build it first "
                                   f"(`ipledger network up` builds the project's images)") from None
        clients = {host.name: self.client(host.name) for host in self.layout.hosts}

        def load_into(host: HostLayout) -> None:
            target = clients[host.name]
            for tag, image in images.items():
                try:
                    if target.images.get(tag).id == image.id:
                        continue
                except docker.errors.ImageNotFound:
                    pass
                try:
                    # The SDK streams an iterable body (chunked transfer).
                    target.images.load(image.save(named=True))  # type: ignore[arg-type]
                except docker.errors.APIError as exc:
                    raise TestbedError(f"loading {tag} into {host.netns} failed: {exc}") from None

        with self.progress.step(f"load {len(wanted)} image(s) into {len(self.layout.hosts)} engine(s)"):
            with ThreadPoolExecutor(max_workers=len(self.layout.hosts)) as pool:
                for future in [pool.submit(load_into, host) for host in self.layout.hosts]:
                    future.result()
        self.figures.images_seconds += time.monotonic() - began

    def measure(self) -> TestbedFigures:
        """Read every host's memory now (engine processes and containers) into the figures."""
        self.figures.memory = {host.name: engines.memory(host) for host in self.layout.hosts}
        return self.figures

    def exec_in(self, host: str, argv: list[str], timeout: float = 30) -> str:
        """Run a program inside a host's network namespace (a probe, say); returns its output."""
        layout = self.layout.host(host)
        return run(["nsenter", f"--net={layout.netns_path}", *argv], timeout=timeout)


def require_root() -> None:
    if os.geteuid() != 0:
        raise OperatorError("the multi-host testbed needs root (network namespaces, bridges, dockerd)")


def power_off(bed: Testbed, host: str) -> list[int]:
    """Cut a host's power: every process of it (its containers, shims, containerd, dockerd) gets SIGKILL at
    once, and what a reboot clears goes too (its mounts, its run directory). Its disk (data root), its
    namespace and its cable stay, as they would. Returns the pids ended."""
    layout = bed.layout.host(host)
    bed._clients.pop(layout.name, None)
    pids = engines.kill_host(layout)
    engines.unmount_all(layout.data_root, layout.exec_root)
    shutil.rmtree(layout.exec_root, ignore_errors=True)
    if layout.socket.exists():
        layout.socket.unlink()
    return pids


def power_on(bed: Testbed, host: str) -> float:
    """Start a host's engine again on its kept disk (its swarm restarts its services); seconds until it answers."""
    layout = bed.layout.host(host)
    began = time.monotonic()
    engines.wait_engine(layout, engines.start_engine(layout))
    return time.monotonic() - began


def set_cable(bed: Testbed, host: str, connected: bool) -> None:
    """Pull a host's cable out of the bridge (or plug it back): the host keeps running, cut off from the
    others and from the operator's seat."""
    layout = bed.layout.host(host)
    run(["ip", "link", "set", layout.veth, "up" if connected else "down"], timeout=30)
