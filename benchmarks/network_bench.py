"""Network figures: cold Fabric build, image build, `up` with images cached, memory of the running network,
image sizes. Prints one line per figure; asserts nothing.

    .venv/bin/python benchmarks/network_bench.py            # everything except the cold build
    .venv/bin/python benchmarks/network_bench.py --cold     # also rebuild Fabric with empty build caches

The network is taken down first (and left running at the end, so memory can be inspected).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import docker

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "client"))

from ipledger.consortium.plan import CA_IMAGE, ORDERER_IMAGE, PEER_IMAGE  # noqa: E402
from ipledger.operator import bringup, containers, images  # noqa: E402
from ipledger.operator.bringup import Context  # noqa: E402
from ipledger.operator.progress import Progress  # noqa: E402
from ipledger.operator.engine import Engine  # noqa: E402
from ipledger.operator.toolchain import ensure_fabric, ensure_fabric_ca, ensure_tools  # noqa: E402

def figure(name: str, value: float, unit: str) -> None:
    print(f"{name:<48} {value:>10.1f} {unit}", flush=True)


def cold_build() -> None:
    """Fabric + Fabric CA from the module proxy with empty Go build caches (downloads stay cached)."""
    quiet = Progress(quiet=True)
    saved = os.environ.get("GOCACHE")
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as gocache:
        os.environ["GOCACHE"] = gocache
        try:
            _timed_builds(Path(cache), quiet)
        finally:
            if saved is None:
                del os.environ["GOCACHE"]
            else:
                os.environ["GOCACHE"] = saved


def _timed_builds(cache: Path, quiet: Progress) -> None:
    for label, build in (("Fabric peer/orderer/tools", ensure_fabric), ("Fabric CA (cgo, static)", ensure_fabric_ca),
                         ("image tools", ensure_tools)):
        start = time.monotonic()
        build(REPO, cache, quiet)
        figure(f"cold build: {label}", time.monotonic() - start, "s")


def image_build(ctx: Context) -> None:
    engine = ctx.need_engine()
    tc = ctx.need_toolchain()
    total = 0.0
    for spec in (images.peer_image(tc), images.orderer_image(tc), images.ca_image(tc)):
        spec.tag = spec.tag.replace("ipledger/", "ipledger-bench/")
        start = time.monotonic()
        images.ensure_image(engine, spec, Progress(quiet=True), no_cache=True)
        elapsed = time.monotonic() - start
        total += elapsed
        try:
            engine.client.images.remove(spec.tag, force=True)
        except docker.errors.ImageNotFound:
            pass
    figure("image build (peer + orderer + CA)", total, "s")


def memory_bytes(engine: Engine, names: list[str]) -> float:
    """Memory in use by the containers as `docker stats` shows it: usage less the reclaimable page cache."""
    total = 0.0
    for name in names:
        stats = engine.client.containers.get(name).stats(stream=False)
        assert isinstance(stats, dict)  # stream=False: one sample, not an iterator
        memory = stats["memory_stats"]
        detail = memory.get("stats") or {}
        # cgroup v1 names it total_inactive_file, cgroup v2 inactive_file (the CLI subtracts the same).
        cache = detail.get("total_inactive_file", detail.get("inactive_file", 0))
        total += float(memory.get("usage", 0)) - float(cache)
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cold", action="store_true", help="also measure a cold Fabric build")
    args = parser.parse_args()
    if args.cold:
        cold_build()
    ctx = Context.load(progress=Progress(quiet=True))
    engine = ctx.need_engine()
    image_build(ctx)
    bringup.down(ctx)
    ctx.progress.timings.clear()
    start = time.monotonic()
    result = bringup.up(ctx)
    figure("up (images cached, from nothing to chaincode)", time.monotonic() - start, "s")
    for step, seconds in result.timings.items():
        print(f"    {step:<60} {seconds:6.1f} s")
    time.sleep(5)  # let the nodes settle before measuring memory
    nodes = containers.containers(engine, ctx.plan)
    figure(f"memory of the running network ({len(nodes)} containers)", memory_bytes(engine, [n.name for n in nodes]) / 2**20, "MiB")
    for tag in (PEER_IMAGE, ORDERER_IMAGE, CA_IMAGE):
        figure(f"image size {tag}", images.image_size(engine, tag) / 2**20, "MiB")
    state = bringup.load_state(ctx.plan)
    if state.get("chaincodeImage"):
        tag = str(state["chaincodeImage"])
        figure(f"image size {tag}", images.image_size(engine, tag) / 2**20, "MiB")


if __name__ == "__main__":
    main()
