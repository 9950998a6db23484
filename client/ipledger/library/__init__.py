"""Offices' digital libraries: where the priority documents themselves live, off the ledger.

The ledger holds only hashes. Each office's library stores its own documents and hands one to another office
only while the ledger shows that office's pending retrieval under an active grant (network/tools/library);
:class:`LibraryClient` is the HTTPS side of that exchange, and the domain API's ``deposit_document`` /
``fetch_document`` put it together with the ledger transactions.
"""

from .client import CHUNK, Download, LibraryClient, LibraryCredentials, Progress, file_sha256
from .errors import LibraryError, LibraryRefusedError, LibraryUnavailableError, LocalStorageError

__all__ = [
    "CHUNK",
    "Download",
    "LibraryClient",
    "LibraryCredentials",
    "LibraryError",
    "LibraryRefusedError",
    "LibraryUnavailableError",
    "LocalStorageError",
    "Progress",
    "file_sha256",
]
