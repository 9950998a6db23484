"""Set up a fresh checkout: the Python environment, then the container engine, Fabric builds and images.

Only the standard library is used here, because this runs before the virtual environment exists.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENV = REPO / ".venv"
PY = VENV / "bin" / "python"
LOCK = REPO / "requirements" / "runtime.lock"
BENCH_LOCK = REPO / "requirements" / "bench.lock"  # benchmark-only (plots): matplotlib and what it pulls in


def ensure_venv() -> None:
    """Create .venv: the runtime and benchmark dependencies exactly as locked (hash-checked), then the package with
    its test extras; skipped when setup.cfg and the locks are unchanged."""
    stamp = VENV / ".ipledger-installed"
    key = hashlib.sha256((REPO / "setup.cfg").read_bytes() + LOCK.read_bytes() + BENCH_LOCK.read_bytes()).hexdigest()
    if PY.exists() and stamp.exists() and stamp.read_text() == key:
        return
    print("▶ Python environment (.venv) ...", flush=True)
    if not PY.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [str(PY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "--require-hashes", "-r", str(LOCK)], check=True)
    subprocess.run([*pip, "--require-hashes", "-r", str(BENCH_LOCK)], check=True)
    subprocess.run([*pip, "-e", f"{REPO}[test]"], check=True)
    stamp.write_text(key)
    print("✓ Python environment (.venv)", flush=True)


def ensure_node_client() -> None:
    """The official Node Gateway client, for the interoperability tests and the benchmark (npm registry)."""
    node_dir = REPO / "benchmarks" / "node"
    if (node_dir / "node_modules").exists():
        return
    if shutil.which("npm") is None:
        print("! npm not found: the interoperability tests against the Node client will fail", flush=True)
        return
    print("▶ Node client (npm ci in benchmarks/node) ...", flush=True)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=node_dir, check=True)
    print("✓ Node client", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--python-only", action="store_true", help="only create the Python environment")
    args = parser.parse_args()
    ensure_venv()
    if args.python_only:
        return 0
    ensure_node_client()
    return subprocess.run([str(PY), "-m", "ipledger.cli.network", "bootstrap"], cwd=REPO).returncode


if __name__ == "__main__":
    sys.exit(main())
