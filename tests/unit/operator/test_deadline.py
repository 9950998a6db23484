"""ipledger.operator.deadline: retries within one deadline, on a fake clock."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ipledger.operator.deadline import Deadline


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


def failing(times: int, error: Exception, value: str = "done") -> Callable[[], str]:
    calls = {"n": 0}

    def step() -> str:
        calls["n"] += 1
        if calls["n"] <= times:
            raise error
        return value

    return step


def deadline(clock: Clock, seconds: float) -> Deadline:
    return Deadline(seconds, pause=1.0, sleep=clock.sleep, clock=lambda: clock.now)


@pytest.mark.parametrize(("failures", "seconds", "pauses"), [(0, 5, 0), (3, 5, 3), (5, 5, 5)])
def test_run_retries_the_listed_errors_until_success(failures: int, seconds: float, pauses: int) -> None:
    clock = Clock()
    assert deadline(clock, seconds).run(failing(failures, LookupError("not yet")), (LookupError,)) == "done"
    assert clock.pauses == [1.0] * pauses


def test_run_raises_the_last_error_once_the_deadline_passed() -> None:
    clock = Clock()
    with pytest.raises(LookupError, match="not yet"):
        deadline(clock, 3).run(failing(100, LookupError("not yet")), (LookupError,))
    assert clock.now == 4.0  # tried at 0, 1, 2, 3 (not past the end) and 4 (past it)


def test_run_lets_other_errors_through_at_once() -> None:
    clock = Clock()
    with pytest.raises(ValueError):
        deadline(clock, 60).run(failing(1, ValueError("an answer, not a delay")), (LookupError,))
    assert clock.pauses == []


def test_until_waits_for_the_condition_and_shares_the_deadline() -> None:
    clock = Clock()
    values = iter(range(100))
    limit = deadline(clock, 10)
    assert limit.until(lambda: next(values), lambda v: v >= 3, (LookupError,)) == 3
    assert clock.now == 3.0
    # the same deadline: only 7 s left, so a condition that never holds returns its last value, read at 11 s
    assert limit.until(lambda: next(values), lambda v: False, (LookupError,)) == 12
    assert limit.passed and clock.now == 11.0
