"""Interoperability with Fabric's own tools: the ``peer`` CLI and the official Node gateway client.

Transactions go both ways: what our client submits is read back by the others, and what they submit is
read back (state, history and qscc) by ours.  The Node client lives in benchmarks/node; its dependencies
are installed from the npm registry with ``npm ci`` when missing (node_modules is not committed).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from _gateway_live import (
    CONFLICT_ATTEMPTS,
    TX_ID,
    LiveNetwork,
    chain_height,
    deposit,
    filing_id,
    filing_json,
    read_until,
    unique_number,
)
from ipledger.gateway import ChaincodeEvent, Contract, LedgerReader, Network
from ipledger.operator.admin import OfficeAdmin
from ipledger.operator.bringup import Context
from ipledger.operator.errors import CommandFailedError

NODE_CLIENT = Path(__file__).resolve().parents[3] / "benchmarks" / "node"
MVCC_READ_CONFLICT = 11  # TxValidationCode


@pytest.fixture(scope="session")
def node_client(network: Context) -> Path:
    """benchmarks/node with its locked dependencies installed."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("Node.js and npm are needed for the interoperability tests")
    if not (NODE_CLIENT / "node_modules" / "@hyperledger" / "fabric-gateway").is_dir():
        # scripts/setup installs it; this covers a bare pytest run. npm's own output explains a failure.
        installed = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_CLIENT, capture_output=True,
                                   text=True, timeout=600, check=False)
        if installed.returncode != 0:
            pytest.fail(f"npm ci in {NODE_CLIENT} failed:\n{installed.stdout}\n{installed.stderr}")
    return NODE_CLIENT


def _node(node_client: Path, live: LiveNetwork, office: str, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        ["node", str(node_client / "interop.js"), "--profile", str(live.profile_path(office)), *args],
        capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _admin(network: Context, office: str) -> OfficeAdmin:
    return next(admin for admin in network.admins() if admin.office.code == office)


def _peer_query(admin: OfficeAdmin, channel: str, chaincode: str, args: Sequence[str]) -> str:
    return admin.peer("chaincode", "query", "-C", channel, "-n", chaincode, "-c", json.dumps({"Args": list(args)}))


def _history_tx_ids(contract: Contract, record_id: str) -> list[str]:
    history = json.loads(contract.evaluate_transaction("GetRecordHistory", "filing", record_id, "", ""))
    return [entry["txId"] for entry in history["records"]]


def test_interop_python_submission_read_by_peer_cli_and_node_client(
    live: LiveNetwork, network: Context, node_client: Path, jp_contract: Contract
) -> None:
    made = deposit(jp_contract, "JP")
    ours = json.loads(jp_contract.evaluate_transaction("GetFirstFiling", made.filing_id))

    by_cli = json.loads(_peer_query(_admin(network, "JP"), live.channel, live.chaincode,
                                    ["GetFirstFiling", made.filing_id]))
    assert by_cli == ours

    by_node = _node(node_client, live, "JP", "evaluate", "GetFirstFiling", made.filing_id)
    assert json.loads(by_node["result"]) == ours
    assert TX_ID.fullmatch(by_node["transactionId"])


def test_interop_python_chaincode_events_read_by_node_client(
    live: LiveNetwork, node_client: Path, jp_network: Network
) -> None:
    start = chain_height(jp_network)
    made = deposit(jp_network.get_contract(live.chaincode), "JP")

    by_node = _node(node_client, live, "JP", "events", "--start-block", str(start),
                    "--transactions", made.transaction_id)
    (event,) = by_node["events"]
    assert (event["transactionId"], event["eventName"], int(event["blockNumber"])) == (
        made.transaction_id, "FirstFilingDeposited", made.block_number)
    assert json.loads(event["payload"])["recordId"] == made.filing_id


def test_interop_node_submission_read_by_python_client(
    live: LiveNetwork, node_client: Path, jp_network: Network, jp_contract: Contract
) -> None:
    number = unique_number()
    argument = filing_json(number)
    for _ in range(CONFLICT_ATTEMPTS):  # other writers may invalidate it (see retry_conflicts)
        submitted = _node(node_client, live, "US", "submit", "DepositFirstFiling", argument)
        if submitted["status"]["code"] != MVCC_READ_CONFLICT:
            break
    assert (submitted["status"]["code"], submitted["status"]["successful"]) == (0, True)
    transaction_id = submitted["transactionId"]

    # Node waited for US's peer; JP's may be a moment behind, so wait on JP's side for the same commit.
    filing = filing_id("US", number)
    block_number = int(submitted["status"]["blockNumber"])
    with jp_network.chaincode_events(live.chaincode, start_block=block_number) as stream:
        seen: list[ChaincodeEvent] = read_until(stream, lambda events: events[-1].transaction_id == transaction_id)
    assert seen[-1].transaction_id == transaction_id

    assert json.loads(jp_contract.evaluate_transaction("GetFirstFiling", filing)) == json.loads(submitted["result"])
    assert _history_tx_ids(jp_contract, filing) == [transaction_id]
    recorded = LedgerReader(jp_network).get_transaction_by_id(transaction_id)
    assert (recorded.valid, recorded.creator_msp_id, recorded.function) == (True, "USMSP", "DepositFirstFiling")


def test_interop_peer_cli_invoke_read_by_python_client(
    live: LiveNetwork, network: Context, jp_network: Network, jp_contract: Contract
) -> None:
    admins = network.admins()
    kr = _admin(network, "KR")
    endorsers: list[str] = []
    for admin in admins:
        if admin.office.code != "JP":  # three of four offices: the chaincode's MAJORITY
            endorsers += ["--peerAddresses", f"{network.plan.host_ip}:{admin.office.peers[0].port}",
                          "--tlsRootCertFiles", str(admin.tls_ca)]
    number = unique_number()
    invocation = json.dumps({"Args": ["DepositFirstFiling", filing_json(number)]})
    start = chain_height(jp_network)
    for attempt in range(1, CONFLICT_ATTEMPTS + 1):
        try:
            kr.peer("chaincode", "invoke", *kr.orderer_args(), "-C", live.channel, "-n", live.chaincode,
                    *endorsers, "--waitForEvent", "-c", invocation)
            break
        except CommandFailedError as error:  # other writers may invalidate it (see retry_conflicts)
            if "MVCC_READ_CONFLICT" not in error.output or attempt == CONFLICT_ATTEMPTS:
                raise

    filing = filing_id("KR", number)
    with jp_network.chaincode_events(live.chaincode, start_block=start) as stream:
        seen: list[ChaincodeEvent] = read_until(
            stream, lambda events: json.loads(events[-1].payload)["recordId"] == filing)
    transaction_id = seen[-1].transaction_id
    assert json.loads(seen[-1].payload)["recordId"] == filing

    assert json.loads(jp_contract.evaluate_transaction("GetFirstFiling", filing))["officeCode"] == "KR"
    assert _history_tx_ids(jp_contract, filing) == [transaction_id]
    recorded = LedgerReader(jp_network).get_transaction_by_id(transaction_id)
    assert (recorded.valid, recorded.creator_msp_id) == (True, "KRMSP")
    assert (recorded.chaincode, recorded.function) == (live.chaincode, "DepositFirstFiling")
