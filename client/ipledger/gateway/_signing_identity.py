"""Identity + hash + optional signer: everything needed to sign a request."""

from __future__ import annotations

from ipledger.errors import ConfigurationError
from .errors import NoSignerError
from ipledger.credentials.hashing import Hash
from ipledger.credentials.identity import Identity
from ipledger.credentials.signing import PrivateKeySigner, Signer
from . import _builder

__all__ = ["SigningIdentity", "choose_hash"]


def choose_hash(signer: Signer | None, requested: Hash | None) -> Hash:
    """Pick the digest hash: the caller's choice, else what the key needs.

    An Ed25519 key with a real hash would produce signatures the peer cannot
    verify (it checks Ed25519 over the full message), so that pairing is
    refused up front instead of failing at endorsement.
    """
    preferred = signer.preferred_hash if isinstance(signer, PrivateKeySigner) else None
    if requested is None:
        return preferred or Hash.SHA256
    if preferred is Hash.NONE and requested is not Hash.NONE:
        raise ConfigurationError(
            f"Ed25519 keys must use Hash.NONE, not Hash.{requested.name}: "
            "the peer verifies Ed25519 over the whole message"
        )
    return requested


class SigningIdentity:
    """Signs on behalf of one identity; without a signer it refuses to sign."""

    def __init__(self, identity: Identity, signer: Signer | None, hash: Hash) -> None:
        self.identity = identity
        self.signer = signer
        self.hash = hash
        # Serialized once: every request embeds the same creator bytes.
        self.creator = _builder.serialize_identity(identity)

    def digest(self, message: bytes) -> bytes:
        return self.hash.digest(message)

    def sign(self, digest: bytes) -> bytes:
        if self.signer is None:
            raise NoSignerError(
                "no signer supplied: the gateway is in offline-signing mode; sign the "
                "object's .digest yourself and rebuild it with gateway.new_signed_*(bytes, signature)"
            )
        return self.signer(digest)
