"""Hash algorithms applied to a message before it is handed to the signer."""

from __future__ import annotations

import enum
import hashlib

__all__ = ["Hash"]


class Hash(enum.Enum):
    """How the bytes to sign are turned into the digest given to the signer.

    ``NONE`` passes the whole message through; Ed25519 needs it because the
    peer verifies Ed25519 over the full message (Fabric v3 ``msp/identities.go``).
    ECDSA keys of any curve should keep ``SHA256``: the peer's MSP hashes with
    SHA-256 (or SHA3-256 for the SHA3 family) whatever the curve.
    """

    NONE = "none"
    SHA256 = "sha256"
    SHA384 = "sha384"
    SHA3_256 = "sha3_256"
    SHA3_384 = "sha3_384"

    def digest(self, message: bytes) -> bytes:
        """Hash ``message`` (or return it unchanged for ``NONE``)."""
        if self is Hash.NONE:
            return bytes(message)
        return _CONSTRUCTORS[self](message).digest()


# hashlib's named constructors skip hashlib.new's lookup by name: this runs three times per transaction.
_CONSTRUCTORS = {
    Hash.SHA256: hashlib.sha256,
    Hash.SHA384: hashlib.sha384,
    Hash.SHA3_256: hashlib.sha3_256,
    Hash.SHA3_384: hashlib.sha3_384,
}
