"""The whole test suite, as CI runs it: Go tests, type checks, then pytest (unit and live-network tests).

pytest starts the Fabric network itself (tests/integration/conftest.py) and removes it at the end.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PY = REPO / ".venv" / "bin" / "python"
GO_MODULES = ("chaincode", "network/tools")
PYTEST_NO_TESTS = 5


def step(name: str, argv: list[str], cwd: Path = REPO) -> None:
    print(f"\n▶ {name}: {' '.join(argv)}", flush=True)
    start = time.monotonic()
    code = subprocess.run(argv, cwd=cwd).returncode
    elapsed = time.monotonic() - start
    if code == PYTEST_NO_TESTS and "pytest" in argv:
        print(f"✗ {name}: pytest collected no tests - that is a failure here", flush=True)
        sys.exit(1)
    if code != 0:
        print(f"✗ {name} failed (exit {code}) after {elapsed:.1f}s", flush=True)
        sys.exit(code)
    print(f"✓ {name} ({elapsed:.1f}s)", flush=True)


def main() -> None:
    os.environ.setdefault("GOTOOLCHAIN", "local")
    step("setup", [sys.executable, str(REPO / "scripts" / "setup.py")])
    for module in GO_MODULES:
        step(f"go vet {module}", ["go", "vet", "./..."], REPO / module)
        step(f"go test {module}", ["go", "test", "-count=1", "./..."], REPO / module)
    step("mypy --strict", [str(PY), "-m", "mypy"])
    step("pytest", [str(PY), "-m", "pytest", "-p", "no:cacheprovider", *sys.argv[1:]])


if __name__ == "__main__":
    main()
