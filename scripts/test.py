"""The whole test suite, as CI runs it: Go tests, type checks, then pytest (unit and live-network tests).

pytest starts the Fabric networks itself (tests/integration/conftest.py and the suites' own) and removes them at
the end. Without test paths it runs in two lanes side by side (see LANES); with paths, one pytest for them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PY = REPO / ".venv" / "bin" / "python"
GO_MODULES = ("chaincode", "network/tools")
PYTEST_NO_TESTS = 5
SUPPLY_CHECKS = ("pylock", "pip-audit", "govulncheck", "wheel")
# Every Go fuzz target runs this many inputs in CI (its seed corpus also runs in plain `go test`). A count, not a
# duration: with `-fuzztime=3s` Go's coordinator can fail a target with a bare "context deadline exceeded" when the
# deadline fires while a starved worker is mid-input (a race in internal/fuzz, seen on this 2-core machine); a
# count has no wall-clock deadline, so a loaded machine only makes the run slower.
FUZZ_TIME = os.environ.get("IPLEDGER_FUZZTIME", "20000x")
FUZZ_FUNC = re.compile(r"^func (Fuzz\w+)\(\w+ \*testing\.F\)", re.MULTILINE)
# The live suites spend most of their time waiting on networks (the machine is 25-40 % busy through the fault
# suite), so two pytest processes share the two cores: the suites with consortia of their own in one lane, the
# session network's tests and the unit tests in the other. Each lane is a whole pytest session (own fixtures,
# own summary); IPLEDGER_TEST_LANES=1 runs everything in one.
OWN_NETWORKS = ("tests/integration/faults", "tests/integration/multihost")
LANES = int(os.environ.get("IPLEDGER_TEST_LANES", "2"))


def step(name: str, argv: list[str], cwd: Path = REPO) -> None:
    print(f"\n▶ {name}: {' '.join(argv)}", flush=True)
    start = time.monotonic()
    code = verdict(name, argv, subprocess.run(argv, cwd=cwd).returncode, time.monotonic() - start)
    if code:
        sys.exit(code)


def verdict(name: str, argv: list[str], code: int, elapsed: float) -> int:
    """Print how a step ended; its exit code for the whole run (pytest's "no tests ran" is a failure here)."""
    if code == PYTEST_NO_TESTS and "pytest" in argv:
        print(f"✗ {name}: pytest collected no tests - that is a failure here", flush=True)
        return 1
    if code != 0:
        print(f"✗ {name} failed (exit {code}) after {elapsed:.1f}s", flush=True)
        return code
    print(f"✓ {name} ({elapsed:.1f}s)", flush=True)
    return 0


def fuzz_targets(module: Path) -> list[tuple[str, str]]:
    """(package directory, target) for every `func FuzzXxx(f *testing.F)` in the module's test files."""
    targets = []
    for test_file in sorted(module.rglob("*_test.go")):
        for match in FUZZ_FUNC.finditer(test_file.read_text(encoding="utf-8")):
            targets.append(("./" + test_file.parent.relative_to(module).as_posix(), match.group(1)))
    return targets


def main() -> None:
    os.environ.setdefault("GOTOOLCHAIN", "local")
    step("setup", [sys.executable, str(REPO / "scripts" / "setup.py")])
    for module in GO_MODULES:
        step(f"go vet {module}", ["go", "vet", "./..."], REPO / module)
        step(f"go test {module}", ["go", "test", "-count=1", "./..."], REPO / module)
        for package, target in fuzz_targets(REPO / module):
            step(f"fuzz {target} ({FUZZ_TIME})", ["go", "test", "-run=^$", f"-fuzz=^{target}$",
                                                  f"-fuzztime={FUZZ_TIME}", "-fuzzminimizetime=2s", package],
                 REPO / module)
    step("mypy --strict", [str(PY), "-m", "mypy"])
    # Supply chain (issue 17): what we ship is locked, scanned and installable from its wheel.
    for check in SUPPLY_CHECKS:
        step(f"supply: {check}", [str(PY), "-m", "ipledger.operator.supply", check])
    # The slowest tests are printed so that a CI log shows where the suite's time goes (issue 13's 10 % rule).
    pytest = [str(PY), "-m", "pytest", "-p", "no:cacheprovider", "--durations=40", *sys.argv[1:]]
    if LANES == 1 or names_tests(sys.argv[1:]):
        step("pytest", pytest)
    else:
        lanes([("pytest (session network, unit tests)", pytest + [f"--ignore={d}" for d in OWN_NETWORKS]),
               ("pytest (suites with networks of their own)", pytest + list(OWN_NETWORKS))])


def names_tests(args: list[str]) -> bool:
    """Whether pytest's arguments name tests (a path or a node ID) rather than only options."""
    return any(not a.startswith("-") and ("::" in a or (REPO / a).exists()) for a in args)


def lanes(runs: list[tuple[str, list[str]]]) -> None:
    """Run the pytest sessions side by side: the first prints as it goes, the others into a file each, shown in
    full when they end (so every session's report stays in one piece). Fails if any failed or ran no tests."""
    logs = Path(tempfile.mkdtemp(prefix="ipledger-test-lanes-"))
    start = time.monotonic()
    started = []
    for i, (name, argv) in enumerate(runs):
        print(f"\n▶ {name}: {' '.join(argv)}" + (f"\n  (output: {logs / f'lane{i}.log'})" if i else ""), flush=True)
        out = None if i == 0 else (logs / f"lane{i}.log").open("w")
        started.append((subprocess.Popen(argv, cwd=REPO, stdout=out, stderr=subprocess.STDOUT if out else None), out))
    failed = []
    for i, ((name, argv), (proc, out)) in enumerate(zip(runs, started)):
        code = proc.wait()
        if out is not None:
            out.close()
            print(f"\n▶ {name}, its output:", flush=True)
            sys.stdout.write((logs / f"lane{i}.log").read_text(encoding="utf-8", errors="replace"))
        if code := verdict(name, argv, code, time.monotonic() - start):
            failed.append(code)
    print(f"pytest lanes: {time.monotonic() - start:.1f}s in all", flush=True)
    if failed:
        sys.exit(failed[0])


if __name__ == "__main__":
    main()
