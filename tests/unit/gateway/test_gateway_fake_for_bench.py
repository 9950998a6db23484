"""The client-bound benchmark's fake gateway (benchmarks/fake_gateway.py) against our two clients.

Keeps the fake in step with the client: if either changes what it sends or expects, these calls fail here, not
as a benchmark full of errors. The fake runs as the benchmark runs it, in a process of its own over TLS, found
through the connection profile it writes. No timing is asserted.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fabric_protos.common import common_pb2
from fabric_protos.peer import transaction_pb2

from ipledger.gateway import AsyncGateway, Gateway

BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import fake_gateway  # noqa: E402


@pytest.fixture(scope="module")
def fake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[fake_gateway.FakeGatewayProcess]:
    with fake_gateway.FakeGatewayProcess(tmp_path_factory.mktemp("fake-gateway")) as running:
        yield running


def filing(number: int) -> str:
    return json.dumps({"ipRight": "PATENT", "applicationNumber": f"{number:016d}", "filingDate": "2024-03-15",
                       "documentSha256": "ab" * 32, "documentFormat": "PDF"})


def test_sync_client_submits_and_evaluates(fake: fake_gateway.FakeGatewayProcess) -> None:
    with Gateway.from_profile(fake.profile) as gateway:
        contract = gateway.get_network(fake_gateway.CHANNEL).get_contract(fake_gateway.CHAINCODE)
        assert contract.evaluate_transaction("GetOffice", "JP") == b"JP"
        blocks = []
        for number in range(12):
            submitted = contract.submit_async("DepositFirstFiling", [filing(number)])
            assert submitted.result == filing(number).encode()
            status = submitted.status()
            assert status.successful and status.code_name == "VALID"
            assert status.transaction_id == submitted.transaction_id
            blocks.append(status.block_number)
        assert blocks == sorted(blocks) and blocks[0] >= 1
        assert contract.submit_transaction("ListOffices") == b"ListOffices"  # no argument: the name comes back


async def test_async_client_submits_and_evaluates(fake: fake_gateway.FakeGatewayProcess) -> None:
    async with AsyncGateway.from_profile(fake.profile) as gateway:
        contract = gateway.get_network(fake_gateway.CHANNEL).get_contract(fake_gateway.CHAINCODE)
        results = await asyncio.gather(*(contract.evaluate_transaction("GetOffice", code)
                                         for code in ("JP", "US", "EP", "KR")))
        assert results == [b"JP", b"US", b"EP", b"KR"]

        async def submit(number: int) -> None:
            submitted = await contract.submit_async("DepositFirstFiling", [filing(number)])
            assert submitted.result == filing(number).encode()
            status = await submitted.status()
            assert status.successful and status.transaction_id == submitted.transaction_id

        await asyncio.gather(*(submit(number) for number in range(20)))


def test_endorsed_envelope_is_shaped_like_a_peers(fake: fake_gateway.FakeGatewayProcess) -> None:
    """The transaction carries the proposal's header (its id, its channel) and MAJORITY-of-four endorsements."""
    with Gateway.from_profile(fake.profile) as gateway:
        contract = gateway.get_network(fake_gateway.CHANNEL).get_contract(fake_gateway.CHAINCODE)
        transaction = contract.new_proposal("DepositFirstFiling", [filing(1)]).endorse()
    payload = common_pb2.Payload.FromString(transaction._prepared.envelope.payload)
    channel_header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
    assert (channel_header.tx_id, channel_header.channel_id) == (transaction.transaction_id, fake_gateway.CHANNEL)
    actions = transaction_pb2.Transaction.FromString(payload.data).actions
    endorsed = transaction_pb2.ChaincodeActionPayload.FromString(actions[0].payload).action
    assert len(endorsed.endorsements) == fake_gateway.ENDORSEMENTS
    assert transaction.result == filing(1).encode()


@pytest.mark.parametrize("client", ["sync", "async"])
def test_benchmark_worker_runs_without_errors(fake: fake_gateway.FakeGatewayProcess, client: str) -> None:
    """One small round of benchmarks/client_bench.py's worker: every call succeeds (figures are not checked)."""
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "client_bench.py"), "--worker", client, "--profile", str(fake.profile),
         "--evaluates", "20", "--submits", "20", "--concurrency", "5", "--warmup", "5",
         "--server-pid", str(fake.pid)],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    for phase in ("evaluate", "submit"):
        assert figures[phase]["succeeded"] == figures[phase]["calls"] == 20
        assert figures[phase]["errors"] == 0
