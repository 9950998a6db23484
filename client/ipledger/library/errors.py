"""What can go wrong between an office and a digital library, as typed errors with stable codes.

::

    ipledger.errors.IpledgerError
    └── LibraryError                  LIBRARY_ERROR
        ├── LibraryRefusedError       LIBRARY_REFUSED      the library answered with a coded refusal
        ├── LibraryUnavailableError   LIBRARY_UNAVAILABLE  unreachable, or the transfer kept breaking
        └── LocalStorageError         LOCAL_STORAGE_FAILED the receiving side could not write (disk full)

A refusal carries the library's own code in ``reason`` (``NO_GRANT``, ``NO_PENDING_RETRIEVAL``, ...; see
network/tools/library), so callers branch on it without parsing messages.
"""

from __future__ import annotations

from typing import ClassVar

from ipledger.errors import IpledgerError

__all__ = ["LibraryError", "LibraryRefusedError", "LibraryUnavailableError", "LocalStorageError"]


class LibraryError(IpledgerError):
    """A document could not be stored in or fetched from a digital library."""

    code: ClassVar[str] = "LIBRARY_ERROR"


class LibraryRefusedError(LibraryError):
    """The library refused the request; ``reason`` is its stable code, ``status`` the HTTP status."""

    code: ClassVar[str] = "LIBRARY_REFUSED"

    def __init__(self, message: str, *, reason: str, status: int, office: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.status = status
        self.office = office


class LibraryUnavailableError(LibraryError):
    """The library could not be reached, or the transfer broke until the retry window ran out.

    ``received`` is how many bytes of the document arrived; 0 means the delivery never started.
    """

    code: ClassVar[str] = "LIBRARY_UNAVAILABLE"

    def __init__(self, message: str, *, office: str, received: int = 0) -> None:
        super().__init__(message)
        self.office = office
        self.received = received


class LocalStorageError(LibraryError):
    """The received document could not be written locally (disk full, no permission): nothing was recorded."""

    code: ClassVar[str] = "LOCAL_STORAGE_FAILED"
