"""What a running consortium costs while nothing happens: CPU per container and of the container engine.

Usage (the network must be up, with no load)::

    .venv/bin/python benchmarks/idle_bench.py [--definition FILE] [--seconds 60]

It samples, over the window, the machine's busy time (/proc/stat), each of the consortium's containers' CPU time
(its cgroup's cpuacct.usage; cgroup v1 with the cgroupfs driver, as Debian's docker.io sets up here) and the CPU
time of the engine's own processes (dockerd, containerd, the shims with the runc/exec children they reaped, and
docker-proxy), then prints each as a share of one core and of the whole machine. Anything else running on the
machine shows in the machine's figure only: run it alone for a fair number.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "client"))

from ipledger.operator import containers  # noqa: E402
from ipledger.operator.bringup import Context  # noqa: E402
from ipledger.operator.progress import Progress  # noqa: E402

ENGINE_PROCESSES = ("dockerd", "containerd", "containerd-shim", "containerd-shim-runc-v2", "docker-proxy")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CGROUP = Path("/sys/fs/cgroup/cpuacct/docker")


@dataclass(frozen=True)
class Sample:
    at: float
    machine_busy: float  # seconds of CPU busy, all cores
    machine_total: float  # seconds of CPU time elapsed, all cores
    containers: dict[str, float]  # name -> CPU seconds
    engine: dict[str, float]  # process name -> CPU seconds (with reaped children)


def _machine() -> tuple[float, float]:
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields) - idle) / CLOCK_TICKS, sum(fields) / CLOCK_TICKS


def _engine() -> dict[str, float]:
    totals: dict[str, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        if name not in ENGINE_PROCESSES:
            continue
        rest = stat[stat.rindex(")") + 2:].split()
        utime, stime, cutime, cstime = (int(rest[i]) for i in (11, 12, 13, 14))
        key = "containerd-shim" if name.startswith("containerd-shim") else name
        totals[key] = totals.get(key, 0.0) + (utime + stime + cutime + cstime) / CLOCK_TICKS
    return totals


def sample(ids: dict[str, str]) -> Sample:
    busy, total = _machine()
    used = {}
    for name, container_id in ids.items():
        path = CGROUP / container_id / "cpuacct.usage"
        if path.exists():
            used[name] = int(path.read_text()) / 1e9
    return Sample(time.monotonic(), busy, total, used, _engine())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--definition", type=Path, default=None)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    ctx = Context.load(args.definition, Progress(quiet=True))
    engine = ctx.need_engine(install=False)
    running = [c for c in containers.containers(engine, ctx.plan) if c.status == "running"]
    if not running:
        sys.exit(f"no running container of {ctx.plan.project}: start the network first")
    ids = {c.name: engine.client.containers.get(c.name).id for c in running}
    cores = os.cpu_count() or 1
    before = sample(ids)
    time.sleep(args.seconds)
    after = sample(ids)
    wall = after.at - before.at
    print(f"idle cost of {ctx.plan.project}: {len(ids)} containers, {wall:.0f} s window, {cores} cores")
    print(f"{'what':58} {'% of a core':>12} {'% of machine':>13}")
    rows = [(name, after.containers[name] - before.containers.get(name, 0.0)) for name in sorted(after.containers)]
    rows += [(f"[engine] {name}", after.engine[name] - before.engine.get(name, 0.0)) for name in sorted(after.engine)]
    for name, seconds in sorted(rows, key=lambda r: -r[1]):
        print(f"{name:58} {100 * seconds / wall:12.2f} {100 * seconds / wall / cores:13.2f}")
    containers_total = sum(s for n, s in rows if not n.startswith("[engine]"))
    engine_total = sum(s for n, s in rows if n.startswith("[engine]"))
    machine = (after.machine_busy - before.machine_busy) / (after.machine_total - before.machine_total)
    print(f"{'containers, together':58} {100 * containers_total / wall:12.2f} {100 * containers_total / wall / cores:13.2f}")
    print(f"{'engine processes, together':58} {100 * engine_total / wall:12.2f} {100 * engine_total / wall / cores:13.2f}")
    print(f"{'the whole machine (everything running on it)':58} {'':12} {100 * machine:13.2f}")


if __name__ == "__main__":
    main()
