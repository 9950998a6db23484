"""How the test suite finds and runs the guides' examples (shared by tests/unit/docs and tests/integration/docs).

Every file in docs/examples (but this one) is one example a guide includes with ``literalinclude``, marked
``docs-example: live``: it needs a running network, and the live test points ``IPLEDGER_PROFILES`` and
``IPLEDGER_DEFINITION`` at the test network's.  Examples that need no network are ``pycon`` blocks in the
guides, run as doctests by tests/unit/docs.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent
KIND = re.compile(r"^(?:# )?docs-example: (live)$", re.MULTILINE)


@dataclass(frozen=True)
class Example:
    path: Path
    kind: str

    @property
    def name(self) -> str:
        return self.path.name


def examples() -> list[Example]:
    found = []
    for path in sorted(EXAMPLES.iterdir()):
        if path.suffix not in (".py", ".sh") or path.name.startswith("_"):
            continue
        match = KIND.search(path.read_text(encoding="utf-8"))
        if match is None:
            raise ValueError(f"{path.name} does not say 'docs-example: live'")
        found.append(Example(path, match.group(1)))
    return found


def run(example: Example, cwd: Path, env: dict[str, str], timeout: float = 600.0) -> subprocess.CompletedProcess[str]:
    """Run one example as a user would: its own process, in an empty working directory."""
    interpreter = Path(sys.executable)
    if example.path.suffix == ".py":
        command = [str(interpreter), str(example.path)]
    else:
        command = ["bash", "-eu", "-o", "pipefail", str(example.path)]
    full_env = {**os.environ, **env, "PATH": f"{interpreter.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(command, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout)
