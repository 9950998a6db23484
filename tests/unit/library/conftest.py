"""Fixtures of the library client tests: a PKI, a scriptable HTTPS library and a client of it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _fake_library import FakeLibrary, Pki, make_pki  # noqa: E402

from ipledger.credentials.connection_profile import LibraryEndpoint
from ipledger.library import LibraryClient, LibraryCredentials  # noqa: E402


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def library(pki: Pki) -> Iterator[FakeLibrary]:
    with FakeLibrary(pki) as server:
        yield server


@pytest.fixture
def client(library: FakeLibrary, pki: Pki) -> LibraryClient:
    endpoint = LibraryEndpoint(office="JP", url=library.url, tls_root_cert_path=pki.ca_file,
                               server_name="library.jp.test")
    return LibraryClient(endpoint, LibraryCredentials(pki.client_cert_pem, pki.client_key_pem), timeout=5.0)
