"""The entry point: a connection to one gateway peer, acting as one identity."""

from __future__ import annotations

import asyncio
import builtins
import os
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic

from . import _parser, errors
from ._context import ClientT, Context
from ._grpc import AsyncGatewayClient, SyncGatewayClient
from ._signing_identity import SigningIdentity, choose_hash
from .block_events import (
    BLOCK,
    BLOCK_AND_PRIVATE_DATA,
    FILTERED_BLOCK,
    AsyncBlockEventsRequest,
    BlockEventsRequest,
)
from .chaincode_events import AsyncChaincodeEventsRequest, ChaincodeEventsRequest
from .commit import AsyncCommit, Commit
from .connection import (
    create_async_channel,
    FAILOVER_SERVER_NAME,
    create_channel,
    failover_target,
    tls_certificate_hash,
    wait_for_channel_ready,
)
from .errors import ConfigurationError
from .hashing import Hash
from .identity import Identity
from .network import AsyncNetwork, Network
from .profile import ConnectionProfile
from .proposal import AsyncProposal, Proposal
from .signing import PrivateKeySigner, Signer
from .timeouts import Timeouts
from .transaction import AsyncTransaction, Transaction

__all__ = ["AsyncGateway", "Gateway"]


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


class Gateway(_GatewayBase[SyncGatewayClient]):
    """Blocking Fabric Gateway client.

    ``Gateway.connect()`` / ``Gateway.from_profile()`` open (and later close)
    their own gRPC channel; the constructor takes a channel the application
    owns and may share.  Without a signer the gateway is in offline-signing
    mode: build objects, sign their ``digest`` elsewhere, rebuild them with
    ``new_signed_*``.
    """

    def __init__(
        self,
        channel: Any,
        identity: Identity,
        signer: Signer | None = None,
        *,
        hash: Hash | None = None,
        timeouts: Timeouts = Timeouts(),
        tls_client_certificate_hash: bytes | None = None,
        close_channel: bool = False,
    ) -> None:
        client = SyncGatewayClient(channel, timeouts)
        super().__init__(_context(client, identity, signer, hash, tls_client_certificate_hash),
                         channel, close_channel)

    @classmethod
    def connect(
        cls,
        endpoint: str,
        identity: Identity,
        signer: Signer | None = None,
        *,
        tls_root_cert: bytes,
        server_name: str | None = None,
        client_cert: bytes | None = None,
        client_key: bytes | None = None,
        hash: Hash | None = None,
        timeouts: Timeouts = Timeouts(),
        connect_timeout: float | None = None,
        channel_options: Sequence[tuple[str, Any]] = (),
    ) -> Gateway:
        """Open a TLS channel to ``endpoint`` (mutual TLS with a client cert and key).

        gRPC connects lazily; give ``connect_timeout`` to fail fast with
        ConnectionError when the peer is unreachable.
        """
        channel = create_channel(endpoint, tls_root_cert=tls_root_cert, server_name=server_name,
                                 client_cert=client_cert, client_key=client_key, options=channel_options)
        try:
            if connect_timeout is not None:
                wait_for_channel_ready(channel, endpoint, connect_timeout)
            tls_hash = tls_certificate_hash(client_cert) if client_cert else None
            return cls(channel, identity, signer, hash=hash, timeouts=timeouts,
                       tls_client_certificate_hash=tls_hash, close_channel=True)
        except BaseException:
            channel.close()
            raise

    @classmethod
    def from_profile(
        cls,
        profile: ConnectionProfile | str | os.PathLike[str],
        user: str = "User1",
        *,
        hash: Hash | None = None,
        timeouts: Timeouts = Timeouts(),
        connect_timeout: float | None = None,
    ) -> Gateway:
        """Connect as ``user`` of an office's connection profile (or its wallet)."""
        resolved = _endpoint_from_profile(profile, user)
        return cls.connect(
            resolved.endpoint, resolved.identity, resolved.signer, tls_root_cert=resolved.tls_root_cert,
            server_name=resolved.server_name, client_cert=resolved.client_cert,
            client_key=resolved.client_key, hash=hash, timeouts=timeouts, connect_timeout=connect_timeout,
        )

    def get_network(self, name: str) -> Network:
        return Network(self._context, name)

    def new_proposal(self, bytes: builtins.bytes) -> Proposal:
        proposed, channel = _parser.parse_proposed_transaction(bytes)
        return Proposal(self._context, channel, proposed)

    def new_signed_proposal(self, bytes: builtins.bytes, signature: builtins.bytes) -> Proposal:
        """Rebuild a proposal from its unsigned ``bytes`` and a ``signature`` of its ``digest`` made elsewhere."""
        proposal = self.new_proposal(bytes)
        proposal._set_signature(signature)
        return proposal

    def new_transaction(self, bytes: builtins.bytes) -> Transaction:
        prepared, channel, result = _parser.parse_prepared_transaction(bytes)
        return Transaction(self._context, channel, prepared, result)

    def new_signed_transaction(self, bytes: builtins.bytes, signature: builtins.bytes) -> Transaction:
        """Rebuild an endorsed transaction from its unsigned ``bytes`` and a ``signature`` of its ``digest``."""
        transaction = self.new_transaction(bytes)
        transaction._set_signature(signature)
        return transaction

    def new_commit(self, bytes: builtins.bytes) -> Commit:
        signed, transaction_id, _ = _parser.parse_commit_status_request(bytes)
        return Commit(self._context, transaction_id, signed)

    def new_signed_commit(self, bytes: builtins.bytes, signature: builtins.bytes) -> Commit:
        """Rebuild a commit status request from its unsigned ``bytes`` and a ``signature`` of its ``digest``."""
        commit = self.new_commit(bytes)
        commit._set_signature(signature)
        return commit

    def new_chaincode_events_request(self, bytes: builtins.bytes) -> ChaincodeEventsRequest:
        signed, request = _parser.parse_chaincode_events_request(bytes)
        return ChaincodeEventsRequest(self._context, signed, request)

    def new_signed_chaincode_events_request(
        self, bytes: builtins.bytes, signature: builtins.bytes
    ) -> ChaincodeEventsRequest:
        """Rebuild a chaincode events request from its unsigned ``bytes`` and a ``signature`` of its ``digest``."""
        request = self.new_chaincode_events_request(bytes)
        request._set_signature(signature)
        return request

    def _block_request(self, bytes: builtins.bytes, flavour: str,
                       signature: builtins.bytes | None) -> BlockEventsRequest:
        request = BlockEventsRequest(self._context, _parser.parse_seek_envelope(bytes), flavour)
        if signature is not None:
            request._set_signature(signature)
        return request

    def new_block_events_request(self, bytes: builtins.bytes) -> BlockEventsRequest:
        return self._block_request(bytes, BLOCK, None)

    def new_signed_block_events_request(self, bytes: builtins.bytes, signature: builtins.bytes) -> BlockEventsRequest:
        return self._block_request(bytes, BLOCK, signature)

    def new_filtered_block_events_request(self, bytes: builtins.bytes) -> BlockEventsRequest:
        return self._block_request(bytes, FILTERED_BLOCK, None)

    def new_signed_filtered_block_events_request(
        self, bytes: builtins.bytes, signature: builtins.bytes
    ) -> BlockEventsRequest:
        return self._block_request(bytes, FILTERED_BLOCK, signature)

    def new_block_and_private_data_events_request(self, bytes: builtins.bytes) -> BlockEventsRequest:
        return self._block_request(bytes, BLOCK_AND_PRIVATE_DATA, None)

    def new_signed_block_and_private_data_events_request(
        self, bytes: builtins.bytes, signature: builtins.bytes
    ) -> BlockEventsRequest:
        return self._block_request(bytes, BLOCK_AND_PRIVATE_DATA, signature)

    def close(self) -> None:
        """End open event streams and close the channel if this gateway opened it."""
        if self._closed:
            return
        self._close_streams()
        if self._close_channel:
            self._channel.close()

    def __enter__(self) -> Gateway:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


class AsyncGateway(_GatewayBase[AsyncGatewayClient]):
    """The asyncio twin of :class:`Gateway` over a ``grpc.aio`` channel.

    One channel multiplexes every call, so a single process can keep hundreds
    of transactions (and their long CommitStatus waits) in flight.
    """

    def __init__(
        self,
        channel: Any,
        identity: Identity,
        signer: Signer | None = None,
        *,
        hash: Hash | None = None,
        timeouts: Timeouts = Timeouts(),
        tls_client_certificate_hash: bytes | None = None,
        close_channel: bool = False,
    ) -> None:
        client = AsyncGatewayClient(channel, timeouts)
        super().__init__(_context(client, identity, signer, hash, tls_client_certificate_hash),
                         channel, close_channel)

    @classmethod
    def connect(
        cls,
        endpoint: str,
        identity: Identity,
        signer: Signer | None = None,
        *,
        tls_root_cert: bytes,
        server_name: str | None = None,
        client_cert: bytes | None = None,
        client_key: bytes | None = None,
        hash: Hash | None = None,
        timeouts: Timeouts = Timeouts(),
        channel_options: Sequence[tuple[str, Any]] = (),
    ) -> AsyncGateway:
        """Open a ``grpc.aio`` TLS channel; await ``wait_ready()`` to fail fast."""
        channel = create_async_channel(endpoint, tls_root_cert=tls_root_cert, server_name=server_name,
                                       client_cert=client_cert, client_key=client_key, options=channel_options)
        tls_hash = tls_certificate_hash(client_cert) if client_cert else None
        return cls(channel, identity, signer, hash=hash, timeouts=timeouts,
                   tls_client_certificate_hash=tls_hash, close_channel=True)

    @classmethod
    def from_profile(
        cls,
        profile: ConnectionProfile | str | os.PathLike[str],
        user: str = "User1",
        *,
        hash: Hash | None = None,
        timeouts: Timeouts = Timeouts(),
    ) -> AsyncGateway:
        """Connect as ``user`` of an office's connection profile (or its wallet); see :meth:`wait_ready`."""
        resolved = _endpoint_from_profile(profile, user)
        return cls.connect(
            resolved.endpoint, resolved.identity, resolved.signer, tls_root_cert=resolved.tls_root_cert,
            server_name=resolved.server_name, client_cert=resolved.client_cert,
            client_key=resolved.client_key, hash=hash, timeouts=timeouts,
        )

    async def wait_ready(self, timeout: float) -> None:
        """Wait until the channel is connected; raises ConnectionError on timeout."""
        try:
            await asyncio.wait_for(self._channel.channel_ready(), timeout)
        except asyncio.TimeoutError as error:
            raise errors.ConnectionError(f"cannot connect to the gateway peer within {timeout:g} s") from error

    def get_network(self, name: str) -> AsyncNetwork:
        return AsyncNetwork(self._context, name)

    def new_proposal(self, bytes: builtins.bytes) -> AsyncProposal:
        proposed, channel = _parser.parse_proposed_transaction(bytes)
        return AsyncProposal(self._context, channel, proposed)

    def new_signed_proposal(self, bytes: builtins.bytes, signature: builtins.bytes) -> AsyncProposal:
        proposal = self.new_proposal(bytes)
        proposal._set_signature(signature)
        return proposal

    def new_transaction(self, bytes: builtins.bytes) -> AsyncTransaction:
        prepared, channel, result = _parser.parse_prepared_transaction(bytes)
        return AsyncTransaction(self._context, channel, prepared, result)

    def new_signed_transaction(self, bytes: builtins.bytes, signature: builtins.bytes) -> AsyncTransaction:
        transaction = self.new_transaction(bytes)
        transaction._set_signature(signature)
        return transaction

    def new_commit(self, bytes: builtins.bytes) -> AsyncCommit:
        signed, transaction_id, _ = _parser.parse_commit_status_request(bytes)
        return AsyncCommit(self._context, transaction_id, signed)

    def new_signed_commit(self, bytes: builtins.bytes, signature: builtins.bytes) -> AsyncCommit:
        commit = self.new_commit(bytes)
        commit._set_signature(signature)
        return commit

    def new_chaincode_events_request(self, bytes: builtins.bytes) -> AsyncChaincodeEventsRequest:
        signed, request = _parser.parse_chaincode_events_request(bytes)
        return AsyncChaincodeEventsRequest(self._context, signed, request)

    def new_signed_chaincode_events_request(
        self, bytes: builtins.bytes, signature: builtins.bytes
    ) -> AsyncChaincodeEventsRequest:
        request = self.new_chaincode_events_request(bytes)
        request._set_signature(signature)
        return request

    def _block_request(self, bytes: builtins.bytes, flavour: str,
                       signature: builtins.bytes | None) -> AsyncBlockEventsRequest:
        request = AsyncBlockEventsRequest(self._context, _parser.parse_seek_envelope(bytes), flavour)
        if signature is not None:
            request._set_signature(signature)
        return request

    def new_block_events_request(self, bytes: builtins.bytes) -> AsyncBlockEventsRequest:
        return self._block_request(bytes, BLOCK, None)

    def new_signed_block_events_request(
        self, bytes: builtins.bytes, signature: builtins.bytes
    ) -> AsyncBlockEventsRequest:
        return self._block_request(bytes, BLOCK, signature)

    def new_filtered_block_events_request(self, bytes: builtins.bytes) -> AsyncBlockEventsRequest:
        return self._block_request(bytes, FILTERED_BLOCK, None)

    def new_signed_filtered_block_events_request(
        self, bytes: builtins.bytes, signature: builtins.bytes
    ) -> AsyncBlockEventsRequest:
        return self._block_request(bytes, FILTERED_BLOCK, signature)

    def new_block_and_private_data_events_request(self, bytes: builtins.bytes) -> AsyncBlockEventsRequest:
        return self._block_request(bytes, BLOCK_AND_PRIVATE_DATA, None)

    def new_signed_block_and_private_data_events_request(
        self, bytes: builtins.bytes, signature: builtins.bytes
    ) -> AsyncBlockEventsRequest:
        return self._block_request(bytes, BLOCK_AND_PRIVATE_DATA, signature)

    async def aclose(self) -> None:
        """End open event streams and close the channel if this gateway opened it."""
        if self._closed:
            return
        self._close_streams()
        if self._close_channel:
            await self._channel.close()

    async def __aenter__(self) -> AsyncGateway:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        traceback: TracebackType | None) -> None:
        await self.aclose()
