"""``events watch`` with a file checkpoint, ``ledger`` queries and ``identities list``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from click.testing import CliRunner

from _domain_fakes import FakeContract, FakeNetwork, event
from _cli_support import Run
from ipledger.cli.main import cli
from ipledger.cli.session import Session
from ipledger.domain import PriorityLedger
from ipledger.gateway.blocks import BlockInfo, ChainInfo, TransactionInfo


def _events() -> list:  # type: ignore[type-arg]
    return [event("FirstFilingDeposited", 10, "a"),
            event("AccessGranted", 10, "b", record_type="access", subject="US", status="ACTIVE"),
            event("FirstFilingPublished", 11, "c", status="PUBLISHED")]


def test_watch_prints_events_and_resumes_from_the_checkpoint(run: Run, network: FakeNetwork,
                                                             tmp_path: Path) -> None:
    network.events = _events()
    checkpoint = tmp_path / "events.json"
    first = run("events", "watch", "--checkpoint", str(checkpoint), "--limit", "2")
    assert first.exit_code == 0, first.output
    lines = first.stdout.splitlines()
    assert lines[0].split()[:3] == ["block", "event", "record"]
    assert [line.split()[1] for line in lines[1:]] == ["FirstFilingDeposited", "AccessGranted"]
    assert json.loads(checkpoint.read_text()) == {"blockNumber": 10, "transactionId": "b"}

    second = run("--json", "events", "watch", "--checkpoint", str(checkpoint))
    assert second.exit_code == 0
    assert [json.loads(line)["transactionId"] for line in second.stdout.splitlines()] == ["c"]
    assert "resuming at block 10" in second.stderr
    assert network.requests[1]["checkpoint"] == (10, "b")


def test_watch_filters_by_event_name_and_can_start_at_a_block(run: Run, network: FakeNetwork) -> None:
    network.events = _events()
    result = run("--json", "events", "watch", "--no-checkpoint", "--from-block", "10", "--event", "AccessGranted")
    assert [json.loads(line)["name"] for line in result.stdout.splitlines()] == ["AccessGranted"]
    assert network.requests[0]["start_block"] == 10


def test_watch_default_checkpoint_lives_in_the_wallet_directory(tmp_path: Path, monkeypatch: object) -> None:
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "tls.pem").write_text("x")
    (profiles / "JP.json").write_text(json.dumps({
        "office": "JP", "mspId": "JPMSP", "channel": "priority", "chaincode": "ipledger",
        "gateway": {"endpoint": "127.0.0.1:7051", "tlsRootCertPath": "tls.pem"}, "walletPath": "../wallets/JP",
    }))
    network = FakeNetwork(_events())
    session = Session(ledger_factory=lambda s: PriorityLedger(FakeContract(), network=network))
    result = CliRunner(env={"IPLEDGER_PROFILES": str(profiles)}).invoke(
        cli, ["--office", "JP", "events", "watch", "--limit", "1"], obj=session)
    assert result.exit_code == 0, result.output
    stored = tmp_path / "wallets" / "JP" / "checkpoints" / "events-User1.json"
    assert stored.is_file()


@dataclass
class FakeReader:
    def get_chain_info(self) -> ChainInfo:
        return ChainInfo(12, "aa" * 32, "bb" * 32)

    def get_block_by_number(self, number: int) -> BlockInfo:
        return BlockInfo(number, "cc", "dd", (self.get_transaction_by_id("9f3c"),))

    def get_transaction_by_id(self, transaction_id: str) -> TransactionInfo:
        return TransactionInfo(transaction_id, "ENDORSER_TRANSACTION", "priority", "JPMSP",
                               datetime(2025, 3, 17, 9, 12, 44, tzinfo=timezone.utc), "ipledger",
                               "DepositFirstFiling", (b"{}",), 0, "VALID")


def _ledger_run(*args: str) -> object:
    session = Session(ledger_factory=lambda s: PriorityLedger(FakeContract()),
                      reader_factory=lambda s: FakeReader())  # type: ignore[arg-type,return-value]
    return CliRunner().invoke(cli, ["--office", "JP", *args], obj=session)


def test_ledger_height_block_and_transaction() -> None:
    height = _ledger_run("ledger", "height")
    assert height.exit_code == 0 and "height 12" in height.stdout  # type: ignore[attr-defined]
    block = _ledger_run("--json", "ledger", "block", "3")
    document = json.loads(block.stdout)  # type: ignore[attr-defined]
    assert document["number"] == 3 and document["transactions"][0]["function"] == "DepositFirstFiling"
    transaction = _ledger_run("ledger", "transaction", "9f3c")
    assert "DepositFirstFiling" in transaction.stdout  # type: ignore[attr-defined]
    assert "VALID" in transaction.stdout  # type: ignore[attr-defined]


def test_identities_list_shows_profile_users_and_wallet(tmp_path: Path) -> None:
    from ipledger.credentials.wallet import FileWallet, WalletEntry
    (tmp_path / "tls.pem").write_text("x")
    (tmp_path / "JP.json").write_text(json.dumps({
        "office": "JP", "mspId": "JPMSP", "channel": "priority", "chaincode": "ipledger",
        "gateway": {"endpoint": "127.0.0.1:7051", "tlsRootCertPath": "tls.pem"}, "walletPath": "wallet",
        "users": {"Admin": {"certPath": "a.pem", "keyPath": "a.key"}},
    }))
    FileWallet(tmp_path / "wallet").put("examiner7", WalletEntry("JPMSP", b"-----BEGIN CERTIFICATE-----\n"))
    result = CliRunner().invoke(cli, ["--profile", str(tmp_path / "JP.json"), "identities", "list"])
    assert result.exit_code == 0, result.output
    rows = [line.split()[:3] for line in result.stdout.splitlines()[2:]]
    assert rows == [["Admin", "profile", "JPMSP"], ["examiner7", "wallet", "JPMSP"]]
