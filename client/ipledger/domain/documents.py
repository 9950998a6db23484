"""Documents travel between offices' libraries under the ledger's rules: what the sync and async ledgers share.

Storing: the document goes into the caller's own library first, and only then does a ledger record name its
hash, so no AVAILABLE filing ever points at a document its owner's library lacks.

Fetching: request a retrieval (or continue a pending one), download from the owner's library (resuming a
broken transfer), compare the SHA-256 with the ledger's, then record the outcome: ``AcknowledgeRetrieval``
(SUCCESS, or ERROR with HASH_MISMATCH) or ``FailRetrieval`` (DELIVERY_FAILED when nothing arrived or the
library refused, DOWNLOAD_FAILED when the transfer broke). A local write failure (disk full) records nothing:
the retrieval stays PENDING and a later fetch with the same retrieval resumes.

Only the decisions live here (no I/O on the ledger); :class:`~ipledger.domain.priority_ledger.PriorityLedger` and its
async twin run the steps.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ipledger.errors import ConfigurationError
from ipledger.credentials.connection_profile import ConnectionProfile
from ipledger.library import (
    Download,
    LibraryClient,
    LibraryCredentials,
    LibraryError,
    LibraryRefusedError,
    LibraryUnavailableError,
)

from .enums import RetrievalFailureReason, RetrievalStatus
from .errors import InvalidArgumentError, InvalidTransitionError, UnexpectedResultError
from .models import Retrieval

__all__ = ["FetchedDocument", "Libraries", "check_destination", "check_fetchable", "failure_for", "part_path",
           "place", "unexpected_acceptance"]

#: FailRetrieval's message is at most 500 characters (CONTRACT.md).
MESSAGE_LIMIT = 500


@dataclass(frozen=True)
class FetchedDocument:
    """A document fetched, verified against the ledger and acknowledged."""

    path: Path
    sha256: str
    size: int
    retrieval: Retrieval  # as committed by AcknowledgeRetrieval (SUCCESS)
    attempts: int = 1
    resumed_from: tuple[int, ...] = ()

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()


@dataclass
class Libraries:
    """The libraries an office member talks to, from the connection profile, with the member's credentials."""

    profile: ConnectionProfile
    user: str
    _clients: dict[str, LibraryClient] = field(default_factory=dict, repr=False)
    _credentials: LibraryCredentials | None = field(default=None, repr=False)

    def of(self, office: str) -> LibraryClient:
        client = self._clients.get(office)
        if client is None:
            endpoint = self.profile.libraries.get(office)
            if endpoint is None:
                known = ", ".join(sorted(self.profile.libraries)) or "none"
                raise ConfigurationError(f"profile {self.profile.path.name} names no library for office {office} "
                                         f"(it names: {known})")
            if self._credentials is None:
                self._credentials = LibraryCredentials.from_profile(self.profile, self.user)
            client = self._clients[office] = LibraryClient(endpoint, self._credentials)
        return client

    def own(self) -> LibraryClient:
        return self.of(self.profile.office)


def part_path(out: Path) -> Path:
    """Where the bytes collect until they are verified; a later attempt resumes from it."""
    return out.with_name(out.name + ".part")


def check_destination(out: Path) -> None:
    """Refuse a destination that cannot be written before anything is requested on the ledger."""
    if out.exists():
        raise InvalidArgumentError(f"{out} exists already; choose another file or remove it")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise InvalidArgumentError(f"directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise InvalidArgumentError(f"directory {parent} is not writable")


def check_fetchable(retrieval: Retrieval, filing_id: str | None, office: str | None) -> None:
    """A retrieval to continue must be this office's, PENDING, and (when given) for this filing."""
    if office is not None and retrieval.requesting_office != office:
        raise InvalidArgumentError(f"retrieval {retrieval.id} was requested by {retrieval.requesting_office}, "
                                   f"not by {office}")
    if filing_id is not None and retrieval.filing_id != filing_id:
        raise InvalidArgumentError(f"retrieval {retrieval.id} is for {retrieval.filing_id}, not {filing_id}")
    if retrieval.status is not RetrievalStatus.PENDING:
        raise InvalidTransitionError(f"retrieval {retrieval.id} is already {retrieval.status.value}; "
                                     "request a new retrieval to fetch the document again")


def failure_for(error: LibraryError) -> tuple[RetrievalFailureReason, str] | None:
    """What FailRetrieval records for a failed download; None leaves the retrieval PENDING (to resume)."""
    if isinstance(error, LibraryRefusedError):
        reason = RetrievalFailureReason.DELIVERY_FAILED
        message = f"the library refused: {error.reason}"
    elif isinstance(error, LibraryUnavailableError):
        if error.received:
            reason = RetrievalFailureReason.DOWNLOAD_FAILED
            message = f"the transfer broke after {error.received} bytes"
        else:
            reason = RetrievalFailureReason.DELIVERY_FAILED
            message = "the library could not be reached"
    else:
        return None  # the receiving side failed (e.g. disk full): nothing to put on the ledger
    return reason, message[:MESSAGE_LIMIT]


def unexpected_acceptance(retrieval_id: str) -> UnexpectedResultError:
    return UnexpectedResultError(f"the ledger accepted a document whose hash differs from retrieval {retrieval_id}'s")


def place(download: Download, out: Path) -> Path:
    """Move the verified bytes to their destination (same directory: an atomic rename), durably."""
    os.replace(download.path, out)
    directory = os.open(out.parent if str(out.parent) else ".", os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return out
