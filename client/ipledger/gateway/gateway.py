"""The entry point: a connection to one gateway peer, acting as one identity."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Generic

from ._context import ClientT, Context
from ._signing_identity import SigningIdentity, choose_hash
from .connection import FAILOVER_SERVER_NAME, failover_target
from .errors import ConfigurationError
from .hashing import Hash
from .identity import Identity
from .profile import ConnectionProfile
from .signing import PrivateKeySigner, Signer
from .timeouts import Timeouts

__all__ = ["profile_user"]


@dataclass(frozen=True)
class _Endpoint:
    """Everything ``connect()`` needs, as resolved from a connection profile."""

    endpoint: str
    identity: Identity
    signer: Signer
    tls_root_cert: bytes
    server_name: str | None
    client_cert: bytes | None
    client_key: bytes | None


def _read(path: os.PathLike[str] | str, what: str) -> bytes:
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError as error:
        raise ConfigurationError(f"cannot read {what} {path}: {error}") from error


def profile_user(profile: ConnectionProfile, user: str) -> tuple[Identity, PrivateKeySigner]:
    """The identity and key of ``user``: the profile's files first, then the office's wallet."""
    credentials = profile.users.get(user)
    if credentials is not None:
        identity = Identity(profile.msp_id, _read(credentials.cert_path, f"certificate of {user}"))
        return identity, PrivateKeySigner.from_pem(_read(credentials.key_path, f"private key of {user}"))
    wallet = profile.wallet()
    entry = wallet.get(user) if wallet is not None else None
    if entry is None:
        known = sorted(profile.users) + (wallet.list() if wallet is not None else [])
        raise ConfigurationError(
            f"user {user!r} is neither in profile {profile.path.name} nor in its wallet; "
            f"known: {', '.join(known) or 'none'}"
        )
    return entry.identity, entry.signer()


def _endpoint_from_profile(profile: ConnectionProfile | str | os.PathLike[str], user: str) -> _Endpoint:
    """Resolve a profile + user label to credentials: profile files first, then the wallet."""
    if not isinstance(profile, ConnectionProfile):
        profile = ConnectionProfile.load(profile)
    identity, signer = profile_user(profile, user)
    credentials = profile.users.get(user)
    client_cert = client_key = None
    if credentials is not None and credentials.tls_cert_path and credentials.tls_key_path:
        client_cert = _read(credentials.tls_cert_path, f"TLS certificate of {user}")
        client_key = _read(credentials.tls_key_path, f"TLS key of {user}")
    if profile.mutual_tls and client_cert is None:
        raise ConfigurationError(
            f"profile {profile.path.name} requires mutual TLS but user {user!r} has no tlsCertPath/tlsKeyPath"
        )
    # An office with several peers: one channel over all of them, so a stopped peer fails over to the next.
    # Only when every peer shares the gateway's TLS root (the office's TLS CA), else the gateway alone.
    same_root = all(p.tls_root_cert_path == profile.gateway.tls_root_cert_path for p in profile.peers)
    target = failover_target([p.endpoint for p in profile.peers]) if same_root else None
    return _Endpoint(
        endpoint=target or profile.gateway.endpoint,
        identity=identity,
        signer=signer,
        tls_root_cert=profile.gateway.tls_root_cert(),
        server_name=FAILOVER_SERVER_NAME if target else profile.gateway.server_name,
        client_cert=client_cert if profile.mutual_tls else None,
        client_key=client_key if profile.mutual_tls else None,
    )


def _context(client: ClientT, identity: Identity, signer: Signer | None, hash: Hash | None,
             tls_client_certificate_hash: bytes | None) -> Context[ClientT]:
    signing = SigningIdentity(identity, signer, choose_hash(signer, hash))
    return Context(client, signing, tls_client_certificate_hash)


class _GatewayBase(Generic[ClientT]):
    """What both twins share: identity, defaults and parsing of offline-signed bytes."""

    def __init__(self, context: Context[ClientT], channel: Any, close_channel: bool) -> None:
        self._context: Context[ClientT] = context
        self._channel = channel
        self._close_channel = close_channel
        self._closed = False
        self._endpoint: str | None = None  # set by connect(), named in connection errors

    @property
    def identity(self) -> Identity:
        return self._context.signing.identity

    @property
    def hash(self) -> Hash:
        return self._context.signing.hash

    @property
    def timeouts(self) -> Timeouts:
        return self._context.client.timeouts

    @property
    def channel(self) -> Any:
        """The underlying gRPC channel (shared channels stay open on close)."""
        return self._channel

    def _close_streams(self) -> None:
        self._closed = True
        for stream in list(self._context.streams):
            stream.close()
