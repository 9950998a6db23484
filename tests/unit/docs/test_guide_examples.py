"""The guides' code examples: every ``python`` block compiles, every ``pycon`` block runs as a doctest.

The ``python`` blocks talk to a live network, so here they are only compiled; the ``pycon`` blocks need none.
"""

from __future__ import annotations

import doctest
import re
import textwrap
from pathlib import Path

import pytest

from _docs_site import DOCS

BLOCK = re.compile(r"^\.\. code-block:: (python|pycon)\n\n((?:(?:[ ]{3}.*)?\n)+)", re.MULTILINE)
GUIDES = sorted((DOCS / "guides").glob("*.rst"))


def blocks(language: str) -> list[tuple[str, str]]:
    """(``file:line``, code) for every code block of ``language`` in the guides."""
    found = []
    for guide in GUIDES:
        text = guide.read_text(encoding="utf-8")
        for match in BLOCK.finditer(text):
            if match.group(1) == language:
                line = text.count("\n", 0, match.start()) + 1
                found.append((f"{guide.name}:{line}", textwrap.dedent(match.group(2))))
    return found


def test_the_guides_have_examples_of_both_kinds() -> None:
    assert GUIDES
    assert len(blocks("python")) >= 5 and len(blocks("pycon")) >= 3


@pytest.mark.parametrize(("where", "code"), blocks("python"), ids=[where for where, _ in blocks("python")])
def test_python_example_compiles(where: str, code: str) -> None:
    compile(code, where, "exec")


@pytest.mark.parametrize(("where", "code"), blocks("pycon"), ids=[where for where, _ in blocks("pycon")])
def test_pycon_example_runs(where: str, code: str) -> None:
    test = doctest.DocTestParser().get_doctest(code, {}, where, where, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.tries > 0 and runner.failures == 0, f"{where}: a doctest failed (output above)"
