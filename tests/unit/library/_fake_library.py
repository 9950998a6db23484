"""A scriptable HTTPS server speaking the library's document protocol, for the client's transfer logic.

It requires a client certificate like the real library (network/tools/library), answers Range/If-Range
requests, and can break a transfer after a given number of bytes or refuse with a coded answer, so resume and
refusal handling are tested deterministically. The real library is tested in Go and in the live tests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass
class Pki:
    ca_pem: bytes
    server_cert: Path
    server_key: Path
    client_cert_pem: bytes
    client_key_pem: bytes
    ca_file: Path


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name, signer: ec.EllipticCurvePrivateKey,
          ca: bool, dns: str | None = None) -> x509.Certificate:
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(issuer)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if dns:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(dns)]), critical=False)
    return builder.sign(signer, hashes.SHA256())


def make_pki(directory: Path, server_name: str = "library.jp.test") -> Pki:
    pem = serialization.Encoding.PEM
    pkcs8 = serialization.PrivateFormat.PKCS8
    none = serialization.NoEncryption()
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("ca", ca_key, _name("ca"), ca_key, ca=True)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = _cert(server_name, server_key, ca.subject, ca_key, ca=False, dns=server_name)
    client_key = ec.generate_private_key(ec.SECP256R1())
    client = _cert("User1@us", client_key, ca.subject, ca_key, ca=False)
    (directory / "ca.pem").write_bytes(ca.public_bytes(pem))
    (directory / "server.pem").write_bytes(server.public_bytes(pem))
    (directory / "server.key").write_bytes(server_key.private_bytes(pem, pkcs8, none))
    return Pki(ca_pem=ca.public_bytes(pem), server_cert=directory / "server.pem", server_key=directory / "server.key",
               client_cert_pem=client.public_bytes(pem), client_key_pem=client_key.private_bytes(pem, pkcs8, none),
               ca_file=directory / "ca.pem")


@dataclass
class Script:
    """What the server does; tests change it between requests."""

    document: bytes = b""
    break_after: list[int] = field(default_factory=list)  # per GET: close after this many body bytes
    refuse: tuple[int, str] | None = None  # (status, code) for every document request
    unavailable: int = 0  # answer this many GETs with 503 first
    not_found: int = 0  # answer this many GETs with 404 RETRIEVAL_NOT_FOUND first (owner's peer behind)
    etag: str | None = None  # defaults to the document's SHA-256
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    stored: dict[str, bytes] = field(default_factory=dict)


class _Handler(BaseHTTPRequestHandler):
    server: "FakeLibrary"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _record(self) -> Script:
        script = self.server.script
        script.requests.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
        return script

    def _json(self, status: int, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        if "code" in body:
            self.send_header("X-Ipledger-Error", str(body["code"]))
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_HEAD(self) -> None:
        script = self._record()
        digest = self.path.rsplit("/", 1)[-1]
        if digest in script.stored:
            self.send_response(200)
            self.send_header("Content-Length", str(len(script.stored[digest])))
        elif self.server.script.refuse:
            self.send_response(self.server.script.refuse[0])
            self.send_header("X-Ipledger-Error", self.server.script.refuse[1])
            self.send_header("Content-Length", "0")
        else:
            self.send_response(404)
            self.send_header("X-Ipledger-Error", "DOCUMENT_MISSING")
            self.send_header("Content-Length", "0")
        self.end_headers()

    def do_PUT(self) -> None:
        script = self._record()
        data = self.rfile.read(int(self.headers["Content-Length"]))
        digest = self.path.rsplit("/", 1)[-1]
        if hashlib.sha256(data).hexdigest() != digest:
            self._json(422, {"code": "HASH_MISMATCH", "message": "the body does not hash to the URL's SHA-256"})
            return
        script.stored[digest] = data
        self._json(201, {"sha256": digest, "size": len(data)})

    def do_GET(self) -> None:
        script = self._record()
        if script.unavailable:
            script.unavailable -= 1
            self._json(503, {"code": "LEDGER_UNAVAILABLE", "message": "the peer did not answer"})
            return
        if script.not_found:
            script.not_found -= 1
            self._json(404, {"code": "RETRIEVAL_NOT_FOUND", "message": "no such retrieval on this peer"})
            return
        if script.refuse:
            self._json(script.refuse[0], {"code": script.refuse[1], "message": "refused by the script"})
            return
        document = script.document
        etag = f'"{script.etag or hashlib.sha256(document).hexdigest()}"'
        start = 0
        ranged = self.headers.get("Range")
        if ranged and self.headers.get("If-Range", etag) == etag:
            start = int(ranged.removeprefix("bytes=").split("-")[0])
        if start >= len(document) and ranged and self.headers.get("If-Range", etag) == etag:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{len(document)}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = document[start:]
        self.send_response(206 if start else 200)
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(document) - 1}/{len(document)}")
        self.end_headers()
        if script.break_after:
            cut = script.break_after.pop(0)
            self.wfile.write(body[:cut])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.wfile.write(body)


class FakeLibrary(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, pki: Pki) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(pki.ca_file))
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_cert_chain(pki.server_cert, pki.server_key)
        self.socket = context.wrap_socket(self.socket, server_side=True)
        self.script = Script()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> FakeLibrary:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
