"""The blocking twins are generated from their asyncio sources (scripts/unasync.py) and committed up to date."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("unasync", REPO / "scripts" / "unasync.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["unasync"] = module
    spec.loader.exec_module(module)
    return module


unasync = _load()


def test_every_generated_module_is_current() -> None:
    # Regenerates in memory and compares; run ./scripts/generate after editing an asyncio source.
    assert unasync.stale() == []


def test_every_generated_module_says_so() -> None:
    for twin in unasync.TWINS:
        first = (REPO / twin.target).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith(f"# generated from {twin.source} by scripts/unasync.py - do not edit")


def test_a_stale_module_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("async def f() -> None:\n    await g()\n")
    (tmp_path / "s.py").write_text("def f() -> None:\n    g()  # edited by hand\n")
    twin = unasync.Twin("a.py", "s.py")
    assert unasync.stale((twin,), tmp_path) == ["s.py"]
    (tmp_path / "s.py").write_text(unasync.generate(twin, tmp_path))
    assert unasync.stale((twin,), tmp_path) == []


def rewrite(source: str, **names: str) -> str:
    result: str = unasync.rewrite(textwrap.dedent(source), names)
    return result


def test_keywords_and_protocol_names() -> None:
    source = """
        class AsyncThing:
            async def __aenter__(self) -> AsyncThing:
                return self

            async def __aexit__(self, *exc: object) -> None:
                await self.aclose()

            def __aiter__(self) -> AsyncIterator[int]:
                return self

            async def __anext__(self) -> int:
                async with self._lock:
                    async for item in self._items:
                        return await item
                raise StopAsyncIteration
        """
    assert rewrite(source) == textwrap.dedent("""
        class Thing:
            def __enter__(self) -> Thing:
                return self

            def __exit__(self, *exc: object) -> None:
                self.close()

            def __iter__(self) -> Iterator[int]:
                return self

            def __next__(self) -> int:
                with self._lock:
                    for item in self._items:
                        return item
                raise StopIteration
        """)


def test_dotted_calls_and_extra_names() -> None:
    assert rewrite("await asyncio.sleep(delay)\n") == "time.sleep(delay)\n"
    assert rewrite("x = await in_worker(f)\n", in_worker="in_caller") == "x = in_caller(f)\n"
    # Only names: attributes or strings that merely contain them stay.
    assert rewrite("self.aio_count = 'Asynchronous'\n") == "self.aio_count = 'Asynchronous'\n"


def test_names_in_strings_and_comments_follow() -> None:
    source = '''
        def f() -> "AsyncGateway":
            """Use ``async with AsyncGateway`` and :meth:`aclose`."""  # like AsyncNetwork
        '''
    assert rewrite(source) == textwrap.dedent('''
        def f() -> "Gateway":
            """Use ``with Gateway`` and :meth:`close`."""  # like Network
        ''')


def test_continuation_lines_keep_their_alignment() -> None:
    source = """
        async def list_things(self, *, status: str,
                              page_size: int) -> list[AsyncThing]:
            return await self._run(tx.list_things(status,
                                                  page_size))

        async def hanging(
            self,
        ) -> None:
            pass
        """
    assert rewrite(source) == textwrap.dedent("""
        def list_things(self, *, status: str,
                        page_size: int) -> list[Thing]:
            return self._run(tx.list_things(status,
                                            page_size))

        def hanging(
            self,
        ) -> None:
            pass
        """)


def test_directives_keep_the_code_that_differs() -> None:
    source = textwrap.dedent("""
        def f() -> None:
            # unasync: async-only
            \"\"\"The asyncio one.\"\"\"
            # unasync: end
            # unasync: sync-only
            # \"\"\"The blocking one.
            #
            # Two paragraphs.\"\"\"
            # unasync: end
            pass
        """)
    assert unasync.apply_directives(source, "x.py") == textwrap.dedent("""
        def f() -> None:
            \"\"\"The blocking one.

            Two paragraphs.\"\"\"
            pass
        """)


@pytest.mark.parametrize("source, message", [
    ("# unasync: end\n", "out of place"),
    ("# unasync: async-only\n# unasync: sync-only\n", "out of place"),
    ("# unasync: async-only\nx = 1\n", "without '# unasync: end'"),
    ("# unasync: sync-only\nx = 1\n# unasync: end\n", "must be commented out"),
])
def test_bad_directives_are_refused(source: str, message: str) -> None:
    with pytest.raises(unasync.UnasyncError, match=message):
        unasync.apply_directives(source, "x.py")


def test_a_replace_entry_that_no_longer_matches_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    with pytest.raises(unasync.UnasyncError, match="replace entry not found"):
        unasync.generate(unasync.Twin("a.py", "s.py", replace=(("y = 2", "y = 3"),)), tmp_path)
