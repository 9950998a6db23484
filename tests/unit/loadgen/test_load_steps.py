"""Load steps: the ladder of offered rates, a step's figures from driver records, the knee and the report."""

from __future__ import annotations

import pytest

from ipledger.loadgen import TxRecord
from ipledger.loadgen.steps import (KneeRule, StepFigures, knee, past_knee, rate_ladder, render_markdown,
                                    step_figures)


def test_the_default_ladder_doubles_once_then_climbs_by_twenty() -> None:
    assert rate_ladder(maximum=100) == [10, 20, 40, 60, 80, 100]
    assert rate_ladder(5, 5, 50, 120) == [5, 10, 60, 110]
    assert rate_ladder(10, 10, 20, 10) == [10]


@pytest.mark.parametrize("args", [(0, 10, 20, 100), (10, 0, 20, 100), (10, 10, -1, 100), (50, 10, 20, 40)])
def test_a_ladder_that_cannot_climb_is_refused(args: tuple[float, float, float, float]) -> None:
    with pytest.raises(ValueError):
        rate_ladder(*args)


def tx(index: int, rate: float, latency: float | None, error: str | None = None) -> TxRecord:
    r = TxRecord(index=index, office="JP", scheduled=index / rate, transaction_id=f"tx{index}")
    if latency is not None:
        r.committed_at, r.status = r.scheduled + latency, "VALID"
    elif error is not None:
        r.error = error
    return r


def test_step_figures_count_commits_and_latency_in_the_steady_window_only() -> None:
    rate = 10.0
    # 100 transactions over 10 s; the first 2 s (warm-up) are slow, the rest take 0.1 s; two fail.
    records = [tx(i, rate, 3.0 if i < 20 else 0.1) for i in range(98)]
    records += [tx(98, rate, None, "SUBMIT_ERROR/UNAVAILABLE"), tx(99, rate, None)]
    step = step_figures(records, rate=rate, seconds=10.0, warmup=2.0)
    assert (step.sent, step.committed, step.failed) == (100, 98, 2)
    assert step.blocks == 0  # the records carry no block numbers here
    assert step.errors == {"SUBMIT_ERROR/UNAVAILABLE": 1, "NO_STATUS": 1}
    # Committed at 2.0..9.8 (80 of them, three of the slow ones landed in the window too) over 8 s.
    in_window = sum(1 for r in records if r.committed_at is not None and 2.0 <= r.committed_at <= 10.0)
    assert step.committed_rate == in_window / 8.0
    # Only transactions scheduled at or after 2 s count for latency: all took 0.1 s.
    assert step.latency == {"p50": pytest.approx(0.1), "p95": pytest.approx(0.1), "p99": pytest.approx(0.1)}


def test_a_warmup_as_long_as_the_step_is_refused() -> None:
    with pytest.raises(ValueError, match="warm-up"):
        step_figures([], rate=1.0, seconds=5.0, warmup=5.0)


def figures(offered: float, committed: float, p99: float | None, failed: int = 0, sent: int = 1000) -> StepFigures:
    return StepFigures(offered_rate=offered, seconds=20, warmup=4, sent=sent, committed=sent - failed,
                       committed_rate=committed, latency={"p50": None if p99 is None else p99 / 2, "p95": p99,
                                                          "p99": p99}, errors={"X": failed} if failed else {})


@pytest.mark.parametrize(("step", "reasons"), [
    (figures(40, 39.5, 0.4), []),
    (figures(80, 60.0, 0.9), ["committed 60.0/s < 90% of offered 80/s"]),
    (figures(80, 79.0, 3.1), ["p99 3.10 s > 2.5 s"]),
    (figures(80, 79.0, 0.5, failed=20), ["20 of 1000 failed (2.0%)"]),
    (figures(80, 0.0, None, failed=1000), ["committed 0.0/s < 90% of offered 80/s", "no transaction committed",
                                            "1000 of 1000 failed (100.0%)"]),
])
def test_past_the_knee_says_why(step: StepFigures, reasons: list[str]) -> None:
    assert past_knee(step, KneeRule()) == reasons


def test_the_knee_is_the_last_step_before_the_first_one_past_it() -> None:
    steps = [figures(10, 10, 0.1), figures(20, 20, 0.2), figures(40, 30, 3.0), figures(60, 41, 0.5)]
    for step in steps:
        step.past_knee = past_knee(step, KneeRule())
    best = knee(steps)
    assert best is not None and best.offered_rate == 20  # 60 recovered by chance: the first failure counts
    steps[0].past_knee = ["p99"]
    assert knee(steps) is None


def test_the_report_starts_with_the_command_and_has_a_row_and_cpu_per_step() -> None:
    steps = [figures(10, 10, 0.15), figures(20, 12, 4.0, failed=30)]
    steps[0].blocks = 50
    steps[0].cpu, steps[0].machine = {"peer": 0.4, "orderer": 0.3, "client": 0.05}, 0.6
    steps[1].cpu, steps[1].machine = {"peer": 0.8, "orderer": 0.5, "client": 0.1}, 0.99
    for step in steps:
        step.past_knee = past_knee(step, KneeRule())
    text = render_markdown(steps, command=".venv/bin/python benchmarks/load_steps.py --seconds 20",
                           conditions=["2 cores"], plots=[("throughput", "t.png")], notes=["lost 0"])
    lines = text.splitlines()
    assert lines[2:5] == ["```sh", ".venv/bin/python benchmarks/load_steps.py --seconds 20", "```"]
    assert "**Knee: 10 tx/s offered**" in text and "Highest committed rate: **12.0 tx/s**" in text
    assert "| 10 | 1000 | 10.0 | 75 | 150 | 150 | 20.0 | 0 | - |" in lines
    assert "| 20 | 1000 | 12.0 | 2000 | 4000 | 4000 | - | 30 | X 30 |" in lines
    assert "| 10 | 0.40 | 0.30 | 0.05 | 0.75 | 75.0 | 60% |" in lines
    assert steps[1].cpu_per_tx == pytest.approx(1.4 / 12) and figures(10, 0, None).cpu_per_tx is None
    assert "![throughput](t.png)" in lines and "- lost 0" in lines
    assert StepFigures.from_dict(steps[1].as_dict()) == steps[1]
