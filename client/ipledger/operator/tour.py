"""The README's five-minute tour, extracted and run as it is written (by `scripts/demo` and by a test).

The tour is the fenced ``bash`` block between ``<!-- tour:start -->`` and ``<!-- tour:end -->`` in README.md,
so the documentation cannot drift from what works.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

START, END = "<!-- tour:start -->", "<!-- tour:end -->"
BLOCK = re.compile(r"```bash\n(.*?)```", re.DOTALL)


def tour_script(readme: Path) -> str:
    text = readme.read_text(encoding="utf-8")
    try:
        section = text[text.index(START):text.index(END)]
    except ValueError:
        raise ValueError(f"{readme} has no tour between {START} and {END}") from None
    blocks = BLOCK.findall(section)
    if not blocks:
        raise ValueError(f"{readme}: the tour section has no ```bash block")
    return "\n".join(blocks)


def run_tour(repo: Path, echo: bool = True, profiles: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the tour with bash in the repository, the project's virtualenv first on PATH, against the network
    whose connection profiles are in ``profiles`` (default: the repository's network)."""
    env = dict(os.environ)
    env["PATH"] = f"{repo / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    if profiles is not None:
        env["IPLEDGER_PROFILES"] = str(profiles)
    env.setdefault("IPLEDGER_PROFILES", str(repo / "network" / "generated" / "profiles"))
    script = "set -euo pipefail\n" + ("set -x\n" if echo else "") + tour_script(repo / "README.md")
    return subprocess.run(["bash", "-c", script], cwd=repo, env=env, text=True, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, check=False)


def main() -> int:
    repo = Path(__file__).resolve().parents[3]
    result = run_tour(repo)
    sys.stdout.write(result.stdout)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
