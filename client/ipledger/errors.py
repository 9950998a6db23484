"""The root of every error that ipledger raises on purpose.

Each layer (the Fabric Gateway client, the domain API, the CLI) subclasses
:class:`IpledgerError` and gives the subclass its own ``code``.  The code is a
stable, upper-case string, so scripts and the CLI can branch on it without
parsing messages, which may change.

:class:`ConfigurationError` and :class:`ConnectionError` are shared by the layers: the Fabric Gateway client and
the credentials (connection profiles, wallets, the Fabric CA client) both raise them.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = ["ConfigurationError", "ConnectionError", "IpledgerError"]


class IpledgerError(Exception):
    """Base class of ipledger errors: a stable ``code`` plus a human message."""

    code: ClassVar[str] = "IPLEDGER_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigurationError(IpledgerError):
    """Settings, files or arguments are missing, malformed or inconsistent."""

    code: ClassVar[str] = "CONFIGURATION_INVALID"


class ConnectionError(IpledgerError):  # noqa: A001 - the name the shared contract uses
    """A connection could not be established (gateway peer or Fabric CA)."""

    code: ClassVar[str] = "CONNECTION_FAILED"
