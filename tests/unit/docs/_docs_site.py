"""What the session's documentation build left: its exit code, its output and the HTML folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
DOCS = REPO / "docs"


@dataclass(frozen=True)
class Build:
    returncode: int
    output: str
    html: Path
