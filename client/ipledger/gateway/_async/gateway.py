"""The entry point: a connection to one gateway peer, acting as one identity."""

from __future__ import annotations

import builtins
import os
from collections.abc import Sequence
from types import TracebackType
from typing import Any

from .. import _parser
from .grpc_client import AsyncGatewayClient
from ..block_events import BLOCK, BLOCK_AND_PRIVATE_DATA, FILTERED_BLOCK
from ..connection import create_async_channel, tls_certificate_hash, wait_for_async_channel_ready
from ..gateway import _context, _endpoint_from_profile, _GatewayBase
from ipledger.credentials.hashing import Hash
from ipledger.credentials.identity import Identity
from ipledger.credentials.connection_profile import ConnectionProfile
from ipledger.credentials.signing import Signer
from ..timeouts import Timeouts
from .block_events import AsyncBlockEventsRequest
from .chaincode_events import AsyncChaincodeEventsRequest
from .commit import AsyncCommit
from .network import AsyncNetwork
from .proposal import AsyncProposal
from .transaction import AsyncTransaction

__all__ = ["AsyncGateway"]


class AsyncGateway(_GatewayBase[AsyncGatewayClient]):
    # unasync: async-only
    """The asyncio twin of :class:`Gateway` over a ``grpc.aio`` channel.

    One channel multiplexes every call, so a single process can keep hundreds
    of transactions (and their long CommitStatus waits) in flight.
    """
    # unasync: end
    # unasync: sync-only
    # """Blocking Fabric Gateway client.
    #
    # ``Gateway.connect()`` / ``Gateway.from_profile()`` open (and later close)
    # their own gRPC channel; the constructor takes a channel the application
    # owns and may share.  Without a signer the gateway is in offline-signing
    # mode: build objects, sign their ``digest`` elsewhere, rebuild them with
    # ``new_signed_*``.
    # """
    # unasync: end

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
        # unasync: sync-only
        # connect_timeout: float | None = None,
        # unasync: end
        channel_options: Sequence[tuple[str, Any]] = (),
    ) -> AsyncGateway:
        # unasync: async-only
        """Open a ``grpc.aio`` TLS channel; await ``wait_ready()`` to fail fast."""
        # unasync: end
        # unasync: sync-only
        # """Open a TLS channel to ``endpoint`` (mutual TLS with a client cert and key).
        #
        # gRPC connects lazily; give ``connect_timeout`` to fail fast with
        # ConnectionError when the peer is unreachable.
        # """
        # unasync: end
        tls_hash = tls_certificate_hash(client_cert) if client_cert else None
        channel = create_async_channel(endpoint, tls_root_cert=tls_root_cert, server_name=server_name,
                                       client_cert=client_cert, client_key=client_key, options=channel_options)
        gateway = cls(channel, identity, signer, hash=hash, timeouts=timeouts,
                      tls_client_certificate_hash=tls_hash, close_channel=True)
        gateway._endpoint = endpoint
        # unasync: sync-only
        # if connect_timeout is not None:
        #     try:
        #         gateway.wait_ready(connect_timeout)
        #     except BaseException:
        #         gateway.close()
        #         raise
        # unasync: end
        return gateway

    @classmethod
    def from_profile(
        cls,
        profile: ConnectionProfile | str | os.PathLike[str],
        user: str = "User1",
        *,
        hash: Hash | None = None,
        timeouts: Timeouts = Timeouts(),
        # unasync: sync-only
        # connect_timeout: float | None = None,
        # unasync: end
    ) -> AsyncGateway:
        """Connect as ``user`` of an office's connection profile (or its wallet)."""
        resolved = _endpoint_from_profile(profile, user)
        return cls.connect(
            resolved.endpoint, resolved.identity, resolved.signer, tls_root_cert=resolved.tls_root_cert,
            server_name=resolved.server_name, client_cert=resolved.client_cert,
            client_key=resolved.client_key, hash=hash, timeouts=timeouts,
            # unasync: sync-only
            # connect_timeout=connect_timeout,
            # unasync: end
        )

    async def wait_ready(self, timeout: float) -> None:
        """Wait until the channel is connected; raises ConnectionError on timeout."""
        await wait_for_async_channel_ready(self._channel, self._endpoint, timeout)

    def get_network(self, name: str) -> AsyncNetwork:
        return AsyncNetwork(self._context, name)

    def new_proposal(self, bytes: builtins.bytes) -> AsyncProposal:
        proposed, channel = _parser.parse_proposed_transaction(bytes)
        return AsyncProposal(self._context, channel, proposed)

    def new_signed_proposal(self, bytes: builtins.bytes, signature: builtins.bytes) -> AsyncProposal:
        """Rebuild a proposal from its ``bytes`` with the ``signature`` made elsewhere (offline signing)."""
        proposal = self.new_proposal(bytes)
        proposal._set_signature(signature)
        return proposal

    def new_transaction(self, bytes: builtins.bytes) -> AsyncTransaction:
        prepared, channel, result = _parser.parse_prepared_transaction(bytes)
        return AsyncTransaction(self._context, channel, prepared, result)

    def new_signed_transaction(self, bytes: builtins.bytes, signature: builtins.bytes) -> AsyncTransaction:
        """Rebuild an endorsed transaction from its ``bytes`` with the ``signature`` made elsewhere."""
        transaction = self.new_transaction(bytes)
        transaction._set_signature(signature)
        return transaction

    def new_commit(self, bytes: builtins.bytes) -> AsyncCommit:
        signed, transaction_id, _ = _parser.parse_commit_status_request(bytes)
        return AsyncCommit(self._context, transaction_id, signed)

    def new_signed_commit(self, bytes: builtins.bytes, signature: builtins.bytes) -> AsyncCommit:
        """Rebuild a commit-status request from its ``bytes`` with the ``signature`` made elsewhere."""
        commit = self.new_commit(bytes)
        commit._set_signature(signature)
        return commit

    def new_chaincode_events_request(self, bytes: builtins.bytes) -> AsyncChaincodeEventsRequest:
        signed, request = _parser.parse_chaincode_events_request(bytes)
        return AsyncChaincodeEventsRequest(self._context, signed, request)

    def new_signed_chaincode_events_request(
        self, bytes: builtins.bytes, signature: builtins.bytes
    ) -> AsyncChaincodeEventsRequest:
        """Rebuild a chaincode events request from its ``bytes`` with the ``signature`` made elsewhere."""
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
