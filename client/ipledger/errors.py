"""The root of every error that ipledger raises on purpose.

Each layer (the Fabric Gateway client, the domain API, the CLI) subclasses
:class:`IpledgerError` and gives the subclass its own ``code``.  The code is a
stable, upper-case string, so scripts and the CLI can branch on it without
parsing messages, which may change.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = ["IpledgerError"]


class IpledgerError(Exception):
    """Base class of ipledger errors: a stable ``code`` plus a human message."""

    code: ClassVar[str] = "IPLEDGER_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
