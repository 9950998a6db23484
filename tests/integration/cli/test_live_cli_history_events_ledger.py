"""``ipledger history``, ``ipledger events watch`` (bounded, resuming from its checkpoint) and ``ipledger ledger``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from _live_cli import (
    Cli,
    Filing,
    decoded_event,
    decoded_list,
    decoded_page,
    deposit,
    describe,
    json_names,
    random_digits,
    run_console,
)
from ipledger.cli.exit_codes import ExitCode
from ipledger.domain.events import (
    AccessCodeChanged,
    AccessGranted,
    FirstFilingCorrected,
    FirstFilingDeposited,
    FirstFilingPublished,
)
from ipledger.domain.models import FirstFiling, HistoryEntry
from ipledger.gateway.blocks import BlockInfo, ChainInfo, TransactionInfo

#: Safety bound on watch runs while waiting for this test's events among everyone else's.
MAX_WATCH_RUNS = 300


def test_history_of_a_filing_and_its_access_record(cli: Cli, tmp_path: Path) -> None:
    filing = deposit(cli, "JP", tmp_path, extra=["--access-code", "ABCD"])
    cli.write("JP", "filings", "correct", filing.id, "--format", "TIFF_ZIP", "--reason", "rescanned")
    cli.write("JP", "filings", "publish", filing.id, "--publication-date", "2025-12-04")

    history = decoded_list(HistoryEntry, cli.json("KR", "history", "filing", filing.id))
    assert [(entry.record or {}).get("status") for entry in history] == ["PUBLISHED", "AVAILABLE", "AVAILABLE"]
    assert [(entry.record or {}).get("version") for entry in history] == [2, 2, 1]  # newest first
    assert not any(entry.is_delete for entry in history)
    assert FirstFiling.from_json(history[-1].record).to_json() == filing.record
    assert len({entry.tx_id for entry in history}) == 3

    first = decoded_page(HistoryEntry, cli.json("KR", "history", "filing", filing.id, "--page-size", "2", "--page"))
    assert [entry.tx_id for entry in first.records] == [entry.tx_id for entry in history[:2]]
    assert first.bookmark.isdigit()  # the offset
    rest = decoded_page(HistoryEntry, cli.json("KR", "history", "filing", filing.id, "--page-size", "2",
                                               "--bookmark", first.bookmark))
    assert [entry.tx_id for entry in rest.records] == [history[2].tx_id] and rest.is_last

    access = decoded_list(HistoryEntry, cli.json("JP", "history", "ACCESS", filing.id))
    assert [(entry.record or {}).get("accessCodeVersion") for entry in access] == [1, 0]
    assert cli.json("JP", "history", "claim", f"US:PATENT:9{random_digits(10)}:1") == []
    registry = decoded_list(HistoryEntry, cli.json("US", "history", "office", "JP"))
    assert registry and all((entry.record or {}).get("officeCode") == "JP" for entry in registry)
    assert "settingsVersion" not in (registry[-1].record or {})  # the registry part only
    table = cli.run("JP", "history", "filing", filing.id)
    assert table.exit_code == 0 and "PUBLISHED" in table.stdout and "3 record(s)" in table.stderr


def _my_events(events: list[dict[str, Any]], filing: Filing) -> list[dict[str, Any]]:
    return [event for event in events if event["recordId"] == filing.id]


def test_events_watch_is_bounded_and_resumes_from_its_checkpoint(cli: Cli, tmp_path: Path) -> None:
    checkpoint = tmp_path / "events-checkpoint.json"
    start = int(cli.json("JP", "ledger", "height")["height"])
    filing = deposit(cli, "JP", tmp_path, extra=["--access-code", "C0DE"])
    filters = ["--record-type", "filing", "--record-type", "access"]
    runs: list[list[dict[str, Any]]] = []

    def watch_until(wanted: int, *, first_from_block: int | None = None, console_first: bool = False) -> None:
        """Run ``events watch`` (resuming from the checkpoint) until ``wanted`` more events of the filing came.

        Each run asks for no more events than the test still expects, so it never waits for anyone else's.
        """
        mine_before = len(_my_events([e for run in runs for e in run], filing))
        for count in range(MAX_WATCH_RUNS):
            missing = wanted - (len(_my_events([e for run in runs for e in run], filing)) - mine_before)
            if missing == 0:
                return
            args = ["events", "watch", "--checkpoint", str(checkpoint), "--limit", str(missing), *filters]
            if first_from_block is not None and count == 0:
                args += ["--from-block", str(first_from_block)]
            if console_first and count == 0:
                process = run_console(cli.profiles_dir, "--office", "JP", "--json", *args)
                assert process.returncode == 0, process.stderr
                stdout, stderr = process.stdout, process.stderr
            else:
                result = cli.run("JP", *args, json_output=True)
                assert result.exit_code == 0, describe(result)
                stdout, stderr = result.stdout, result.stderr
            if first_from_block is None or count > 0:
                assert "resuming at block" in stderr
            events = [json.loads(line) for line in stdout.splitlines()]
            assert len(events) == missing  # --limit bounds the run
            runs.append(events)
            last = events[-1]
            assert json.loads(checkpoint.read_text()) == {"blockNumber": last["blockNumber"],
                                                         "transactionId": last["transactionId"]}
        raise AssertionError(f"the filing's events did not come within {MAX_WATCH_RUNS} runs")

    watch_until(2, first_from_block=start)
    # Submit more, then watch again from the checkpoint, the first time in a separate process.
    cli.write("JP", "filings", "correct", filing.id, "--format", "ST92_PACKAGE", "--reason", "packaged")
    cli.write("JP", "filings", "publish", filing.id, "--publication-date", "2025-11-03")
    cli.write("JP", "grants", "grant", filing.id, "KR")
    watch_until(3, console_first=True)

    seen = [event for run in runs for event in run]
    typed = [decoded_event(event) for event in seen]
    assert len({event.transaction_id for event in typed}) == len(typed), "an event was delivered twice"
    positions = [event.block_number for event in typed]
    assert positions == sorted(positions) and positions[0] >= start
    assert all(event.record_type in ("filing", "access") for event in typed)
    mine = [event for event in typed if event.record_id == filing.id]
    assert [type(event) for event in mine] == [FirstFilingDeposited, AccessCodeChanged, FirstFilingCorrected,
                                               FirstFilingPublished, AccessGranted]
    assert all(event.office_code == "JP" for event in mine)
    assert (mine[-1].subject_office, mine[-1].status) == ("KR", "ACTIVE")
    assert (mine[0].status, mine[3].status) == ("AVAILABLE", "PUBLISHED")
    history = cli.json("JP", "history", "filing", filing.id)
    assert [entry["txId"] for entry in reversed(history)] == [mine[0].transaction_id, mine[2].transaction_id,
                                                             mine[3].transaction_id]

    # People get aligned lines; --no-checkpoint neither reads nor writes one.
    saved = checkpoint.read_text()
    text = cli.run("JP", "events", "watch", "--from-block", str(start), "--no-checkpoint", "--limit", "1")
    assert text.exit_code == 0, describe(text)
    assert text.stdout.splitlines()[0].split()[:3] == ["block", "event", "record"]
    assert len(text.stdout.splitlines()) == 2 and checkpoint.read_text() == saved
    assert cli.run("JP", "events", "watch", "--no-checkpoint", "--checkpoint", str(checkpoint),
                   "--limit", "1").exit_code == ExitCode.USAGE


def test_ledger_height_block_and_transaction(cli: Cli, tmp_path: Path) -> None:
    height = cli.json("JP", "ledger", "height")
    assert set(height) == json_names(ChainInfo) and height["height"] > 0
    filing = deposit(cli, "JP", tmp_path)
    deposit_tx = cli.json("JP", "history", "filing", filing.id)[-1]["txId"]

    transaction = cli.json("US", "ledger", "transaction", deposit_tx)
    assert set(transaction) == json_names(TransactionInfo)
    assert (transaction["transactionId"], transaction["creatorMspId"], transaction["chaincode"],
            transaction["function"], transaction["validationCode"], transaction["validationCodeName"],
            transaction["type"], transaction["channelId"]) == (
        deposit_tx, "JPMSP", "ipledger", "DepositFirstFiling", 0, "VALID", "ENDORSER_TRANSACTION", "priority")
    assert json.loads(transaction["arguments"][0])["applicationNumber"] == filing.number
    assert transaction["timestamp"].startswith(filing.record["depositedAt"][:19])

    # The block that holds it: at most a few blocks below the current height.
    newest = int(cli.json("JP", "ledger", "height")["height"]) - 1
    block = None
    for number in range(newest, max(newest - 200, 0), -1):
        candidate = cli.json("JP", "ledger", "block", str(number))
        if deposit_tx in {t["transactionId"] for t in candidate["transactions"]}:
            block = candidate
            break
    assert block is not None, "the deposit is not in the newest 200 blocks"
    assert set(block) == json_names(BlockInfo) and block["number"] == number
    assert all(set(t) == json_names(TransactionInfo) for t in block["transactions"])
    assert [t for t in block["transactions"] if t["transactionId"] == deposit_tx] == [transaction]
    previous = cli.json("JP", "ledger", "block", str(number - 1))
    assert block["previousHash"] != previous["previousHash"]

    genesis = cli.json("KR", "ledger", "block", "0")
    assert genesis["number"] == 0 and [t["type"] for t in genesis["transactions"]] == ["CONFIG"]
    table = cli.run("JP", "ledger", "block", str(number))
    assert table.exit_code == 0 and deposit_tx in table.stdout and "DepositFirstFiling" in table.stdout
    text = cli.run("JP", "ledger", "transaction", deposit_tx)
    assert text.exit_code == 0 and "JPMSP" in text.stdout and "VALID" in text.stdout
    assert cli.run("JP", "ledger", "height").stdout.startswith("height ")
