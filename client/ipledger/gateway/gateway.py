"""The entry point: a connection to one gateway peer, acting as one identity."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Generic

from ipledger.credentials.hashing import Hash
from ipledger.credentials.identity import Identity
from ipledger.credentials.connection_profile import ConnectionProfile, profile_client_tls, profile_user
from ipledger.credentials.signing import Signer

from ._context import ClientT, Context
from ._signing_identity import SigningIdentity, choose_hash
from .connection import FAILOVER_SERVER_NAME, failover_target
from .timeouts import Timeouts


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


def _endpoint_from_profile(profile: ConnectionProfile | str | os.PathLike[str], user: str) -> _Endpoint:
    """Resolve a profile + user label: its credentials (:mod:`ipledger.credentials.connection_profile`), then the peers."""
    if not isinstance(profile, ConnectionProfile):
        profile = ConnectionProfile.load(profile)
    identity, signer = profile_user(profile, user)
    client_tls = profile_client_tls(profile, user)
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
        client_cert=client_tls[0] if client_tls else None,
        client_key=client_tls[1] if client_tls else None,
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
