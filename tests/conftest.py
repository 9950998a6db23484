"""Shared pytest setup: the package is imported from client/ when it is not installed."""

from __future__ import annotations

import sys
from pathlib import Path

CLIENT = Path(__file__).resolve().parents[1] / "client"
if str(CLIENT) not in sys.path:
    sys.path.insert(0, str(CLIENT))
