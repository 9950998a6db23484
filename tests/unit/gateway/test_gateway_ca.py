"""Fabric CA client: token format, CSR, and a loopback HTTPS fake CA."""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from _gateway_fakes import key_pem, make_certificate
from ipledger.credentials import CAClient, CACredentials, CAError, FileWallet, PrivateKeySigner, RegistrationAttribute
from ipledger.errors import ConfigurationError, ConnectionError
from ipledger.credentials.ca import auth_token, build_csr

P256_ORDER = int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)


def test_token_bytes_for_a_fixed_request() -> None:
    seen: list[bytes] = []

    def signer(digest: bytes) -> bytes:
        seen.append(digest)
        return b"SIG"

    token = auth_token("post", "/api/v1/register", b'{"id":"u1"}', b"CERT", signer)

    signed = "POST.L2FwaS92MS9yZWdpc3Rlcg==.eyJpZCI6InUxIn0=.Q0VSVA=="
    assert seen == [hashlib.sha256(signed.encode()).digest()]
    assert token == "Q0VSVA==.U0lH"


def test_token_with_empty_body() -> None:
    seen: list[bytes] = []
    auth_token("GET", "/api/v1/cainfo?ca=ca-jp", b"", b"C", lambda d: seen.append(d) or b"s")
    expected = "GET." + base64.b64encode(b"/api/v1/cainfo?ca=ca-jp").decode() + "..Qw=="
    assert seen == [hashlib.sha256(expected.encode()).digest()]


def test_csr_has_common_name_and_p256_key() -> None:
    pem, key = build_csr("user1", hosts=("user1.jp.ipledger.test",))
    csr = x509.load_pem_x509_csr(pem)
    assert csr.is_signature_valid
    assert csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "user1"
    assert isinstance(key.curve, ec.SECP256R1)
    assert csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
        x509.DNSName) == ["user1.jp.ipledger.test"]


# --------------------------------------------------------------------------- fake CA


class FakeCA:
    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.cert = make_certificate("ca.jp.ipledger.test", self.key, ca=True, dns_names=("ca.jp.ipledger.test",))
        self.secrets = {"admin": "adminpw"}
        self.requests: list[tuple[str, dict[str, Any], str]] = []

    def issue(self, csr_pem: str) -> bytes:
        csr = x509.load_pem_x509_csr(csr_pem.encode())
        now = datetime.datetime.now(datetime.timezone.utc)
        issuer = x509.load_pem_x509_certificate(self.cert).subject
        certificate = (
            x509.CertificateBuilder().subject_name(csr.subject).issuer_name(issuer)
            .public_key(csr.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .sign(self.key, hashes.SHA256())
        )
        return certificate.public_bytes(Encoding.PEM)

    def verify_token(self, method: str, uri: str, body: bytes, header: str) -> str | None:
        """Server-side check, written from fabric-ca util.VerifyToken's description."""
        try:
            b64_cert, b64_sig = header.split(".")
            cert_pem = base64.b64decode(b64_cert)
            signature = base64.b64decode(b64_sig)
            signed = ".".join([method, base64.b64encode(uri.encode()).decode(),
                               base64.b64encode(body).decode(), b64_cert])
            certificate = x509.load_pem_x509_certificate(cert_pem)
            public_key = certificate.public_key()
            assert isinstance(public_key, ec.EllipticCurvePublicKey)
            if decode_dss_signature(signature)[1] > P256_ORDER // 2:
                return None  # bccsp rejects high-S
            public_key.verify(signature, hashlib.sha256(signed.encode()).digest(),
                              ec.ECDSA(Prehashed(hashes.SHA256())))
        except (ValueError, InvalidSignature, AssertionError):
            return None
        return str(certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)


def handler_for(ca: FakeCA) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def reply(self, status: int, document: dict[str, Any]) -> None:
            data = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def fail(self, status: int, code: int, message: str) -> None:
            self.reply(status, {"success": False, "result": None, "errors": [{"code": code, "message": message}],
                                "messages": []})

        def ok(self, result: dict[str, Any], status: int = 201) -> None:
            self.reply(status, {"success": True, "result": result, "errors": [], "messages": []})

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            document = json.loads(body or b"{}")
            auth = self.headers.get("Authorization", "")
            endpoint = self.path.rsplit("/", 1)[-1]
            ca.requests.append((endpoint, document, auth))
            chain = base64.b64encode(ca.cert).decode()
            if endpoint == "cainfo":
                self.ok({"CAName": "ca-jp", "CAChain": chain, "Version": "1.5.15"}, 200)
                return
            if endpoint == "enroll":
                user, _, secret = base64.b64decode(auth.removeprefix("Basic ")).decode().partition(":")
                if ca.secrets.get(user) != secret:
                    self.fail(401, 20, "Authentication failure")
                    return
                cert = ca.issue(document["certificate_request"])
                self.ok({"Cert": base64.b64encode(cert).decode(), "ServerInfo": {"CAName": "ca-jp", "CAChain": chain}})
                return
            caller = ca.verify_token("POST", self.path, body, auth)
            if caller is None:
                self.fail(401, 20, "Authentication failure")
            elif endpoint == "reenroll":
                cert = ca.issue(document["certificate_request"])
                self.ok({"Cert": base64.b64encode(cert).decode(), "ServerInfo": {"CAName": "ca-jp", "CAChain": chain}})
            elif endpoint == "register":
                secret = document.get("secret") or "generated-secret"
                ca.secrets[document["id"]] = secret
                self.ok({"secret": secret})
            elif endpoint == "revoke":
                self.ok({"RevokedCerts": [{"Serial": "1a2b", "AKI": "3c4d"}], "CRL": base64.b64encode(b"crl").decode()},
                        200)
            else:
                self.fail(404, 0, "no such endpoint")

    return Handler


@pytest.fixture
def fake_ca(tmp_path: Path) -> Iterator[tuple[FakeCA, CAClient]]:
    ca = FakeCA()
    tls_key_path, tls_cert_path = tmp_path / "tls.key", tmp_path / "tls.crt"
    tls_key_path.write_bytes(key_pem(ca.key))
    tls_cert_path.write_bytes(ca.cert)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(ca))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls_cert_path, tls_key_path)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client = CAClient(f"https://127.0.0.1:{server.server_address[1]}", tls_root_cert=ca.cert, ca_name="ca-jp",
                      server_name="ca.jp.ipledger.test", timeout=5)
    yield ca, client
    server.shutdown()
    server.server_close()


def test_enroll_register_reenroll_revoke_and_wallet(fake_ca: tuple[FakeCA, CAClient], tmp_path: Path) -> None:
    ca, client = fake_ca
    assert client.cainfo().ca_name == "ca-jp"
    assert client.cainfo().ca_chain == ca.cert

    admin = client.enroll("admin", "adminpw")
    assert admin.ca_chain == ca.cert
    certificate = x509.load_pem_x509_certificate(admin.certificate)
    assert certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "admin"
    wallet = FileWallet(tmp_path / "wallet")
    stored = admin.store(wallet, "admin", "JPMSP")
    assert wallet.get("admin") == stored

    secret = client.register(stored, "examiner1", affiliation="jp.examiners",
                             attributes=[RegistrationAttribute("role", "examiner", ecert=True)])
    assert secret == "generated-secret"
    endpoint, body, _ = ca.requests[-1]
    assert (endpoint, body["id"], body["type"], body["caname"]) == ("register", "examiner1", "client", "ca-jp")
    assert body["attrs"] == [{"name": "role", "value": "examiner", "ecert": True}]

    examiner = client.enroll("examiner1", secret)
    renewed = client.reenroll(CACredentials(examiner.certificate, PrivateKeySigner.from_pem(examiner.private_key)))
    assert renewed.private_key != examiner.private_key

    revocation = client.revoke(stored, enrollment_id="examiner1", reason="keycompromise", gencrl=True)
    assert revocation.revoked == (("1a2b", "3c4d"),) and revocation.crl == b"crl"


def test_enroll_with_a_wrong_secret_is_a_ca_error(fake_ca: tuple[FakeCA, CAClient]) -> None:
    _, client = fake_ca
    with pytest.raises(CAError) as info:
        client.enroll("admin", "wrong")
    assert info.value.http_status == 401 and info.value.errors == [(20, "Authentication failure")]


def test_token_signed_by_an_unknown_key_is_rejected(fake_ca: tuple[FakeCA, CAClient]) -> None:
    ca, client = fake_ca
    admin = client.enroll("admin", "adminpw")
    impostor = CACredentials(admin.certificate, PrivateKeySigner(ec.generate_private_key(ec.SECP256R1())))
    with pytest.raises(CAError, match="register failed"):
        client.register(impostor, "x")


def test_unreachable_ca_is_a_connection_error() -> None:
    client = CAClient("http://127.0.0.1:1", timeout=1)
    with pytest.raises(ConnectionError, match="cannot reach Fabric CA"):
        client.cainfo()


def test_https_needs_a_tls_root() -> None:
    with pytest.raises(ConfigurationError, match="tls_root_cert"):
        CAClient("https://127.0.0.1:7054")
    with pytest.raises(ConfigurationError, match="invalid"):
        CAClient("ftp://x")
