"""The multi-host suite's figures, written to benchmarks/results/multihost.md at the end of the session (as
benchmarks/results/faults.md is for the fault suite): the testbed's start time and memory, the deployment, and
per scenario offered/committed/lost/duplicated and the longest pause."""

from __future__ import annotations

import os
import shlex
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ipledger.loadgen import LoadReport

RESULTS = Path(__file__).resolve().parents[3] / "benchmarks" / "results" / "multihost.md"


@dataclass
class Results:
    lines: list[str] = field(default_factory=list)  # testbed and deployment figures
    scenarios: list[tuple[str, LoadReport, str]] = field(default_factory=list)
    began: float = field(default_factory=time.monotonic)

    def note(self, line: str) -> None:
        self.lines.append(line)

    def scenario(self, title: str, report: LoadReport, extra: str = "") -> None:
        self.scenarios.append((title, report, extra))

    def render(self) -> str:
        env = " ".join(f"{k}={os.environ[k]}" for k in sorted(os.environ)
                       if k.startswith(("IPLEDGER_TEST_", "IPLEDGER_MULTIHOST_", "IPLEDGER_FAULT_")))
        argv = sys.argv[1:] if sys.argv[0].endswith(("pytest", "__main__.py")) else sys.argv
        command = f"{env} .venv/bin/python -m pytest {shlex.join(argv)}".strip()
        out = ["# Multi-host scenarios", "",
               "Written by tests/integration/multihost at the end of its session (this file is the last run's). "
               "Command, run as root from the repository (in `/work/live-slot` on the shared machine):", "",
               "```sh", f"{command}", "```", "",
               f"Session: {time.strftime('%Y-%m-%d %H:%M')}, {time.monotonic() - self.began:.0f} s in all.", ""]
        out += ["```", *self.lines, "```"]
        out += ["", "Per scenario (steady load through every office's gateway; failed: sent through the affected "
                "office's own gateway; recovery: from the end of the fault to the first commit of a transaction "
                "sent after it; repeated entries: a transaction's second copy, marked DUPLICATE_TXID, harmless):", "",
                "| scenario | rate/s | offered | committed | failed | lost | duplicated | repeated entries | longest "
                "without commits s | recovery s | notes |", "|---|---|---|---|---|---|---|---|---|---|---|"]
        for title, r, extra in self.scenarios:
            recovery = r.window.get("recovery")
            out.append(f"| {title} | {r.rate:g} | {r.offered} | {r.committed} | {sum(r.failed.values())} | {r.lost} "
                       f"| {r.duplicated} | {r.repeated_entries} | {r.longest_without_commits:.1f} | "
                       f"{'-' if recovery is None else f'{recovery:.1f}'} | {extra} |")
        return "\n".join(out) + "\n"

    def write(self) -> None:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(self.render(), encoding="utf-8")
