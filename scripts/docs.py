"""Build the documentation site (Sphinx) into docs/_build/html, with warnings as errors and nitpicky references.

``--update-cli`` first regenerates docs/cli.rst from the click commands (docs/_tools/cli_reference.py).
Runs scripts/setup.py --python-only first, so .venv exists with Sphinx installed (the ``test`` extras).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PY = REPO / ".venv" / "bin" / "python"
DOCS = REPO / "docs"
OUT = DOCS / "_build" / "html"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--update-cli", action="store_true", help="regenerate docs/cli.rst before building")
    args = parser.parse_args()
    subprocess.run([sys.executable, str(REPO / "scripts" / "setup.py"), "--python-only"], check=True)
    if args.update_cli:
        subprocess.run([str(PY), str(DOCS / "_tools" / "cli_reference.py")], check=True)
    else:
        check = subprocess.run([str(PY), str(DOCS / "_tools" / "cli_reference.py"), "--check"])
        if check.returncode != 0:
            return check.returncode
    code = subprocess.run([str(PY), "-m", "sphinx", "-W", "--keep-going", "-n", "-b", "html",
                           str(DOCS), str(OUT)]).returncode
    if code == 0:
        print(f"✓ documentation: {OUT / 'index.html'}")
    return code


if __name__ == "__main__":
    sys.exit(main())
