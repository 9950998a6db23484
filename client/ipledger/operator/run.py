"""Running external programs with captured output and typed failures."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Mapping, Sequence

from ipledger.operator.errors import CommandFailedError


def run(argv: Sequence[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None,
        input: bytes | None = None, check: bool = True, timeout: float | None = None) -> str:
    """Run a program, returning its combined output; raise CommandFailedError when it fails."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    try:
        proc = subprocess.run(list(argv), cwd=cwd, env=full_env, input=input, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=timeout, check=False)
    except FileNotFoundError:
        raise CommandFailedError(list(argv), 127, f"{argv[0]}: command not found") from None
    except subprocess.TimeoutExpired as exc:
        out = (exc.output or b"").decode(errors="replace")
        raise CommandFailedError(list(argv), -1, out + f"\n(timed out after {timeout}s)") from None
    output = proc.stdout.decode(errors="replace")
    if check and proc.returncode != 0:
        raise CommandFailedError(list(argv), proc.returncode, output)
    return output
