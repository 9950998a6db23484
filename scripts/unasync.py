"""Write the blocking twin of each asyncio module: one source, the sync code generated from it.

Modelled on httpcore's ``unasync``: a token-level rewrite (``tokenize``), so strings, comments and layout stay
as written.  ``async def``/``async with``/``async for`` lose ``async``, ``await x`` becomes ``x``, the asyncio
protocol names become the blocking ones (``__aenter__`` -> ``__enter__``, ``aclose`` -> ``close``,
``StopAsyncIteration`` -> ``StopIteration``, ...), every ``AsyncName`` becomes ``Name`` and a few dotted calls
change (``asyncio.sleep`` -> ``time.sleep``).  Names in strings and comments follow, so docstrings and forward
references stay true.  Where the blocking code really differs, the source says so, in one of two ways:

- ``# unasync: async-only`` ... ``# unasync: end``: lines only the asyncio module has;
- ``# unasync: sync-only`` ... ``# unasync: end``: commented-out lines the blocking module has instead;

and a twin's ``replace`` table swaps exact text of the source (each entry must match) before the rewrite.

    python3 scripts/unasync.py            # (re)write every generated module
    python3 scripts/unasync.py --check    # exit 1, naming the stale ones, when any differs from its source
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TOOL = "scripts/unasync.py"

#: Names every twin renames.
NAMES: dict[str, str] = {
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
    "__aiter__": "__iter__",
    "__anext__": "__next__",
    "aclose": "close",
    "StopAsyncIteration": "StopIteration",
    "AsyncIterator": "Iterator",
    "AsyncIterable": "Iterable",
    "AsyncGenerator": "Generator",
    "asynccontextmanager": "contextmanager",
    "AbstractAsyncContextManager": "AbstractContextManager",
    "anext": "next",
    "aiter": "iter",
    "create_async_channel": "create_channel",
    "wait_for_async_channel_ready": "wait_for_channel_ready",
    "AsyncGatewayClient": "SyncGatewayClient",
    "AsyncStream": "SyncStream",
    "AsyncContext": "SyncContext",
}

#: ``module.attribute`` calls with a blocking counterpart.
DOTTED: dict[str, str] = {
    "asyncio.sleep": "time.sleep",
}

_ASYNC_PREFIX = re.compile(r"^(_*)Async([A-Z]\w*)$")
_WORD = re.compile(r"\b_*[A-Za-z]\w*\b")
_DIRECTIVE = re.compile(r"^\s*# unasync: (async-only|sync-only|end)\s*$")
_KEYWORD_BEFORE = {"def", "with", "for"}
_OPEN, _CLOSE = "([{", ")]}"


class UnasyncError(Exception):
    """A source the generator cannot rewrite as asked (bad directive, stale replace entry)."""


@dataclass(frozen=True)
class Twin:
    """One asyncio source and the blocking module generated from it."""

    source: str
    target: str
    #: Extra NAME renames for this twin.
    names: dict[str, str] = field(default_factory=dict)
    #: Exact source text -> text of the blocking twin, swapped before the rewrite; each must occur.
    replace: tuple[tuple[str, str], ...] = ()


#: Every generated module of the repository.
TWINS: tuple[Twin, ...] = (
    Twin(
        "client/ipledger/domain/aio_priority_ledger.py", "client/ipledger/domain/priority_ledger.py",
        names={"asyncio": "time", "in_worker_thread": "in_caller_thread", "aio_protocols": "protocols",
               "aio_streams": "streams"},
    ),
    Twin("client/ipledger/domain/aio_protocols.py", "client/ipledger/domain/protocols.py"),
    Twin("client/ipledger/domain/aio_streams.py", "client/ipledger/domain/streams.py",
         names={"aio_protocols": "protocols"}),
    *(Twin(f"client/ipledger/gateway/_async/{module}.py", f"client/ipledger/gateway/_sync/{module}.py")
      for module in ("__init__", "block_events", "chaincode_events", "commit", "contract", "event_stream", "gateway", "grpc_client", "ledger_reader",
                     "network", "proposal", "transaction")),
    # The tests, written once for the asyncio twins.
    Twin("tests/unit/domain/test_priority_ledger_aio.py", "tests/unit/domain/test_priority_ledger.py",
         names={"awaitable": "blocking"}),
    Twin("tests/unit/gateway/test_gateway_client_async.py", "tests/unit/gateway/test_gateway_client_sync.py",
         names={"aio_channel": "sync_channel"}),
    Twin("tests/integration/gateway/test_live_gateway_ledger_aio.py",
         "tests/integration/gateway/test_live_gateway_ledger.py",
         names={"jp_aio_network": "jp_network", "adeposit": "deposit"}),
    Twin("tests/integration/gateway/test_live_gateway_offline_signing_aio.py",
         "tests/integration/gateway/test_live_gateway_offline_signing.py",
         names={"unsigned_aio_gateway": "unsigned_gateway", "aread_until": "read_until",
                "achain_height": "chain_height"}),
    *(Twin(f"tests/integration/domain/test_live_domain_{name}_aio.py",
           f"tests/integration/domain/test_live_domain_{name}.py",
           names={"async_ledger": "open_ledger", "adeposit": "deposit", "aretry_conflicts": "retry_conflicts",
                  "aread_events": "read_events"})
      for name in ("events", "pagination")),
)


def sync_name(name: str, names: dict[str, str]) -> str:
    if name in names:
        return names[name]
    match = _ASYNC_PREFIX.match(name)
    return match.group(1) + match.group(2) if match else name


def _prose(text: str, names: dict[str, str]) -> str:
    """Names inside strings and comments, plus ``async for``/``async with``."""
    text = re.sub(r"\basync (for|with|def)\b", r"\1", text)
    return _WORD.sub(lambda m: sync_name(m.group(0), names), text)


def apply_directives(source: str, where: str) -> str:
    """Drop ``async-only`` regions, uncomment ``sync-only`` ones."""
    out: list[str] = []
    region: str | None = None
    for number, line in enumerate(source.splitlines(keepends=True), 1):
        match = _DIRECTIVE.match(line)
        if match:
            kind = match.group(1)
            if (kind == "end") == (region is None):
                raise UnasyncError(f"{where}:{number}: '# unasync: {kind}' out of place")
            region = None if kind == "end" else kind
            continue
        if region == "async-only":
            continue
        if region == "sync-only":
            stripped = line.lstrip(" ")
            if stripped.strip() and not stripped.startswith("#"):
                raise UnasyncError(f"{where}:{number}: a sync-only line must be commented out")
            indent = line[: len(line) - len(stripped)]
            body = stripped[1:]
            line = "\n" if not body.strip() else indent + (body[1:] if body.startswith(" ") else body)
        out.append(line)
    if region is not None:
        raise UnasyncError(f"{where}: '# unasync: {region}' without '# unasync: end'")
    return "".join(out)


def rewrite(source: str, names: dict[str, str] | None = None) -> str:
    """The token-level rewrite of one module's text (no directives, no header)."""
    table = {**NAMES, **(names or {})}
    lines = source.splitlines(keepends=True)
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)]
    # edits[row] = [(start column, end column, text)], in source coordinates
    edits: dict[int, list[tuple[int, int, str]]] = {}

    def edit(row: int, start: int, end: int, text: str) -> None:
        edits.setdefault(row, []).append((start, end, text))

    def drop_with_space(index: int) -> None:
        token, following = tokens[index], tokens[index + 1]
        same_row = following.start[0] == token.end[0]
        edit(token.start[0], token.start[1], following.start[1] if same_row else token.end[1], "")

    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind, text = token.type, token.string
        if kind == tokenize.NAME and text == "async" and tokens[index + 1].string in _KEYWORD_BEFORE:
            drop_with_space(index)
        elif kind == tokenize.NAME and text == "await":
            drop_with_space(index)
        elif (kind == tokenize.NAME and index + 2 < len(tokens) and tokens[index + 1].string == "."
              and f"{text}.{tokens[index + 2].string}" in DOTTED
              and tokens[index + 2].start[0] == token.start[0]):
            last = tokens[index + 2]
            edit(token.start[0], token.start[1], last.end[1], DOTTED[f"{text}.{last.string}"])
            index += 2
        elif kind == tokenize.NAME:
            renamed = sync_name(text, table)
            if renamed != text:
                edit(token.start[0], token.start[1], token.end[1], renamed)
        elif kind in (tokenize.STRING, tokenize.COMMENT):
            renamed = _prose(text, table)
            if renamed != text:
                if token.start[0] == token.end[0]:
                    edit(token.start[0], token.start[1], token.end[1], renamed)
                else:  # a multi-line string: edit it line by line (its lines keep their count)
                    for offset, (old, new) in enumerate(zip(text.split("\n"), renamed.split("\n"))):
                        if old != new:
                            row = token.start[0] + offset
                            start = token.start[1] if offset == 0 else 0
                            edit(row, start, start + len(old), new)
        index += 1

    def shift_before(row: int, column: int) -> int:
        """How much the rewrite moved source column ``column`` of ``row`` (edits left of it)."""
        return sum(len(text) - (end - start) for start, end, text in edits.get(row, ()) if end <= column)

    # Continuation lines aligned under an open bracket follow the bracket when the line above shrinks.
    indent_shift: dict[int, int] = {}
    stack: list[tuple[int, int]] = []
    first_row_seen: set[int] = set()
    for token in tokens:
        row = token.start[0]
        if row not in first_row_seen and token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.DEDENT,
                                                             tokenize.INDENT, tokenize.ENDMARKER):
            first_row_seen.add(row)
            for open_row, open_column in reversed(stack):
                if open_row < row and open_column + 1 == token.start[1]:
                    moved = indent_shift.get(open_row, 0) + shift_before(open_row, open_column)
                    if moved:
                        indent_shift[row] = moved
                    break
        if token.type == tokenize.OP and token.string in _OPEN:
            stack.append((row, token.start[1]))
        elif token.type == tokenize.OP and token.string in _CLOSE and stack:
            stack.pop()

    out: list[str] = []
    for row, line in enumerate(lines, 1):
        for start, end, text in sorted(edits.get(row, ()), reverse=True):
            line = line[:start] + text + line[end:]
        moved = indent_shift.get(row, 0)
        if moved < 0:
            width = len(line) - len(line.lstrip(" "))
            line = line[min(-moved, width):]
        elif moved > 0:
            line = " " * moved + line
        out.append(line)
    return "".join(out)


def header(twin: Twin) -> str:
    return f"# generated from {twin.source} by {TOOL} - do not edit; run ./scripts/generate\n"


def generate(twin: Twin, root: Path = REPO) -> str:
    """The text the blocking module of ``twin`` must have."""
    source = (root / twin.source).read_text(encoding="utf-8")
    for old, new in twin.replace:
        if old not in source:
            raise UnasyncError(f"{twin.source}: replace entry not found: {old[:60]!r}")
        source = source.replace(old, new)
    return header(twin) + rewrite(apply_directives(source, twin.source), twin.names)


def stale(twins: tuple[Twin, ...] = (), root: Path = REPO) -> list[str]:
    """Targets whose committed text differs from what their source generates."""
    found = []
    for twin in twins or TWINS:
        target = root / twin.target
        if not target.exists() or target.read_text(encoding="utf-8") != generate(twin, root):
            found.append(twin.target)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only report generated modules that are stale")
    args = parser.parse_args(argv)
    if args.check:
        outdated = stale()
        for path in outdated:
            print(f"stale: {path} (run ./scripts/generate)")
        return 1 if outdated else 0
    for twin in TWINS:
        target = REPO / twin.target
        text = generate(twin)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            print(f"wrote {twin.target}")
    return 0

if __name__ == "__main__":
    sys.exit(main())
