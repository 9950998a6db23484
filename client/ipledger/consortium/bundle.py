"""An office bundle: the public part of an office that it sends to the others, and nothing else.

An office creates its keys in its own directory (:mod:`ipledger.consortium.office`) and exports a bundle: its MSP
roots (signing CA, TLS CA), its orderer's identity and TLS certificates (what a BFT consenter is known by), and
its nodes' endpoints. The channel's genesis block, the configuration update that adds an office and every other
office's trust in its TLS roots are built from bundles only, so whoever assembles them never holds another
office's key. Loading a bundle checks that it is what it says: certificates that parse and chain to the office's
roots, and no private key anywhere in it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec

from ipledger._files import write_atomically
from ipledger.consortium.plan import Addressed
from ipledger.errors import IpledgerError

FORMAT = "ipledger/office-bundle@1"


class BundleError(IpledgerError):
    """A bundle is malformed, inconsistent, or carries something that must never leave an office."""

    code = "BUNDLE_INVALID"


@dataclass(frozen=True)
class Endpoint(Addressed):
    host: str
    port: int


@dataclass(frozen=True)
class OfficeBundle:
    office: str
    msp_id: str
    name: str
    domain: str
    root_cert: str  # the office's signing CA (its MSP root), PEM
    tls_root_cert: str  # the office's TLS CA, PEM
    orderer: Endpoint
    orderer_identity: str  # the orderer's signing certificate: its identity as a BFT consenter, PEM
    orderer_tls_cert: str  # the orderer's TLS certificate (server and cluster client), PEM
    peers: tuple[Endpoint, ...]  # the first is the office's anchor peer
    library: Endpoint

    @property
    def anchor_peer(self) -> Endpoint:
        return self.peers[0]

    @property
    def slug(self) -> str:
        return self.office.lower()

    def to_json(self) -> dict[str, Any]:
        raw = asdict(self)
        raw["peers"] = list(raw["peers"])  # JSON's shape, so a bundle read back compares equal
        return {"format": FORMAT, **{_camel(k): v for k, v in raw.items()}}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, sort_keys=True) + "\n"

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the bundle's canonical form: what offices compare out of band before they sign it in."""
        return hashlib.sha256(json.dumps(self.to_json(), sort_keys=True, separators=(",", ":")).encode()).hexdigest()

    def write(self, path: Path) -> Path:
        write_atomically(path, self.dumps().encode(), private=False)
        return path


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _endpoint(raw: Any, where: str) -> Endpoint:
    if not isinstance(raw, dict) or not isinstance(raw.get("host"), str) or not isinstance(raw.get("port"), int):
        raise BundleError(f"{where} must be {{host: <name>, port: <number>}}, got {raw!r}")
    if not 0 < raw["port"] < 65536:
        raise BundleError(f"{where}: port {raw['port']} is out of range")
    return Endpoint(host=raw["host"], port=raw["port"])


def _cert(pem: Any, where: str) -> x509.Certificate:
    if not isinstance(pem, str):
        raise BundleError(f"{where} must be a PEM certificate")
    try:
        return x509.load_pem_x509_certificate(pem.encode())
    except ValueError as exc:
        raise BundleError(f"{where} is not a PEM certificate: {exc}") from None


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate, where: str) -> None:
    key = issuer.public_key()
    if cert.issuer != issuer.subject or not isinstance(key, ec.EllipticCurvePublicKey):
        raise BundleError(f"{where} was not issued by the office's own CA ({issuer.subject.rfc4514_string()})")
    hash_algorithm = cert.signature_hash_algorithm
    assert hash_algorithm is not None
    try:
        key.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(hash_algorithm))
    except InvalidSignature:
        raise BundleError(f"{where}: signature does not verify against the office's own CA") from None


def parse_bundle(raw: Any, source: str = "<bundle>") -> OfficeBundle:
    """A validated bundle from its JSON document, or :class:`BundleError` naming the first problem."""
    if not isinstance(raw, dict):
        raise BundleError(f"{source}: a bundle is a JSON object")
    if "PRIVATE KEY" in json.dumps(raw):
        raise BundleError(f"{source}: carries a private key - a bundle holds public certificates only; "
                          "the key must stay in the office's own directory")
    if raw.get("format") != FORMAT:
        raise BundleError(f"{source}: format {raw.get('format')!r} is not {FORMAT!r}")
    fields = ("office", "mspId", "name", "domain")
    missing = [f for f in (*fields, "rootCert", "tlsRootCert", "orderer", "ordererIdentity", "ordererTlsCert",
                           "peers", "library") if f not in raw]
    if missing:
        raise BundleError(f"{source}: missing {', '.join(missing)}")
    for f in fields:
        if not isinstance(raw[f], str) or not raw[f]:
            raise BundleError(f"{source}: {f} must be a non-empty string")
    root = _cert(raw["rootCert"], f"{source}: rootCert")
    tls_root = _cert(raw["tlsRootCert"], f"{source}: tlsRootCert")
    _issued_by(_cert(raw["ordererIdentity"], f"{source}: ordererIdentity"), root, f"{source}: ordererIdentity")
    _issued_by(_cert(raw["ordererTlsCert"], f"{source}: ordererTlsCert"), tls_root, f"{source}: ordererTlsCert")
    peers = raw["peers"]
    if not isinstance(peers, list) or not peers:
        raise BundleError(f"{source}: peers must list at least the anchor peer")
    return OfficeBundle(
        office=raw["office"], msp_id=raw["mspId"], name=raw["name"], domain=raw["domain"],
        root_cert=raw["rootCert"], tls_root_cert=raw["tlsRootCert"],
        orderer=_endpoint(raw["orderer"], f"{source}: orderer"),
        orderer_identity=raw["ordererIdentity"], orderer_tls_cert=raw["ordererTlsCert"],
        peers=tuple(_endpoint(p, f"{source}: peers[{i}]") for i, p in enumerate(peers)),
        library=_endpoint(raw["library"], f"{source}: library"),
    )


def load_bundle(path: Path) -> OfficeBundle:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BundleError(f"{path}: no such bundle file") from None
    except json.JSONDecodeError as exc:
        raise BundleError(f"{path}: not JSON ({exc})") from None
    return parse_bundle(raw, str(path))
