"""The library client's transfers against a scriptable HTTPS library: streaming, resume, refusals."""

from __future__ import annotations

import errno
import hashlib
import secrets
from pathlib import Path

import pytest
from _fake_library import FakeLibrary, Pki

from ipledger.errors import ConfigurationError
from ipledger.credentials.connection_profile import LibraryEndpoint
from ipledger.library import (
    CHUNK,
    LibraryClient,
    LibraryCredentials,
    LibraryRefusedError,
    LibraryUnavailableError,
    LocalStorageError,
)
from ipledger.library.client import _storage_error

FILING, RETRIEVAL = "JP:PATENT:2025113463", "JP:PATENT:2025113463:20250317T091244Z_9f3c"


def document(size: int = 3 * CHUNK + 123) -> bytes:
    return secrets.token_bytes(size)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def download(client: LibraryClient, part: Path, data: bytes, retry_window: float = 5.0):  # type: ignore[no-untyped-def]
    return client.download(FILING, 2, RETRIEVAL, part, sha(data), retry_window=retry_window)


def test_store_streams_once_and_is_idempotent(client: LibraryClient, library: FakeLibrary, tmp_path: Path) -> None:
    data = document()
    path = tmp_path / "priority.pdf"
    path.write_bytes(data)
    seen: list[tuple[int, int | None]] = []
    assert client.store(path, progress=lambda done, total: seen.append((done, total))) == sha(data)
    assert library.script.stored[sha(data)] == data
    assert seen[-1] == (len(data), len(data)) and len(seen) == 4  # one call per chunk: streamed
    assert client.store(path) == sha(data)
    assert [m for m, _, _ in library.script.requests] == ["HEAD", "PUT", "HEAD"]  # stored once


def test_a_coded_refusal_keeps_the_librarys_code(client: LibraryClient, tmp_path: Path) -> None:
    path = tmp_path / "priority.pdf"
    path.write_bytes(b"abc")
    with pytest.raises(LibraryRefusedError) as refused:
        client.store(path, sha256="00" * 32)  # the body does not hash to it
    assert (refused.value.reason, refused.value.status, refused.value.office) == ("HASH_MISMATCH", 422, "JP")


def test_download_names_filing_version_and_retrieval(client: LibraryClient, library: FakeLibrary,
                                                     tmp_path: Path) -> None:
    data = library.script.document = document()
    got = download(client, tmp_path / "out.part", data)
    assert (got.sha256, got.size, got.attempts, got.resumed_from) == (sha(data), len(data), 1, ())
    assert (tmp_path / "out.part").read_bytes() == data
    method, target, _ = library.script.requests[0]
    assert (method, target) == ("GET", f"/filings/{FILING}/versions/2/document?retrieval={RETRIEVAL}")


def test_a_broken_transfer_resumes_where_it_stopped(client: LibraryClient, library: FakeLibrary,
                                                    tmp_path: Path) -> None:
    data = library.script.document = document()
    library.script.break_after = [CHUNK + 5, CHUNK]
    got = download(client, tmp_path / "out.part", data)
    assert got.sha256 == sha(data) and (tmp_path / "out.part").read_bytes() == data
    assert got.attempts == 3 and got.resumed_from == (CHUNK + 5, 2 * CHUNK + 5)
    ranges = [headers.get("range") for _, _, headers in library.script.requests]
    assert ranges == [None, f"bytes={CHUNK + 5}-", f"bytes={2 * CHUNK + 5}-"]
    assert library.script.requests[1][2]["if-range"] == f'"{sha(data)}"'


def test_a_partial_file_of_another_document_is_replaced(client: LibraryClient, library: FakeLibrary,
                                                        tmp_path: Path) -> None:
    part = tmp_path / "out.part"
    part.write_bytes(b"bytes of some other document")
    data = library.script.document = document(1000)
    library.script.etag = "1" * 64  # If-Range does not match: the library sends everything (200)
    got = download(client, part, data)
    assert part.read_bytes() == data and got.sha256 == sha(data)


def test_a_complete_partial_file_is_not_downloaded_again(client: LibraryClient, library: FakeLibrary,
                                                         tmp_path: Path) -> None:
    data = library.script.document = document(1000)
    part = tmp_path / "out.part"
    part.write_bytes(data)
    got = download(client, part, data)
    assert got.sha256 == sha(data) and got.size == 1000  # 416: everything was there


def test_refusals_are_not_retried(client: LibraryClient, library: FakeLibrary, tmp_path: Path) -> None:
    library.script.refuse = (403, "NO_GRANT")
    with pytest.raises(LibraryRefusedError) as refused:
        download(client, tmp_path / "out.part", b"x")
    assert refused.value.reason == "NO_GRANT" and "NO_GRANT" in str(refused.value)
    assert len(library.script.requests) == 1


def test_a_briefly_unavailable_library_is_retried(client: LibraryClient, library: FakeLibrary,
                                                  tmp_path: Path) -> None:
    data = library.script.document = document(100)
    library.script.unavailable = 2
    assert download(client, tmp_path / "out.part", data).attempts == 3


def test_an_unreachable_library_gives_up_after_the_window(pki: Pki, tmp_path: Path) -> None:
    endpoint = LibraryEndpoint(office="JP", url="https://127.0.0.1:9", tls_root_cert_path=pki.ca_file,
                               server_name="library.jp.test")
    client = LibraryClient(endpoint, LibraryCredentials(pki.client_cert_pem, pki.client_key_pem), timeout=1.0)
    with pytest.raises(LibraryUnavailableError) as unavailable:
        download(client, tmp_path / "out.part", b"x", retry_window=0.5)
    assert unavailable.value.received == 0 and unavailable.value.code == "LIBRARY_UNAVAILABLE"


def test_a_broken_transfer_past_the_window_reports_what_arrived(client: LibraryClient, library: FakeLibrary,
                                                                tmp_path: Path) -> None:
    data = library.script.document = document()
    library.script.break_after = [100] + [0] * 50
    with pytest.raises(LibraryUnavailableError) as broken:
        download(client, tmp_path / "out.part", data, retry_window=0.3)
    assert broken.value.received == 100
    assert (tmp_path / "out.part").read_bytes() == data[:100]  # kept, to resume later


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT, errno.EFBIG])
def test_a_full_disk_is_a_local_storage_error(code: int, tmp_path: Path) -> None:
    error = _storage_error(OSError(code, "No space left on device"), tmp_path / "out.part")
    assert isinstance(error, LocalStorageError) and "no space left" in str(error)
    assert error.code == "LOCAL_STORAGE_FAILED"


def test_only_https_libraries_are_accepted(pki: Pki) -> None:
    endpoint = LibraryEndpoint(office="JP", url="http://127.0.0.1:7057", tls_root_cert_path=pki.ca_file)
    with pytest.raises(ConfigurationError, match="must be https"):
        LibraryClient(endpoint, LibraryCredentials(pki.client_cert_pem, pki.client_key_pem))


def test_a_retrieval_the_owners_peer_does_not_know_yet_is_waited_for(client: LibraryClient, library: FakeLibrary,
                                                                     tmp_path: Path) -> None:
    data = library.script.document = document(100)
    library.script.not_found = 2
    assert download(client, tmp_path / "out.part", data).sha256 == sha(data)


def test_a_refused_head_reads_the_code_from_its_header(client: LibraryClient, library: FakeLibrary) -> None:
    library.script.refuse = (403, "NOT_OWN_OFFICE")
    with pytest.raises(LibraryRefusedError) as refused:
        client.stored_size("ab" * 32)
    assert refused.value.reason == "NOT_OWN_OFFICE"
