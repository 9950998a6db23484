"""The reviewed allow-list of known vulnerabilities that CI accepts, each with the reason it is accepted.

Format (YAML)::

    allow:
      - id: GO-2026-6809            # the Go vulnerability database id
        modules: [stdlib]           # optional: only in these modules (default: any)
        targets: [peer, orderer]    # optional: only in these scanned targets (default: any)
        reason: why it is accepted, and what would remove it

Every finding that no entry covers fails CI; an entry that covers nothing any more is reported as stale, so the
list shrinks when an upgrade fixes something.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ipledger.operator.supply.errors import AllowListError
from ipledger.operator.supply.govuln import Finding

OSV_ID = re.compile(r"^GO-\d{4}-\d{4,}$")
FIELDS = frozenset({"id", "modules", "targets", "reason"})
MIN_REASON = 20  # characters: a reason, not a shrug


@dataclass(frozen=True)
class Allowance:
    id: str
    reason: str
    modules: frozenset[str] = frozenset()
    targets: frozenset[str] = frozenset()

    def covers(self, finding: Finding, target: str) -> bool:
        return (finding.osv == self.id and (not self.modules or finding.module in self.modules)
                and (not self.targets or target in self.targets))


@dataclass(frozen=True)
class AllowList:
    entries: tuple[Allowance, ...]

    def allowance(self, finding: Finding, target: str) -> Allowance | None:
        return next((a for a in self.entries if a.covers(finding, target)), None)


@dataclass
class Verdict:
    """Called findings per target, split into those the allow-list covers and those it does not."""

    unlisted: list[tuple[str, Finding]] = field(default_factory=list)
    allowed: list[tuple[str, Finding, Allowance]] = field(default_factory=list)
    stale: list[Allowance] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unlisted


def _names(entry: dict[str, Any], key: str, where: str) -> frozenset[str]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise AllowListError(f"{where}: `{key}` must be a list of names")
    return frozenset(value)


def parse(data: Any, source: str = "allow-list") -> AllowList:
    if not isinstance(data, dict) or set(data) != {"allow"} or not isinstance(data["allow"], list):
        raise AllowListError(f"{source}: expected a mapping with one key `allow` holding a list")
    entries: list[Allowance] = []
    seen: set[tuple[str, frozenset[str], frozenset[str]]] = set()
    for index, entry in enumerate(data["allow"], start=1):
        where = f"{source} entry {index}"
        if not isinstance(entry, dict):
            raise AllowListError(f"{where}: expected a mapping")
        unknown = set(entry) - FIELDS
        if unknown:
            raise AllowListError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        osv = entry.get("id")
        if not isinstance(osv, str) or not OSV_ID.match(osv):
            raise AllowListError(f"{where}: `id` must be a Go vulnerability id like GO-2026-1234, not {osv!r}")
        reason = entry.get("reason")
        if not isinstance(reason, str) or len(reason.strip()) < MIN_REASON:
            raise AllowListError(f"{where} ({osv}): `reason` must say why it is accepted "
                                 f"(at least {MIN_REASON} characters)")
        allowance = Allowance(id=osv, reason=" ".join(reason.split()), modules=_names(entry, "modules", where),
                              targets=_names(entry, "targets", where))
        key = (allowance.id, allowance.modules, allowance.targets)
        if key in seen:
            raise AllowListError(f"{where}: {osv} is listed twice with the same modules and targets")
        seen.add(key)
        entries.append(allowance)
    return AllowList(tuple(entries))


def load(path: Path) -> AllowList:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AllowListError(f"cannot read the allow-list {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise AllowListError(f"{path} is not valid YAML: {exc}") from None
    return parse(data, path.name)


def judge(findings: dict[str, list[Finding]], allow: AllowList) -> Verdict:
    """Split the called findings of every target by the allow-list; entries that matched nothing are stale."""
    verdict = Verdict()
    used: set[Allowance] = set()
    for target, items in findings.items():
        for finding in items:
            if not finding.called:
                continue
            allowance = allow.allowance(finding, target)
            if allowance is None:
                verdict.unlisted.append((target, finding))
            else:
                used.add(allowance)
                verdict.allowed.append((target, finding, allowance))
    verdict.stale = [a for a in allow.entries if a not in used]
    return verdict
