"""Everything on a fresh machine: set up, bring the consortium up with the chaincode, run the README tour."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PY = REPO / ".venv" / "bin" / "python"


def main() -> int:
    for argv in ([sys.executable, str(REPO / "scripts" / "setup.py")],
                 [str(PY), "-m", "ipledger.cli.network", "up"],
                 [str(PY), "-m", "ipledger.operator.tour"],
                 [str(PY), "-m", "ipledger.cli.network", "status"]):
        code = subprocess.run(argv, cwd=REPO).returncode
        if code != 0:
            return code
    print("\nThe network keeps running: try `.venv/bin/ipledger --help`; stop it with `scripts/network down`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
