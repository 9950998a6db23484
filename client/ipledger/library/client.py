"""HTTPS client of a digital library: store a document in one's own library, fetch one from another office's.

The library authenticates the caller by its certificate (mutual TLS): the office identity that signs ledger
transactions is the one presented, so the library can check it against the channel's MSPs and the ledger.
Both directions stream in fixed-size chunks, so a 1 GB document moves with flat memory; a download that
breaks resumes where it stopped (HTTP ``Range`` with ``If-Range`` on the document's SHA-256).
"""

from __future__ import annotations

import errno
import hashlib
import http.client
import json
import os
import ssl
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives import serialization

from ipledger._https import NamedHTTPSConnection
from ipledger.errors import ConfigurationError
from ipledger.credentials.connection_profile import ConnectionProfile, LibraryEndpoint

from .errors import LibraryRefusedError, LibraryUnavailableError, LocalStorageError

__all__ = [
    "CHUNK",
    "Download",
    "LibraryClient",
    "LibraryCredentials",
    "Progress",
    "file_sha256",
]

#: Bytes read or sent at a time (1 MiB) when hashing, uploading and downloading documents.
CHUNK = 1 << 20
ERROR_HEADER = "x-ipledger-error"
#: Statuses worth another attempt: the library (or the ledger behind it) is briefly unavailable.
RETRYABLE_STATUSES = frozenset({502, 503, 504})
#: The owner's peer may commit a just-requested retrieval a moment after the requester's peer did; the library
#: then does not know it yet. How long that is waited for.
CATCH_UP_SECONDS = 10.0
#: ``progress(done, total)``; total is None when the size is not known yet.
Progress = Callable[[int, "int | None"], None]


def file_sha256(path: Path) -> str:
    """The lower-case hex SHA-256 of a file, read in :data:`CHUNK`-sized pieces."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class LibraryCredentials:
    """The certificate and key an office member presents to libraries (its ledger identity)."""

    certificate: bytes
    private_key: bytes = field(repr=False)

    @classmethod
    def from_profile(cls, profile: ConnectionProfile, user: str) -> LibraryCredentials:
        from ipledger.credentials.connection_profile import profile_user

        identity, signer = profile_user(profile, user)
        key = signer.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption())
        return cls(certificate=identity.certificate, private_key=key)


@dataclass(frozen=True)
class Download:
    """A finished download: where the bytes are, their SHA-256 and size, and how it went."""

    path: Path
    sha256: str
    size: int
    attempts: int
    resumed_from: tuple[int, ...]  # offsets at which a broken transfer was resumed


class _Retry(Exception):
    """A failure worth another attempt (connection lost, library briefly unavailable)."""


def _tls_context(root_cert: bytes, credentials: LibraryCredentials) -> ssl.SSLContext:
    context = ssl.create_default_context(cadata=root_cert.decode("ascii"))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    # ssl loads a client key only from files: a private directory that lives for the duration of the call.
    with tempfile.TemporaryDirectory(prefix="ipledger-tls-") as directory:
        cert_file, key_file = Path(directory, "cert.pem"), Path(directory, "key.pem")
        cert_file.write_bytes(credentials.certificate)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as key:
            key.write(credentials.private_key)
        context.load_cert_chain(cert_file, key_file)
    return context


def _write(file: BinaryIO, data: bytes | memoryview, path: Path) -> None:
    try:
        file.write(data)
    except OSError as error:
        raise _storage_error(error, path) from error


def _storage_error(error: OSError, path: Path) -> LocalStorageError:
    if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return LocalStorageError(f"no space left to write {path}: {error.strerror}; free some space and fetch "
                                 "again with the same retrieval to resume")
    return LocalStorageError(f"cannot write {path}: {error}")


class LibraryClient:
    """One office's library, as seen by a member of (possibly another) office."""

    def __init__(self, endpoint: LibraryEndpoint, credentials: LibraryCredentials, *, timeout: float = 30.0) -> None:
        url = urlsplit(endpoint.url)
        if url.scheme != "https" or not url.hostname:
            raise ConfigurationError(f"library URL {endpoint.url!r} of {endpoint.office} must be https://host:port")
        self.endpoint = endpoint
        self.office = endpoint.office
        self._host, self._port = url.hostname, url.port or 443
        self._server_name = endpoint.server_name or url.hostname
        self._context = _tls_context(endpoint.tls_root_cert(), credentials)
        self.timeout = timeout

    # -- requests --------------------------------------------------------------------------------------------

    def connect(self) -> http.client.HTTPSConnection:
        """A new connection (not yet opened); the caller closes it."""
        return NamedHTTPSConnection(self._host, self._port, ssl_context=self._context,
                                    server_name=self._server_name, timeout=self.timeout)

    def request(self, method: str, target: str, headers: Mapping[str, str] | None = None,
                body: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
        """One request with a small answer: status, headers (lower-case names) and body."""
        connection = self.connect()
        try:
            connection.request(method, target, body=body, headers=dict(headers or {}))
            response = connection.getresponse()
            return response.status, _headers(response), response.read()
        except (OSError, http.client.HTTPException) as error:
            raise LibraryUnavailableError(f"{self.office}'s library at {self.endpoint.url} did not answer: {error}",
                                          office=self.office) from error
        finally:
            connection.close()

    def _refusal(self, status: int, body: bytes, headers: Mapping[str, str] | None = None) -> LibraryRefusedError:
        try:
            answer = json.loads(body)
            reason, message = str(answer["code"]), str(answer["message"])
        except (ValueError, KeyError, TypeError):
            # A HEAD answer has no body: the code also travels in a header.
            reason = (headers or {}).get(ERROR_HEADER) or f"HTTP_{status}"
            message = body[:200].decode("utf-8", "replace") or http.client.responses.get(status, "")
        return LibraryRefusedError(f"{self.office}'s library refused: {reason}: {message}", reason=reason,
                                   status=status, office=self.office)

    # -- the owner's side ---------------------------------------------------------------------------------------

    def stored_size(self, sha256: str) -> int | None:
        """Size of the stored document with this SHA-256, or None when the library does not hold it."""
        status, headers, body = self.request("HEAD", f"/documents/{sha256.lower()}")
        if status == 200:
            return int(headers.get("content-length", "0"))
        if status == 404 and headers.get(ERROR_HEADER, "DOCUMENT_MISSING") == "DOCUMENT_MISSING":
            return None
        raise self._refusal(status, body, headers)

    def store(self, path: Path, sha256: str | None = None, progress: Progress | None = None) -> str:
        """Put a document into this (the caller's own) library; idempotent. Returns its SHA-256."""
        digest = (sha256 or file_sha256(path)).lower()  # the library names documents by lower-case hex
        if self.stored_size(digest) is not None:
            return digest
        size = path.stat().st_size
        connection = self.connect()
        try:
            connection.putrequest("PUT", f"/documents/{digest}")
            connection.putheader("Content-Type", "application/octet-stream")
            connection.putheader("Content-Length", str(size))
            connection.endheaders()
            sent = 0
            with path.open("rb") as file:
                try:
                    while chunk := file.read(CHUNK):
                        connection.send(chunk)
                        sent += len(chunk)
                        if progress:
                            progress(sent, size)
                except OSError:
                    pass  # the library may have answered early (e.g. too large) and closed: read its answer
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as error:
            raise LibraryUnavailableError(f"storing {path} in {self.office}'s library failed: {error}",
                                          office=self.office) from error
        finally:
            connection.close()
        if response.status not in (200, 201):
            raise self._refusal(response.status, body, _headers(response))
        return digest

    # -- the requester's side -------------------------------------------------------------------------------------

    @staticmethod
    def document_target(filing_id: str, version: int, retrieval_id: str) -> str:
        return (f"/filings/{quote(filing_id, safe=':')}/versions/{version}/document"
                f"?retrieval={quote(retrieval_id, safe=':')}")

    def download(self, filing_id: str, version: int, retrieval_id: str, part: Path, expected_sha256: str, *,
                 progress: Progress | None = None, retry_window: float = 60.0) -> Download:
        """Download a document into ``part``, continuing what an earlier attempt left there.

        A broken transfer is resumed from the bytes already written; it gives up after ``retry_window``
        seconds without progress. Refusals are not retried. Nothing is verified here: the caller compares
        ``sha256`` with the ledger and records the outcome.
        """
        received = _Partial.of(part)
        target = self.document_target(filing_id, version, retrieval_id)
        attempts, resumed = 0, []
        started = time.monotonic()
        deadline = started + retry_window
        delay = 0.2
        while True:
            attempts += 1
            if received.size:
                resumed.append(received.size)
            before = received.size
            try:
                self._receive(target, received, expected_sha256, progress)
                return Download(path=part, sha256=received.digest.hexdigest(), size=received.size,
                                attempts=attempts, resumed_from=tuple(resumed))
            except LibraryRefusedError as refused:
                if refused.reason != "RETRIEVAL_NOT_FOUND" or time.monotonic() - started >= CATCH_UP_SECONDS:
                    raise
                time.sleep(0.2)  # the owner's peer has not committed the retrieval yet
            except _Retry as broken:
                if received.size > before:
                    deadline = time.monotonic() + retry_window  # progress was made: the window starts again
                if time.monotonic() >= deadline:
                    raise LibraryUnavailableError(
                        f"downloading from {self.office}'s library failed after {attempts} attempt(s): {broken}",
                        office=self.office, received=received.size) from None
                time.sleep(delay)
                delay = min(delay * 2, 2.0)

    def _receive(self, target: str, received: _Partial, etag: str, progress: Progress | None) -> None:
        offset = received.size
        headers = {"Range": f"bytes={offset}-", "If-Range": f'"{etag}"'} if offset else {}
        connection = self.connect()
        try:
            try:
                connection.request("GET", target, headers=headers)
                response = connection.getresponse()
            except (OSError, http.client.HTTPException) as error:
                raise _Retry(f"{self.endpoint.url}: {error}") from error
            if response.status in RETRYABLE_STATUSES:
                raise _Retry(str(self._refusal(response.status, response.read(), _headers(response))))
            if response.status == 416 and offset:
                if _total_from_content_range(response.getheader("Content-Range")) == offset:
                    return  # everything is here already: an earlier attempt broke after the last byte
                received.restart()
                raise _Retry("the partial download is longer than the document; starting again")
            if response.status == 200:
                start, total = 0, _int_header(response.getheader("Content-Length"))
            elif response.status == 206:
                start, total = _range_start_and_total(response.getheader("Content-Range"))
            else:
                raise self._refusal(response.status, response.read(), _headers(response))
            if start != offset:
                received.restart()  # the whole document came (it is not the one partly received): start over
            received.take(response, total, progress)
        finally:
            connection.close()


@dataclass
class _Partial:
    """The part of a document received so far: the file, its size and its running SHA-256."""

    path: Path
    size: int
    digest: "hashlib._Hash"

    @classmethod
    def of(cls, path: Path) -> _Partial:
        digest, size = hashlib.sha256(), 0
        if path.exists():
            with path.open("rb") as file:
                while chunk := file.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
        return cls(path, size, digest)

    def restart(self) -> None:
        self.path.unlink(missing_ok=True)
        self.size, self.digest = 0, hashlib.sha256()

    def take(self, response: http.client.HTTPResponse, total: int | None, progress: Progress | None) -> None:
        """Append the response body; _Retry when the connection breaks (what arrived stays, flushed)."""
        try:
            file = self.path.open("ab")
        except OSError as error:
            raise _storage_error(error, self.path) from error
        buffer = memoryview(bytearray(CHUNK))  # one buffer for the whole transfer: no per-chunk allocation
        with file:
            try:
                while True:
                    try:
                        count = response.readinto(buffer)
                    except (OSError, http.client.HTTPException) as error:
                        raise _Retry(f"transfer broke at byte {self.size}: {error}") from error
                    if not count:
                        break
                    chunk = buffer[:count]
                    _write(file, chunk, self.path)
                    self.digest.update(chunk)
                    self.size += count
                    if progress:
                        progress(self.size, total)
            finally:
                _flush(file, self.path)
        if total is not None and self.size < total:
            raise _Retry(f"transfer ended at byte {self.size} of {total}")


def _headers(response: http.client.HTTPResponse) -> dict[str, str]:
    return {k.lower(): v for k, v in response.getheaders()}


def _flush(file: BinaryIO, path: Path) -> None:
    try:
        file.flush()
        os.fsync(file.fileno())
    except OSError as error:
        raise _storage_error(error, path) from error


def _int_header(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _range_start_and_total(content_range: str | None) -> tuple[int, int | None]:
    """``bytes 100-199/200`` -> (100, 200)."""
    try:
        unit, spec = (content_range or "").split(" ", 1)
        span, total = spec.split("/", 1)
        start = int(span.split("-", 1)[0])
        if unit != "bytes":
            raise ValueError(unit)
        return start, None if total == "*" else int(total)
    except ValueError:
        raise _Retry(f"unreadable Content-Range {content_range!r}") from None


def _total_from_content_range(content_range: str | None) -> int | None:
    """``bytes */200`` -> 200."""
    if content_range and content_range.startswith("bytes */"):
        return _int_header(content_range[len("bytes */"):])
    return None
