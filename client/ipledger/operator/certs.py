"""Every certificate an office holds, with its expiry: ``ipledger network certs``.

The inventory reads the office's own directory (CA roots, node, user, library and server certificates) and
the enrolled identities of its wallet; nothing is asked of the network. A certificate is ``warn`` inside the
warning window and ``expired`` after its notAfter, which makes ``certs`` exit non-zero.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from cryptography import x509

from ipledger.consortium.plan import ConsortiumPlan, OfficePlan
from ipledger.operator.errors import OperatorError

DEFAULT_WARN_DAYS = 30


class Expiry(str, Enum):
    OK = "ok"
    WARN = "warn"
    EXPIRED = "expired"


def classify(not_after: dt.datetime, now: dt.datetime, warn_days: int = DEFAULT_WARN_DAYS) -> Expiry:
    """``expired`` from notAfter on, ``warn`` when it expires within ``warn_days`` days, else ``ok``."""
    if not_after <= now:
        return Expiry.EXPIRED
    if not_after - now <= dt.timedelta(days=warn_days):
        return Expiry.WARN
    return Expiry.OK


def days_left(not_after: dt.datetime, now: dt.datetime) -> int:
    """Whole days until notAfter, rounded towards zero: negative once expired more than a day ago."""
    return int((not_after - now).total_seconds() / 86400)


@dataclass(frozen=True)
class CertificateSource:
    """Where a certificate lives and what it is for."""

    kind: str  # ca, tls-ca, admin-tls-ca, node-signing, node-tls, user-signing, user-tls, ...
    owner: str  # node, user or CA name
    path: Path
    wallet_label: str | None = None  # set for wallet entries (the file is the wallet's JSON)


@dataclass(frozen=True)
class CertificateInfo:
    office: str
    kind: str
    owner: str
    path: str
    subject: str
    issuer: str
    serial: str  # hexadecimal, as openssl prints it
    not_before: dt.datetime
    not_after: dt.datetime
    days_left: int
    status: Expiry

    def as_dict(self) -> dict[str, object]:
        return {"office": self.office, "kind": self.kind, "owner": self.owner, "path": self.path,
                "subject": self.subject, "issuer": self.issuer, "serial": self.serial,
                "not_before": self.not_before.isoformat(), "not_after": self.not_after.isoformat(),
                "days_left": self.days_left, "status": self.status.value}


def serial_hex(cert: x509.Certificate) -> str:
    return format(cert.serial_number, "x")


def describe(office: str, source: CertificateSource, cert: x509.Certificate, now: dt.datetime,
             warn_days: int, root: Path | None = None) -> CertificateInfo:
    not_after = cert.not_valid_after_utc
    shown = source.path
    if root is not None and shown.is_relative_to(root):
        shown = shown.relative_to(root)
    path = f"{shown}#{source.wallet_label}" if source.wallet_label else str(shown)
    return CertificateInfo(office=office, kind=source.kind, owner=source.owner, path=path,
                           subject=cert.subject.rfc4514_string(), issuer=cert.issuer.rfc4514_string(),
                           serial=serial_hex(cert), not_before=cert.not_valid_before_utc, not_after=not_after,
                           days_left=days_left(not_after, now), status=classify(not_after, now, warn_days))


def office_sources(plan: ConsortiumPlan, office: OfficePlan) -> list[CertificateSource]:
    """Every certificate file of an office's directory, by role. Nodes and users are found on disk, so a
    peer added later (or a user placed there by hand) is listed too."""
    root = plan.crypto_dir(office)
    out = [
        CertificateSource("ca", f"ca.{office.domain}", root / "ca" / "ca-cert.pem"),
        CertificateSource("tls-ca", f"tlsca.{office.domain}", root / "tlsca" / "tlsca-cert.pem"),
        CertificateSource("admin-tls-ca", f"admin-tlsca.{office.domain}",
                          root / "admin-tlsca" / "admin-tlsca-cert.pem"),
    ]
    for group in ("orderers", "peers"):
        for node in _subdirs(root / group):
            out.append(CertificateSource("node-signing", node.name, node / "msp" / "signcerts" / "cert.pem"))
            out.append(CertificateSource("node-tls", node.name, node / "tls" / "server.crt"))
    for user in _subdirs(root / "users"):
        out.append(CertificateSource("user-signing", user.name, user / "msp" / "signcerts" / "cert.pem"))
        out.append(CertificateSource("user-tls", user.name, user / "tls" / "client.crt"))
        out.append(CertificateSource("user-admin-tls", user.name, user / "admin-tls" / "client.crt"))
    out += [
        CertificateSource("library-identity", office.library.host, root / "library" / "identity" / "cert.pem"),
        CertificateSource("library-tls", office.library.host, root / "library" / "tls" / "server.crt"),
        CertificateSource("ca-server-tls", office.ca.host, root / "ca-server" / "server.crt"),
        CertificateSource("chaincode-server-tls", f"cc.{office.domain}", root / "chaincode-server" / "server.crt"),
    ]
    wallet = plan.wallet_dir(office)
    out += [CertificateSource("wallet", entry.stem, entry, wallet_label=entry.stem)
            for entry in sorted(wallet.glob("*.id"))]
    return [source for source in out if source.path.is_file()]


def _subdirs(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.is_dir()) if directory.is_dir() else []


def load(source: CertificateSource) -> x509.Certificate:
    """The certificate of a source: a PEM file, or the ``credentials.certificate`` of a wallet entry."""
    data = source.path.read_bytes()
    if source.wallet_label is not None:
        try:
            data = str(json.loads(data)["credentials"]["certificate"]).encode()
        except (ValueError, KeyError, TypeError) as exc:
            raise OperatorError(f"{source.path}: not a wallet identity file ({exc})") from None
    try:
        return x509.load_pem_x509_certificate(data)
    except ValueError as exc:
        raise OperatorError(f"{source.path}: not a PEM certificate ({exc})") from None


def inventory(plan: ConsortiumPlan, offices: Iterable[OfficePlan], warn_days: int = DEFAULT_WARN_DAYS,
              now: dt.datetime | None = None) -> list[CertificateInfo]:
    """Every certificate of the given offices, in a stable order (office, then as :func:`office_sources`)."""
    if warn_days < 0:
        raise OperatorError(f"--warn-days must be 0 or more, not {warn_days}")
    at = now or dt.datetime.now(dt.timezone.utc)
    out = []
    for office in offices:
        if not plan.crypto_dir(office).is_dir():
            raise OperatorError(f"{office.code} has no crypto material in {plan.crypto_dir(office)}: "
                                "run `ipledger network generate` or `up` first")
        for source in office_sources(plan, office):
            out.append(describe(office.code, source, load(source), at, warn_days, plan.root))
    return out


def served_certificate(host: str, port: int, server_name: str | None = None, timeout: float = 5.0) -> x509.Certificate:
    """The certificate a TLS server presents (not verified: this reads what it serves, whoever issued it)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_alpn_protocols(["h2"])  # gRPC servers (the peers) insist on HTTP/2
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            with context.wrap_socket(sock, server_hostname=server_name or host) as tls:
                der = tls.getpeercert(binary_form=True)
    except OSError as exc:
        raise OperatorError(f"{host}:{port}: no TLS answer ({exc})") from None
    if der is None:
        raise OperatorError(f"{host}:{port} presented no certificate")
    return x509.load_der_x509_certificate(der)
