"""Client identities: an MSP ID plus an X.509 certificate, and where to find them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ipledger.errors import ConfigurationError

from .signing import PrivateKeySigner, load_private_key

__all__ = [
    "Identity",
    "load_msp_directory",
    "read_certificate_pem",
]

StrPath = str | os.PathLike[str]


def read_certificate_pem(path: StrPath) -> bytes:
    """Read a PEM certificate file and check that it parses."""
    try:
        pem = Path(path).read_bytes()
    except OSError as error:
        raise ConfigurationError(f"cannot read certificate {path}: {error}") from error
    try:
        x509.load_pem_x509_certificate(pem)
    except ValueError as error:
        raise ConfigurationError(f"{path} is not a PEM certificate: {error}") from error
    return pem


@dataclass(frozen=True)
class Identity:
    """Who signs: the MSP ID of the organisation and the member's certificate PEM.

    Fabric puts exactly these two values into ``msp.SerializedIdentity`` (the
    *creator*), so the certificate bytes are kept as given, not re-encoded.
    """

    msp_id: str
    certificate: bytes

    @classmethod
    def from_certificate_file(cls, msp_id: str, path: StrPath) -> Identity:
        return cls(msp_id, read_certificate_pem(path))

    def x509_certificate(self) -> x509.Certificate:
        try:
            return x509.load_pem_x509_certificate(self.certificate)
        except ValueError as error:
            raise ConfigurationError(f"identity certificate is not valid PEM: {error}") from error


def _same_public_key(signer: PrivateKeySigner, certificate: x509.Certificate) -> bool:
    encoding = serialization.Encoding.DER
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    mine = signer.private_key.public_key().public_bytes(encoding, spki)
    return mine == certificate.public_key().public_bytes(encoding, spki)


def load_msp_directory(msp_id: str, directory: StrPath) -> tuple[Identity, PrivateKeySigner]:
    """Load an identity and its signer from an MSP folder.

    Uses the first certificate in ``signcerts/`` and the key in ``keystore/``
    that matches it; cryptogen calls the key ``priv_sk`` and Fabric CA names it
    after the key's SKI, so file names are not relied upon.
    """
    root = Path(directory)
    certs = sorted(p for p in (root / "signcerts").glob("*") if p.is_file())
    if not certs:
        raise ConfigurationError(f"no certificate in {root / 'signcerts'}")
    identity = Identity.from_certificate_file(msp_id, certs[0])
    certificate = identity.x509_certificate()
    keys = sorted(p for p in (root / "keystore").glob("*") if p.is_file())
    for key_path in keys:
        try:
            signer = PrivateKeySigner(load_private_key(key_path.read_bytes()))
        except (ConfigurationError, OSError):
            continue  # keystores may hold unrelated files; keep looking
        if _same_public_key(signer, certificate):
            return identity, signer
    raise ConfigurationError(
        f"no private key in {root / 'keystore'} matches the certificate {certs[0].name}"
    )
