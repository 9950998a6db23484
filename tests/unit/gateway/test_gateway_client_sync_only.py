"""What only the blocking client does: close() from another thread, ``connect_timeout`` on connect.

Everything else is tested once for both clients (test_gateway_client_async.py, generated into
test_gateway_client_sync.py).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from _gateway_fakes import Credentials, TLSMaterial
from ipledger.errors import ConnectionError as GatewayConnectionError
from ipledger.gateway import Gateway


@pytest.fixture
def gateway(insecure_channel: Any, credentials: Credentials) -> Iterator[Gateway]:
    with Gateway(insecure_channel, credentials.identity, credentials.signer) as gw:
        yield gw


def test_close_from_another_thread_ends_a_blocked_iterator(gateway: Gateway) -> None:
    events = gateway.get_network("priority").chaincode_events("ipledger")
    threading.Timer(0.2, events.close).start()
    with pytest.raises(StopIteration):
        next(events)


def test_gateway_close_ends_open_streams(insecure_channel: Any, credentials: Credentials) -> None:
    gateway = Gateway(insecure_channel, credentials.identity, credentials.signer)
    events = gateway.get_network("priority").chaincode_events("ipledger")
    threading.Timer(0.2, gateway.close).start()
    assert list(events) == []


def test_connect_timeout_raises_connection_error(credentials: Credentials, tls: TLSMaterial) -> None:
    with pytest.raises(GatewayConnectionError, match="cannot connect"):
        Gateway.connect("127.0.0.1:1", credentials.identity, credentials.signer, tls_root_cert=tls.ca_cert,
                        connect_timeout=0.3)
