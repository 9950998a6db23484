# generated from tests/unit/gateway/test_gateway_client_async.py by scripts/unasync.py - do not edit; run ./scripts/generate
"""End-to-end tests of the blocking client against the in-process fake peer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.orderer import ab_pb2
from fabric_protos.peer import chaincode_pb2, proposal_pb2

from _gateway_fakes import Credentials, Failure, RunningPeer, TLSMaterial, sync_channel, key_pem, start_fake_peer
from ipledger.errors import ConnectionError as GatewayConnectionError
from ipledger.credentials import FileWallet, WalletEntry
from ipledger.errors import ConfigurationError
from ipledger.gateway import (
    CommitError,
    CommitStatusError,
    EndorseError,
    FileCheckpointer,
    Gateway,
    GatewayError,
    InMemoryCheckpointer,
    NoSignerError,
    ReconnectPolicy,
    SubmitError,
    Timeouts,
    tls_certificate_hash,
)

FAST_RECONNECT = ReconnectPolicy(initial_delay=0.01, max_delay=0.05)


@pytest.fixture
def channel(fake_peer: RunningPeer) -> Iterator[Any]:
    opened = sync_channel(fake_peer.address)
    yield opened
    opened.close()


@pytest.fixture
def gateway(channel: Any, credentials: Credentials) -> Iterator[Gateway]:
    with Gateway(channel, credentials.identity, credentials.signer) as gw:
        yield gw


def proposal_args(signed_proposal: Any) -> tuple[list[bytes], dict[str, bytes]]:
    proposal = proposal_pb2.Proposal.FromString(signed_proposal.proposal_bytes)
    payload = proposal_pb2.ChaincodeProposalPayload.FromString(proposal.payload)
    spec = chaincode_pb2.ChaincodeInvocationSpec.FromString(payload.input).chaincode_spec
    return list(spec.input.args), dict(payload.TransientMap)


def test_evaluate_transaction(gateway: Gateway, fake_peer: RunningPeer) -> None:
    fake_peer.peer.results["ReadFirstFiling"] = b'{"id":"JP:PATENT:1"}'
    contract = gateway.get_network("priority").get_contract("ipledger")

    assert contract.evaluate_transaction("ReadFirstFiling", "JP:PATENT:1") == b'{"id":"JP:PATENT:1"}'

    (request,) = fake_peer.peer.requests["Evaluate"]
    assert request.channel_id == "priority"
    assert proposal_args(request.proposed_transaction)[0] == [b"ReadFirstFiling", b"JP:PATENT:1"]


def test_evaluate_with_transient_data_and_target_organizations(gateway: Gateway, fake_peer: RunningPeer) -> None:
    contract = gateway.get_network("priority").get_contract("ipledger", "Filings")
    contract.evaluate("Read", ["a", b"\x01"], {"salt": "pepper"}, ["JPMSP"])
    (request,) = fake_peer.peer.requests["Evaluate"]
    args, transient = proposal_args(request.proposed_transaction)
    assert args == [b"Filings:Read", b"a", b"\x01"]
    assert transient == {"salt": b"pepper"}
    assert list(request.target_organizations) == ["JPMSP"]


def test_submit_transaction_runs_endorse_submit_commit(gateway: Gateway, fake_peer: RunningPeer) -> None:
    fake_peer.peer.results["DepositFirstFiling"] = b"deposited"
    contract = gateway.get_network("priority").get_contract("ipledger")

    assert contract.submit_transaction("DepositFirstFiling", "JP:PATENT:1") == b"deposited"

    requests = fake_peer.peer.requests
    endorse, submit, commit = requests["Endorse"][0], requests["Submit"][0], requests["CommitStatus"][0]
    assert endorse.transaction_id == submit.transaction_id
    assert gateway_pb2.CommitStatusRequest.FromString(commit.request).transaction_id == endorse.transaction_id
    assert submit.prepared_transaction.signature  # the fake verified it against our certificate


def test_submit_async_returns_result_before_status(gateway: Gateway, fake_peer: RunningPeer) -> None:
    fake_peer.peer.results["Grant"] = b"granted"
    fake_peer.peer.commit_block = 42
    contract = gateway.get_network("priority").get_contract("ipledger")

    submitted = contract.submit_async("Grant", ["x"], endorsing_organizations=["JPMSP", "USMSP"])

    assert submitted.result == b"granted"
    assert "CommitStatus" not in fake_peer.peer.requests
    status = submitted.status()
    assert (status.code, status.successful, status.block_number) == (0, True, 42)
    assert status.transaction_id == submitted.transaction_id and status.code_name == "VALID"
    assert list(fake_peer.peer.requests["Endorse"][0].endorsing_organizations) == ["JPMSP", "USMSP"]


def test_invalid_commit_raises_commit_error(gateway: Gateway, fake_peer: RunningPeer) -> None:
    fake_peer.peer.commit_code = 11
    with pytest.raises(CommitError) as info:
        gateway.get_network("priority").get_contract("ipledger").submit_transaction("Grant")
    assert (info.value.validation_code, info.value.code_name) == (11, "MVCC_READ_CONFLICT")
    assert info.value.transaction_id == fake_peer.peer.requests["Endorse"][0].transaction_id


def test_endorse_failure_maps_to_endorse_error_with_chaincode_text(gateway: Gateway, fake_peer: RunningPeer) -> None:
    fake_peer.peer.failures["Endorse"] = Failure(
        grpc.StatusCode.ABORTED, "failed to endorse transaction, see attached details for more info",
        [("peer0.jp.ipledger.test:7051", "JPMSP", "chaincode response 500, NOT_FOUND: first filing JP:PATENT:9 does not exist")],
    )
    with pytest.raises(EndorseError) as info:
        gateway.get_network("priority").get_contract("ipledger").submit_transaction("Grant", "JP:PATENT:9")
    error = info.value
    assert error.grpc_code is grpc.StatusCode.ABORTED
    assert error.transaction_id == fake_peer.peer.requests["Endorse"][0].transaction_id
    assert error.chaincode_message() == "NOT_FOUND: first filing JP:PATENT:9 does not exist"
    assert "NOT_FOUND: first filing JP:PATENT:9 does not exist" in str(error)
    assert "Submit" not in fake_peer.peer.requests


def test_evaluate_failure_is_a_gateway_error(gateway: Gateway, fake_peer: RunningPeer) -> None:
    fake_peer.peer.failures["Evaluate"] = Failure(
        grpc.StatusCode.UNKNOWN, "evaluate call to endorser returned error: chaincode response 500, BAD: no")
    with pytest.raises(GatewayError) as info:
        gateway.get_network("priority").get_contract("ipledger").evaluate_transaction("Read")
    assert type(info.value) is GatewayError
    assert info.value.chaincode_message() == "BAD: no"
    assert str(info.value).startswith("evaluate error: UNKNOWN")


def test_submit_failure_maps_to_submit_error(gateway: Gateway, fake_peer: RunningPeer) -> None:
    fake_peer.peer.failures["Submit"] = Failure(grpc.StatusCode.UNAVAILABLE, "no orderers could successfully process transaction")
    with pytest.raises(SubmitError) as info:
        gateway.get_network("priority").get_contract("ipledger").submit_transaction("Grant")
    assert info.value.grpc_code is grpc.StatusCode.UNAVAILABLE
    assert info.value.transaction_id == fake_peer.peer.requests["Submit"][0].transaction_id


def test_bft_submit_refused_as_already_processed_still_waits_for_commit(
        gateway: Gateway, fake_peer: RunningPeer) -> None:
    # BFT: orderers that received the transaction from a peer orderer answer "request already processed",
    # and the gateway reports a missing quorum although the transaction is being ordered (fabric#4415).
    fake_peer.peer.failures["Submit"] = Failure(
        grpc.StatusCode.UNAVAILABLE,
        "insufficient number of orderers could successfully process transaction to satisfy quorum requirement",
        [("orderer0.us:8050", "USMSP", "rpc error: code = Unknown desc = request already processed")])
    result = gateway.get_network("priority").get_contract("ipledger").submit_transaction("Grant")
    assert result == b"endorsed"
    assert len(fake_peer.peer.requests["CommitStatus"]) == 1


def test_commit_status_deadline_maps_to_commit_status_error(
    channel: Any, credentials: Credentials, fake_peer: RunningPeer
) -> None:
    fake_peer.peer.commit_delay = 2.0
    gateway = Gateway(channel, credentials.identity, credentials.signer,
                      timeouts=Timeouts(commit_status=0.2))
    contract = gateway.get_network("priority").get_contract("ipledger")
    with pytest.raises(CommitStatusError) as info:
        contract.submit_transaction("Grant")
    assert info.value.grpc_code is grpc.StatusCode.DEADLINE_EXCEEDED
    assert info.value.transaction_id == fake_peer.peer.requests["Endorse"][0].transaction_id
    # A per-call override beats the gateway default.
    submitted = contract.submit_async("Grant")
    assert (submitted.status(timeout=5)).successful


def test_offline_signing_round_trip(channel: Any, credentials: Credentials, fake_peer: RunningPeer) -> None:
    fake_peer.peer.results["Grant"] = b"ok"
    sign = credentials.signer  # stands in for a remote signing service
    gateway = Gateway(channel, credentials.identity)  # no signer: offline mode
    contract = gateway.get_network("priority").get_contract("ipledger")

    unsigned = contract.new_proposal("Grant", ["JP:PATENT:1"], endorsing_organizations=["JPMSP"])
    with pytest.raises(NoSignerError):
        unsigned.endorse()

    proposal = gateway.new_signed_proposal(unsigned.bytes, sign(unsigned.digest))
    assert proposal.transaction_id == unsigned.transaction_id
    transaction = proposal.endorse()
    assert transaction.result == b"ok"

    transaction = gateway.new_signed_transaction(transaction.bytes, sign(transaction.digest))
    assert transaction.result == b"ok"
    submitted = transaction.submit()
    with pytest.raises(NoSignerError):
        submitted.status()

    commit = gateway.new_signed_commit(submitted.bytes, sign(submitted.digest))
    assert commit.transaction_id == unsigned.transaction_id
    assert (commit.status()).successful
    assert list(fake_peer.peer.requests["Endorse"][0].endorsing_organizations) == ["JPMSP"]


def test_signed_objects_are_not_signed_again(gateway: Gateway, fake_peer: RunningPeer) -> None:
    contract = gateway.get_network("priority").get_contract("ipledger")
    proposal = contract.new_proposal("Read")
    first = proposal.evaluate()
    signature = fake_peer.peer.requests["Evaluate"][0].proposed_transaction.signature
    assert proposal.is_signed
    proposal.evaluate()
    assert fake_peer.peer.requests["Evaluate"][1].proposed_transaction.signature == signature
    assert first == b"evaluated"


def test_chaincode_events_from_start_block(gateway: Gateway, fake_peer: RunningPeer) -> None:
    fake_peer.peer.event_blocks = [(3, [("a", "E", b"1")]), (5, [("b", "E", b"2"), ("c", "F", b"3")])]
    network = gateway.get_network("priority")
    with network.chaincode_events("ipledger", start_block=4) as events:
        received = [next(events), next(events)]
    assert [(e.block_number, e.transaction_id, e.event_name, e.payload) for e in received] == [
        (5, "b", "E", b"2"), (5, "c", "F", b"3")]
    assert received[0].chaincode_name == "ipledger"
    request = gateway_pb2.ChaincodeEventsRequest.FromString(fake_peer.peer.requests["ChaincodeEvents"][0].request)
    assert request.start_position.specified.number == 4


def test_chaincode_events_resume_from_file_checkpoint(
    gateway: Gateway, fake_peer: RunningPeer, tmp_path: Path
) -> None:
    fake_peer.peer.event_blocks = [(3, [("a", "E", b""), ("b", "E", b"")]), (4, [("c", "E", b"")])]
    network = gateway.get_network("priority")
    checkpointer = FileCheckpointer(tmp_path / "cp.json")
    with network.chaincode_events("ipledger", start_block=0, checkpoint=checkpointer) as events:
        first = next(events)
        checkpointer.checkpoint_chaincode_event(first)  # then "crash"
    resumed = FileCheckpointer(tmp_path / "cp.json")
    with network.chaincode_events("ipledger", start_block=0, checkpoint=resumed) as events:
        rest = [(next(events)).transaction_id, (next(events)).transaction_id]
    assert (first.transaction_id, rest) == ("a", ["b", "c"])
    second = gateway_pb2.ChaincodeEventsRequest.FromString(fake_peer.peer.requests["ChaincodeEvents"][1].request)
    assert (second.start_position.specified.number, second.after_transaction_id) == (3, "a")


def test_chaincode_events_reconnect_without_loss_or_duplicates(gateway: Gateway, fake_peer: RunningPeer) -> None:
    fake_peer.peer.event_blocks = [(1, [("a", "E", b"")]), (2, [("b", "E", b""), ("c", "E", b"")]),
                                   (3, [("d", "E", b"")])]
    fake_peer.peer.fail_events_after = 2  # the first stream dies after two blocks
    events = gateway.get_network("priority").chaincode_events("ipledger", start_block=0, reconnect=FAST_RECONNECT)
    received = [(next(events)).transaction_id for _ in range(4)]
    events.close()
    assert received == ["a", "b", "c", "d"]
    resume = gateway_pb2.ChaincodeEventsRequest.FromString(fake_peer.peer.requests["ChaincodeEvents"][1].request)
    assert (resume.start_position.specified.number, resume.after_transaction_id) == (2, "c")


def test_chaincode_events_without_reconnect_raise(gateway: Gateway, fake_peer: RunningPeer) -> None:
    fake_peer.peer.event_blocks = [(1, [("a", "E", b"")]), (2, [("b", "E", b"")])]
    fake_peer.peer.fail_events_after = 1
    events = gateway.get_network("priority").chaincode_events("ipledger", start_block=0)
    assert (next(events)).transaction_id == "a"
    with pytest.raises(GatewayError) as info:
        next(events)
    assert info.value.grpc_code is grpc.StatusCode.UNAVAILABLE
    assert info.value.operation == "chaincode events"


@pytest.mark.parametrize(
    ("method", "request_method"),
    [("block_events", "Deliver"), ("filtered_block_events", "DeliverFiltered"),
     ("block_and_private_data_events", "DeliverWithPrivateData")],
)
def test_block_events_flavours_and_checkpoint(
    gateway: Gateway, fake_peer: RunningPeer, method: str, request_method: str
) -> None:
    fake_peer.peer.blocks = [0, 1, 2, 3]
    checkpointer = InMemoryCheckpointer()
    checkpointer.checkpoint_block(1)  # block 1 done: resume at 2
    with getattr(gateway.get_network("priority"), method)(checkpoint=checkpointer) as blocks:
        first, second = next(blocks), next(blocks)
    number = {"block_events": lambda b: b.header.number, "filtered_block_events": lambda b: b.number,
              "block_and_private_data_events": lambda b: b.block.header.number}[method]
    assert [number(first), number(second)] == [2, 3]
    (envelope,) = fake_peer.peer.requests[request_method]
    payload = common_pb2.Payload.FromString(envelope.payload)
    assert common_pb2.ChannelHeader.FromString(payload.header.channel_header).type == common_pb2.DELIVER_SEEK_INFO


def test_block_events_reconnect_resume_after_last_block(gateway: Gateway, fake_peer: RunningPeer) -> None:
    fake_peer.peer.blocks = [5, 6, 7, 8]
    fake_peer.peer.fail_blocks_after = 2
    with gateway.get_network("priority").block_events(start_block=5, reconnect=FAST_RECONNECT) as blocks:
        numbers = [(next(blocks)).header.number for _ in range(4)]
    assert numbers == [5, 6, 7, 8]
    resume = fake_peer.peer.requests["Deliver"][1]
    seek = ab_pb2.SeekInfo.FromString(common_pb2.Payload.FromString(resume.payload).data)
    assert seek.start.specified.number == 7


def test_deliver_status_becomes_a_gateway_error(gateway: Gateway, fake_peer: RunningPeer) -> None:
    fake_peer.peer.deliver_status = common_pb2.NOT_FOUND
    with pytest.raises(GatewayError) as info:
        next(gateway.get_network("nochannel").block_events())
    assert info.value.grpc_code is grpc.StatusCode.NOT_FOUND
    assert "NOT_FOUND (404)" in str(info.value)


def test_offline_signed_block_events_request(channel: Any, credentials: Credentials,
                                             fake_peer: RunningPeer) -> None:
    fake_peer.peer.blocks = [0]
    gateway = Gateway(channel, credentials.identity)
    unsigned = gateway.get_network("priority").new_filtered_block_events_request(start_block=0)
    request = gateway.new_signed_filtered_block_events_request(unsigned.bytes, credentials.signer(unsigned.digest))
    with request.events() as blocks:
        assert (next(blocks)).number == 0
    unsigned_events = gateway.get_network("priority").new_chaincode_events_request("ipledger")
    signed_events = gateway.new_signed_chaincode_events_request(
        unsigned_events.bytes, credentials.signer(unsigned_events.digest))
    assert signed_events.is_signed


def tls_peer(tls: TLSMaterial, require_client_auth: bool) -> RunningPeer:
    server_credentials = grpc.ssl_server_credentials(
        [(tls.server_key, tls.server_cert)], root_certificates=tls.ca_cert, require_client_auth=require_client_auth)
    return start_fake_peer(server_credentials)


def test_connect_with_mutual_tls_binds_the_client_certificate_hash(credentials: Credentials, tls: TLSMaterial) -> None:
    running = tls_peer(tls, require_client_auth=True)
    running.peer.blocks = [0]
    try:
        with Gateway.connect(
            running.address, credentials.identity, credentials.signer, tls_root_cert=tls.ca_cert,
            server_name="peer0.jp.ipledger.test", client_cert=tls.client_cert, client_key=tls.client_key,
        ) as gateway:
            gateway.wait_ready(5)
            assert gateway.get_network("priority").get_contract("ipledger").evaluate_transaction("Read") == b"evaluated"
            with gateway.get_network("priority").block_events(start_block=0) as blocks:
                next(blocks)
        (envelope,) = running.peer.requests["Deliver"]
        channel_header = common_pb2.ChannelHeader.FromString(common_pb2.Payload.FromString(envelope.payload).header.channel_header)
        assert channel_header.tls_cert_hash == tls_certificate_hash(tls.client_cert)
        assert running.peer.client_tls_hashes == [tls_certificate_hash(tls.client_cert)]
    finally:
        running.server.stop(grace=None)


def write_profile(directory: Path, address: str, tls: TLSMaterial, credentials: Credentials,
                  *, users: bool, mutual_tls: bool = False) -> Path:
    (directory / "tlsca.pem").write_bytes(tls.ca_cert)
    (directory / "cert.pem").write_bytes(credentials.certificate)
    (directory / "key.pem").write_bytes(key_pem(credentials.key))
    profile: dict[str, Any] = {
        "office": "JP", "mspId": "JPMSP", "channel": "priority", "chaincode": "ipledger",
        "gateway": {"endpoint": address, "serverName": "peer0.jp.ipledger.test", "tlsRootCertPath": "tlsca.pem"},
        "mutualTls": mutual_tls, "walletPath": "wallet",
    }
    if users:
        profile["users"] = {"User1": {"certPath": "cert.pem", "keyPath": "key.pem"}}
    (directory / "JP.json").write_text(json.dumps(profile))
    return directory / "JP.json"


@pytest.mark.parametrize("source", ["profile files", "wallet"])
def test_from_profile_connects(credentials: Credentials, tls: TLSMaterial, tmp_path: Path, source: str) -> None:
    running = tls_peer(tls, require_client_auth=False)
    running.peer.results["Read"] = b"from profile"
    try:
        path = write_profile(tmp_path, running.address, tls, credentials, users=source == "profile files")
        if source == "wallet":
            FileWallet(tmp_path / "wallet").put(
                "User1", WalletEntry("JPMSP", credentials.certificate, key_pem(credentials.key)))
        with Gateway.from_profile(path, user="User1") as gateway:
            gateway.wait_ready(5)
            assert gateway.identity.msp_id == "JPMSP"
            assert gateway.get_network("priority").get_contract("ipledger").evaluate_transaction("Read") == b"from profile"
    finally:
        running.server.stop(grace=None)


def test_from_profile_reports_unknown_users_and_missing_mtls(
    credentials: Credentials, tls: TLSMaterial, tmp_path: Path
) -> None:
    path = write_profile(tmp_path, "127.0.0.1:1", tls, credentials, users=True)
    with pytest.raises(ConfigurationError, match="known: User1"):
        Gateway.from_profile(path, user="Admin")
    path = write_profile(tmp_path, "127.0.0.1:1", tls, credentials, users=True, mutual_tls=True)
    with pytest.raises(ConfigurationError, match="requires mutual TLS"):
        Gateway.from_profile(path, user="User1")


def test_wait_ready_names_the_peer_it_cannot_reach(credentials: Credentials, tls: TLSMaterial) -> None:
    with Gateway.connect("127.0.0.1:1", credentials.identity, credentials.signer,
                         tls_root_cert=tls.ca_cert) as gateway:
        with pytest.raises(GatewayConnectionError, match="cannot connect to gateway peer 127.0.0.1:1 within"):
            gateway.wait_ready(0.3)


# -- first written for the asyncio client ---------------------------------------------------------------------


def test_evaluate_and_submit(gateway: Gateway, fake_peer: RunningPeer) -> None:
    fake_peer.peer.results["Read"] = b"read"
    fake_peer.peer.results["Deposit"] = b"deposited"
    contract = gateway.get_network("priority").get_contract("ipledger")
    assert contract.evaluate_transaction("Read", "x") == b"read"
    assert contract.submit_transaction("Deposit", "x") == b"deposited"
    submitted = contract.submit_async("Deposit")
    assert submitted.result == b"deposited"
    status = submitted.status()
    assert status.successful and status.transaction_id == submitted.transaction_id


def test_error_mapping(gateway: Gateway, fake_peer: RunningPeer) -> None:
    contract = gateway.get_network("priority").get_contract("ipledger")
    fake_peer.peer.failures["Endorse"] = Failure(
        grpc.StatusCode.ABORTED, "failed to endorse transaction",
        [("peer0.us.ipledger.test:9051", "USMSP", "chaincode response 500, CONFLICT: already deposited")])
    with pytest.raises(EndorseError) as endorse:
        contract.submit_transaction("Deposit")
    assert endorse.value.chaincode_message() == "CONFLICT: already deposited"
    assert endorse.value.transaction_id == fake_peer.peer.requests["Endorse"][-1].transaction_id
    del fake_peer.peer.failures["Endorse"]

    fake_peer.peer.failures["Submit"] = Failure(grpc.StatusCode.UNAVAILABLE, "no orderers")
    with pytest.raises(SubmitError):
        contract.submit_transaction("Deposit")
    del fake_peer.peer.failures["Submit"]

    fake_peer.peer.failures["CommitStatus"] = Failure(grpc.StatusCode.PERMISSION_DENIED, "access denied")
    with pytest.raises(CommitStatusError) as commit_status:
        contract.submit_transaction("Deposit")
    assert commit_status.value.transaction_id == fake_peer.peer.requests["Submit"][-1].transaction_id
    del fake_peer.peer.failures["CommitStatus"]

    fake_peer.peer.commit_code = 10
    with pytest.raises(CommitError, match=r"status code 10 \(ENDORSEMENT_POLICY_FAILURE\)"):
        contract.submit_transaction("Deposit")

    fake_peer.peer.failures["Evaluate"] = Failure(grpc.StatusCode.UNKNOWN, "chaincode response 500, NOPE: x")
    with pytest.raises(GatewayError) as evaluate:
        contract.evaluate_transaction("Read")
    assert evaluate.value.chaincode_message() == "NOPE: x"


def test_per_call_deadline(gateway: Gateway, fake_peer: RunningPeer) -> None:
    fake_peer.peer.commit_delay = 1.0
    contract = gateway.get_network("priority").get_contract("ipledger")
    with pytest.raises(CommitStatusError) as info:
        contract.submit("Deposit", timeouts=Timeouts(commit_status=0.1))
    assert info.value.grpc_code is grpc.StatusCode.DEADLINE_EXCEEDED


def test_offline_signing_needs_a_signature_to_evaluate(fake_peer: RunningPeer, credentials: Credentials) -> None:
    sign = credentials.signer
    with Gateway(sync_channel(fake_peer.address), credentials.identity,
                 close_channel=True) as gateway:
        unsigned = gateway.get_network("priority").get_contract("ipledger").new_proposal("Deposit")
        with pytest.raises(NoSignerError):
            unsigned.evaluate()
        proposal = gateway.new_signed_proposal(unsigned.bytes, sign(unsigned.digest))
        transaction = proposal.endorse()
        transaction = gateway.new_signed_transaction(transaction.bytes, sign(transaction.digest))
        submitted = transaction.submit()
        commit = gateway.new_signed_commit(submitted.bytes, sign(submitted.digest))
        assert (commit.status()).successful


def test_chaincode_events_loop_with_reconnect(gateway: Gateway, fake_peer: RunningPeer) -> None:
    fake_peer.peer.event_blocks = [(1, [("a", "E", b"")]), (2, [("b", "E", b"")]), (3, [("c", "E", b"")])]
    fake_peer.peer.fail_events_after = 1
    received = []
    with gateway.get_network("priority").chaincode_events(
        "ipledger", start_block=0, reconnect=FAST_RECONNECT
    ) as events:
        for event in events:
            received.append(event.transaction_id)
            if len(received) == 3:
                break
    assert received == ["a", "b", "c"]
    resume = gateway_pb2.ChaincodeEventsRequest.FromString(fake_peer.peer.requests["ChaincodeEvents"][1].request)
    assert (resume.start_position.specified.number, resume.after_transaction_id) == (1, "a")


def test_block_events_with_mutual_tls(credentials: Credentials, tls: TLSMaterial) -> None:
    server_credentials = grpc.ssl_server_credentials(
        [(tls.server_key, tls.server_cert)], root_certificates=tls.ca_cert, require_client_auth=True)
    running = start_fake_peer(server_credentials)
    running.peer.blocks = [0, 1]
    try:
        gateway = Gateway.connect(
            running.address, credentials.identity, credentials.signer, tls_root_cert=tls.ca_cert,
            server_name="peer0.jp.ipledger.test", client_cert=tls.client_cert, client_key=tls.client_key)
        with gateway:
            gateway.wait_ready(5)
            with gateway.get_network("priority").block_events(start_block=0) as blocks:
                numbers = [(blocks.__next__()).header.number for _ in range(2)]
        assert numbers == [0, 1]
        assert running.peer.client_tls_hashes == [tls_certificate_hash(tls.client_cert)]
    finally:
        running.server.stop(grace=None)


