"""Open-loop load steps until the knee: committed rate, p50/p95/p99 and CPU per component at each offered rate.

    .venv/bin/python benchmarks/load_steps.py                          # 10, 20, 40, 60, ... tx/s, 20 s each
    .venv/bin/python benchmarks/load_steps.py --seconds 30 --max-rate 200 --definition FILE --name my-run

Each step offers one rate of DepositFirstFiling transactions (MAJORITY endorsement), spread round-robin over the
offices' gateways, with ipledger.loadgen's open-loop driver: transaction i is sent at i / rate whether or not the
earlier ones have finished, and each is followed to its commit status. A step is drained before the next starts.
Figures come from the steady part of each step (after --warmup seconds); CPU (ipledger.operator.cpu) is sampled
over each step's offered load: every container of the consortium by role, the engine's processes, and this client.
The ladder stops at the first step past the knee (committed rate below --follow of offered, p99 above
--p99-limit, or more than --max-errors failed), after --past-knee further steps. At the end every peer's blocks
are read back (nothing lost or duplicated), then a Markdown report, the figures as JSON, and two plots (committed
rate and latency percentiles against offered load) are written to --out (benchmarks/results).

The network must be running (`ipledger network up`, or --definition for another consortium); it is not
started, stopped or changed. Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "client"))

from ipledger.credentials import ConnectionProfile  # noqa: E402
from ipledger.loadgen import Driver, PeerTarget, TxRecord, open_contracts, reconcile, summarize  # noqa: E402
from ipledger.loadgen.steps import (KneeRule, StepFigures, knee, past_knee, rate_ladder,  # noqa: E402
                                    render_markdown, step_figures)
from ipledger.operator import cpu  # noqa: E402
from ipledger.operator.bringup import Context  # noqa: E402
from ipledger.operator.progress import Progress  # noqa: E402


def conditions(ctx: Context, args: argparse.Namespace, containers_running: int) -> list[str]:
    spec = ctx.plan.spec
    commit = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True,
                            text=True).stdout.strip()
    load = Path("/proc/loadavg").read_text().split()[:3]
    return [
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit or '?'}, {os.cpu_count()} cores; "
        f"load average before the run {' '.join(load)}; {containers_running} containers running on the engine "
        f"({len(ctx.plan.offices)} offices of `{ctx.plan.project}` among them)",
        f"ordering {spec.ordering.type}, batchTimeout {spec.ordering.batch_timeout}, maxMessageCount "
        f"{spec.ordering.max_message_count}; endorsement {spec.chaincode.endorsement_policy}; TLS on every connection",
        f"each step {args.seconds:g} s of DepositFirstFiling spread over {len(ctx.plan.offices)} gateways, figures "
        f"from its last {args.seconds - args.warmup:g} s (committed rate: VALID commits in that window; latency: "
        f"scheduled send to commit status, of the transactions scheduled in it)",
        f"knee: the last step before one with committed < {args.follow:.0%} of offered, p99 > {args.p99_limit:g} s "
        f"or more than {args.max_errors:.0%} failed",
        "the machine is shared: other work running beside the benchmark shows in 'machine busy' and in the "
        "figures; read them as ranges",
    ]


def peer_targets(ctx: Context, profiles: dict[str, ConnectionProfile]) -> list[PeerTarget]:
    return [PeerTarget(name=p.host, endpoint=f"{ctx.plan.host_ip}:{p.port}", server_name=p.host,
                       profile=profiles[o.code]) for o in ctx.plan.offices for p in o.peers]


async def run_steps(ctx: Context, args: argparse.Namespace, rates: Sequence[float]) -> tuple[list[StepFigures],
                                                                                               list[str]]:
    profiles = {o.code: ConnectionProfile.load(ctx.plan.profiles_dir / f"{o.code}.json") for o in ctx.plan.offices}
    targets = peer_targets(ctx, profiles)
    watched = cpu.watched(ctx.need_engine(install=False), ctx.plan)
    start = await asyncio.to_thread(lambda: min(h for h in (t.height() for t in targets) if h is not None))
    rule = KneeRule(follow=args.follow, p99_limit=args.p99_limit, max_error_share=args.max_errors)
    gateways, contracts = await open_contracts(list(profiles.values()))
    steps: list[StepFigures] = []
    records: list[TxRecord] = []
    beyond = 0
    try:
        for rate in rates:
            driver = Driver(contracts, rate)
            before = cpu.sample(watched.ids, watched.scope)
            load = asyncio.create_task(driver.run(args.seconds))
            await asyncio.sleep(args.seconds)
            used = cpu.usage(before, cpu.sample(watched.ids, watched.scope))
            drain_from = time.monotonic()
            await load
            step = step_figures(driver.records, rate=rate, seconds=args.seconds, warmup=args.warmup)
            step.cpu = {k: round(v, 3) for k, v in used.by_component(watched.roles).items()}
            step.engine = {k: round(v, 3) for k, v in used.engine.items()}
            step.machine = round(used.machine, 3)
            step.past_knee = past_knee(step, rule)
            steps.append(step)
            records += driver.records
            lat = step.latency
            print(f"{rate:6g}/s offered: committed {step.committed_rate:6.1f}/s, p50/p95/p99 "
                  + "/".join("-" if lat[k] is None else f"{lat[k]:.2f}" for k in ("p50", "p95", "p99"))
                  + f" s, {step.committed / max(step.blocks, 1):.1f} tx/block, CPU {1000 * (step.cpu_per_tx or 0):.1f} ms/tx,"
                  f" failed {step.failed}, machine {used.machine:.0%}, drained in "
                  f"{time.monotonic() - drain_from:.1f} s" + (f"  PAST THE KNEE: {'; '.join(step.past_knee)}"
                                                             if step.past_knee else ""), flush=True)
            if step.past_knee:
                beyond += 1
                if beyond > args.past_knee:
                    break
            await asyncio.sleep(args.pause)
    finally:
        for gateway in gateways:
            await gateway.aclose()
    notes: list[str] = []
    if not args.no_reconcile:
        highest = max((r.block for r in records if r.block is not None), default=start)
        view = await reconcile(targets, start, at_least=highest + 1, settle_timeout=120)
        ledger = summarize(records, view, rate=0.0, duration=0.0)
        notes.append(f"every peer's blocks {view.start}..{view.end - 1} read back: {ledger.offered} sent, "
                     f"{ledger.committed} VALID on every peer, lost {ledger.lost}, duplicated {ledger.duplicated}, "
                     f"committed despite a client error {ledger.committed_despite_error}"
                     + (f", unreadable peers {sorted(view.unreadable)}" if view.unreadable else ""))
        print(notes[-1], flush=True)
    return steps, notes


def plot(steps: Sequence[StepFigures], out: Path, name: str, title: str) -> list[tuple[str, str]]:
    import matplotlib  # benchmark-only dependency: requirements/bench.lock

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    offered = [s.offered_rate for s in steps]
    best = knee(steps)
    files = []
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
    ax.plot(offered, offered, linestyle="--", color="grey", label="offered")
    ax.plot(offered, [s.committed_rate for s in steps], marker="o", label="committed (VALID)")
    if best is not None:
        ax.axvline(best.offered_rate, color="tab:red", linestyle=":", label=f"knee {best.offered_rate:g}/s")
    ax.set(xlabel="offered load (tx/s)", ylabel="committed (tx/s)", title=f"Throughput vs offered load\n{title}")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / f"{name}-throughput.png")
    plt.close(fig)
    files.append(("committed rate against offered load", f"{name}-throughput.png"))
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
    for q in ("p50", "p95", "p99"):
        values = [s.latency.get(q) for s in steps]
        ax.plot(offered, [float("nan") if v is None else v * 1000 for v in values], marker="o", label=q)
    if best is not None:
        ax.axvline(best.offered_rate, color="tab:red", linestyle=":", label=f"knee {best.offered_rate:g}/s")
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set(xlabel="offered load (tx/s)", ylabel="latency, send to commit (ms)",
           title=f"Latency percentiles vs offered load\n{title}")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / f"{name}-latency.png")
    plt.close(fig)
    files.append(("p50, p95 and p99 latency against offered load", f"{name}-latency.png"))
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--definition", type=Path, default=None, help="the consortium (default: the repository's)")
    parser.add_argument("--rates", default="", help="comma-separated offered rates (default: the ladder below)")
    parser.add_argument("--start-rate", type=float, default=10.0)
    parser.add_argument("--first-step", type=float, default=10.0, help="from the first rate to the second")
    parser.add_argument("--step", type=float, default=20.0, help="increment after the second rate")
    parser.add_argument("--max-rate", type=float, default=400.0)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each step")
    parser.add_argument("--warmup", type=float, default=4.0, help="seconds at the start of a step not counted")
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between steps")
    parser.add_argument("--follow", type=float, default=0.9, help="committed/offered below this is past the knee")
    parser.add_argument("--p99-limit", type=float, default=2.5, help="p99 seconds above this is past the knee")
    parser.add_argument("--max-errors", type=float, default=0.01, help="failed share above this is past the knee")
    parser.add_argument("--past-knee", type=int, default=1, help="steps to run after the first one past the knee")
    parser.add_argument("--no-reconcile", action="store_true", help="skip reading every peer's blocks back")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    parser.add_argument("--name", default="load_steps", help="file name stem of the report, plots and JSON")
    parser.add_argument("--note", action="append", default=[], help="a line for the report (what was changed)")
    args = parser.parse_args()
    if not 0 <= args.warmup < args.seconds:
        parser.error("--warmup must be shorter than --seconds")
    rates = ([float(r) for r in args.rates.split(",") if r.strip()] if args.rates else
             rate_ladder(args.start_rate, args.first_step, args.step, args.max_rate))
    ctx = Context.load(args.definition, Progress(quiet=True))
    engine = ctx.need_engine(install=False)
    running = len(engine.client.containers.list())
    command = ".venv/bin/python benchmarks/load_steps.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    facts = conditions(ctx, args, running)
    print(command, *facts, sep="\n", flush=True)
    steps, notes = asyncio.run(run_steps(ctx, args, rates))
    args.out.mkdir(parents=True, exist_ok=True)
    title = f"{ctx.plan.spec.ordering.type}, {len(ctx.plan.offices)} offices, MAJORITY, {os.cpu_count()} cores"
    plots = plot(steps, args.out, args.name, title)
    text = render_markdown(steps, command=command.strip(), conditions=facts, plots=plots, notes=[*args.note, *notes])
    (args.out / f"{args.name}.md").write_text(text, encoding="utf-8")
    (args.out / f"{args.name}.json").write_text(json.dumps({"command": command, "conditions": facts, "notes": notes,
                                                            "steps": [s.as_dict() for s in steps]}, indent=1) + "\n",
                                                encoding="utf-8")
    print(f"wrote {args.out / args.name}.md, .json and two plots", flush=True)


if __name__ == "__main__":
    main()
