"""ipledger.operator.deadline: retries within one deadline, on a fake clock; and join.wait_orderer, which polls
with one."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest

from ipledger.operator.deadline import Deadline
from ipledger.operator.errors import OperatorError
from ipledger.operator.join import wait_orderer


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


class FakeOrdererAdmin:
    """An office admin whose orderer reports the heights of a script, one per poll (an error: not reachable)."""

    def __init__(self, host: str, answers: list[dict[str, object] | OperatorError]) -> None:
        self.office = SimpleNamespace(orderer=SimpleNamespace(host=host))
        self.answers = answers

    def orderer_channel_info(self) -> dict[str, object]:
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, OperatorError):
            raise answer
        return answer


def follower(height: int) -> dict[str, object]:
    return {"consensusRelation": "follower", "height": height}


@pytest.mark.parametrize(("newcomer", "reference", "polls"), [
    ([follower(10)], [follower(10)], 1),  # caught up at once
    ([OperatorError("starting"), follower(3), follower(10)], [follower(10)], 3),  # its endpoint starts first
    # the reference moves on while it pulls: one poll behind the reference's tip is caught up
    ([follower(5), follower(11), follower(12)], [follower(10), follower(12), follower(13)], 2),
])
def test_wait_orderer_returns_once_caught_up(newcomer: list[dict[str, object] | OperatorError],
                                             reference: list[dict[str, object] | OperatorError], polls: int) -> None:
    clock = Clock()
    wait_orderer(FakeOrdererAdmin("orderer0.cn", newcomer), "follower",  # type: ignore[arg-type]
                 FakeOrdererAdmin("orderer0.jp", reference), deadline=deadline(clock, 30))  # type: ignore[arg-type]
    assert len(clock.pauses) == polls - 1


@pytest.mark.parametrize(("newcomer", "message"), [
    ([{"consensusRelation": "consenter", "height": 10}], "not a caught-up follower after 30s"),
    ([follower(9)], "orderer0.jp at height 10"),
    ([OperatorError("connection refused")], "connection refused"),
])
def test_wait_orderer_names_what_it_waited_for(newcomer: list[dict[str, object] | OperatorError], message: str) -> None:
    clock = Clock()
    with pytest.raises(OperatorError, match=message):
        wait_orderer(FakeOrdererAdmin("orderer0.cn", newcomer), "follower",  # type: ignore[arg-type]
                     FakeOrdererAdmin("orderer0.jp", [follower(10)]), deadline=deadline(clock, 30))  # type: ignore[arg-type]
    assert clock.now > 30
