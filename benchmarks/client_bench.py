"""What the Gateway *client* costs: our sync and asyncio clients and the official Node client against one fake
gateway (benchmarks/fake_gateway.py) that answers at once, so the client is the only thing measured.

    .venv/bin/python benchmarks/client_bench.py                         # levels 1,20,100; 3 repetitions
    .venv/bin/python benchmarks/client_bench.py --repetitions 5 --markdown benchmarks/results/client_bench.md
    .venv/bin/python benchmarks/client_bench.py --cprofile async --levels 100    # where asyncio's CPU goes
    .venv/bin/python benchmarks/client_bench.py --baseline ../main/client         # before/after in one run
    .venv/bin/python benchmarks/client_bench.py --clients async,floor,node        # and grpc.aio's own floor

The workload is benchmarks/gateway_bench.py's (and node/bench.js's): evaluate = GetOffice(JP); submit =
DepositFirstFiling(<fresh filing JSON>) = Endorse + Submit + CommitStatus, closed loop with N calls in flight.
The fake serves TLS (throwaway CA and certificate) in a process of its own; each client runs in a process of its
own, one after another (never two at once), after an unmeasured warm-up round of both calls. Client CPU = the
client process's CPU time (user + system, every thread) over the phase / calls; the server's CPU over the same
phase is read from /proc and shown as % of one core, to show that the server was not the limit. The three
clients take turns in every repetition, and each figure is the median of the repetitions with the range.
The `floor` client sends the same RPCs over grpc.aio with requests built and signed once: what our asyncio client
would cost if its own work were free. benchmarks/client_work.py times that own work alone (steady on a busy
machine, where these whole-process figures vary by tens of per cent).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# --baseline runs the Python workers on another checkout's client/ (before/after figures in one run).
sys.path.insert(0, os.environ.get(BASELINE_ENV := "IPLEDGER_CLIENT_BENCH_CLIENT", str(HERE.parent / "client")))
sys.path.insert(0, str(HERE))

import ipledger  # noqa: E402  (first: gateway_bench puts this checkout's client/ first on the path)
import fake_gateway  # noqa: E402
import gateway_bench  # noqa: E402

from ipledger.credentials import ConnectionProfile  # noqa: E402

NODE_DIR = HERE / "node"
CLIENTS = {"sync": "python sync (threads)", "async": "python asyncio", "node": "node fabric-gateway",
           "sync-baseline": "python sync, baseline", "async-baseline": "python asyncio, baseline",
           "floor": "grpc.aio alone (floor)"}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# -- one client process: the worker ---------------------------------------------------------------------------

def _server_cpu(pid: int) -> float:
    if not pid:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _phase_json(phase: gateway_bench.Phase, server_cpu_s: float) -> dict[str, Any]:
    return {"calls": phase.calls, "succeeded": phase.succeeded, "errors": phase.errors + sum(phase.invalid.values()),
            "errorSamples": phase.error_samples, "wallS": phase.wall_s, "cpuS": phase.cpu_s,
            "p50Ms": phase.percentile(0.5), "serverCpuS": server_cpu_s}


async def bench_floor(profiles: Sequence[ConnectionProfile], evaluates: int, submits: int, concurrency: int,
                      warmup: int) -> gateway_bench.Result:
    """grpc.aio alone: the same RPCs on the same kind of channel, with requests built and signed once.

    A submit is Endorse + Submit + CommitStatus of bytes serialized in advance (the fake checks no signature and
    no uniqueness), an evaluate one Evaluate: what our asyncio client would cost if building, signing and
    parsing were free.
    """
    from ipledger.gateway import AsyncGateway

    async with AsyncGateway.from_profile(profiles[0]) as gateway:
        contract = gateway.get_network(profiles[0].channel).get_contract(profiles[0].chaincode)
        proposal = contract.new_proposal("DepositFirstFiling", [gateway_bench.filing_json()])
        endorse_request = proposal._endorse_request()
        evaluate_request = proposal._evaluate_request().SerializeToString()
        transaction = await proposal.endorse()
        submit_request, status_request = (m.SerializeToString() for m in transaction._prepare_submit())
        endorse_request = endorse_request.SerializeToString()
        timeout = 30.0
        calls = {name: gateway.channel.unary_unary(f"/gateway.Gateway/{name}", _registered_method=True)
                 for name in ("Evaluate", "Endorse", "Submit", "CommitStatus")}
        for _ in range(warmup):
            await calls["Evaluate"](evaluate_request, timeout=timeout)

        evaluate = gateway_bench.Phase(calls=evaluates)

        async def one_evaluate(_: int) -> None:
            started = time.perf_counter()
            await calls["Evaluate"](evaluate_request, timeout=timeout)
            evaluate.latencies_ms.append(1000 * (time.perf_counter() - started))

        await gateway_bench._ameasure(evaluate, gateway_bench._closed_loop_tasks(evaluates, concurrency, one_evaluate))
        submit = gateway_bench.Phase(calls=submits)

        async def one_submit(_: int) -> None:
            started = time.perf_counter()
            await calls["Endorse"](endorse_request, timeout=timeout)
            await calls["Submit"](submit_request, timeout=timeout)
            await calls["CommitStatus"](status_request, timeout=timeout)
            submit.latencies_ms.append(1000 * (time.perf_counter() - started))

        await gateway_bench._ameasure(submit, gateway_bench._closed_loop_tasks(submits, concurrency, one_submit))
        return gateway_bench.Result("grpc.aio alone", evaluate, submit)


def _run_worker(args: argparse.Namespace) -> None:
    profiles = [ConnectionProfile.load(args.profile)]
    bench: Callable[..., gateway_bench.Result]
    if args.worker == "sync":
        bench = gateway_bench.bench_sync
    elif args.worker == "floor":
        def bench(*shape: Any) -> gateway_bench.Result:
            return asyncio.run(bench_floor(*shape))
    else:
        def bench(*shape: Any) -> gateway_bench.Result:
            return asyncio.run(gateway_bench.bench_async(*shape))
    # Warm-up round (its own gateway, discarded), then the measured one; the bench connects before timing.
    bench(profiles, args.warmup, args.warmup, args.concurrency, 0)
    # The main thread's CPU clock, not the wall clock: time waiting and time other processes take are left out.
    profiler = cProfile.Profile(time.thread_time) if args.cprofile else None
    before = _server_cpu(args.server_pid)
    if profiler:
        profiler.enable()
    result = bench(profiles, args.evaluates, args.submits, args.concurrency, 0)
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.cprofile)
    # Server CPU over both phases, split by their wall times (a bench call runs them back to back).
    server = _server_cpu(args.server_pid) - before
    total = result.evaluate.wall_s + result.submit.wall_s
    print(json.dumps({
        "client": str(Path(ipledger.__file__).parents[1]),
        "evaluate": _phase_json(result.evaluate, server * result.evaluate.wall_s / total),
        "submit": _phase_json(result.submit, server * result.submit.wall_s / total),
    }))


# -- the driver -------------------------------------------------------------------------------------------------

@dataclass
class Run:
    """One client process at one level: (rate/s, CPU ms per call, server % of a core) per phase."""

    evaluate_rate: float
    evaluate_cpu_ms: float
    evaluate_server: float
    submit_rate: float
    submit_cpu_ms: float
    submit_server: float
    submit_p50_ms: float
    errors: int


def _run_from(data: dict[str, Any]) -> Run:
    def figures(phase: dict[str, Any]) -> tuple[float, float, float]:
        return (phase["succeeded"] / phase["wallS"], 1000 * phase["cpuS"] / phase["calls"],
                100 * phase["serverCpuS"] / phase["wallS"])

    evaluate, submit = data["evaluate"], data["submit"]
    samples = evaluate.get("errorSamples", []) + submit.get("errorSamples", [])
    if samples:
        print(f"    errors: {samples}", file=sys.stderr)
    return Run(*figures(evaluate), *figures(submit), submit["p50Ms"], evaluate["errors"] + submit["errors"])


def _node_json(data: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name in ("evaluate", "submit"):
        phase = data[name]
        latencies = sorted(phase["latenciesMs"])
        succeeded = len(latencies)
        out[name] = {"succeeded": succeeded, "calls": succeeded + phase["errors"] + sum((phase.get("invalid") or {}).values()),
                     "errors": phase["errors"], "errorSamples": phase["errorSamples"], "wallS": phase["wallS"],
                     "cpuS": phase["cpuS"], "serverCpuS": phase["serverCpuS"],
                     "p50Ms": latencies[max(0, (succeeded + 1) // 2 - 1)] if latencies else float("nan")}
    return out


def run_client(client: str, fake: fake_gateway.FakeGatewayProcess, level: int, args: argparse.Namespace) -> Run:
    shape = ["--evaluates", str(args.evaluates), "--submits", str(args.submits), "--concurrency", str(level),
             "--warmup", str(args.warmup), "--server-pid", str(fake.pid)]
    if client == "node":
        command = ["node", str(NODE_DIR / "client_bench.js"), "--profile", str(fake.profile), *shape,
                   "--clock-ticks", str(CLOCK_TICKS)]
        env = None
    else:
        worker, _, baseline = client.partition("-")
        command = [sys.executable, __file__, "--worker", worker, "--profile", str(fake.profile), *shape]
        env = {**os.environ, BASELINE_ENV: str(args.baseline)} if baseline else None
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=1800, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{CLIENTS[client]} failed:\n{done.stderr}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    expected = args.baseline if client.endswith("-baseline") else HERE.parent / "client"
    if client != "node" and Path(data["client"]).resolve() != expected.resolve():
        raise SystemExit(f"{CLIENTS[client]} ran the client in {data['client']}, not {expected}")
    return _run_from(_node_json(data) if client == "node" else data)


def _span(values: Sequence[float], digits: int) -> str:
    """median [min-max]"""
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return f"{statistics.median(values):.{digits}f} [{min(values):.{digits}f}-{max(values):.{digits}f}]"


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _containers() -> str:
    try:
        import docker
        return str(len(docker.from_env().containers.list()))
    except Exception:  # the figure is informative only; no engine is fine
        return "?"


def _machine(load_before: str, load_after: str, containers: str) -> str:
    return (f"{os.cpu_count()} CPUs; load average {load_before} before the run and {load_after} after it "
            f"(`uptime`); {containers} containers running (`docker ps`)")


def report(results: dict[int, dict[str, list[Run]]], args: argparse.Namespace, machine: str) -> list[str]:
    lines = [
        f"{args.evaluates} evaluates and {args.submits} submits per client process and level, after "
        f"{args.warmup} + {args.warmup} warm-up calls; {args.repetitions} repetitions, each figure median "
        f"[min-max]; {gateway_bench.versions()}; {machine}.",
        "",
        "| in flight | client | submits/s | CPU ms/submit | evaluates/s | CPU ms/evaluate | submit p50 ms "
        "| server %core (submit) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for level, by_client in results.items():
        for client, runs in by_client.items():
            lines.append(
                f"| {level} | {CLIENTS[client]} | {_span([r.submit_rate for r in runs], 0)} "
                f"| {_span([r.submit_cpu_ms for r in runs], 3)} | {_span([r.evaluate_rate for r in runs], 0)} "
                f"| {_span([r.evaluate_cpu_ms for r in runs], 3)} | {_span([r.submit_p50_ms for r in runs], 2)} "
                f"| {_span([r.submit_server for r in runs], 0)} |")
    if "node" in args.clients:
        lines += ["", "Ratios to Node, per repetition (same run), median [min-max]: submits/s and evaluates/s "
                  "(higher is better), CPU per call (lower is better).", "",
                  "| in flight | client | submits/s | CPU/submit | evaluates/s | CPU/evaluate |",
                  "|---:|---|---:|---:|---:|---:|"]
        for level, by_client in results.items():
            node = by_client["node"]
            for client, runs in by_client.items():
                if client == "node":
                    continue
                pairs = list(zip(runs, node))
                lines.append(
                    f"| {level} | {CLIENTS[client]} / node "
                    f"| {_span([r.submit_rate / n.submit_rate for r, n in pairs], 2)} "
                    f"| {_span([r.submit_cpu_ms / n.submit_cpu_ms for r, n in pairs], 2)} "
                    f"| {_span([r.evaluate_rate / n.evaluate_rate for r, n in pairs], 2)} "
                    f"| {_span([r.evaluate_cpu_ms / n.evaluate_cpu_ms for r, n in pairs], 2)} |")
    baselines = [c for c in args.clients if c.endswith("-baseline") and c.partition("-")[0] in args.clients]
    if baselines:
        lines += ["", "This checkout's client / the baseline's (--baseline), per repetition, median [min-max].", "",
                  "| in flight | client | submits/s | CPU/submit | evaluates/s | CPU/evaluate |",
                  "|---:|---|---:|---:|---:|---:|"]
        for level, by_client in results.items():
            for baseline in baselines:
                pairs = list(zip(by_client[baseline.partition("-")[0]], by_client[baseline]))
                lines.append(
                    f"| {level} | {CLIENTS[baseline.partition('-')[0]]} / baseline "
                    f"| {_span([r.submit_rate / b.submit_rate for r, b in pairs], 2)} "
                    f"| {_span([r.submit_cpu_ms / b.submit_cpu_ms for r, b in pairs], 2)} "
                    f"| {_span([r.evaluate_rate / b.evaluate_rate for r, b in pairs], 2)} "
                    f"| {_span([r.evaluate_cpu_ms / b.evaluate_cpu_ms for r, b in pairs], 2)} |")
    errors = sum(r.errors for by_client in results.values() for runs in by_client.values() for r in runs)
    if errors:
        lines += ["", f"**{errors} calls failed** (see the messages above)."]
    return lines


def write_markdown(path: Path, lines: list[str], command: str, machine: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    header = [
        "# Client-bound benchmark: our Gateway clients vs the official Node client",
        "",
        f"Written by `{command}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        f"The machine at the time: {machine}; the load and the containers are other work sharing it.",
        "",
        "A fake gateway (benchmarks/fake_gateway.py, TLS, its own process) answers Endorse, Submit, CommitStatus "
        "and Evaluate at once; every client runs in its own process, one at a time. See the docstring of "
        "benchmarks/client_bench.py for the method.",
        "",
    ]
    path.write_text("\n".join(header + lines) + "\n", encoding="utf-8")


def _print_profile(path: str, top: int) -> None:
    stats = pstats.Stats(path)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", default="1,20,100", help="calls in flight, comma-separated")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--evaluates", type=int, default=3000)
    parser.add_argument("--submits", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=300, help="unmeasured evaluates and submits first")
    parser.add_argument("--clients", help="of: sync, async, node, floor (grpc.aio with requests made once: "
                                           "what is left when the client's own work is free); default sync,async,node")
    parser.add_argument("--markdown", type=Path, help="also write the table here (benchmarks/results/...)")
    parser.add_argument("--baseline", type=Path,
                        help="another checkout's client/ directory: adds sync-baseline and async-baseline clients "
                             "(default clients then: async,async-baseline,node)")
    parser.add_argument("--cprofile", choices=("sync", "async"),
                        help="profile one client's measured round (cProfile) and print the top entries instead")
    parser.add_argument("--top", type=int, default=25, help="entries of the --cprofile listing")
    # Worker mode (one client process), used by the driver.
    parser.add_argument("--worker", choices=("sync", "async", "floor"), help=argparse.SUPPRESS)
    parser.add_argument("--profile", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--concurrency", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--server-pid", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--cprofile-out", dest="cprofile_out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        args.cprofile = args.cprofile_out
        _run_worker(args)
        return

    levels = [int(level) for level in args.levels.split(",")]
    if args.clients is None:
        args.clients = "async,async-baseline,node" if args.baseline else "sync,async,node"
    args.clients = [c for c in args.clients.split(",") if c]
    if any(c.endswith("-baseline") for c in args.clients) and not args.baseline:
        raise SystemExit("the -baseline clients need --baseline <checkout>/client")
    unknown = set(args.clients) - set(CLIENTS)
    if unknown:
        raise SystemExit(f"unknown client(s) {', '.join(sorted(unknown))}; known: {', '.join(CLIENTS)}")
    if "node" in args.clients:
        gateway_bench.ensure_node_client()
    load_before, containers = _load(), _containers()
    # `kill` ends the run like Ctrl-C: the fake server and the client process in flight are stopped too.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with tempfile.TemporaryDirectory(prefix="ipledger-client-bench-") as directory, \
            fake_gateway.FakeGatewayProcess(Path(directory)) as fake:
        if args.cprofile:
            out = str(Path(directory) / "client.prof")
            for level in levels:
                command = [sys.executable, __file__, "--worker", args.cprofile, "--profile", str(fake.profile),
                           "--evaluates", str(args.evaluates), "--submits", str(args.submits),
                           "--concurrency", str(level), "--warmup", str(args.warmup), "--cprofile-out", out]
                subprocess.run(command, check=True, capture_output=True)
                print(f"\n== {CLIENTS[args.cprofile]}, {level} in flight: {args.evaluates} evaluates + "
                      f"{args.submits} submits (main-thread CPU seconds; profiled, so slower than unprofiled) ==")
                _print_profile(out, args.top)
            return
        results: dict[int, dict[str, list[Run]]] = {level: {c: [] for c in args.clients} for level in levels}
        for repetition in range(1, args.repetitions + 1):
            for level in levels:
                for client in args.clients:
                    run = run_client(client, fake, level, args)
                    results[level][client].append(run)
                    print(f"  rep {repetition} level {level:>3} {CLIENTS[client]:<22} submits/s {run.submit_rate:7.0f}"
                          f" cpu/submit {run.submit_cpu_ms:6.3f} ms  evaluates/s {run.evaluate_rate:7.0f}"
                          f" cpu/eval {run.evaluate_cpu_ms:6.3f} ms  server {run.submit_server:3.0f}%", flush=True)
    machine = _machine(load_before, _load(), containers)
    lines = report(results, args, machine)
    print()
    print("\n".join(lines))
    if args.markdown:
        command = " ".join([".venv/bin/python", "benchmarks/client_bench.py", *sys.argv[1:]])
        write_markdown(args.markdown, lines, command, machine)
        print(f"\nwrote {args.markdown}")


if __name__ == "__main__":
    main()
