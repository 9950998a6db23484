"""The Fabric CA client's error; the others the credentials raise are shared (:mod:`ipledger.errors`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from ipledger.errors import IpledgerError

__all__ = ["CAError"]


class CAError(IpledgerError):
    """The Fabric CA answered a request with an error."""

    code: ClassVar[str] = "CA_REQUEST_FAILED"

    def __init__(self, message: str, *, http_status: int | None = None,
                 errors: Iterable[tuple[int, str]] = ()) -> None:
        self.http_status = http_status
        self.errors: list[tuple[int, str]] = list(errors)
        super().__init__(message)

    def __str__(self) -> str:
        text = self.message
        if self.http_status is not None:
            text += f" (HTTP {self.http_status})"
        for error_code, error_message in self.errors:
            text += f"\n  - [{error_code}] {error_message}"
        return text
