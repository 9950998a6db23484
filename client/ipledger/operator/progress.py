"""Progress lines for long operator steps: what is running, and how long each step took."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator, TextIO


@dataclass
class Progress:
    """Prints one line when a step starts and one when it ends, with its duration; keeps the timings."""

    stream: TextIO = field(default_factory=lambda: sys.stderr)
    quiet: bool = False
    timings: dict[str, float] = field(default_factory=dict)

    def note(self, message: str) -> None:
        if not self.quiet:
            print(f"  {message}", file=self.stream, flush=True)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        if not self.quiet:
            print(f"▶ {name} ...", file=self.stream, flush=True)
        start = time.monotonic()
        try:
            yield
        except BaseException:
            elapsed = time.monotonic() - start
            if not self.quiet:
                print(f"✗ {name} failed after {elapsed:.1f}s", file=self.stream, flush=True)
            raise
        elapsed = time.monotonic() - start
        self.timings[name] = elapsed
        if not self.quiet:
            print(f"✓ {name} ({elapsed:.1f}s)", file=self.stream, flush=True)
