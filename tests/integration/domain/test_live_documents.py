"""Documents travel between offices' libraries under the ledger's rules (the real libraries, peers and ledger).

Every refusal is the real library's, read from the ledger through the owner's peer at request time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import secrets
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager, contextmanager
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from _live_domain import PRIORITY_DATE, Peers, random_digits, retry_conflicts, sha256
from ipledger.domain import AsyncPriorityLedger, FirstFiling, IpRight, PriorityLedger
from ipledger.domain.documents import part_path
from ipledger.domain.errors import HashMismatchError, InvalidTransitionError
from ipledger.credentials.connection_profile import ConnectionProfile
from ipledger.library import (
    LibraryClient,
    LibraryCredentials,
    LibraryRefusedError,
    LocalStorageError,
)
from ipledger.operator.bringup import Context

MiB = 1 << 20


@pytest.fixture(scope="module")
def jp_library_as(network: Context) -> Callable[[str], LibraryClient]:
    """JP's library as seen by User1 of another office (its own credentials)."""
    clients: dict[str, LibraryClient] = {}

    def client(office: str) -> LibraryClient:
        if office not in clients:
            profile = ConnectionProfile.load(network.plan.profiles_dir / f"{office}.json")
            clients[office] = LibraryClient(profile.libraries["JP"], LibraryCredentials.from_profile(profile, "User1"))
        return clients[office]

    return client


def shared(ledgers: dict[str, PriorityLedger], peers: Peers, tmp_path: Path, size: int = 4096) -> tuple[FirstFiling,
                                                                                                          bytes]:
    """JP stores a fresh document in its library, deposits it and grants the USPTO access."""
    document = b"%PDF-1.7 " + secrets.token_bytes(size)
    path = tmp_path / f"priority-{secrets.token_hex(4)}.pdf"
    path.write_bytes(document)
    jp = ledgers["JP"]
    digest = jp.store_document(path)
    assert digest == sha256(document) and jp.holds_document(digest)

    def deposit() -> FirstFiling:
        return jp.deposit_first_filing(ip_right=IpRight.PATENT, application_number=f"JP 2024-{random_digits(10)}",
                                       filing_date=PRIORITY_DATE, document_sha256=digest)
    filing = retry_conflicts(deposit)
    retry_conflicts(lambda: jp.grant_access(filing.id, "US"))
    peers.settle()
    return filing, document


def requested(ledgers: dict[str, PriorityLedger], peers: Peers, filing: FirstFiling) -> str:
    retrieval = retry_conflicts(lambda: ledgers["US"].request_retrieval(filing.id))
    peers.settle()
    return retrieval.id


def refusal(call: Callable[[], object]) -> LibraryRefusedError:
    with pytest.raises(LibraryRefusedError) as refused:
        call()
    return refused.value


def test_the_uspto_fetches_jps_document_through_the_ledger(ledgers: dict[str, PriorityLedger], peers: Peers,
                                                           tmp_path: Path) -> None:
    filing, document = shared(ledgers, peers, tmp_path)
    out = tmp_path / "received.pdf"
    fetched = ledgers["US"].fetch_document(filing.id, out)
    assert out.read_bytes() == document and fetched.read_bytes() == document
    assert fetched.retrieval.status.value == "SUCCESS" and fetched.retrieval.received_sha256 == sha256(document)
    assert not part_path(out).exists()
    peers.settle()
    log = list(ledgers["JP"].iter_retrievals(filing.id))
    assert [(r.requesting_office, r.status.value) for r in log] == [("US", "SUCCESS")]


async def test_the_asyncio_api_fetches_too(ledgers: dict[str, PriorityLedger], peers: Peers, tmp_path: Path,
                                           async_ledger: Callable[[str], AbstractAsyncContextManager[
                                               AsyncPriorityLedger]]) -> None:
    filing, document = shared(ledgers, peers, tmp_path)
    async with async_ledger("US") as us:
        fetched = await us.fetch_document(filing.id, tmp_path / "received.pdf")
    assert fetched.read_bytes() == document and fetched.retrieval.status.value == "SUCCESS"


def test_a_second_fetch_needs_a_new_retrieval(ledgers: dict[str, PriorityLedger], peers: Peers, tmp_path: Path,
                                              jp_library_as: Callable[[str], LibraryClient]) -> None:
    filing, document = shared(ledgers, peers, tmp_path)
    first = ledgers["US"].fetch_document(filing.id, tmp_path / "first.pdf")
    peers.settle()
    again = refusal(lambda: jp_library_as("US").download(filing.id, 1, first.retrieval.id, tmp_path / "again.part",
                                                         sha256(document), retry_window=1))
    assert (again.reason, again.status) == ("NO_PENDING_RETRIEVAL", 403)
    with pytest.raises(InvalidTransitionError, match="request a new retrieval"):
        ledgers["US"].fetch_document(filing.id, tmp_path / "again.pdf", retrieval_id=first.retrieval.id)
    second = ledgers["US"].fetch_document(filing.id, tmp_path / "second.pdf")  # a new retrieval: served
    assert second.read_bytes() == document and second.retrieval.id != first.retrieval.id


def test_another_offices_certificate_gets_nothing(ledgers: dict[str, PriorityLedger], peers: Peers, tmp_path: Path,
                                                  jp_library_as: Callable[[str], LibraryClient]) -> None:
    filing, document = shared(ledgers, peers, tmp_path)
    retrieval_id = requested(ledgers, peers, filing)
    for office in ("KR", "EP"):  # members, but the retrieval is the USPTO's
        refused = refusal(lambda: jp_library_as(office).download(filing.id, 1, retrieval_id, tmp_path / "kr.part",
                                                                 sha256(document), retry_window=1))
        assert refused.reason == "NO_PENDING_RETRIEVAL"
    assert not (tmp_path / "kr.part").exists() or (tmp_path / "kr.part").stat().st_size == 0


def _outsider_credentials(tmp_path: Path) -> LibraryCredentials:
    """A certificate from a CA that is not in the channel, claiming to be a USPTO user."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "us.ipledger.test"),
                      x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "client"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "User1@us.ipledger.test")])
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    return LibraryCredentials(cert.public_bytes(serialization.Encoding.PEM),
                              key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption()))


def test_a_certificate_from_outside_the_channel_is_refused(network: Context, ledgers: dict[str, PriorityLedger],
                                                           peers: Peers, tmp_path: Path) -> None:
    filing, document = shared(ledgers, peers, tmp_path)
    retrieval_id = requested(ledgers, peers, filing)
    profile = ConnectionProfile.load(network.plan.profiles_dir / "US.json")
    outsider = LibraryClient(profile.libraries["JP"], _outsider_credentials(tmp_path))
    refused = refusal(lambda: outsider.download(filing.id, 1, retrieval_id, tmp_path / "x.part", sha256(document),
                                                retry_window=1))
    assert (refused.reason, refused.status) == ("UNKNOWN_CERTIFICATE", 403)


def test_no_client_certificate_no_document(network: Context, jp_library_as: Callable[[str], LibraryClient]) -> None:
    import http.client
    import ssl

    endpoint = ConnectionProfile.load(network.plan.profiles_dir / "US.json").libraries["JP"]
    context = ssl.create_default_context(cadata=endpoint.tls_root_cert().decode())
    connection = http.client.HTTPSConnection("127.0.0.1", int(endpoint.url.rsplit(":", 1)[1]), context=context)
    connection.connect = _connect_as(connection, context, endpoint.server_name or "")  # type: ignore[method-assign]
    connection.request("GET", LibraryClient.document_target("JP:PATENT:2024012345", 1, "JP:PATENT:2024012345:20250317T091244Z_9f3c"))
    response = connection.getresponse()
    assert response.status == 401 and json.loads(response.read())["code"] == "CERTIFICATE_REQUIRED"
    connection.request("GET", "/healthz")  # health needs no certificate
    assert connection.getresponse().status == 200


def _connect_as(connection: object, context: object, server_name: str) -> Callable[[], None]:
    import socket

    def connect() -> None:
        sock = socket.create_connection((connection.host, connection.port))  # type: ignore[attr-defined]
        connection.sock = context.wrap_socket(sock, server_hostname=server_name)  # type: ignore[attr-defined]
    return connect


def test_a_revoked_grant_stops_delivery_and_is_recorded(ledgers: dict[str, PriorityLedger], peers: Peers,
                                                        tmp_path: Path) -> None:
    filing, _ = shared(ledgers, peers, tmp_path)
    retrieval_id = requested(ledgers, peers, filing)
    retry_conflicts(lambda: ledgers["JP"].revoke_access(filing.id, "US", "applicant withdrew consent"))
    peers.settle()
    with pytest.raises(LibraryRefusedError) as refused:
        ledgers["US"].fetch_document(filing.id, tmp_path / "x.pdf", retrieval_id=retrieval_id)
    assert refused.value.reason == "NO_GRANT"
    failed = ledgers["US"].get_retrieval(retrieval_id)
    assert (failed.status.value, failed.error_code) == ("ERROR", "DELIVERY_FAILED")
    assert not (tmp_path / "x.pdf").exists()


def test_a_withdrawn_filing_is_not_delivered(ledgers: dict[str, PriorityLedger], peers: Peers,
                                             tmp_path: Path) -> None:
    filing, _ = shared(ledgers, peers, tmp_path)
    retrieval_id = requested(ledgers, peers, filing)
    retry_conflicts(lambda: ledgers["JP"].withdraw_first_filing(filing.id, "application withdrawn"))
    peers.settle()
    with pytest.raises(LibraryRefusedError) as refused:
        ledgers["US"].fetch_document(filing.id, tmp_path / "x.pdf", retrieval_id=retrieval_id)
    assert (refused.value.reason, refused.value.status) == ("FILING_WITHDRAWN", 410)


def test_every_version_a_retrieval_names_stays_retrievable(ledgers: dict[str, PriorityLedger], peers: Peers,
                                                           tmp_path: Path,
                                                           jp_library_as: Callable[[str], LibraryClient]) -> None:
    filing, original = shared(ledgers, peers, tmp_path)
    before = requested(ledgers, peers, filing)  # names version 1
    corrected = b"%PDF-1.7 corrected " + secrets.token_bytes(64)
    (tmp_path / "corrected.pdf").write_bytes(corrected)
    digest = ledgers["JP"].store_document(tmp_path / "corrected.pdf")
    retry_conflicts(lambda: ledgers["JP"].correct_first_filing(filing.id, reason="missing drawing sheet",
                                                               document_sha256=digest))
    peers.settle()
    wrong = refusal(lambda: jp_library_as("US").download(filing.id, 2, before, tmp_path / "v.part",
                                                         sha256(original), retry_window=1))
    assert (wrong.reason, wrong.status) == ("VERSION_MISMATCH", 409)
    old = ledgers["US"].fetch_document(filing.id, tmp_path / "v1.pdf", retrieval_id=before)
    new = ledgers["US"].fetch_document(filing.id, tmp_path / "v2.pdf")
    assert (old.read_bytes(), old.retrieval.document_version) == (original, 1)
    assert (new.read_bytes(), new.retrieval.document_version) == (corrected, 2)


def _library_volume(network: Context, office: str) -> Path:
    """The host directory behind an office's library volume (the tests run as root beside the engine)."""
    engine = network.need_engine(install=False)
    mounts = engine.client.containers.get(network.plan.office(office).library.host).attrs["Mounts"]
    return Path(next(m["Source"] for m in mounts if m["Destination"] == "/var/ipledger/library"))


def test_a_tampered_blob_is_detected_and_recorded(network: Context, ledgers: dict[str, PriorityLedger],
                                                  peers: Peers, tmp_path: Path) -> None:
    filing, document = shared(ledgers, peers, tmp_path)
    digest = sha256(document)
    blob = _library_volume(network, "JP") / "blobs" / digest[:2] / digest
    blob.write_bytes(document.replace(b"%PDF", b"%PDX", 1))  # bit rot or an intruder on the owner's disk
    out = tmp_path / "received.pdf"
    with pytest.raises(HashMismatchError) as mismatch:
        ledgers["US"].fetch_document(filing.id, out)
    assert mismatch.value.retrieval is not None and mismatch.value.retrieval.error_code == "HASH_MISMATCH"
    assert not out.exists() and not part_path(out).exists()


@contextmanager
def _stopped_midway(network: Context, office: str, after: int) -> Iterator[Callable[[int, int | None], None]]:
    """A progress callback that stops the office's library once ``after`` bytes arrived, and starts it again."""
    engine = network.need_engine(install=False)
    name = network.plan.office(office).library.host
    restarted = threading.Event()
    threads: list[threading.Thread] = []

    def progress(done: int, total: int | None) -> None:
        if done >= after and not threads:
            engine.client.containers.get(name).stop(timeout=1)

            def start_again() -> None:
                engine.client.containers.get(name).start()
                restarted.set()
            threads.append(threading.Thread(target=start_again))
            threads[0].start()

    try:
        yield progress
    finally:
        for thread in threads:
            thread.join()
        if not restarted.is_set():
            engine.client.containers.get(name).start()


def test_a_library_stopped_mid_transfer_resumes_after_restart(network: Context, ledgers: dict[str, PriorityLedger],
                                                              peers: Peers, tmp_path: Path) -> None:
    filing, document = shared(ledgers, peers, tmp_path, size=48 * MiB)
    out = tmp_path / "received.pdf"
    with _stopped_midway(network, "JP", after=8 * MiB) as progress:
        fetched = ledgers["US"].fetch_document(filing.id, out, progress=progress)
    assert fetched.attempts >= 2 and fetched.resumed_from and fetched.resumed_from[0] >= 8 * MiB
    assert out.read_bytes() == document and fetched.retrieval.status.value == "SUCCESS"


@contextmanager
def _small_disk(tmp_path: Path, size: str) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_records_nothing_and_resumes_later(ledgers: dict[str, PriorityLedger], peers: Peers,
                                                       tmp_path: Path) -> None:
    filing, document = shared(ledgers, peers, tmp_path, size=3 * MiB)
    with _small_disk(tmp_path, "1m") as disk:
        out = disk / "received.pdf"
        with pytest.raises(LocalStorageError, match="no space left"):
            ledgers["US"].fetch_document(filing.id, out)
        pending = [r for r in ledgers["US"].iter_retrievals(filing.id)]
        assert [r.status.value for r in pending] == ["PENDING"]  # nothing acknowledged, nothing failed
        kept = part_path(out).stat().st_size
        assert 0 < kept < len(document)
        subprocess.run(["mount", "-o", "remount,size=8m", str(disk)], check=True)  # space was freed
        resumed = ledgers["US"].fetch_document(filing.id, out, retrieval_id=pending[0].id)
        assert out.read_bytes() == document and resumed.retrieval.status.value == "SUCCESS"
        assert resumed.resumed_from and resumed.resumed_from[0] >= kept - MiB  # continued, not restarted


@pytest.mark.parametrize(("method", "target", "status", "code"), [
    ("GET", "/filings/..%2F..%2Fetc%2Fpasswd/versions/1/document?retrieval=x", 400, "BAD_REQUEST"),
    ("GET", "/filings/JP:PATENT:1/versions/1/../../../etc/passwd", 400, "BAD_REQUEST"),
    ("HEAD", "/documents/..%2F..%2Fblobs", 400, "BAD_REQUEST"),
    ("GET", "/documents/" + "a" * 64, 405, "METHOD_NOT_ALLOWED"),
    ("GET", "/filings/" + "J" * 2000 + "/versions/1/document?retrieval=x", 414, "REQUEST_TOO_LARGE"),
    ("GET", "/filings/JP:PATENT:1/versions/99999999999999999999/document?retrieval=x", 400, "BAD_REQUEST"),
])
def test_malformed_requests_are_refused(jp_library_as: Callable[[str], LibraryClient], method: str, target: str,
                                        status: int, code: str) -> None:
    got, _, body = jp_library_as("US").request(method, target)
    assert got == status
    if method != "HEAD":
        assert json.loads(body)["code"] == code


def test_oversized_uploads_and_headers_are_refused(jp_library_as: Callable[[str], LibraryClient]) -> None:
    own = jp_library_as("JP")
    digest = "ab" * 32
    status, _, body = own.request("PUT", f"/documents/{digest}", headers={"Content-Length": str(8 << 30)})
    assert (status, json.loads(body)["code"]) == (413, "DOCUMENT_TOO_LARGE")
    assert own.stored_size(digest) is None
    status, _, _ = own.request("GET", "/healthz", headers={"X-Filler": "x" * (64 << 10)})
    assert status == 431


def test_only_the_owner_stores_in_its_library(jp_library_as: Callable[[str], LibraryClient], tmp_path: Path) -> None:
    path = tmp_path / "foreign.pdf"
    path.write_bytes(b"%PDF-1.7 not JP's")
    refused = refusal(lambda: jp_library_as("US").store(path))
    assert refused.reason == "NOT_OWN_OFFICE"
    assert jp_library_as("JP").stored_size(sha256(b"%PDF-1.7 not JP's")) is None
