"""End-to-end tests of the asyncio client against the in-process fake peer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import grpc
import pytest
from fabric_protos.gateway import gateway_pb2

from _gateway_fakes import Credentials, Failure, RunningPeer, TLSMaterial, start_fake_peer
from ipledger.gateway import (
    AsyncGateway,
    CommitError,
    CommitStatusError,
    EndorseError,
    GatewayError,
    NoSignerError,
    ReconnectPolicy,
    SubmitError,
    Timeouts,
    tls_certificate_hash,
)

FAST_RECONNECT = ReconnectPolicy(initial_delay=0.01, max_delay=0.05)


@pytest.fixture
async def gateway(fake_peer: RunningPeer, credentials: Credentials) -> AsyncIterator[AsyncGateway]:
    channel = grpc.aio.insecure_channel(fake_peer.address)
    async with AsyncGateway(channel, credentials.identity, credentials.signer, close_channel=True) as gw:
        yield gw


async def test_evaluate_and_submit(gateway: AsyncGateway, fake_peer: RunningPeer) -> None:
    fake_peer.peer.results["Read"] = b"read"
    fake_peer.peer.results["Deposit"] = b"deposited"
    contract = gateway.get_network("priority").get_contract("ipledger")
    assert await contract.evaluate_transaction("Read", "x") == b"read"
    assert await contract.submit_transaction("Deposit", "x") == b"deposited"
    submitted = await contract.submit_async("Deposit")
    assert submitted.result == b"deposited"
    status = await submitted.status()
    assert status.successful and status.transaction_id == submitted.transaction_id


async def test_hundreds_of_transactions_in_flight(gateway: AsyncGateway, fake_peer: RunningPeer) -> None:
    fake_peer.peer.commit_delay = 0.3  # every CommitStatus blocks, as on a real peer
    contract = gateway.get_network("priority").get_contract("ipledger")
    started = asyncio.get_running_loop().time()
    results = await asyncio.gather(*(contract.submit("Deposit", [str(i)]) for i in range(300)))
    elapsed = asyncio.get_running_loop().time() - started
    assert len(results) == 300
    assert len({r.transaction_id for r in fake_peer.peer.requests["Submit"]}) == 300
    assert elapsed < 0.3 * 300 / 10  # overlapped, not serialised


async def test_error_mapping(gateway: AsyncGateway, fake_peer: RunningPeer) -> None:
    contract = gateway.get_network("priority").get_contract("ipledger")
    fake_peer.peer.failures["Endorse"] = Failure(
        grpc.StatusCode.ABORTED, "failed to endorse transaction",
        [("peer0.us.ipledger.test:9051", "USMSP", "chaincode response 500, CONFLICT: already deposited")])
    with pytest.raises(EndorseError) as endorse:
        await contract.submit_transaction("Deposit")
    assert endorse.value.chaincode_message() == "CONFLICT: already deposited"
    assert endorse.value.transaction_id == fake_peer.peer.requests["Endorse"][-1].transaction_id
    del fake_peer.peer.failures["Endorse"]

    fake_peer.peer.failures["Submit"] = Failure(grpc.StatusCode.UNAVAILABLE, "no orderers")
    with pytest.raises(SubmitError):
        await contract.submit_transaction("Deposit")
    del fake_peer.peer.failures["Submit"]

    fake_peer.peer.failures["CommitStatus"] = Failure(grpc.StatusCode.PERMISSION_DENIED, "access denied")
    with pytest.raises(CommitStatusError) as commit_status:
        await contract.submit_transaction("Deposit")
    assert commit_status.value.transaction_id == fake_peer.peer.requests["Submit"][-1].transaction_id
    del fake_peer.peer.failures["CommitStatus"]

    fake_peer.peer.commit_code = 10
    with pytest.raises(CommitError, match=r"status code 10 \(ENDORSEMENT_POLICY_FAILURE\)"):
        await contract.submit_transaction("Deposit")

    fake_peer.peer.failures["Evaluate"] = Failure(grpc.StatusCode.UNKNOWN, "chaincode response 500, NOPE: x")
    with pytest.raises(GatewayError) as evaluate:
        await contract.evaluate_transaction("Read")
    assert evaluate.value.chaincode_message() == "NOPE: x"


async def test_per_call_deadline(gateway: AsyncGateway, fake_peer: RunningPeer) -> None:
    fake_peer.peer.commit_delay = 1.0
    contract = gateway.get_network("priority").get_contract("ipledger")
    with pytest.raises(CommitStatusError) as info:
        await contract.submit("Deposit", timeouts=Timeouts(commit_status=0.1))
    assert info.value.grpc_code is grpc.StatusCode.DEADLINE_EXCEEDED


async def test_offline_signing_round_trip(fake_peer: RunningPeer, credentials: Credentials) -> None:
    sign = credentials.signer
    async with AsyncGateway(grpc.aio.insecure_channel(fake_peer.address), credentials.identity,
                            close_channel=True) as gateway:
        unsigned = gateway.get_network("priority").get_contract("ipledger").new_proposal("Deposit")
        with pytest.raises(NoSignerError):
            await unsigned.evaluate()
        proposal = gateway.new_signed_proposal(unsigned.bytes, sign(unsigned.digest))
        transaction = await proposal.endorse()
        transaction = gateway.new_signed_transaction(transaction.bytes, sign(transaction.digest))
        submitted = await transaction.submit()
        commit = gateway.new_signed_commit(submitted.bytes, sign(submitted.digest))
        assert (await commit.status()).successful


async def test_chaincode_events_async_for_with_reconnect(gateway: AsyncGateway, fake_peer: RunningPeer) -> None:
    fake_peer.peer.event_blocks = [(1, [("a", "E", b"")]), (2, [("b", "E", b"")]), (3, [("c", "E", b"")])]
    fake_peer.peer.fail_events_after = 1
    received = []
    async with gateway.get_network("priority").chaincode_events(
        "ipledger", start_block=0, reconnect=FAST_RECONNECT
    ) as events:
        async for event in events:
            received.append(event.transaction_id)
            if len(received) == 3:
                break
    assert received == ["a", "b", "c"]
    resume = gateway_pb2.ChaincodeEventsRequest.FromString(fake_peer.peer.requests["ChaincodeEvents"][1].request)
    assert (resume.start_position.specified.number, resume.after_transaction_id) == (1, "a")


async def _until_streaming(fake_peer: RunningPeer) -> None:
    """Wait (polling the fake peer's record, not the clock) until an events stream reached the peer."""
    while not fake_peer.peer.requests.get("ChaincodeEvents"):
        await asyncio.sleep(0.01)


async def test_close_cancels_a_pending_read(gateway: AsyncGateway, fake_peer: RunningPeer) -> None:
    events = gateway.get_network("priority").chaincode_events("ipledger")

    async def close_once_streaming() -> None:
        await _until_streaming(fake_peer)
        events.close()

    closer = asyncio.create_task(close_once_streaming())
    with pytest.raises(StopAsyncIteration):
        await events.__anext__()
    await closer


async def test_aclose_ends_streams(fake_peer: RunningPeer, credentials: Credentials) -> None:
    gateway = AsyncGateway(grpc.aio.insecure_channel(fake_peer.address), credentials.identity,
                           credentials.signer, close_channel=True)
    events = gateway.get_network("priority").chaincode_events("ipledger")

    async def consume() -> list[object]:
        return [event async for event in events]

    task = asyncio.create_task(consume())
    await _until_streaming(fake_peer)
    await gateway.aclose()
    assert await asyncio.wait_for(task, 30) == []  # the timeout only guards against a hang


async def test_block_events_with_mutual_tls(credentials: Credentials, tls: TLSMaterial) -> None:
    server_credentials = grpc.ssl_server_credentials(
        [(tls.server_key, tls.server_cert)], root_certificates=tls.ca_cert, require_client_auth=True)
    running = start_fake_peer(server_credentials)
    running.peer.blocks = [0, 1]
    try:
        gateway = AsyncGateway.connect(
            running.address, credentials.identity, credentials.signer, tls_root_cert=tls.ca_cert,
            server_name="peer0.jp.ipledger.test", client_cert=tls.client_cert, client_key=tls.client_key)
        async with gateway:
            await gateway.wait_ready(5)
            async with gateway.get_network("priority").block_events(start_block=0) as blocks:
                numbers = [(await blocks.__anext__()).header.number for _ in range(2)]
        assert numbers == [0, 1]
        assert running.peer.client_tls_hashes == [tls_certificate_hash(tls.client_cert)]
    finally:
        running.server.stop(grace=None)
