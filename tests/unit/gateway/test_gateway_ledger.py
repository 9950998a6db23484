"""Block decoding and qscc ledger queries."""

from __future__ import annotations

import datetime
from typing import Any

import grpc
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from fabric_protos.common import common_pb2, ledger_pb2
from fabric_protos.peer import chaincode_pb2, proposal_pb2, transaction_pb2

from _gateway_fakes import Credentials, RunningPeer, make_certificate, prepared_envelope
from ipledger.credentials import Hash, Identity, PrivateKeySigner
from ipledger.errors import ConfigurationError
from ipledger.gateway import (
    AsyncGateway,
    AsyncLedgerReader,
    Gateway,
    LedgerReader,
    decode_block,
    decode_chain_info,
    decode_processed_transaction,
)
from ipledger.gateway import _builder

TIMESTAMP_NS = 1_700_000_000_000_000_000


def endorser_envelope(transaction_id_nonce: bytes, function: str, *args: bytes) -> tuple[bytes, str]:
    creator = _builder.serialize_identity(Identity("USMSP", b"cert"))
    proposed = _builder.build_proposed_transaction(
        creator=creator, channel="priority", chaincode="ipledger", transaction_name=function,
        arguments=list(args), nonce=transaction_id_nonce, timestamp_ns=TIMESTAMP_NS,
    )
    envelope = prepared_envelope(proposed.proposal.proposal_bytes, b"result")
    return envelope.SerializeToString(), proposed.transaction_id


def config_envelope() -> bytes:
    header = common_pb2.ChannelHeader(type=common_pb2.CONFIG, channel_id="priority")
    payload = common_pb2.Payload(header=common_pb2.Header(channel_header=header.SerializeToString()))
    return common_pb2.Envelope(payload=payload.SerializeToString()).SerializeToString()


def sample_block() -> tuple[Any, list[str]]:
    first, first_id = endorser_envelope(b"\x01" * 24, "DepositFirstFiling", b"JP:PATENT:1", b"{}")
    second, second_id = endorser_envelope(b"\x02" * 24, "GrantAccess", b"JP:PATENT:1")
    block = common_pb2.Block(
        header=common_pb2.BlockHeader(number=9, previous_hash=b"\xaa" * 32, data_hash=b"\xbb" * 32),
        data=common_pb2.BlockData(data=[first, second, config_envelope()]),
        metadata=common_pb2.BlockMetadata(metadata=[b"", b"", bytes([0, 11, 0]), b""]),
    )
    return block, [first_id, second_id]


def test_decode_block() -> None:
    block, ids = sample_block()
    info = decode_block(block.SerializeToString())
    assert (info.number, info.previous_hash, info.data_hash) == (9, "aa" * 32, "bb" * 32)
    assert info.transaction_ids == (ids[0], ids[1])
    first, second, config = info.transactions
    assert first.type == "ENDORSER_TRANSACTION" and first.channel_id == "priority"
    assert first.creator_msp_id == "USMSP"
    assert first.timestamp == datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=datetime.timezone.utc)
    assert (first.chaincode, first.function, first.arguments) == ("ipledger", "DepositFirstFiling",
                                                                 (b"JP:PATENT:1", b"{}"))
    assert first.text_arguments() == ("JP:PATENT:1", "{}")
    assert (first.validation_code, first.validation_code_name, first.valid) == (0, "VALID", True)
    assert (second.function, second.validation_code_name, second.valid) == ("GrantAccess", "MVCC_READ_CONFLICT", False)
    assert (config.type, config.chaincode, config.function) == ("CONFIG", None, None)


def test_decode_block_without_validation_metadata_and_with_garbage() -> None:
    block = common_pb2.Block(header=common_pb2.BlockHeader(number=1),
                             data=common_pb2.BlockData(data=[b"\xff\xfe"]))
    (transaction,) = decode_block(block).transactions
    assert transaction.validation_code is None and transaction.type == "UNREADABLE"


def test_decode_processed_transaction_and_chain_info() -> None:
    envelope, transaction_id = endorser_envelope(b"\x03" * 24, "Read")
    processed = transaction_pb2.ProcessedTransaction(
        transactionEnvelope=common_pb2.Envelope.FromString(envelope), validationCode=0)
    info = decode_processed_transaction(processed.SerializeToString())
    assert (info.transaction_id, info.function, info.valid) == (transaction_id, "Read", True)
    chain = decode_chain_info(ledger_pb2.BlockchainInfo(height=10, currentBlockHash=b"\x01",
                                                        previousBlockHash=b"\x02").SerializeToString())
    assert (chain.height, chain.current_block_hash, chain.previous_block_hash) == (10, "01", "02")


def qscc_results(fake_peer: RunningPeer) -> list[str]:
    block, ids = sample_block()
    envelope, _ = endorser_envelope(b"\x04" * 24, "Read")
    fake_peer.peer.results.update({
        "GetChainInfo": ledger_pb2.BlockchainInfo(height=10).SerializeToString(),
        "GetBlockByNumber": block.SerializeToString(),
        "GetBlockByTxID": block.SerializeToString(),
        "GetTransactionByID": transaction_pb2.ProcessedTransaction(
            transactionEnvelope=common_pb2.Envelope.FromString(envelope), validationCode=0).SerializeToString(),
    })
    return ids


def evaluated_args(fake_peer: RunningPeer) -> list[list[bytes]]:
    out = []
    for request in fake_peer.peer.requests["Evaluate"]:
        proposal = proposal_pb2.Proposal.FromString(request.proposed_transaction.proposal_bytes)
        payload = proposal_pb2.ChaincodeProposalPayload.FromString(proposal.payload)
        spec = chaincode_pb2.ChaincodeInvocationSpec.FromString(payload.input).chaincode_spec
        assert spec.chaincode_id.name == "qscc"
        out.append(list(spec.input.args))
    return out


def test_ledger_reader(insecure_channel: Any, credentials: Credentials, fake_peer: RunningPeer) -> None:
    ids = qscc_results(fake_peer)
    reader = LedgerReader(Gateway(insecure_channel, credentials.identity, credentials.signer).get_network("priority"))
    assert reader.get_chain_info().height == 10
    assert reader.get_block_by_number(9).transaction_ids == (ids[0], ids[1])
    assert reader.get_block_by_tx_id(ids[0]).number == 9
    assert reader.get_transaction_by_id("tx").function == "Read"
    assert evaluated_args(fake_peer) == [
        [b"GetChainInfo", b"priority"], [b"GetBlockByNumber", b"priority", b"9"],
        [b"GetBlockByTxID", b"priority", ids[0].encode()], [b"GetTransactionByID", b"priority", b"tx"],
    ]


async def test_async_ledger_reader(credentials: Credentials, fake_peer: RunningPeer) -> None:
    qscc_results(fake_peer)
    async with AsyncGateway(grpc.aio.insecure_channel(fake_peer.address), credentials.identity,
                            credentials.signer, close_channel=True) as gateway:
        reader = AsyncLedgerReader(gateway.get_network("priority"))
        assert (await reader.get_chain_info()).height == 10
        assert (await reader.get_block_by_number(9)).number == 9


def test_ed25519_identity_end_to_end(insecure_channel: Any, fake_peer: RunningPeer) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    identity = Identity("JPMSP", make_certificate("ed-user", key))
    gateway = Gateway(insecure_channel, identity, PrivateKeySigner(key))
    assert gateway.hash is Hash.NONE
    # The fake peer verifies Ed25519 over the full proposal bytes, as Fabric v3 does.
    assert gateway.get_network("priority").get_contract("ipledger").submit_transaction("Deposit") == b"endorsed"


def test_ed25519_with_a_digest_hash_is_refused(insecure_channel: Any) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    with pytest.raises(ConfigurationError, match="Hash.NONE"):
        Gateway(insecure_channel, Identity("JPMSP", b"c"), PrivateKeySigner(key), hash=Hash.SHA256)
