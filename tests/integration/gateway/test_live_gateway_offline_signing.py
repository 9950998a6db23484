# generated from tests/integration/gateway/test_live_gateway_offline_signing_aio.py by scripts/unasync.py - do not edit; run ./scripts/generate
"""Offline signing end to end: a gateway without a signer, every digest signed elsewhere with the key."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from _gateway_live import (
    LiveNetwork,
    chain_height,
    read_until,
    filing_id,
    filing_json,
    sign_elsewhere,
    unique_number,
)
from ipledger.credentials import Identity
from ipledger.gateway import Gateway, ChaincodeEvent, NoSignerError, decode_block


@pytest.fixture
def jp_user_key(live: LiveNetwork) -> bytes:
    return live.profile("JP").users["User1"].key_path.read_bytes()


@pytest.fixture
def unsigned_gateway(live: LiveNetwork) -> Iterator[Gateway]:
    """JP User1's identity on JP's gateway, with no signer at all."""
    profile = live.profile("JP")
    identity = Identity(profile.msp_id, profile.users["User1"].cert_path.read_bytes())
    with Gateway.connect(profile.gateway.endpoint, identity, tls_root_cert=profile.gateway.tls_root_cert(),
                         server_name=profile.gateway.server_name) as gateway:
        yield gateway


def test_offline_signing_proposal_transaction_commit_reach_valid(
    live: LiveNetwork, unsigned_gateway: Gateway, jp_user_key: bytes
) -> None:
    contract = unsigned_gateway.get_network(live.channel).get_contract(live.chaincode)
    number = unique_number()

    unsigned_proposal = contract.new_proposal("DepositFirstFiling", [filing_json(number)])
    with pytest.raises(NoSignerError):
        unsigned_proposal.endorse()
    proposal = unsigned_gateway.new_signed_proposal(
        unsigned_proposal.bytes, sign_elsewhere(jp_user_key, unsigned_proposal.digest)
    )
    assert proposal.transaction_id == unsigned_proposal.transaction_id

    unsigned_transaction = proposal.endorse()
    assert json.loads(unsigned_transaction.result)["id"] == filing_id("JP", number)
    transaction = unsigned_gateway.new_signed_transaction(
        unsigned_transaction.bytes, sign_elsewhere(jp_user_key, unsigned_transaction.digest)
    )
    assert transaction.result == unsigned_transaction.result

    submitted = transaction.submit()
    assert not submitted.is_signed  # no signer: the commit status request waits for its signature too
    commit = unsigned_gateway.new_signed_commit(submitted.bytes, sign_elsewhere(jp_user_key, submitted.digest))
    status = commit.status()
    assert status.successful and status.code_name == "VALID"
    assert status.transaction_id == proposal.transaction_id

    query = contract.new_proposal("GetFirstFiling", [filing_id("JP", number)])
    signed_query = unsigned_gateway.new_signed_proposal(query.bytes, sign_elsewhere(jp_user_key, query.digest))
    assert json.loads(signed_query.evaluate())["id"] == filing_id("JP", number)


def test_offline_signing_chaincode_events_request_delivers_events(
    live: LiveNetwork, unsigned_gateway: Gateway, jp_user_key: bytes
) -> None:
    with Gateway.from_profile(live.profile_path("JP")) as signing_gateway:
        network = signing_gateway.get_network(live.channel)
        start = chain_height(network)
        submitted = network.get_contract(live.chaincode).submit_async(
            "DepositFirstFiling", [filing_json(unique_number())]
        )
        assert (submitted.status()).successful

    network = unsigned_gateway.get_network(live.channel)
    unsigned = network.new_chaincode_events_request(live.chaincode, start_block=start)
    with pytest.raises(NoSignerError):
        unsigned.events()
    request = unsigned_gateway.new_signed_chaincode_events_request(
        unsigned.bytes, sign_elsewhere(jp_user_key, unsigned.digest)
    )
    events: list[ChaincodeEvent] = read_until(
        request.events(), lambda seen: seen[-1].transaction_id == submitted.transaction_id
    )
    mine = [event for event in events if event.transaction_id == submitted.transaction_id]
    assert len(mine) == 1
    assert mine[0].event_name == "FirstFilingDeposited" and mine[0].block_number >= start
    assert json.loads(mine[0].payload)["txId"] == submitted.transaction_id


def test_offline_signing_block_events_request_delivers_blocks(
    live: LiveNetwork, unsigned_gateway: Gateway, jp_user_key: bytes
) -> None:
    with Gateway.from_profile(live.profile_path("JP")) as signing_gateway:
        start = chain_height(signing_gateway.get_network(live.channel)) - 1

    unsigned = unsigned_gateway.get_network(live.channel).new_block_events_request(start_block=start)
    request = unsigned_gateway.new_signed_block_events_request(
        unsigned.bytes, sign_elsewhere(jp_user_key, unsigned.digest))
    stream = request.events()
    try:
        blocks = read_until(stream, lambda seen: True)
    finally:
        stream.close()
    assert decode_block(blocks[0]).number == start
