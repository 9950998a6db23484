"""Errors of the supply-chain checks."""

from __future__ import annotations

from ipledger.operator.errors import OperatorError


class SupplyError(OperatorError):
    """A supply-chain check could not run (bad input, missing tool)."""

    code = "SUPPLY_CHECK_FAILED"


class AllowListError(SupplyError):
    """The vulnerability allow-list is malformed; the message names the entry and the field."""

    code = "BAD_ALLOW_LIST"


class LockFileError(SupplyError):
    """The Python lock file is malformed or does not cover what setup.cfg asks for."""

    code = "BAD_LOCK_FILE"
