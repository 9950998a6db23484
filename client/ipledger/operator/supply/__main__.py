"""``python -m ipledger.operator.supply CHECK``: the supply-chain checks of scripts/test.py, one at a time."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ipledger.errors import IpledgerError
from ipledger.operator.progress import Progress
from ipledger.operator.supply import checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ipledger.operator.supply", description=__doc__)
    parser.add_argument("check", choices=["govulncheck", "pylock", "pip-audit", "wheel"])
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="the checkout (default: current directory)")
    args = parser.parse_args(argv)
    repo = args.repo.resolve()
    progress = Progress()
    try:
        if args.check == "govulncheck":
            return checks.run_govulncheck(repo, progress)
        if args.check == "pylock":
            return checks.run_pylock(repo)
        if args.check == "pip-audit":
            return checks.run_pip_audit(repo, progress)
        return checks.run_wheel(repo, progress)
    except IpledgerError as exc:
        print(f"Error: {exc.code}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
