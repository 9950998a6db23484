"""Running govulncheck over a source module or a built binary, and reading its JSON stream.

``govulncheck -format json`` writes a stream of JSON objects: ``config``, ``progress``, ``SBOM``, ``osv`` (one
advisory) and ``finding`` (one trace from our code, or from the binary's symbols, to a vulnerable symbol). A finding
whose first trace frame names a function is *called*; one naming only a package or module is merely imported or
required. CI fails on called findings (what govulncheck itself reports as affecting the code).
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ipledger.operator.errors import CommandFailedError
from ipledger.operator.supply.errors import SupplyError


@dataclass(frozen=True)
class Finding:
    """One vulnerability (OSV id) reached in one module of one scanned target."""

    osv: str
    module: str
    version: str
    fixed: str | None  # the first fixed version, None when no release fixes it
    called: bool
    symbol: str  # package.Function, or the package/module when not called


@dataclass(frozen=True)
class ScanTarget:
    """A named thing to scan: a Go module directory (source mode) or a binary (binary mode)."""

    name: str
    path: Path
    mode: str  # "source" or "binary"


def json_stream(text: str) -> Iterator[dict[str, Any]]:
    """The objects of a concatenated JSON stream (govulncheck pretty-prints them one after the other)."""
    decoder = json.JSONDecoder()
    index = 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            return
        try:
            value, index = decoder.raw_decode(text, index)
        except json.JSONDecodeError as exc:
            raise SupplyError(f"govulncheck output is not a JSON stream at offset {index}: {exc.msg}") from None
        if not isinstance(value, dict):
            raise SupplyError(f"govulncheck output has a {type(value).__name__} where an object belongs")
        yield value


def parse_findings(text: str) -> tuple[list[Finding], dict[str, str]]:
    """Findings (one per OSV id and module, called wins over imported) and each advisory's summary."""
    summaries: dict[str, str] = {}
    found: dict[tuple[str, str], Finding] = {}
    for message in json_stream(text):
        if "osv" in message:
            osv = message["osv"]
            summaries[str(osv.get("id"))] = str(osv.get("summary") or osv.get("details", "")[:100])
        if "finding" not in message:
            continue
        finding = message["finding"]
        trace = finding.get("trace") or [{}]
        frame = trace[0]
        function = frame.get("function")
        receiver = frame.get("receiver")
        called = bool(function)
        if called:
            symbol = f"{frame.get('package')}.{receiver + '.' if receiver else ''}{function}"
        else:
            symbol = str(frame.get("package") or frame.get("module"))
        item = Finding(osv=str(finding["osv"]), module=str(frame.get("module", "?")),
                       version=str(frame.get("version", "")), fixed=finding.get("fixed_version") or None,
                       called=called, symbol=symbol)
        key = (item.osv, item.module)
        if key not in found or (item.called and not found[key].called):
            found[key] = item
    return sorted(found.values(), key=lambda f: (f.module, f.osv)), summaries


def scan(govulncheck: Path, db: Path, target: ScanTarget, env: dict[str, str]) -> str:
    """govulncheck's JSON stream for one target (JSON mode exits 0 whatever it finds)."""
    base = [str(govulncheck), "-db", db.as_uri(), "-format", "json"]
    if target.mode == "source":
        argv, cwd = [*base, "./..."], target.path
    elif target.mode == "binary":
        argv, cwd = [*base, "-mode", "binary", str(target.path)], None
    else:
        raise SupplyError(f"unknown scan mode {target.mode!r} for {target.name}")
    # stdout only: the go command may report downloads on stderr, which is not part of the JSON stream.
    proc = subprocess.run(argv, cwd=cwd, env={**os.environ, **env}, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, check=False)
    if proc.returncode != 0:
        raise CommandFailedError(argv, proc.returncode, proc.stderr.decode(errors="replace"))
    return proc.stdout.decode(errors="replace")
