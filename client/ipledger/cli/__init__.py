"""The ``ipledger`` command-line interface (click), a thin layer over :mod:`ipledger.domain`.

Entry point: :func:`ipledger.cli.main.main`; the root group is
:data:`ipledger.cli.main.cli`.  One module per command group.
"""

from __future__ import annotations

from .main import cli, main

__all__ = ["cli", "main"]
