"""The guides' code examples: each ``python`` or shell example is a file in docs/examples that a guide includes
(and tests/integration/docs runs against the live network); every ``pycon`` block runs here as a doctest.
"""

from __future__ import annotations

import doctest
import importlib.util
import re
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

from _docs_site import DOCS

BLOCK = re.compile(r"^\.\. code-block:: (\w+)\n\n((?:(?:[ ]{3}.*)?\n)+)", re.MULTILINE)
INCLUDE = re.compile(r"^\.\. literalinclude:: (\S+)$", re.MULTILINE)
GUIDES = sorted((DOCS / "guides").glob("*.rst"))


def load_runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_examples_runner", DOCS / "examples" / "_runner.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("docs_examples_runner", module)
    spec.loader.exec_module(module)
    return module


def blocks(language: str) -> list[tuple[str, str]]:
    """(``file:line``, code) for every inline code block of ``language`` in the guides."""
    found = []
    for guide in GUIDES:
        text = guide.read_text(encoding="utf-8")
        for match in BLOCK.finditer(text):
            if match.group(1) == language:
                line = text.count("\n", 0, match.start()) + 1
                found.append((f"{guide.name}:{line}", textwrap.dedent(match.group(2))))
    return found


def included() -> dict[Path, list[str]]:
    """Every file a guide includes, with the guides that include it."""
    found: dict[Path, list[str]] = {}
    for guide in GUIDES:
        for match in INCLUDE.finditer(guide.read_text(encoding="utf-8")):
            found.setdefault((guide.parent / match.group(1)).resolve(), []).append(guide.name)
    return found


def test_every_example_is_in_a_guide_and_every_included_file_is_an_example() -> None:
    examples = {example.path.resolve() for example in load_runner().examples()}
    assert len(examples) >= 10
    assert set(included()) == examples


def test_no_guide_has_an_inline_example_that_nothing_runs() -> None:
    # python and shell examples belong in docs/examples (run live); only pycon (doctests) may be inline.
    kinds = {match.group(1) for guide in GUIDES for match in BLOCK.finditer(guide.read_text(encoding="utf-8"))}
    assert kinds <= {"pycon", "text", "yaml"}, kinds


@pytest.mark.parametrize("example", load_runner().examples(), ids=lambda example: example.name)
def test_example_is_well_formed(example: object) -> None:
    path: Path = example.path  # type: ignore[attr-defined]
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        compile(text, str(path), "exec")
    else:
        assert "ipledger " in text


@pytest.mark.parametrize(("where", "code"), blocks("pycon"), ids=[where for where, _ in blocks("pycon")])
def test_pycon_example_runs(where: str, code: str) -> None:
    test = doctest.DocTestParser().get_doctest(code, {}, where, where, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.tries > 0 and runner.failures == 0, f"{where}: a doctest failed (output above)"


def test_there_are_pycon_examples() -> None:
    assert len(blocks("pycon")) >= 3
