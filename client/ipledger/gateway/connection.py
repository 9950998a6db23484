"""gRPC channels to a gateway peer, configured the way Fabric expects."""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
from collections.abc import Sequence
from typing import Any

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from grpc import aio as grpc_aio

from ipledger.errors import ConfigurationError, ConnectionError

__all__ = [
    "MAX_MESSAGE_LENGTH",
    "channel_options",
    "create_async_channel",
    "create_channel",
    "failover_target",
    "tls_certificate_hash",
    "wait_for_async_channel_ready",
    "wait_for_channel_ready",
]

#: Fabric's own gRPC limit (internal/pkg/comm/config.go); Python's default
#: 4 MiB receive limit is too small for real blocks.
MAX_MESSAGE_LENGTH = 100 * 1024 * 1024

# Peers enforce keepalive MinInterval = 60 s and answer faster pings with
# GOAWAY "too_many_pings"; twice that leaves room for timer jitter.
_KEEPALIVE_TIME_MS = 120_000
_KEEPALIVE_TIMEOUT_MS = 20_000
_MAX_RECONNECT_BACKOFF_MS = 5_000


def channel_options(server_name: str | None = None, extra: Sequence[tuple[str, Any]] = ()) -> list[tuple[str, Any]]:
    """gRPC channel options for a Fabric peer.

    ``server_name`` is the host name in the peer's TLS certificate, for when
    the endpoint is an IP address or a port-forward (``127.0.0.1:7051``).
    """
    options: list[tuple[str, Any]] = [
        ("grpc.max_receive_message_length", MAX_MESSAGE_LENGTH),
        ("grpc.max_send_message_length", MAX_MESSAGE_LENGTH),
        ("grpc.keepalive_time_ms", _KEEPALIVE_TIME_MS),
        ("grpc.keepalive_timeout_ms", _KEEPALIVE_TIMEOUT_MS),
        # Peers permit pings without active streams (PermitWithoutStream),
        # which keeps idle event listeners' connections alive through NATs.
        ("grpc.keepalive_permit_without_calls", 1),
        ("grpc.http2.max_pings_without_data", 0),
        # gRPC backs off up to 120 s between reconnects; a restarted peer should be found again within seconds.
        ("grpc.max_reconnect_backoff_ms", _MAX_RECONNECT_BACKOFF_MS),
    ]
    if server_name:
        options.append(("grpc.ssl_target_name_override", server_name))
    options.extend(extra)
    return options


#: The name every node certificate of the consortium carries besides its own (consortium/crypto.py
#: loopback_hosts), so one TLS name verifies whichever of an office's peers a failover channel reaches.
FAILOVER_SERVER_NAME = "localhost"


def failover_target(endpoints: Sequence[str]) -> str | None:
    """One gRPC target over several ``ip:port`` endpoints (an office's peers), or None when that cannot be.

    gRPC's ``ipv4:`` scheme takes a list of addresses and its default ``pick_first`` policy connects to the
    first that answers, going down the list again whenever the connection breaks: calls after a peer stops
    go to the office's next peer. Calls in flight on the stopped peer fail (UNAVAILABLE) and may be repeated.
    Host names are left to one endpoint (a DNS name may itself resolve to several addresses).
    """
    if len(endpoints) < 2:
        return None
    addresses = []
    for endpoint in endpoints:
        host, _, port = endpoint.rpartition(":")
        try:
            if ipaddress.ip_address(host).version != 4 or not port.isdigit():
                return None
        except ValueError:
            return None
        addresses.append(f"{host}:{port}")
    return "ipv4:" + ",".join(addresses)


def _credentials(tls_root_cert: bytes, client_cert: bytes | None, client_key: bytes | None) -> Any:
    if (client_cert is None) != (client_key is None):
        raise ConfigurationError("mutual TLS needs both client_cert and client_key")
    if not tls_root_cert:
        raise ConfigurationError("tls_root_cert is empty: the peer's TLS CA certificate (PEM) is required")
    return grpc.ssl_channel_credentials(
        root_certificates=tls_root_cert, private_key=client_key, certificate_chain=client_cert
    )


def create_channel(
    endpoint: str,
    *,
    tls_root_cert: bytes,
    server_name: str | None = None,
    client_cert: bytes | None = None,
    client_key: bytes | None = None,
    options: Sequence[tuple[str, Any]] = (),
) -> Any:
    """A TLS ``grpc.Channel`` (mutual TLS when a client cert and key are given)."""
    credentials = _credentials(tls_root_cert, client_cert, client_key)
    return grpc.secure_channel(endpoint, credentials, options=channel_options(server_name, options))


def create_async_channel(
    endpoint: str,
    *,
    tls_root_cert: bytes,
    server_name: str | None = None,
    client_cert: bytes | None = None,
    client_key: bytes | None = None,
    options: Sequence[tuple[str, Any]] = (),
) -> Any:
    """The ``grpc.aio.Channel`` twin of :func:`create_channel`."""
    credentials = _credentials(tls_root_cert, client_cert, client_key)
    return grpc_aio.secure_channel(endpoint, credentials, options=channel_options(server_name, options))


def _not_ready(endpoint: str | None, timeout: float) -> ConnectionError:
    peer = f"gateway peer {endpoint}" if endpoint else "the gateway peer"
    return ConnectionError(f"cannot connect to {peer} within {timeout:g} s")


def wait_for_channel_ready(channel: Any, endpoint: str | None, timeout: float) -> None:
    """Block until a sync channel is connected; gRPC otherwise connects lazily."""
    try:
        grpc.channel_ready_future(channel).result(timeout=timeout)
    except grpc.FutureTimeoutError as error:
        raise _not_ready(endpoint, timeout) from error


async def wait_for_async_channel_ready(channel: Any, endpoint: str | None, timeout: float) -> None:
    """The ``grpc.aio`` twin of :func:`wait_for_channel_ready`."""
    try:
        await asyncio.wait_for(channel.channel_ready(), timeout)
    except asyncio.TimeoutError as error:
        raise _not_ready(endpoint, timeout) from error


def tls_certificate_hash(certificate_pem: bytes) -> bytes:
    """SHA-256 of the client TLS certificate's DER encoding.

    With mutual TLS the Deliver service insists that requests carry this
    hash in the channel header (``client didn't include its TLS cert hash``).
    """
    try:
        certificate = x509.load_pem_x509_certificate(certificate_pem)
    except ValueError as error:
        raise ConfigurationError(f"client TLS certificate is not valid PEM: {error}") from error
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).digest()
