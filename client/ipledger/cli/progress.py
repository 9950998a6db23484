"""A spinner on stderr for steps that take more than a second.

Only shown when stderr is a terminal, so pipes, logs and ``--json`` output
stay clean, and only after a delay, so quick queries never flicker.
"""

from __future__ import annotations

import itertools
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, TextIO, cast

import click

__all__ = ["spinner", "transfer_progress"]

_FRAMES = "|/-\\"


@contextmanager
def spinner(message: str, *, stream: IO[str] | None = None, delay: float = 1.0,
            interval: float = 0.1) -> Iterator[None]:
    """Show ``| message...`` on ``stream`` (stderr) while the block runs longer than ``delay`` seconds."""
    out = stream if stream is not None else sys.stderr
    if not _is_terminal(out):
        yield
        return
    stop = threading.Event()
    text = f"{message}..."

    def spin() -> None:
        if stop.wait(delay):
            return
        for frame in itertools.cycle(_FRAMES):
            out.write(f"\r{frame} {text}")
            out.flush()
            if stop.wait(interval):
                break
        out.write("\r" + " " * (len(text) + 2) + "\r")
        out.flush()

    thread = threading.Thread(target=spin, name="ipledger-spinner", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or not a real file
        return False


@contextmanager
def transfer_progress(label: str, *, stream: IO[str] | None = None) -> Iterator[Callable[[int, int | None], None]]:
    """A byte progress bar on stderr (terminal only) for a document transfer; yields the callback to feed it."""
    out = stream if stream is not None else sys.stderr
    if not _is_terminal(out):
        yield lambda done, total: None
        return
    bar: click._termui_impl.ProgressBar[int] | None = None
    shown = 0

    def update(done: int, total: int | None) -> None:
        nonlocal bar, shown
        if bar is None:
            bar = click.progressbar(length=total or 0, label=label, file=cast(TextIO, out), show_pos=False, show_percent=True)
            bar.__enter__()
        if done < shown:  # a transfer that started over
            shown = 0
            bar.pos = 0
        bar.update(done - shown)
        shown = done

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
