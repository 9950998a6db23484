"""A small Fabric CA client: cainfo, enroll, re-enroll, register, revoke.

Standard library HTTP only.  Authenticated calls use the CA's current token
format (fabric-ca ``util.GenECDSAToken``, mandatory since CA v1.5.14)::

    signed   = METHOD "." b64(URI) "." b64(body) "." b64(certificate PEM)
    header   = "Authorization: " b64(certificate PEM) "." b64(ECDSA-SHA256(signed))

The body in the token must be the exact bytes sent, so every body is
serialised once and those bytes are both signed and transmitted.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ipledger._https import NamedHTTPSConnection

from ipledger import errors
from ipledger.errors import ConfigurationError

from .errors import CAError
from .connection_profile import CAEndpoint
from .signing import Signer
from .wallet import FileWallet, WalletEntry

__all__ = [
    "CAClient",
    "CACredentials",
    "CAInfo",
    "Enrollment",
    "RegistrationAttribute",
    "Revocation",
    "auth_token",
    "build_csr",
]

_API = "/api/v1/"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True)
class CACredentials:
    """A CA-enrolled identity that signs authenticated requests."""

    certificate: bytes
    signer: Signer = field(repr=False)

    @classmethod
    def of(cls, who: CACredentials | WalletEntry) -> CACredentials:
        if isinstance(who, CACredentials):
            return who
        return cls(who.certificate, who.signer())


def auth_token(method: str, uri: str, body: bytes, certificate: bytes, signer: Signer) -> str:
    """The ``Authorization`` header value for one request.

    ``uri`` is the request target exactly as sent (path and query).  The
    signer gets the SHA-256 digest, which is what the CA verifies against,
    and must return a low-S DER signature (PrivateKeySigner does).
    """
    signed = ".".join([method.upper(), _b64(uri.encode("utf-8")), _b64(body), _b64(certificate)])
    signature = signer(hashlib.sha256(signed.encode("ascii")).digest())
    return f"{_b64(certificate)}.{_b64(signature)}"


def build_csr(
    enrollment_id: str, private_key: ec.EllipticCurvePrivateKey | None = None, hosts: Sequence[str] = ()
) -> tuple[bytes, ec.EllipticCurvePrivateKey]:
    """A PEM CSR with CN = enrollment id (the CA insists) and a P-256 key."""
    key = private_key or ec.generate_private_key(ec.SECP256R1())
    builder = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, enrollment_id)])
    )
    if hosts:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(host) for host in hosts]), critical=False
        )
    csr = builder.sign(key, hashes.SHA256())
    return csr.public_bytes(serialization.Encoding.PEM), key


@dataclass(frozen=True)
class Enrollment:
    """A fresh certificate, its private key (PKCS#8 PEM) and the CA chain."""

    certificate: bytes
    private_key: bytes = field(repr=False)
    ca_chain: bytes

    def wallet_entry(self, msp_id: str) -> WalletEntry:
        return WalletEntry(msp_id, self.certificate, self.private_key)

    def store(self, wallet: FileWallet, label: str, msp_id: str) -> WalletEntry:
        """Save into a file wallet under ``label``; returns the stored entry."""
        entry = self.wallet_entry(msp_id)
        wallet.put(label, entry)
        return entry


@dataclass(frozen=True)
class CAInfo:
    ca_name: str
    ca_chain: bytes
    version: str


@dataclass(frozen=True)
class RegistrationAttribute:
    """An attribute for a new identity; ``ecert`` puts it in enrollment certificates."""

    name: str
    value: str
    ecert: bool = False


@dataclass(frozen=True)
class Revocation:
    """What the CA revoked: (serial, AKI) pairs in hex, and a CRL if asked for."""

    revoked: tuple[tuple[str, str], ...]
    crl: bytes | None


class CAClient:
    """Talks to one Fabric CA server (``https://host:port``; ``http://`` for test CAs)."""

    def __init__(
        self,
        url: str,
        *,
        tls_root_cert: bytes | None = None,
        ca_name: str | None = None,
        server_name: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ConfigurationError(f"invalid Fabric CA URL {url!r}")
        if parts.scheme == "https" and not tls_root_cert:
            raise ConfigurationError("an https Fabric CA URL needs tls_root_cert (the CA's TLS root, PEM)")
        self.url = url
        self.ca_name = ca_name
        self._scheme = parts.scheme
        self._host = parts.hostname
        self._port = parts.port
        self._base = parts.path.rstrip("/")
        self._server_name = server_name or parts.hostname
        self._timeout = timeout
        self._ssl_context: ssl.SSLContext | None = None
        if tls_root_cert:
            self._ssl_context = ssl.create_default_context(cadata=tls_root_cert.decode("ascii"))

    @classmethod
    def from_profile(cls, ca: CAEndpoint, *, timeout: float = 30.0) -> CAClient:
        return cls(ca.url, tls_root_cert=ca.tls_root_cert(), ca_name=ca.name,
                   server_name=ca.server_name, timeout=timeout)

    # -- transport ---------------------------------------------------------

    def _connection(self) -> http.client.HTTPConnection:
        if self._scheme == "http":
            return http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
        assert self._ssl_context is not None
        return NamedHTTPSConnection(self._host, self._port, ssl_context=self._ssl_context,
                                server_name=self._server_name, timeout=self._timeout)

    def _call(self, method: str, endpoint: str, body: bytes, headers: Mapping[str, str]) -> Any:
        connection = self._connection()
        try:
            connection.request(method, self._base + _API + endpoint, body=body or None, headers=dict(headers))
            response = connection.getresponse()
            status, raw = response.status, response.read()
        except (OSError, http.client.HTTPException) as error:
            raise errors.ConnectionError(f"cannot reach Fabric CA at {self.url}: {error}") from error
        finally:
            connection.close()
        try:
            document = json.loads(raw)
        except ValueError:
            raise CAError(f"Fabric CA {endpoint} returned non-JSON", http_status=status) from None
        if not isinstance(document, dict):
            raise CAError(f"Fabric CA {endpoint} returned an unexpected answer", http_status=status)
        if status >= 400 or not document.get("success", False):
            problems = [(int(e.get("code", 0)), str(e.get("message", ""))) for e in document.get("errors") or []]
            raise CAError(f"Fabric CA {endpoint} failed", http_status=status, errors=problems)
        return document.get("result")

    def _body(self, fields: Mapping[str, Any]) -> bytes:
        document = {key: value for key, value in fields.items() if value is not None}
        if self.ca_name:
            document["caname"] = self.ca_name
        return json.dumps(document, separators=(",", ":")).encode("utf-8")

    def _authenticated(self, endpoint: str, fields: Mapping[str, Any],
                       who: CACredentials | WalletEntry) -> Any:
        credentials = CACredentials.of(who)
        body = self._body(fields)
        token = auth_token("POST", self._base + _API + endpoint, body, credentials.certificate, credentials.signer)
        return self._call("POST", endpoint, body, {"Content-Type": "application/json", "Authorization": token})

    # -- API -----------------------------------------------------------------

    def cainfo(self) -> CAInfo:
        result = self._call("POST", "cainfo", self._body({}), {"Content-Type": "application/json"})
        return CAInfo(
            ca_name=str(result.get("CAName", "")),
            ca_chain=base64.b64decode(result.get("CAChain", "")),
            version=str(result.get("Version", "")),
        )

    def _enrollment(self, result: Any, key: ec.EllipticCurvePrivateKey) -> Enrollment:
        try:
            certificate = base64.b64decode(result["Cert"])
            chain = base64.b64decode((result.get("ServerInfo") or {}).get("CAChain", ""))
        except (KeyError, TypeError, ValueError) as error:
            raise CAError(f"Fabric CA returned no usable certificate: {error}") from error
        private_key = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return Enrollment(certificate=certificate, private_key=private_key, ca_chain=chain)

    def enroll(
        self,
        enrollment_id: str,
        secret: str,
        *,
        attributes: Sequence[tuple[str, bool]] = (),
        profile: str | None = None,
        hosts: Sequence[str] = (),
    ) -> Enrollment:
        """Get a certificate for a registered identity (HTTP Basic with its secret).

        ``attributes`` are (name, optional) attribute requests to embed.
        """
        csr, key = build_csr(enrollment_id, hosts=hosts)
        body = self._body({
            "certificate_request": csr.decode("ascii"),
            "profile": profile,
            "attr_reqs": [{"name": n, "optional": o} for n, o in attributes] or None,
        })
        basic = _b64(f"{enrollment_id}:{secret}".encode("utf-8"))
        result = self._call("POST", "enroll", body,
                            {"Content-Type": "application/json", "Authorization": f"Basic {basic}"})
        return self._enrollment(result, key)

    def reenroll(self, current: CACredentials | WalletEntry, *, hosts: Sequence[str] = ()) -> Enrollment:
        """Renew a certificate with a new key, authenticated by the current one."""
        credentials = CACredentials.of(current)
        common_name = x509.load_pem_x509_certificate(credentials.certificate).subject.get_attributes_for_oid(
            NameOID.COMMON_NAME
        )
        if not common_name:
            raise ConfigurationError("the current certificate has no common name to re-enroll")
        csr, key = build_csr(str(common_name[0].value), hosts=hosts)
        result = self._authenticated("reenroll", {"certificate_request": csr.decode("ascii")}, credentials)
        return self._enrollment(result, key)

    def register(
        self,
        registrar: CACredentials | WalletEntry,
        enrollment_id: str,
        *,
        secret: str | None = None,
        type: str = "client",
        affiliation: str = "",
        max_enrollments: int | None = None,
        attributes: Sequence[RegistrationAttribute] = (),
    ) -> str:
        """Register a new identity; returns its enrollment secret."""
        result = self._authenticated("register", {
            "id": enrollment_id,
            "type": type,
            "secret": secret,
            "affiliation": affiliation,
            "max_enrollments": max_enrollments,
            "attrs": [{"name": a.name, "value": a.value, "ecert": a.ecert} for a in attributes] or None,
        }, registrar)
        if not isinstance(result, dict) or not isinstance(result.get("secret"), str):
            raise CAError("Fabric CA register answered without a secret")
        return str(result["secret"])

    def revoke(
        self,
        registrar: CACredentials | WalletEntry,
        *,
        enrollment_id: str | None = None,
        serial: str | None = None,
        aki: str | None = None,
        reason: str | None = None,
        gencrl: bool = False,
    ) -> Revocation:
        """Revoke an identity (all its certificates) or one certificate (serial + AKI, hex)."""
        if not enrollment_id and not (serial and aki):
            raise ConfigurationError("revoke needs an enrollment id, or both serial and aki")
        result = self._authenticated("revoke", {
            "id": enrollment_id,
            "serial": serial,
            "aki": aki,
            "reason": reason,
            "gencrl": gencrl or None,
        }, registrar) or {}
        revoked = tuple((str(c.get("Serial", "")), str(c.get("AKI", ""))) for c in result.get("RevokedCerts") or [])
        crl = base64.b64decode(result["CRL"]) if result.get("CRL") else None
        return Revocation(revoked=revoked, crl=crl)
