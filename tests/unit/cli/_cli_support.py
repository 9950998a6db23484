"""Types shared by the CLI tests (fixtures live in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

from click.testing import Result

#: The ``run`` fixture: ``run("filings", "show", ID, office="JP", input=None) -> Result``.
Run = Callable[..., Result]
