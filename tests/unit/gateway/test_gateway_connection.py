"""gRPC channel settings for Fabric peers."""

from __future__ import annotations

import hashlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from _gateway_fakes import TLSMaterial
from ipledger.errors import ConfigurationError
from ipledger.gateway import channel_options, create_channel, tls_certificate_hash


def test_channel_options_suit_fabric_peers() -> None:
    options = dict(channel_options("peer0.jp.ipledger.test", [("grpc.primary_user_agent", "ipledger")]))
    assert options["grpc.keepalive_time_ms"] >= 60_000  # peer keepalive MinInterval is 60 s
    assert options["grpc.max_receive_message_length"] == 100 * 1024 * 1024
    assert options["grpc.max_send_message_length"] == 100 * 1024 * 1024
    assert options["grpc.ssl_target_name_override"] == "peer0.jp.ipledger.test"
    assert options["grpc.primary_user_agent"] == "ipledger"
    assert "grpc.ssl_target_name_override" not in dict(channel_options())


def test_tls_certificate_hash_is_sha256_of_der(tls: TLSMaterial) -> None:
    der = x509.load_pem_x509_certificate(tls.client_cert).public_bytes(Encoding.DER)
    assert tls_certificate_hash(tls.client_cert) == hashlib.sha256(der).digest()
    with pytest.raises(ConfigurationError):
        tls_certificate_hash(b"not pem")


def test_mutual_tls_needs_both_halves(tls: TLSMaterial) -> None:
    with pytest.raises(ConfigurationError, match="both client_cert and client_key"):
        create_channel("127.0.0.1:7051", tls_root_cert=tls.ca_cert, client_cert=tls.client_cert)
    with pytest.raises(ConfigurationError, match="tls_root_cert"):
        create_channel("127.0.0.1:7051", tls_root_cert=b"")
