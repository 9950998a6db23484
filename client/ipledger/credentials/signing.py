"""Signers: callables that turn a digest into a signature Fabric accepts.

A :class:`Signer` is any ``digest -> signature`` callable, so an HSM, a remote
signing service or a test double plugs in without subclassing.
:class:`PrivateKeySigner` covers in-process ECDSA and Ed25519 keys.
"""

from __future__ import annotations

from typing import Protocol, Union, runtime_checkable

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import (
    Prehashed,
    decode_dss_signature,
    encode_dss_signature,
)

from ipledger.errors import ConfigurationError

from .hashing import Hash

__all__ = [
    "PrivateKey",
    "PrivateKeySigner",
    "Signer",
    "canonical_ecdsa_signature",
    "load_private_key",
]

PrivateKey = Union[ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey]

# Group orders (n) of the NIST curves, from FIPS 186-4 / SEC 2.  Low-S must be
# computed against the signing key's own curve: using P-256's n for a P-384
# key (as the Go HSM signer does) yields signatures peers reject.
_CURVE_ORDERS: dict[str, int] = {
    "secp256r1": int(
        "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16
    ),
    "secp384r1": int(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
        "C7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
        16,
    ),
    "secp521r1": int(
        "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
        "FA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409",
        16,
    ),
}

# cryptography signs a pre-computed digest only if told a hash of that size;
# for ECDSA the algorithm's identity does not matter, only the length.  Built
# once: a transaction signs three times.
_PREHASHED_ECDSA_BY_LENGTH: dict[int, ec.ECDSA] = {
    length: ec.ECDSA(Prehashed(algorithm))
    for length, algorithm in ((28, hashes.SHA224()), (32, hashes.SHA256()), (48, hashes.SHA384()),
                              (64, hashes.SHA512()))
}


@runtime_checkable
class Signer(Protocol):
    """Signs a digest; returns the signature bytes Fabric should verify.

    For ECDSA the result must be ASN.1 DER with a low S value
    (:func:`canonical_ecdsa_signature` helps HSM adapters get there).
    """

    def __call__(self, digest: bytes) -> bytes: ...


def canonical_ecdsa_signature(signature: bytes, curve_order: int) -> bytes:
    """Rewrite a DER ECDSA signature so that ``s <= n/2``.

    (r, s) and (r, n - s) both verify; Fabric accepts only the low one, to
    rule out signature malleability (bccsp ``Invalid S. Must be smaller than
    half the order``).
    """
    r, s = decode_dss_signature(signature)
    if s <= curve_order >> 1:
        return signature  # DER is canonical: re-encoding (r, s) would give these very bytes
    return encode_dss_signature(r, curve_order - s)


def load_private_key(pem: bytes, password: bytes | None = None) -> PrivateKey:
    """Load a PEM private key (PKCS#8, as Fabric CA and cryptogen write, or SEC1)."""
    try:
        key = serialization.load_pem_private_key(pem, password=password)
    except (ValueError, TypeError) as error:
        raise ConfigurationError(f"cannot load private key: {error}") from error
    if not isinstance(key, (ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey)):
        raise ConfigurationError(
            f"unsupported private key type {type(key).__name__}: Fabric needs ECDSA or Ed25519"
        )
    return key


class PrivateKeySigner:
    """A :class:`Signer` over an in-process ECDSA or Ed25519 private key."""

    def __init__(self, private_key: PrivateKey) -> None:
        if isinstance(private_key, ec.EllipticCurvePrivateKey):
            curve = private_key.curve.name
            if curve not in _CURVE_ORDERS:
                raise ConfigurationError(f"unsupported ECDSA curve {curve}")
            self._curve_order: int | None = _CURVE_ORDERS[curve]
        elif isinstance(private_key, ed25519.Ed25519PrivateKey):
            self._curve_order = None
        else:
            raise ConfigurationError(
                f"unsupported private key type {type(private_key).__name__}"
            )
        self._key = private_key

    @classmethod
    def from_pem(cls, pem: bytes, password: bytes | None = None) -> PrivateKeySigner:
        """Build a signer from a PEM private key."""
        return cls(load_private_key(pem, password))

    @property
    def private_key(self) -> PrivateKey:
        return self._key

    @property
    def preferred_hash(self) -> Hash:
        """The hash this key needs: ``NONE`` for Ed25519, ``SHA256`` for ECDSA."""
        return Hash.NONE if self._curve_order is None else Hash.SHA256

    def __call__(self, digest: bytes) -> bytes:
        key = self._key
        if isinstance(key, ed25519.Ed25519PrivateKey):
            return key.sign(digest)
        algorithm = _PREHASHED_ECDSA_BY_LENGTH.get(len(digest))
        if algorithm is None:
            raise ConfigurationError(
                f"cannot sign a {len(digest)}-byte digest with ECDSA: use a SHA-2 "
                "or SHA-3 hash (Hash.NONE is for Ed25519 keys)"
            )
        assert self._curve_order is not None
        signature = key.sign(digest, algorithm)
        return canonical_ecdsa_signature(signature, self._curve_order)

    def __repr__(self) -> str:
        key = self._key
        kind = "Ed25519" if isinstance(key, ed25519.Ed25519PrivateKey) else f"ECDSA {key.curve.name}"
        return f"PrivateKeySigner({kind})"
