"""Signers, hashes, identities and MSP folders."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, decode_dss_signature, encode_dss_signature

from _gateway_fakes import key_pem, make_certificate
from ipledger.credentials import (
    Hash,
    Identity,
    PrivateKeySigner,
    Signer,
    canonical_ecdsa_signature,
    load_msp_directory,
    load_private_key,
)
from ipledger.errors import ConfigurationError
from ipledger.gateway import NoSignerError
from ipledger.gateway._signing_identity import SigningIdentity, choose_hash

CURVES = {
    "P-256": (ec.SECP256R1(), int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)),
    "P-384": (
        ec.SECP384R1(),
        int("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973", 16),
    ),
}


@pytest.mark.parametrize("curve_name", sorted(CURVES))
def test_high_s_signature_is_flipped_to_low_s(curve_name: str) -> None:
    curve, order = CURVES[curve_name]
    key = ec.generate_private_key(curve)
    digest = hashlib.sha256(b"message").digest()
    r, s = decode_dss_signature(key.sign(digest, ec.ECDSA(Prehashed(hashes.SHA256()))))
    high_s = max(s, order - s)
    assert high_s > order // 2
    high = encode_dss_signature(r, high_s)
    key.public_key().verify(high, digest, ec.ECDSA(Prehashed(hashes.SHA256())))  # both forms are valid

    low = canonical_ecdsa_signature(high, order)

    assert decode_dss_signature(low) == (r, order - high_s)
    assert decode_dss_signature(low)[1] <= order // 2
    key.public_key().verify(low, digest, ec.ECDSA(Prehashed(hashes.SHA256())))
    assert canonical_ecdsa_signature(low, order) == low  # already low: unchanged


@pytest.mark.parametrize("curve_name", sorted(CURVES))
@pytest.mark.parametrize("hash_", [Hash.SHA256, Hash.SHA384, Hash.SHA3_256, Hash.SHA3_384])
def test_private_key_signer_always_yields_verifiable_low_s(curve_name: str, hash_: Hash) -> None:
    curve, order = CURVES[curve_name]
    key = ec.generate_private_key(curve)
    signer = PrivateKeySigner(key)
    prehash = hashes.SHA256() if len(hash_.digest(b"")) == 32 else hashes.SHA384()
    for index in range(24):  # ~half of raw ECDSA signatures are high-S; 24 tries all but guarantee one
        digest = hash_.digest(f"message {index}".encode())
        signature = signer(digest)
        assert decode_dss_signature(signature)[1] <= order // 2
        key.public_key().verify(signature, digest, ec.ECDSA(Prehashed(prehash)))


def test_p521_signatures_are_low_s_against_the_p521_order() -> None:
    key = ec.generate_private_key(ec.SECP521R1())
    signer = PrivateKeySigner(key)
    # The P-521 group order (SEC 2), written out independently of the signer's table.
    order = int("01FF" + "FFFFFFFF" * 7 + "FFFFFFFA" + "51868783BF2F966B7FCC0148F709A5D0"
                "3BB5C9B8899C47AEBB6FB71E91386409", 16)
    for index in range(24):
        digest = hashlib.sha512(f"message {index}".encode()).digest()
        signature = signer(digest)
        assert decode_dss_signature(signature)[1] <= order // 2
        key.public_key().verify(signature, digest, ec.ECDSA(Prehashed(hashes.SHA512())))


def test_ed25519_signs_the_whole_message_with_hash_none() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    signer = PrivateKeySigner(key)
    message = b"proposal bytes" * 100
    assert signer.preferred_hash is Hash.NONE
    assert Hash.NONE.digest(message) == message
    key.public_key().verify(signer(message), message)


def test_hash_choice_defaults_to_the_key_and_rejects_ed25519_with_a_digest() -> None:
    ed = PrivateKeySigner(ed25519.Ed25519PrivateKey.generate())
    ecdsa = PrivateKeySigner(ec.generate_private_key(ec.SECP256R1()))
    assert choose_hash(ed, None) is Hash.NONE
    assert choose_hash(ecdsa, None) is Hash.SHA256
    assert choose_hash(None, None) is Hash.SHA256
    assert choose_hash(ecdsa, Hash.SHA3_256) is Hash.SHA3_256
    with pytest.raises(ConfigurationError, match="Ed25519"):
        choose_hash(ed, Hash.SHA256)


@pytest.mark.parametrize(
    ("hash_", "expected"),
    [
        (Hash.SHA256, hashlib.sha256(b"abc").digest()),
        (Hash.SHA384, hashlib.sha384(b"abc").digest()),
        (Hash.SHA3_256, hashlib.sha3_256(b"abc").digest()),
        (Hash.SHA3_384, hashlib.sha3_384(b"abc").digest()),
        (Hash.NONE, b"abc"),
    ],
)
def test_hash_algorithms(hash_: Hash, expected: bytes) -> None:
    assert hash_.digest(b"abc") == expected


def test_ecdsa_refuses_an_undigested_message() -> None:
    signer = PrivateKeySigner(ec.generate_private_key(ec.SECP256R1()))
    with pytest.raises(ConfigurationError, match="Hash.NONE is for Ed25519"):
        signer(b"a message of odd length")


def test_any_callable_is_a_signer() -> None:
    def hsm(digest: bytes) -> bytes:
        return b"sig:" + digest

    assert isinstance(hsm, Signer)
    signing = SigningIdentity(Identity("JPMSP", b"cert"), hsm, Hash.SHA256)
    assert signing.sign(b"d") == b"sig:d"


def test_without_signer_signing_raises_a_clear_error() -> None:
    signing = SigningIdentity(Identity("JPMSP", b"cert"), None, Hash.SHA256)
    with pytest.raises(NoSignerError, match="offline-signing mode") as info:
        signing.sign(b"digest")
    assert info.value.code == "SIGNER_MISSING"
    assert isinstance(info.value, ConfigurationError)


def test_load_private_key_accepts_pkcs8_and_rejects_rsa() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    assert isinstance(load_private_key(key_pem(key)), ec.EllipticCurvePrivateKey)
    with pytest.raises(ConfigurationError, match="unsupported"):
        load_private_key(key_pem(rsa.generate_private_key(public_exponent=65537, key_size=2048)))
    with pytest.raises(ConfigurationError):
        load_private_key(b"not a key")


def test_msp_directory_finds_the_matching_key(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    other = ec.generate_private_key(ec.SECP256R1())
    certificate = make_certificate("Admin@jp.ipledger.test", key)
    (tmp_path / "signcerts").mkdir()
    (tmp_path / "keystore").mkdir()
    (tmp_path / "signcerts" / "cert.pem").write_bytes(certificate)
    (tmp_path / "keystore" / "aaaa_sk").write_bytes(key_pem(other))  # a stale key sorts first
    (tmp_path / "keystore" / "priv_sk").write_bytes(key_pem(key))
    (tmp_path / "keystore" / "README").write_text("not a key")

    identity, signer = load_msp_directory("JPMSP", tmp_path)

    assert identity == Identity("JPMSP", certificate)
    digest = hashlib.sha256(b"m").digest()
    key.public_key().verify(signer(digest), digest, ec.ECDSA(Prehashed(hashes.SHA256())))


def test_msp_directory_without_matching_key_fails(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    (tmp_path / "signcerts").mkdir()
    (tmp_path / "keystore").mkdir()
    (tmp_path / "signcerts" / "cert.pem").write_bytes(make_certificate("x", key))
    (tmp_path / "keystore" / "priv_sk").write_bytes(key_pem(ec.generate_private_key(ec.SECP256R1())))
    with pytest.raises(ConfigurationError, match="no private key"):
        load_msp_directory("JPMSP", tmp_path)


def test_identity_from_certificate_file_checks_pem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("nope")
    with pytest.raises(ConfigurationError, match="not a PEM certificate"):
        Identity.from_certificate_file("JPMSP", bad)
    with pytest.raises(ConfigurationError, match="cannot read"):
        Identity.from_certificate_file("JPMSP", tmp_path / "missing.pem")
