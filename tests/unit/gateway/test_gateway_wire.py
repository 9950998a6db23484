"""Pins the bytes the client puts on the wire (proposal, commit, events, Deliver)."""

from __future__ import annotations

import hashlib

import pytest
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.msp import identities_pb2
from fabric_protos.orderer import ab_pb2
from fabric_protos.peer import chaincode_pb2, proposal_pb2

from ipledger.credentials import Identity
from ipledger.errors import ConfigurationError
from ipledger.gateway import InMemoryCheckpointer
from ipledger.gateway import _builder, _parser

from _gateway_fakes import prepared_envelope

CERT = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
CREATOR_HEX = (
    "0a054a504d5350123b2d2d2d2d2d424547494e2043455254494649434154452d2d2d2d2d0a4d4949420a"
    "2d2d2d2d2d454e442043455254494649434154452d2d2d2d2d0a"
)
NONCE = bytes(range(24))
TIMESTAMP_NS = 1_700_000_000_123_456_789


def creator() -> bytes:
    return _builder.serialize_identity(Identity("JPMSP", CERT))


def test_creator_is_serialized_identity_with_certificate_pem() -> None:
    assert creator().hex() == CREATOR_HEX
    identity = identities_pb2.SerializedIdentity.FromString(creator())
    assert (identity.mspid, identity.id_bytes) == ("JPMSP", CERT)


def test_transaction_id_is_sha256_of_nonce_and_creator() -> None:
    transaction_id = _builder.compute_transaction_id(NONCE, creator())
    assert transaction_id == "d326b75995cc056ece44183754d8273a856edc131605c36c03530a3903737094"
    assert transaction_id == hashlib.sha256(NONCE + creator()).hexdigest()


def test_nonce_is_24_random_bytes() -> None:
    first, second = _builder.new_nonce(), _builder.new_nonce()
    assert len(first) == 24 and first != second


def build_proposed(**overrides: object) -> object:
    arguments = dict(
        creator=creator(), channel="priority", chaincode="ipledger", transaction_name="DepositFirstFiling",
        arguments=[b"JP:PATENT:1", b"\x00\xff"], transient={"salt": b"s3cret"},
        endorsing_organizations=["JPMSP", "USMSP"], nonce=NONCE, timestamp_ns=TIMESTAMP_NS,
    )
    arguments.update(overrides)
    return _builder.build_proposed_transaction(**arguments)  # type: ignore[arg-type]


def test_proposal_structure() -> None:
    proposed = build_proposed()
    expected_tx_id = "d326b75995cc056ece44183754d8273a856edc131605c36c03530a3903737094"
    assert proposed.transaction_id == expected_tx_id
    assert list(proposed.endorsing_organizations) == ["JPMSP", "USMSP"]
    assert proposed.proposal.signature == b""

    proposal = proposal_pb2.Proposal.FromString(proposed.proposal.proposal_bytes)
    header = common_pb2.Header.FromString(proposal.header)
    channel_header = common_pb2.ChannelHeader.FromString(header.channel_header)
    assert channel_header.type == common_pb2.ENDORSER_TRANSACTION
    assert channel_header.channel_id == "priority"
    assert channel_header.tx_id == expected_tx_id
    assert channel_header.epoch == 0
    assert channel_header.version == 0
    assert channel_header.tls_cert_hash == b""
    assert (channel_header.timestamp.seconds, channel_header.timestamp.nanos) == (1_700_000_000, 123_456_789)
    extension = proposal_pb2.ChaincodeHeaderExtension.FromString(channel_header.extension)
    assert extension.chaincode_id.name == "ipledger"

    signature_header = common_pb2.SignatureHeader.FromString(header.signature_header)
    assert signature_header.creator == creator()
    assert signature_header.nonce == NONCE

    payload = proposal_pb2.ChaincodeProposalPayload.FromString(proposal.payload)
    assert dict(payload.TransientMap) == {"salt": b"s3cret"}
    spec = chaincode_pb2.ChaincodeInvocationSpec.FromString(payload.input).chaincode_spec
    assert spec.chaincode_id.name == "ipledger"
    assert list(spec.input.args) == [b"DepositFirstFiling", b"JP:PATENT:1", b"\x00\xff"]


def test_proposal_is_deterministic_for_fixed_nonce_and_time() -> None:
    assert build_proposed().SerializeToString() == build_proposed().SerializeToString()


def test_proposal_bytes_are_pinned() -> None:
    """What is cached between proposals (the chaincode header extension) must not change a byte of them."""
    assert hashlib.sha256(build_proposed().SerializeToString()).hexdigest() == (
        "b0ae5b444cb061e80190196f234b91a52e54378c4918785a42d453ef2ee27f64")
    bare = build_proposed(transient=None, endorsing_organizations=[], arguments=[])
    assert hashlib.sha256(bare.SerializeToString()).hexdigest() == (
        "a560d19f77ef23d38fd3952fc56f5f3e51d4e2723fc3b41252eee4154073db72")


def test_evaluate_and_endorse_requests_route_organizations_differently() -> None:
    proposed = build_proposed()
    evaluate = _builder.evaluate_request("priority", proposed)
    endorse = _builder.endorse_request("priority", proposed)
    assert list(evaluate.target_organizations) == ["JPMSP", "USMSP"]
    assert list(endorse.endorsing_organizations) == ["JPMSP", "USMSP"]
    assert evaluate.transaction_id == endorse.transaction_id == proposed.transaction_id
    assert evaluate.channel_id == endorse.channel_id == "priority"


def test_result_is_parsed_out_of_the_endorsed_envelope() -> None:
    proposed = build_proposed()
    envelope = prepared_envelope(proposed.proposal.proposal_bytes, b'{"ok":true}')
    channel, result = _parser.parse_transaction_envelope(envelope)
    assert (channel, result) == ("priority", b'{"ok":true}')


def test_unparseable_envelope_is_reported() -> None:
    with pytest.raises(ConfigurationError):
        _parser.parse_transaction_envelope(common_pb2.Envelope(payload=b"\xff\xff"))


def test_commit_status_request_structure() -> None:
    signed = _builder.build_commit_status_request(creator=creator(), channel="priority", transaction_id="abc")
    request = gateway_pb2.CommitStatusRequest.FromString(signed.request)
    assert (request.transaction_id, request.channel_id, request.identity) == ("abc", "priority", creator())
    assert signed.signature == b""
    assert _parser.transaction_id_of_commit_request(signed) == "abc"


@pytest.mark.parametrize(
    ("position", "encoded"),
    [
        (_builder.seek_specified(5), "1a020805"),
        (_builder.seek_next_commit(), "2200"),
        (_builder.seek_specified(2**64 - 1), "1a0b08ffffffffffffffffff01"),
    ],
)
def test_seek_position_encodings(position: object, encoded: str) -> None:
    assert position.SerializeToString().hex() == encoded  # type: ignore[attr-defined]


def test_start_position_rules() -> None:
    next_commit = _builder.seek_next_commit()
    assert _builder.start_position(None, None, None) == (next_commit, "")
    assert _builder.start_position(9, None, None) == (_builder.seek_specified(9), "")
    # A fresh checkpoint (nothing stored yet) falls back to the start block.
    assert _builder.start_position(9, None, None) == (_builder.seek_specified(9), "")
    assert _builder.start_position(9, 0, "") == (_builder.seek_specified(9), "")
    assert _builder.start_position(9, 4, "tx1") == (_builder.seek_specified(4), "tx1")
    assert _builder.start_position(None, 12, None) == (_builder.seek_specified(12), "")


def test_chaincode_events_request_structure() -> None:
    checkpoint = InMemoryCheckpointer()
    checkpoint.checkpoint_transaction(42, "tx-9")
    start, after = _builder.start_position(None, checkpoint.block_number, checkpoint.transaction_id)
    signed = _builder.build_chaincode_events_request(
        creator=creator(), channel="priority", chaincode="ipledger", start=start, after_transaction_id=after
    )
    request = gateway_pb2.ChaincodeEventsRequest.FromString(signed.request)
    assert request.channel_id == "priority"
    assert request.chaincode_id == "ipledger"
    assert request.identity == creator()
    assert request.start_position.specified.number == 42
    assert request.after_transaction_id == "tx-9"


def test_deliver_envelope_structure_with_tls_binding() -> None:
    tls_hash = hashlib.sha256(b"client cert der").digest()
    envelope = _builder.build_seek_envelope(
        creator=creator(), channel="priority", start=_builder.seek_specified(3),
        tls_certificate_hash=tls_hash, timestamp_ns=TIMESTAMP_NS,
    )
    payload = common_pb2.Payload.FromString(envelope.payload)
    channel_header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
    assert channel_header.type == common_pb2.DELIVER_SEEK_INFO
    assert channel_header.channel_id == "priority"
    assert channel_header.tx_id == ""
    assert channel_header.epoch == 0
    assert channel_header.tls_cert_hash == tls_hash
    assert channel_header.timestamp.seconds == 1_700_000_000
    signature_header = common_pb2.SignatureHeader.FromString(payload.header.signature_header)
    assert (signature_header.creator, signature_header.nonce) == (creator(), b"")
    seek_info = ab_pb2.SeekInfo.FromString(payload.data)
    assert seek_info.start.SerializeToString().hex() == "1a020803"
    assert seek_info.stop.SerializeToString().hex() == "1a0b08ffffffffffffffffff01"
    assert seek_info.behavior == ab_pb2.SeekInfo.BLOCK_UNTIL_READY
    assert seek_info.content_type == ab_pb2.SeekInfo.BLOCK

    parsed = _parser.parse_seek_envelope(envelope.SerializeToString())
    assert (parsed.channel, parsed.tls_certificate_hash) == ("priority", tls_hash)


def test_deliver_envelope_without_mutual_tls_has_no_hash() -> None:
    envelope = _builder.build_seek_envelope(creator=creator(), channel="priority", start=_builder.seek_next_commit())
    payload = common_pb2.Payload.FromString(envelope.payload)
    assert common_pb2.ChannelHeader.FromString(payload.header.channel_header).tls_cert_hash == b""
