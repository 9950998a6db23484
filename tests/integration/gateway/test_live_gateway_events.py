"""Chaincode events, checkpointed resumption, block and filtered block events, mutual-TLS binding.

Other engineers write to the same channel meanwhile, so every check is about *our* transactions, plus
properties that hold for any traffic (no duplicates, block order).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _gateway_live import (
    LiveNetwork,
    adeposit,
    adeposit_concurrently,
    aread_until,
    certificate_der_sha256,
    chain_height,
    deposit,
    deposit_concurrently,
    envelope_tls_cert_hash,
    ledger_order,
    read_until,
    transaction_pb2,
)
from ipledger.credentials import Identity, PrivateKeySigner
from ipledger.gateway import (
    AsyncGateway,
    AsyncLedgerReader,
    ChaincodeEvent,
    FileCheckpointer,
    Gateway,
    Network,
    decode_block,
)


def _assert_once_in_ledger_order(events: list[ChaincodeEvent], expected: list[str]) -> None:
    """Our transactions arrived exactly once each, in ledger order; no event at all came twice."""
    wanted = set(expected)
    assert [event.transaction_id for event in events if event.transaction_id in wanted] == expected
    keys = [(event.block_number, event.transaction_id) for event in events]
    assert len(keys) == len(set(keys)), "an event was delivered twice"
    blocks = [event.block_number for event in events]
    assert blocks == sorted(blocks)


def test_chaincode_events_from_start_block_deliver_submitted_transactions(
    live: LiveNetwork, jp_network: Network
) -> None:
    contract = jp_network.get_contract(live.chaincode)
    start = chain_height(jp_network)
    deposits = [deposit(contract, "JP") for _ in range(3)]
    wanted = {d.transaction_id for d in deposits}

    with jp_network.chaincode_events(live.chaincode, start_block=start) as stream:
        events: list[ChaincodeEvent] = read_until(
            stream, lambda seen: wanted <= {event.transaction_id for event in seen}
        )

    mine = [event for event in events if event.transaction_id in wanted]
    assert [event.transaction_id for event in mine] == [d.transaction_id for d in deposits]
    for event, made in zip(mine, deposits):
        assert (event.chaincode_name, event.event_name) == (live.chaincode, "FirstFilingDeposited")
        assert event.block_number == made.block_number >= start
        payload = json.loads(event.payload)
        assert (payload["recordType"], payload["recordId"], payload["txId"]) == (
            "filing", made.filing_id, made.transaction_id)
    assert all(event.block_number >= start for event in events)


def test_chaincode_events_file_checkpoint_resumes_exactly_once_after_gateway_close(
    live: LiveNetwork, tmp_path: Path
) -> None:
    checkpoint_file = tmp_path / "events" / "checkpoint.json"
    profile = live.profile_path("JP")
    with Gateway.from_profile(profile) as gateway:
        network = gateway.get_network(live.channel)
        start = chain_height(network)
        first = deposit_concurrently(network.get_contract(live.chaincode), "JP", 4)
        first_order = ledger_order(network, first)

        checkpointer = FileCheckpointer(checkpoint_file)
        stream = network.chaincode_events(live.chaincode, start_block=start, checkpoint=checkpointer)
        before: list[ChaincodeEvent] = read_until(
            stream,
            lambda seen: sum(event.transaction_id in first for event in seen) == 2,
            each=checkpointer.checkpoint_chaincode_event,
        )
        # Leaving the block closes the gateway with the stream still open: a forced disconnect.
    assert stream.closed
    assert json.loads(checkpoint_file.read_text()) == {
        "blockNumber": before[-1].block_number, "transactionId": before[-1].transaction_id}

    with Gateway.from_profile(profile) as gateway:  # while nobody listens
        network = gateway.get_network(live.channel)
        second_order = ledger_order(network, deposit_concurrently(network.get_contract(live.chaincode), "JP", 3))
    expected = first_order + second_order

    with Gateway.from_profile(profile) as gateway:
        network = gateway.get_network(live.channel)
        resumed_checkpointer = FileCheckpointer(checkpoint_file)
        assert (resumed_checkpointer.block_number, resumed_checkpointer.transaction_id) == (
            before[-1].block_number, before[-1].transaction_id)
        with network.chaincode_events(live.chaincode, checkpoint=resumed_checkpointer) as resumed_stream:
            after: list[ChaincodeEvent] = read_until(
                resumed_stream,
                lambda seen: set(second_order) <= {event.transaction_id for event in seen},
                each=resumed_checkpointer.checkpoint_chaincode_event,
            )

    _assert_once_in_ledger_order(before + after, expected)


async def test_async_chaincode_events_file_checkpoint_resumes_exactly_once_after_stream_close(
    live: LiveNetwork, tmp_path: Path
) -> None:
    checkpoint_file = tmp_path / "checkpoint.json"
    async with AsyncGateway.from_profile(live.profile_path("US")) as gateway:
        network = gateway.get_network(live.channel)
        contract = network.get_contract(live.chaincode)
        with Gateway.from_profile(live.profile_path("US")) as sync_gateway:
            sync_network = sync_gateway.get_network(live.channel)
            start = chain_height(sync_network)
            first = await adeposit_concurrently(contract, "US", 4)
            first_order = ledger_order(sync_network, first)

            checkpointer = FileCheckpointer(checkpoint_file)
            stream = network.chaincode_events(live.chaincode, start_block=start, checkpoint=checkpointer)
            before: list[ChaincodeEvent] = await aread_until(
                stream,
                lambda seen: sum(event.transaction_id in first for event in seen) == 1,
                each=checkpointer.checkpoint_chaincode_event,
            )
            await stream.aclose()  # disconnect mid-way

            second_order = ledger_order(sync_network, await adeposit_concurrently(contract, "US", 3))

        resumed_checkpointer = FileCheckpointer(checkpoint_file)
        async with network.chaincode_events(live.chaincode, checkpoint=resumed_checkpointer) as resumed_stream:
            after: list[ChaincodeEvent] = await aread_until(
                resumed_stream,
                lambda seen: set(second_order) <= {event.transaction_id for event in seen},
                each=resumed_checkpointer.checkpoint_chaincode_event,
            )

    _assert_once_in_ledger_order(before + after, first_order + second_order)


def test_block_events_are_consecutive_and_hold_the_transaction(live: LiveNetwork, jp_network: Network) -> None:
    start = chain_height(jp_network)
    made = deposit(jp_network.get_contract(live.chaincode), "JP")

    with jp_network.block_events(start_block=start) as stream:
        received: list[Any] = read_until(stream, lambda seen: decode_block(seen[-1]).number >= made.block_number)
    blocks = [decode_block(block) for block in received]

    assert [block.number for block in blocks] == list(range(start, made.block_number + 1))
    block = blocks[-1]
    assert made.transaction_id in block.transaction_ids
    transaction = next(tx for tx in block.transactions if tx.transaction_id == made.transaction_id)
    assert (transaction.valid, transaction.creator_msp_id) == (True, "JPMSP")
    assert (transaction.chaincode, transaction.function) == (live.chaincode, "DepositFirstFiling")


def test_filtered_block_events_are_consecutive_and_hold_the_transaction(
    live: LiveNetwork, jp_network: Network
) -> None:
    start = chain_height(jp_network)
    made = deposit(jp_network.get_contract(live.chaincode), "JP")

    with jp_network.filtered_block_events(start_block=start) as stream:
        blocks: list[Any] = read_until(stream, lambda seen: seen[-1].number >= made.block_number)

    assert [block.number for block in blocks] == list(range(start, made.block_number + 1))
    assert all(block.channel_id == live.channel for block in blocks)
    filtered = {tx.txid: tx for tx in blocks[-1].filtered_transactions}
    assert made.transaction_id in filtered
    transaction = filtered[made.transaction_id]
    assert transaction.tx_validation_code == transaction_pb2.VALID
    event_names = [action.chaincode_event.event_name for action in transaction.transaction_actions.chaincode_actions]
    assert event_names == ["FirstFilingDeposited"]


@dataclass(frozen=True)
class _TlsClient:
    """JP User1 with the TLS client certificate and key its profile lists (users.User1.tlsCertPath/...)."""

    endpoint: str
    server_name: str | None
    tls_root_cert: bytes
    identity: Identity
    signer: PrivateKeySigner
    client_cert: bytes
    client_key: bytes

    @classmethod
    def of(cls, live: LiveNetwork) -> _TlsClient:
        profile = live.profile("JP")
        user = profile.users["User1"]
        assert user.tls_cert_path is not None and user.tls_key_path is not None
        return cls(profile.gateway.endpoint, profile.gateway.server_name, profile.gateway.tls_root_cert(),
                   Identity(profile.msp_id, user.cert_path.read_bytes()),
                   PrivateKeySigner.from_pem(user.key_path.read_bytes()),
                   user.tls_cert_path.read_bytes(), user.tls_key_path.read_bytes())


def test_block_events_with_client_tls_certificate_bind_its_hash(live: LiveNetwork, jp_network: Network) -> None:
    client = _TlsClient.of(live)
    start = chain_height(jp_network)
    made = deposit(jp_network.get_contract(live.chaincode), "JP")

    with Gateway.connect(client.endpoint, client.identity, client.signer, tls_root_cert=client.tls_root_cert,
                         server_name=client.server_name, client_cert=client.client_cert,
                         client_key=client.client_key) as gateway:
        network = gateway.get_network(live.channel)
        request = network.new_block_events_request(start_block=start)
        assert envelope_tls_cert_hash(request.bytes) == certificate_der_sha256(client.client_cert)
        with request.events() as stream:
            received: list[Any] = read_until(
                stream, lambda seen: decode_block(seen[-1]).number >= made.block_number)
    blocks = [decode_block(block) for block in received]
    assert made.transaction_id in blocks[-1].transaction_ids
    assert [block.number for block in blocks] == list(range(start, made.block_number + 1))

    # Without a client certificate there is nothing to bind.
    assert envelope_tls_cert_hash(jp_network.new_block_events_request(start_block=start).bytes) == b""


async def test_async_filtered_block_events_with_client_tls_certificate_bind_its_hash(live: LiveNetwork) -> None:
    client = _TlsClient.of(live)
    async with AsyncGateway.connect(client.endpoint, client.identity, client.signer,
                                    tls_root_cert=client.tls_root_cert, server_name=client.server_name,
                                    client_cert=client.client_cert, client_key=client.client_key) as gateway:
        network = gateway.get_network(live.channel)
        contract = network.get_contract(live.chaincode)
        start = (await AsyncLedgerReader(network).get_chain_info()).height
        made = await adeposit(contract, "JP")
        request = network.new_filtered_block_events_request(start_block=start)
        assert envelope_tls_cert_hash(request.bytes) == certificate_der_sha256(client.client_cert)
        async with request.events() as stream:
            blocks: list[Any] = await aread_until(stream, lambda seen: seen[-1].number >= made.block_number)
    assert [block.number for block in blocks] == list(range(start, made.block_number + 1))
    assert made.transaction_id in {tx.txid for tx in blocks[-1].filtered_transactions}
