"""The transfer progress bar: drawn on a terminal only, follows restarts, never touches pipes."""

from __future__ import annotations

import io

from ipledger.cli.progress import transfer_progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_that_reaches_the_total() -> None:
    screen = Terminal()
    with transfer_progress("fetching JP:PATENT:1", stream=screen) as progress:
        for done in (1 << 20, 2 << 20, 1 << 20, 4 << 20):  # the third call: a transfer that started over
            progress(done, 4 << 20)
    drawn = screen.getvalue()
    assert "fetching JP:PATENT:1" in drawn and "100%" in drawn


def test_a_pipe_gets_nothing() -> None:
    pipe = io.StringIO()
    with transfer_progress("fetching", stream=pipe) as progress:
        progress(10, 10)
    assert pipe.getvalue() == ""
