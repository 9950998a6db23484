"""What a gateway hands down to its networks, contracts and steps."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from ._async.grpc_client import AsyncGatewayClient
from ._signing_identity import SigningIdentity
from ._sync.grpc_client import SyncGatewayClient

__all__ = ["AsyncContext", "Closeable", "Context", "SyncContext"]

ClientT = TypeVar("ClientT", SyncGatewayClient, AsyncGatewayClient)


class Closeable(Protocol):
    def close(self) -> None: ...


@dataclass
class Context(Generic[ClientT]):
    """The gRPC client, the signing identity, the mTLS binding and open streams.

    ``streams`` lets ``Gateway.close()`` end every event stream it started,
    as closing the official client cancels its root context.
    """

    client: ClientT
    signing: SigningIdentity
    tls_certificate_hash: bytes | None = None
    streams: weakref.WeakSet[Closeable] = field(default_factory=weakref.WeakSet)


SyncContext = Context[SyncGatewayClient]
AsyncContext = Context[AsyncGatewayClient]
