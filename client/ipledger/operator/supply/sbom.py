"""CycloneDX 1.5 SBOMs: for an image (Go modules read from its binaries' build info) and for the Python package.

The Go side reads ``go version -m <binary>``, whose lines are ``path``, ``mod`` (main module), ``dep`` (one module
with version and go.sum hash), ``=>`` (the replacement of the dep above) and ``build`` (settings such as -ldflags).
Documents are deterministic (serial number from the content, no timestamp), so an unchanged image keeps its SBOM.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ipledger.operator.run import run
from ipledger.operator.supply.errors import SupplyError

SPEC_VERSION = "1.5"


@dataclass(frozen=True)
class GoModule:
    path: str
    version: str
    sum: str = ""  # the go.sum h1: hash, empty for the main module


@dataclass
class GoBuildInfo:
    """What ``go version -m`` says about one binary."""

    binary: str
    go_version: str
    package: str = ""
    main: GoModule | None = None
    deps: list[GoModule] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)

    def module(self, path: str) -> GoModule | None:
        """The main module or dependency with this module path."""
        return next((m for m in [*([self.main] if self.main else []), *self.deps] if m.path == path), None)


def parse_go_version_m(text: str) -> GoBuildInfo:
    """Parse the output of ``go version -m`` for one binary."""
    lines = text.splitlines()
    header = lines[0] if lines else ""
    name, sep, go_version = header.rpartition(": ")
    if not sep or not go_version.startswith("go"):
        raise SupplyError(f"not `go version -m` output (first line {header[:80]!r})")
    info = GoBuildInfo(binary=name, go_version=go_version.strip())
    for line in lines[1:]:
        fields = line.strip("\n").split("\t")
        if len(fields) < 2 or fields[0] != "":
            continue
        kind, rest = fields[1], fields[2:]
        if kind == "path" and rest:
            info.package = rest[0]
        elif kind == "mod" and rest:
            info.main = GoModule(rest[0], rest[1] if len(rest) > 1 else "", rest[2] if len(rest) > 2 else "")
        elif kind == "dep" and len(rest) >= 2:
            info.deps.append(GoModule(rest[0], rest[1], rest[2] if len(rest) > 2 else ""))
        elif kind == "=>" and len(rest) >= 2 and info.deps:
            # A replacement: what was built is the replacing module, so record that one.
            info.deps[-1] = GoModule(rest[0], rest[1], rest[2] if len(rest) > 2 else "")
        elif kind == "build" and rest:
            key, _, value = rest[0].partition("=")
            info.settings[key] = value.strip('"')
    return info


def go_build_info(binary: Path) -> GoBuildInfo:
    """Read a binary's build info with the Go that built it."""
    return parse_go_version_m(run(["go", "version", "-m", str(binary)]))


def is_go_binary(path: Path) -> bool:
    with path.open("rb") as stream:
        if stream.read(4) != b"\x7fELF":
            return False
    return b"\xff Go buildinf:" in path.read_bytes()


def golang_purl(path: str, version: str) -> str:
    return f"pkg:golang/{quote(path, safe='/')}@{quote(version, safe='')}"


def pypi_purl(name: str, version: str) -> str:
    return f"pkg:pypi/{re.sub(r'[-_.]+', '-', name).lower()}@{quote(version, safe='')}"


def _document(subject: dict[str, Any], components: list[dict[str, Any]]) -> dict[str, Any]:
    body = {"metadata": {"component": subject,
                         "tools": {"components": [{"type": "application", "name": "ipledger.operator.supply"}]}},
            "components": components}
    serial = uuid.uuid5(uuid.NAMESPACE_URL, "ipledger-sbom:" + json.dumps(body, sort_keys=True))
    return {"bomFormat": "CycloneDX", "specVersion": SPEC_VERSION, "serialNumber": f"urn:uuid:{serial}",
            "version": 1, **body}


def _go_components(infos: list[GoBuildInfo]) -> list[dict[str, Any]]:
    components: dict[str, dict[str, Any]] = {}
    for info in infos:
        toolchain = info.go_version.removeprefix("go")
        ref = golang_purl("stdlib", "v" + toolchain)
        components.setdefault(ref, {"type": "library", "bom-ref": ref, "name": "stdlib", "version": toolchain,
                                    "purl": ref, "description": "Go standard library (the toolchain's)"})
        for module in ([info.main] if info.main else []) + info.deps:
            if not module.version or module.version == "(devel)":
                continue  # the build's own module has no version to look up
            ref = golang_purl(module.path, module.version)
            entry: dict[str, Any] = {"type": "library", "bom-ref": ref, "name": module.path,
                                     "version": module.version, "purl": ref}
            if module.sum:
                entry["properties"] = [{"name": "go:sum", "value": module.sum}]
            components.setdefault(ref, entry)
    return [components[k] for k in sorted(components)]


def image_sbom(tag: str, files: dict[str, Path], infos: dict[str, GoBuildInfo]) -> dict[str, Any]:
    """One image: its Go binaries' modules (by ``infos``, keyed by destination) and every other file's SHA-256."""
    components = _go_components([infos[dest] for dest in sorted(infos)])
    for dest in sorted(files):
        digest = hashlib.sha256(files[dest].read_bytes()).hexdigest()
        entry: dict[str, Any] = {"type": "file", "bom-ref": f"file:/{dest}", "name": f"/{dest}",
                                 "hashes": [{"alg": "SHA-256", "content": digest}]}
        if dest in infos:
            info = infos[dest]
            props = [{"name": "go:package", "value": info.package}, {"name": "go:version", "value": info.go_version}]
            entry["properties"] = props
        components.append(entry)
    name, _, version = tag.rpartition(":")
    return _document({"type": "container", "bom-ref": tag, "name": name or tag, "version": version}, components)


def python_sbom(name: str, version: str, locked: list[tuple[str, str, list[str]]]) -> dict[str, Any]:
    """The Python package and its locked runtime dependencies (name, version, sha256 hashes of each file)."""
    components = []
    for dep, dep_version, hashes in sorted(locked):
        ref = pypi_purl(dep, dep_version)
        components.append({"type": "library", "bom-ref": ref, "name": dep, "version": dep_version, "purl": ref,
                           "hashes": [{"alg": "SHA-256", "content": h} for h in sorted(hashes)]})
    ref = pypi_purl(name, version)
    return _document({"type": "library", "bom-ref": ref, "name": name, "version": version, "purl": ref},
                     components)


def write(document: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def sbom_dir(cache: Path) -> Path:
    return cache / "sbom"


def ensure_image_sbom(tag: str, files: dict[str, Path], inputs_hash: str, cache: Path) -> Path:
    """Write the image's SBOM once per inputs hash (the image label), beside the builds in the cache."""
    path = sbom_dir(cache) / f"{re.sub(r'[^A-Za-z0-9.-]+', '_', tag)}-{inputs_hash}.cdx.json"
    if path.exists():
        return path
    by_source: dict[Path, GoBuildInfo] = {}
    infos: dict[str, GoBuildInfo] = {}
    for dest, source in files.items():
        if source not in by_source and is_go_binary(source):
            by_source[source] = go_build_info(source)
        if source in by_source:
            infos[dest] = by_source[source]
    return write(image_sbom(tag, files, infos), path)
