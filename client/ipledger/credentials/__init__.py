"""Who acts on the ledger: identities, signers, wallets, connection profiles and the Fabric CA client.

The gateway (:mod:`ipledger.gateway`) takes an :class:`Identity` and a :class:`Signer`; this package makes them::

    profile = load_profile("JP")                      # network/generated/profiles/JP.json
    identity, signer = profile_user(profile, "User1")  # the profile's files first, then the office's wallet
    enrollment = CAClient.from_profile(profile.ca).enroll("user1", "secret")
    enrollment.store(profile.wallet(), "user1", profile.msp_id)

Errors: :class:`CAError` (``CA_REQUEST_FAILED``) when the Fabric CA refuses a request; files and settings that
are missing or malformed raise :class:`ipledger.errors.ConfigurationError`, an unreachable CA
:class:`ipledger.errors.ConnectionError`.
"""

from __future__ import annotations

from .ca import CAClient, CACredentials, CAInfo, Enrollment, RegistrationAttribute, Revocation
from .errors import CAError
from .hashing import Hash
from .identity import Identity, load_msp_directory, read_certificate_pem
from .connection_profile import (
    PROFILES_ENV,
    CAEndpoint,
    ConnectionProfile,
    LibraryEndpoint,
    PeerEndpoint,
    Registrar,
    UserCredentials,
    find_profiles_dir,
    load_profile,
    profile_client_tls,
    profile_path,
    profile_user,
)
from .signing import PrivateKeySigner, Signer, canonical_ecdsa_signature, load_private_key
from .wallet import FileWallet, WalletEntry

__all__ = [
    "CAClient",
    "CACredentials",
    "CAEndpoint",
    "CAError",
    "CAInfo",
    "ConnectionProfile",
    "Enrollment",
    "FileWallet",
    "Hash",
    "Identity",
    "LibraryEndpoint",
    "PROFILES_ENV",
    "PeerEndpoint",
    "PrivateKeySigner",
    "Registrar",
    "RegistrationAttribute",
    "Revocation",
    "Signer",
    "UserCredentials",
    "WalletEntry",
    "canonical_ecdsa_signature",
    "find_profiles_dir",
    "load_msp_directory",
    "load_private_key",
    "load_profile",
    "profile_client_tls",
    "profile_path",
    "profile_user",
    "read_certificate_pem",
]
