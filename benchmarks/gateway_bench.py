"""Gateway client figures against the running network: our sync client, our asyncio client and the official
Node client (benchmarks/node/bench.js), same calls, same concurrency, one run. Prints a table; asserts nothing.

    .venv/bin/python benchmarks/gateway_bench.py                       # 300 evaluates, 200 submits, 20 in flight
    .venv/bin/python benchmarks/gateway_bench.py --evaluates 1000 --submits 500 --concurrency 50

* evaluate: GetOffice(<first office>) on the first office's gateway; latency per call, closed loop.
* submit: DepositFirstFiling with unique numbers (no shared key, so no MVCC conflict), endorse + submit +
  commit status; transaction i goes through the gateway of office i mod n (load spread over the offices'
  gateways). Throughput = committed VALID transactions / wall time of the phase.
* client CPU = CPU time of the client process during the phase / calls (what the client takes from the
  2 cores it shares with the peers, orderers and chaincode containers).

The network must be running (`ipledger network up`); it is not started, stopped or changed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "client"))

import grpc  # noqa: E402

from ipledger.errors import IpledgerError  # noqa: E402
from ipledger.credentials import ConnectionProfile
from ipledger.gateway import AsyncGateway, Contract, Gateway, Status

NODE_DIR = REPO / "benchmarks" / "node"
OFFICES = ("JP", "US", "EP", "KR")


@dataclass
class Phase:
    """One measured phase: per-call latencies of successful calls, counts, wall and CPU seconds."""

    latencies_ms: list[float] = field(default_factory=list)
    calls: int = 0
    errors: int = 0
    invalid: Counter[str] = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    cpu_s: float = 0.0

    def failed(self, error: Exception) -> None:
        self.errors += 1
        text = str(error).replace("\n", " ")
        if len(self.error_samples) < 3 and text not in self.error_samples:
            self.error_samples.append(text)

    @property
    def succeeded(self) -> int:
        return len(self.latencies_ms)

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)]  # nearest rank

    @property
    def mean(self) -> float:
        return statistics.fmean(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def rate(self) -> float:
        return self.succeeded / self.wall_s if self.wall_s else float("nan")

    @property
    def cpu_ms_per_call(self) -> float:
        return 1000 * self.cpu_s / self.calls if self.calls else float("nan")


@dataclass
class Result:
    client: str
    evaluate: Phase
    submit: Phase


def filing_json() -> str:
    return json.dumps({
        "ipRight": "PATENT",
        "applicationNumber": str(10**15 + int.from_bytes(os.urandom(8), "big") % (9 * 10**15)),
        "filingDate": "2024-03-15",
        "documentSha256": os.urandom(32).hex(),
        "documentFormat": "PDF",
    })


# -- our sync client, one thread per call in flight ------------------------------------------------------------

def _closed_loop_threads(count: int, concurrency: int, call: Callable[[int], None]) -> None:
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(call, range(count)))


def bench_sync(profiles: Sequence[ConnectionProfile], evaluates: int, submits: int, concurrency: int,
               warmup: int) -> Result:
    gateways = [Gateway.from_profile(profile) for profile in profiles]
    try:
        contracts: list[Contract] = [
            g.get_network(p.channel).get_contract(p.chaincode) for g, p in zip(gateways, profiles)]
        office = profiles[0].office
        for _ in range(warmup):
            contracts[0].evaluate_transaction("GetOffice", office)
        for contract, profile in zip(contracts, profiles):  # connect every gateway before timing
            contract.evaluate_transaction("GetOffice", profile.office)

        evaluate = Phase(calls=evaluates)
        lock = threading.Lock()

        def one_evaluate(_: int) -> None:
            started = time.perf_counter()
            try:
                contracts[0].evaluate_transaction("GetOffice", office)
            except IpledgerError as error:
                with lock:
                    evaluate.failed(error)
                return
            with lock:
                evaluate.latencies_ms.append(1000 * (time.perf_counter() - started))

        _measure(evaluate, lambda: _closed_loop_threads(evaluates, concurrency, one_evaluate))

        submit = Phase(calls=submits)

        def one_submit(index: int) -> None:
            contract = contracts[index % len(contracts)]
            started = time.perf_counter()
            try:
                status = contract.submit_async("DepositFirstFiling", [filing_json()]).status()
            except IpledgerError as error:
                with lock:
                    submit.failed(error)
                return
            with lock:
                if status.successful:
                    submit.latencies_ms.append(1000 * (time.perf_counter() - started))
                else:
                    submit.invalid[status.code_name] += 1

        _measure(submit, lambda: _closed_loop_threads(submits, concurrency, one_submit))
        return Result("python sync (threads)", evaluate, submit)
    finally:
        for gateway in gateways:
            gateway.close()


def _measure(phase: Phase, run: Callable[[], None]) -> None:
    cpu, wall = time.process_time(), time.perf_counter()
    run()
    phase.wall_s = time.perf_counter() - wall
    phase.cpu_s = time.process_time() - cpu


# -- our asyncio client, one coroutine per call in flight --------------------------------------------------------

async def _closed_loop_tasks(count: int, concurrency: int, call: Callable[[int], Any]) -> None:
    indexes = iter(range(count))

    async def worker() -> None:
        for index in indexes:  # shared iterator: each index taken once
            await call(index)

    await asyncio.gather(*(worker() for _ in range(min(concurrency, count))))


async def bench_async(profiles: Sequence[ConnectionProfile], evaluates: int, submits: int, concurrency: int,
                      warmup: int) -> Result:
    gateways = [AsyncGateway.from_profile(profile) for profile in profiles]
    try:
        contracts: list[AsyncContract] = [
            g.get_network(p.channel).get_contract(p.chaincode) for g, p in zip(gateways, profiles)]
        office = profiles[0].office
        for _ in range(warmup):
            await contracts[0].evaluate_transaction("GetOffice", office)
        for contract, profile in zip(contracts, profiles):  # connect every gateway before timing
            await contract.evaluate_transaction("GetOffice", profile.office)

        evaluate = Phase(calls=evaluates)

        async def one_evaluate(_: int) -> None:
            started = time.perf_counter()
            try:
                await contracts[0].evaluate_transaction("GetOffice", office)
            except IpledgerError as error:
                evaluate.failed(error)
                return
            evaluate.latencies_ms.append(1000 * (time.perf_counter() - started))

        await _ameasure(evaluate, _closed_loop_tasks(evaluates, concurrency, one_evaluate))

        submit = Phase(calls=submits)

        async def one_submit(index: int) -> None:
            contract = contracts[index % len(contracts)]
            started = time.perf_counter()
            try:
                submitted = await contract.submit_async("DepositFirstFiling", [filing_json()])
                status = await submitted.status()
            except IpledgerError as error:
                submit.failed(error)
                return
            if status.successful:
                submit.latencies_ms.append(1000 * (time.perf_counter() - started))
            else:
                submit.invalid[status.code_name] += 1

        await _ameasure(submit, _closed_loop_tasks(submits, concurrency, one_submit))
        return Result("python asyncio", evaluate, submit)
    finally:
        for gateway in gateways:
            await gateway.aclose()


async def _ameasure(phase: Phase, run: Any) -> None:
    cpu, wall = time.process_time(), time.perf_counter()
    await run
    phase.wall_s = time.perf_counter() - wall
    phase.cpu_s = time.process_time() - cpu


# -- the official Node client ---------------------------------------------------------------------------------

def _phase_from_node(data: dict[str, Any], calls: int) -> Phase:
    invalid = Counter({Status(int(code), False, 0, "").code_name: count
                       for code, count in (data.get("invalid") or {}).items()})
    return Phase(latencies_ms=list(data["latenciesMs"]), calls=calls, errors=int(data["errors"]), invalid=invalid,
                 error_samples=list(data.get("errorSamples") or []), wall_s=float(data["wallS"]),
                 cpu_s=float(data["cpuS"]))


def bench_node(profiles: Sequence[ConnectionProfile], evaluates: int, submits: int, concurrency: int,
               warmup: int) -> Result:
    ensure_node_client()
    done = subprocess.run(
        ["node", str(NODE_DIR / "bench.js"), "--profiles", ",".join(str(p.path) for p in profiles),
         "--evaluates", str(evaluates), "--submits", str(submits), "--concurrency", str(concurrency),
         "--warmup", str(warmup)],
        capture_output=True, text=True, check=False, timeout=1800,
    )
    if done.returncode != 0:
        raise SystemExit(f"bench.js failed:\n{done.stderr}")
    data = json.loads(done.stdout)
    return Result("node fabric-gateway", _phase_from_node(data["evaluate"], evaluates),
                  _phase_from_node(data["submit"], submits))


# -- report ---------------------------------------------------------------------------------------------------

def ensure_node_client() -> None:
    """The official Node client in benchmarks/node, installed from its lock file when missing."""
    if not (NODE_DIR / "node_modules" / "@hyperledger" / "fabric-gateway").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True, capture_output=True)


def versions() -> str:
    """The clients' versions, for the report's heading."""
    parts = [f"Python {platform.python_version()}", f"grpcio {grpc.__version__}"]
    if shutil.which("node"):
        node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False).stdout.strip()
        parts.append(f"Node {node}")
        package = NODE_DIR / "node_modules" / "@hyperledger" / "fabric-gateway" / "package.json"
        if package.is_file():
            parts.append(f"@hyperledger/fabric-gateway {json.loads(package.read_text())['version']}")
    return ", ".join(parts)


def report(results: Sequence[Result], evaluates: int, submits: int, concurrency: int) -> None:
    print(f"\n{evaluates} evaluates (GetOffice), {submits} submits (DepositFirstFiling over "
          f"{len(OFFICES)} gateways), concurrency {concurrency}; {versions()}; {os.cpu_count()} CPUs\n")
    header = (f"{'client':<22}{'eval p50':>9}{'p95':>8}{'mean':>8}{'eval/s':>8}{'cpu/eval':>9}  "
              f"{'submit tx/s':>11}{'valid':>9}{'p50':>8}{'p95':>8}{'cpu/tx':>8}")
    print(header)
    print(f"{'':<22}{'ms':>9}{'ms':>8}{'ms':>8}{'':>8}{'ms':>9}  {'':>11}{'':>9}{'ms':>8}{'ms':>8}{'ms':>8}")
    print("-" * len(header))
    for r in results:
        e, s = r.evaluate, r.submit
        failed = s.errors + sum(s.invalid.values())
        print(f"{r.client:<22}{e.percentile(0.5):>9.2f}{e.percentile(0.95):>8.2f}{e.mean:>8.2f}{e.rate:>8.0f}"
              f"{e.cpu_ms_per_call:>9.2f}  {s.rate:>11.1f}{f'{s.succeeded}/{s.calls}':>9}{s.percentile(0.5):>8.1f}"
              f"{s.percentile(0.95):>8.1f}{s.cpu_ms_per_call:>8.2f}")
        if e.errors or failed:
            print(f"{'':<22}evaluate errors {e.errors}; submit errors {s.errors}, invalid {dict(s.invalid)}")
            for text in e.error_samples + s.error_samples:
                print(f"{'':<24}{text[:200]}")
    node = next((r for r in results if r.client.startswith("node")), None)
    if node is None:
        return
    print("\nratios Python / Node (latency and CPU: lower is better for Python below 1; throughput: higher)")
    for r in results:
        if r is node:
            continue
        print(f"  {r.client:<22} eval p50 {r.evaluate.percentile(0.5) / node.evaluate.percentile(0.5):.2f}  "
              f"eval mean {r.evaluate.mean / node.evaluate.mean:.2f}  "
              f"eval/s {r.evaluate.rate / node.evaluate.rate:.2f}  "
              f"cpu/eval {r.evaluate.cpu_ms_per_call / node.evaluate.cpu_ms_per_call:.2f}  "
              f"submit tx/s {r.submit.rate / node.submit.rate:.2f}  "
              f"submit p50 {r.submit.percentile(0.5) / node.submit.percentile(0.5):.2f}  "
              f"cpu/tx {r.submit.cpu_ms_per_call / node.submit.cpu_ms_per_call:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--evaluates", type=int, default=300)
    parser.add_argument("--submits", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=10, help="unmeasured evaluates before each client's run")
    parser.add_argument("--profiles-dir", type=Path, default=REPO / "network" / "generated" / "profiles")
    parser.add_argument("--skip-node", action="store_true", help="only the Python clients")
    args = parser.parse_args()

    paths = [args.profiles_dir / f"{office}.json" for office in OFFICES]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise SystemExit(f"no connection profile {', '.join(missing)}: is the network up?")
    profiles = [ConnectionProfile.load(path) for path in paths]
    shape = (args.evaluates, args.submits, args.concurrency, args.warmup)
    results = []
    print("python sync ...", flush=True)
    results.append(bench_sync(profiles, *shape))
    print("python asyncio ...", flush=True)
    results.append(asyncio.run(bench_async(profiles, *shape)))
    if not args.skip_node:
        print("node ...", flush=True)
        results.append(bench_node(profiles, *shape))
    report(results, args.evaluates, args.submits, args.concurrency)


if __name__ == "__main__":
    main()
