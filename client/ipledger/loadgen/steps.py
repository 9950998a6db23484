"""Load steps: the open-loop driver at rising offered rates until the network stops keeping up (the knee).

Each step offers one rate for ``seconds`` (a :class:`~ipledger.loadgen.Driver` run of its own, drained before the
next step starts), so one step's backlog never counts in the next. Its figures come from the steady part of the
step, after ``warmup`` seconds: the committed rate counts VALID commits that happened inside that window, the
latency percentiles are those of the transactions scheduled inside it. This module is the arithmetic (ladder,
figures of a step, knee, report text); benchmarks/load_steps.py drives the network and draws the plots.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

from .driver import TxRecord
from .report import percentile

__all__ = ["KneeRule", "StepFigures", "knee", "past_knee", "rate_ladder", "render_markdown", "step_figures"]


def rate_ladder(start: float = 10.0, first_step: float = 10.0, step: float = 20.0,
                maximum: float = 400.0) -> list[float]:
    """Offered rates: ``start``, then ``start + first_step``, then up by ``step`` to ``maximum``:
    10, 20, 40, 60, 80, ... by default."""
    if start <= 0 or first_step <= 0 or step <= 0:
        raise ValueError("rates and increments must be positive")
    if maximum < start:
        raise ValueError(f"the highest rate {maximum:g} is below the first {start:g}")
    rates = [start]
    rate = start + first_step
    while rate <= maximum + 1e-9:
        rates.append(rate)
        rate += step
    return rates


@dataclass
class StepFigures:
    """One step: what was offered, what committed, how long it took and what it cost. Rates in tx/s, times in s,
    CPU in cores (1.0 = one core busy for the whole step)."""

    offered_rate: float
    seconds: float
    warmup: float
    sent: int
    committed: int  # VALID, whenever it committed
    committed_rate: float  # VALID commits inside the steady window / its length
    latency: dict[str, float | None]  # p50, p95, p99 of the transactions scheduled in the steady window
    errors: dict[str, int]  # by code, the step's transactions that did not commit VALID
    #: Blocks the step's VALID transactions landed in (sent / blocks: how full the orderers cut them).
    blocks: int = 0
    cpu: dict[str, float] = field(default_factory=dict)  # cores per component
    #: Cores of each container-engine process (dockerd, containerd, shims, docker-proxy): the "engine" component.
    engine: dict[str, float] = field(default_factory=dict)
    machine: float | None = None  # share of the whole machine busy during the step, 0..1
    #: Why this step is past the knee (empty while the network keeps up).
    past_knee: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(self.errors.values())

    @property
    def cpu_per_tx(self) -> float | None:
        """CPU seconds of everything measured per committed transaction: the figure least disturbed by other
        work on a shared machine (that other work takes cores, not CPU time per transaction)."""
        return sum(self.cpu.values()) / self.committed_rate if self.cpu and self.committed_rate > 0 else None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> StepFigures:
        return cls(**data)  # type: ignore[arg-type]


def step_figures(records: Sequence[TxRecord], *, rate: float, seconds: float, warmup: float) -> StepFigures:
    """The figures of one step from its driver's records (times relative to the step's start)."""
    if not 0 <= warmup < seconds:
        raise ValueError(f"the warm-up ({warmup:g} s) must be shorter than the step ({seconds:g} s)")
    valid = [r for r in records if r.valid and r.committed_at is not None]
    in_window = sum(1 for r in valid if r.committed_at is not None and warmup <= r.committed_at <= seconds)
    steady = [r.latency for r in valid if warmup <= r.scheduled < seconds and r.latency is not None]
    errors = Counter(r.error or "NO_STATUS" for r in records if not r.valid)
    return StepFigures(
        offered_rate=rate, seconds=seconds, warmup=warmup, sent=len(records), committed=len(valid),
        blocks=len({r.block for r in valid if r.block is not None}),
        committed_rate=in_window / (seconds - warmup),
        latency={f"p{q}": percentile(steady, q) for q in (50, 95, 99)}, errors=dict(errors))


@dataclass(frozen=True)
class KneeRule:
    """When a step no longer counts as keeping up."""

    #: The committed rate must stay at or above this share of the offered rate.
    follow: float = 0.9
    #: The 99th percentile of latency must stay at or below this many seconds.
    p99_limit: float = 2.5
    #: Transactions that did not commit VALID must stay at or below this share of those sent.
    max_error_share: float = 0.01


def past_knee(step: StepFigures, rule: KneeRule) -> list[str]:
    """The reasons ``step`` is past the knee; empty when the network kept up."""
    reasons = []
    if step.committed_rate < rule.follow * step.offered_rate:
        reasons.append(f"committed {step.committed_rate:.1f}/s < {rule.follow:.0%} of offered "
                       f"{step.offered_rate:g}/s")
    p99 = step.latency.get("p99")
    if p99 is None or p99 > rule.p99_limit:
        reasons.append("no transaction committed" if p99 is None else f"p99 {p99:.2f} s > {rule.p99_limit:g} s")
    if step.sent and step.failed / step.sent > rule.max_error_share:
        reasons.append(f"{step.failed} of {step.sent} failed ({step.failed / step.sent:.1%})")
    return reasons


def knee(steps: Sequence[StepFigures]) -> StepFigures | None:
    """The highest step still keeping up before the first step past the knee (None if the first is past it)."""
    last: StepFigures | None = None
    for step in steps:
        if step.past_knee:
            break
        last = step
    return last


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.0f}"


def _errors(errors: Mapping[str, int]) -> str:
    return ", ".join(f"{code} {n}" for code, n in sorted(errors.items(), key=lambda e: -e[1])) or "-"


def render_markdown(steps: Sequence[StepFigures], *, command: str, conditions: Sequence[str],
                    plots: Sequence[tuple[str, str]] = (), notes: Sequence[str] = ()) -> str:
    """The report: the command first, the run's conditions, the knee, one table row per step, CPU per component,
    then ``plots`` (alt text, relative path) and ``notes``."""
    out = ["# Load steps: committed rate and latency against offered load", "", "```sh", command, "```", ""]
    out += [f"- {line}" for line in conditions]
    best = knee(steps)
    saturation = max(steps, key=lambda s: s.committed_rate, default=None)
    out.append("")
    if best is not None:
        out.append(f"**Knee: {best.offered_rate:g} tx/s offered** is the highest step the network kept up with "
                   f"(committed {best.committed_rate:.1f}/s, p99 {_s(best.latency.get('p99'))} ms).")
    else:
        out.append("**Knee: below the first step**: the network did not keep up with any offered rate.")
    if saturation is not None:
        out.append(f"Highest committed rate: **{saturation.committed_rate:.1f} tx/s** "
                   f"(at {saturation.offered_rate:g} offered).")
    stopped = next((s for s in steps if s.past_knee), None)
    if stopped is not None:
        out.append(f"Past the knee at {stopped.offered_rate:g} tx/s: {'; '.join(stopped.past_knee)}.")
    out += ["", "| offered/s | sent | committed/s | p50 ms | p95 ms | p99 ms | tx/block | failed | errors by code |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for s in steps:
        per_block = f"{s.committed / s.blocks:.1f}" if s.blocks else "-"
        out.append(f"| {s.offered_rate:g} | {s.sent} | {s.committed_rate:.1f} | {_s(s.latency.get('p50'))} | "
                   f"{_s(s.latency.get('p95'))} | {_s(s.latency.get('p99'))} | {per_block} | {s.failed} | "
                   f"{_errors(s.errors)} |")
    components = [c for c in dict.fromkeys(c for s in steps for c in s.cpu)]
    if components:
        out += ["", "CPU during each step's offered load, in cores (1.0 = one core busy all the time):", "",
                "| offered/s | " + " | ".join(components) + " | all measured | CPU ms per tx | machine busy |",
                "|---:|" + "---:|" * (len(components) + 3)]
        for s in steps:
            cells = [f"{s.cpu.get(c, 0.0):.2f}" for c in components]
            machine = "-" if s.machine is None else f"{s.machine:.0%}"
            per_tx = "-" if s.cpu_per_tx is None else f"{s.cpu_per_tx * 1000:.1f}"
            out.append(f"| {s.offered_rate:g} | " + " | ".join(cells) + f" | {sum(s.cpu.values()):.2f} | {per_tx} | "
                       f"{machine} |")
    if plots:
        out.append("")
        out += [f"![{alt}]({path})" for alt, path in plots]
    if notes:
        out.append("")
        out += [f"- {line}" for line in notes]
    return "\n".join(out) + "\n"
