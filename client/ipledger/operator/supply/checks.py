"""The supply-chain checks as CI runs them; each prints what it checked and returns an exit status."""

from __future__ import annotations

import os
from pathlib import Path

from ipledger import __version__
from ipledger.operator.progress import Progress
from ipledger.operator.supply import allowlist, govuln, pyaudit, pylock, wheel
from ipledger.operator.supply.govuln import Finding, ScanTarget
from ipledger.operator.supply.tools import ensure_govulncheck, ensure_vulndb
from ipledger.operator.toolchain import (FABRIC_CA_COMMANDS, FABRIC_COMMANDS, cache_root, ensure_fabric,
                                         ensure_fabric_ca)

ALLOW_LIST = Path("network") / "supply-chain" / "vuln-allowlist.yaml"
LOCK = Path("requirements") / "runtime.lock"
#: Benchmark-only dependencies (plots), installed by scripts/setup.py beside the runtime lock; not in the wheel.
BENCH_LOCK = Path("requirements") / "bench.lock"
# Fabric's programs that run in our images or that the operator runs; cryptogen is only for Fabric's samples.
SCANNED_FABRIC = tuple(c for c in FABRIC_COMMANDS if c != "cryptogen")


def scan_targets(repo: Path, progress: Progress) -> list[ScanTarget]:
    cache = cache_root()
    fabric_bin, _ = ensure_fabric(repo, cache, progress)
    ca_bin = ensure_fabric_ca(repo, cache, progress)
    return [ScanTarget("chaincode", repo / "chaincode", "source"),
            ScanTarget("network/tools", repo / "network" / "tools", "source"),
            *(ScanTarget(c, fabric_bin / c, "binary") for c in SCANNED_FABRIC),
            *(ScanTarget(c, ca_bin / c, "binary") for c in FABRIC_CA_COMMANDS)]


def run_govulncheck(repo: Path, progress: Progress) -> int:
    cache = cache_root()
    allowed = allowlist.load(repo / ALLOW_LIST)
    binary = ensure_govulncheck(cache, progress)
    db = ensure_vulndb(cache, progress)
    env = {"GOTOOLCHAIN": os.environ.get("GOTOOLCHAIN", "local"), "GOFLAGS": "-mod=mod"}
    findings: dict[str, list[Finding]] = {}
    summaries: dict[str, str] = {}
    for scanned in scan_targets(repo, progress):
        with progress.step(f"govulncheck {scanned.name} ({scanned.mode})"):
            found, about = govuln.parse_findings(govuln.scan(binary, db, scanned, env))
        findings[scanned.name] = found
        summaries.update(about)
        called = sum(f.called for f in found)
        print(f"  {scanned.name}: {called} called, {len(found) - called} only imported/required", flush=True)
    verdict = allowlist.judge(findings, allowed)
    by_id: dict[str, list[str]] = {}
    for target, finding, _ in verdict.allowed:
        by_id.setdefault(finding.osv, []).append(target)
    for osv, targets in sorted(by_id.items()):
        print(f"  allowed {osv} in {', '.join(sorted(set(targets)))}: {summaries.get(osv, '')}")
    for entry in verdict.stale:
        print(f"  ! allow-list entry {entry.id} matched nothing: remove it from {ALLOW_LIST}")
    for target, finding in verdict.unlisted:
        fix = f"fixed in {finding.fixed}" if finding.fixed else "no fixed version"
        print(f"  ✗ {finding.osv} in {target}: {finding.module}@{finding.version} ({fix}) via {finding.symbol}"
              f" - {summaries.get(finding.osv, '')}")
    if verdict.ok:
        print(f"govulncheck: no unlisted vulnerabilities ({len(verdict.allowed)} allowed findings, "
              f"{len(by_id)} advisories in {ALLOW_LIST})")
        return 0
    print(f"govulncheck: {len(verdict.unlisted)} called vulnerabilities are not in {ALLOW_LIST}: upgrade the "
          "module, or add a reviewed entry with its reason")
    return 1


def run_pylock(repo: Path) -> int:
    locked = pylock.parse_lock((repo / LOCK).read_text(encoding="utf-8"), str(LOCK))
    bench = pylock.parse_lock((repo / BENCH_LOCK).read_text(encoding="utf-8"), str(BENCH_LOCK))
    missing = pylock.missing_from_lock(pylock.install_requires(repo / "setup.cfg"), locked)
    installed = pylock.installed_versions()
    mismatched = pylock.installed_mismatches(locked, installed) + pylock.installed_mismatches(bench, installed)
    conflicts = pylock.conflicts(locked, bench)
    for name in missing:
        print(f"  ✗ {name} is in setup.cfg install_requires but not in {LOCK}")
    for name, want, have in mismatched:
        print(f"  ✗ {name}: locked {want}, installed {have or 'nothing'}")
    for name, runtime, benchmark in conflicts:
        print(f"  ✗ {name}: {runtime} in {LOCK} but {benchmark} in {BENCH_LOCK}")
    if missing or mismatched or conflicts:
        print(f"python lock: the environment does not match {LOCK} and {BENCH_LOCK} "
              "(run ./scripts/setup --python-only)")
        return 1
    print(f"python lock: {len(locked)} runtime and {len(bench)} benchmark packages, all pinned with sha256 hashes "
          "and installed as locked")
    return 0


def run_pip_audit(repo: Path, progress: Progress) -> int:
    services = [pyaudit.probe_pypi(), pyaudit.probe_osv()]
    answering = next((s for s in services if s.answers), None)
    if answering is None:
        print("pip-audit: NOT CHECKED - no vulnerability service answered with advisory data:")
        for service in services:
            print(f"  - {service.detail}")
        print(f"  The Python dependencies are pinned by hash ({LOCK}, {BENCH_LOCK}) but were NOT audited for known "
              "vulnerabilities on this machine.")
        return 0
    print(f"pip-audit: using {answering.name} ({answering.detail})")
    binary = pyaudit.ensure_pip_audit(cache_root(), progress)
    status = 0
    for lock in (LOCK, BENCH_LOCK):
        ok, report = pyaudit.audit(binary, repo / lock, answering)
        print(report.rstrip())
        status = status if ok else 1
    return status


def run_wheel(repo: Path, progress: Progress) -> int:
    out = cache_root() / "dist" / f"ipledger-{__version__}"
    artefacts = wheel.build_artefacts(repo, out, cache_root(), progress)
    lines = wheel.check_wheel(artefacts.wheel, repo / LOCK, __version__, progress)
    print(f"wheel: {artefacts.sdist.name}, {artefacts.wheel.name}; SBOM {artefacts.sbom}")
    for line in lines:
        print(f"  $ ipledger ... -> {line}")
    return 0
