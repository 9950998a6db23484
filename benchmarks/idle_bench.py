"""What a running consortium costs while nothing happens: CPU per container and of the container engine.

Usage (the network must be up, with no load)::

    .venv/bin/python benchmarks/idle_bench.py [--definition FILE] [--seconds 60]

It samples, over the window, the machine's busy time (/proc/stat), each of the consortium's containers' CPU time
(its cgroup) and the CPU time of the engine's own processes (the shims of its containers with the runc/exec
children they reaped, the docker-proxy processes of its ports, dockerd and containerd): see ipledger.operator.cpu. It prints each as a share of one core and of
the whole machine. Anything else running on the machine shows in the machine's figure only: run it alone for a
fair number.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "client"))

from ipledger.operator import cpu  # noqa: E402
from ipledger.operator.bringup import Context  # noqa: E402
from ipledger.operator.progress import Progress  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--definition", type=Path, default=None)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    ctx = Context.load(args.definition, Progress(quiet=True))
    watched = cpu.watched(ctx.need_engine(install=False), ctx.plan)
    if not watched.ids:
        sys.exit(f"no running container of {ctx.plan.project}: start the network first")
    before = cpu.sample(watched.ids, watched.scope)
    time.sleep(args.seconds)
    used = cpu.usage(before, cpu.sample(watched.ids, watched.scope))
    print(f"idle cost of {ctx.plan.project}: {len(watched.ids)} containers, {used.wall:.0f} s window, "
          f"{used.cores} cores")
    print(f"{'what':58} {'% of a core':>12} {'% of machine':>13}")
    rows = [*used.containers.items(), *((f"[engine] {name}", c) for name, c in used.engine.items())]
    for name, cores in sorted(rows, key=lambda r: -r[1]):
        print(f"{name:58} {100 * cores:12.2f} {100 * cores / used.cores:13.2f}")
    for label, cores in (("containers, together", sum(used.containers.values())),
                         ("engine processes, together", sum(used.engine.values()))):
        print(f"{label:58} {100 * cores:12.2f} {100 * cores / used.cores:13.2f}")
    print(f"{'the whole machine (everything running on it)':58} {'':12} {100 * used.machine:13.2f}")


if __name__ == "__main__":
    main()
