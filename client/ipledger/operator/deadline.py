"""One way to retry an operator step until another office's node has caught up, within a deadline.

Steps that span offices (founding the registry, governing a membership change) often fail only because a peer has
not yet received the block the step depends on; they are idempotent, so trying again is safe. What counts as
"not yet" is the caller's: the exception types it passes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

__all__ = ["Deadline"]

T = TypeVar("T")


@dataclass
class Deadline:
    """``seconds`` from its creation; every retry of the steps it runs counts against the same end."""

    seconds: float
    pause: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    end: float = field(init=False)

    def __post_init__(self) -> None:
        self.end = self.clock() + self.seconds

    @property
    def passed(self) -> bool:
        return self.clock() > self.end

    def run(self, step: Callable[[], T], retry_on: tuple[type[Exception], ...]) -> T:
        """``step()``; again after a pause while it raises one of ``retry_on``, until the deadline (then its
        last error propagates). Any other exception propagates at once."""
        while True:
            try:
                return step()
            except retry_on:
                if self.passed:
                    raise
                self.sleep(self.pause)

    def until(self, step: Callable[[], T], done: Callable[[T], bool], retry_on: tuple[type[Exception], ...]) -> T:
        """``step`` again until ``done`` holds of its value (or the deadline passed: then its last value)."""
        while True:
            value = self.run(step, retry_on)
            if done(value) or self.passed:
                return value
            self.sleep(self.pause)
