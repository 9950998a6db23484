"""Fixtures for the gateway unit tests; the helpers live in _gateway_fakes.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from _gateway_fakes import Credentials, RunningPeer, TLSMaterial, key_pem, make_certificate, start_fake_peer


@pytest.fixture(scope="session")
def credentials() -> Credentials:
    key = ec.generate_private_key(ec.SECP256R1())
    return Credentials(key, make_certificate("User1@jp.ipledger.test", key))


@pytest.fixture(scope="session")
def tls() -> TLSMaterial:
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = make_certificate("tlsca.jp.ipledger.test", ca_key, ca=True)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = make_certificate(
        "peer0.jp.ipledger.test", server_key, issuer_key=ca_key, issuer_name="tlsca.jp.ipledger.test",
        dns_names=("peer0.jp.ipledger.test",),
    )
    client_key = ec.generate_private_key(ec.SECP256R1())
    client_cert = make_certificate(
        "User1@jp.ipledger.test", client_key, issuer_key=ca_key, issuer_name="tlsca.jp.ipledger.test"
    )
    return TLSMaterial(ca_cert, key_pem(server_key), server_cert, key_pem(client_key), client_cert)


@pytest.fixture
def fake_peer() -> Iterator[RunningPeer]:
    running = start_fake_peer()
    yield running
    running.server.stop(grace=None)


@pytest.fixture
def insecure_channel(fake_peer: RunningPeer) -> Iterator[Any]:
    channel = grpc.insecure_channel(fake_peer.address)
    yield channel
    channel.close()
