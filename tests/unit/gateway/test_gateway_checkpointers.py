"""Checkpoint semantics and the file checkpointer's crash safety."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from ipledger.gateway import (
    ChaincodeEvent,
    Checkpoint,
    CheckpointError,
    Checkpointer,
    FileCheckpointer,
    InMemoryCheckpointer,
)


def event(block: int, transaction_id: str) -> ChaincodeEvent:
    return ChaincodeEvent(block, transaction_id, "ipledger", "FirstFilingDeposited", b"{}")


@pytest.fixture(params=["memory", "file"])
def checkpointer(request: pytest.FixtureRequest, tmp_path: Path) -> InMemoryCheckpointer:
    if request.param == "memory":
        return InMemoryCheckpointer()
    return FileCheckpointer(tmp_path / "checkpoint.json")


def test_semantics(checkpointer: InMemoryCheckpointer) -> None:
    assert isinstance(checkpointer, Checkpointer) and isinstance(checkpointer, Checkpoint)
    assert (checkpointer.block_number, checkpointer.transaction_id) == (None, None)
    checkpointer.checkpoint_block(10)
    assert (checkpointer.block_number, checkpointer.transaction_id) == (11, None)
    checkpointer.checkpoint_transaction(12, "tx-a")
    assert (checkpointer.block_number, checkpointer.transaction_id) == (12, "tx-a")
    checkpointer.checkpoint_chaincode_event(event(13, "tx-b"))
    assert (checkpointer.block_number, checkpointer.transaction_id) == (13, "tx-b")
    checkpointer.checkpoint_transaction(14, "")
    assert (checkpointer.block_number, checkpointer.transaction_id) == (14, None)


def read(path: Path) -> object:
    return json.loads(path.read_text())


def test_file_content_after_each_step_and_reopen(tmp_path: Path) -> None:
    path = tmp_path / "checkpoint.json"
    checkpointer = FileCheckpointer(path)
    assert not path.exists()  # nothing to remember yet

    checkpointer.checkpoint_block(0)
    assert read(path) == {"blockNumber": 1, "transactionId": ""}
    checkpointer.checkpoint_chaincode_event(event(5, "tx-5"))
    assert read(path) == {"blockNumber": 5, "transactionId": "tx-5"}
    checkpointer.checkpoint_transaction(6, "tx-6")
    assert read(path) == {"blockNumber": 6, "transactionId": "tx-6"}
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600

    reopened = FileCheckpointer(path)
    assert (reopened.block_number, reopened.transaction_id) == (6, "tx-6")


def test_crash_during_write_keeps_the_last_complete_checkpoint(tmp_path: Path) -> None:
    path = tmp_path / "checkpoint.json"
    FileCheckpointer(path).checkpoint_chaincode_event(event(7, "tx-7"))
    # A crash between writing the temp file and renaming it leaves a torn temp file.
    (tmp_path / "checkpoint.json.tmp").write_bytes(b'{"blockNumber": 9, "transac')

    recovered = FileCheckpointer(path)

    assert (recovered.block_number, recovered.transaction_id) == (7, "tx-7")
    assert not (tmp_path / "checkpoint.json.tmp").exists()
    recovered.checkpoint_block(7)
    assert read(path) == {"blockNumber": 8, "transactionId": ""}


def test_crash_simulation_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    """Process events, 'crash' mid-way, restart from the file: each event handled once."""
    stream = [event(3, "a"), event(3, "b"), event(4, "c"), event(6, "d")]
    path = tmp_path / "cp.json"
    handled: list[str] = []

    def run(crash_after: int | None) -> None:
        checkpointer = FileCheckpointer(path)
        for index, item in enumerate(resume(stream, checkpointer)):
            handled.append(item.transaction_id)
            checkpointer.checkpoint_chaincode_event(item)
            if crash_after is not None and index + 1 == crash_after:
                return  # the process dies here

    run(crash_after=2)
    run(crash_after=None)
    assert handled == ["a", "b", "c", "d"]


def resume(stream: list[ChaincodeEvent], checkpoint: Checkpoint) -> list[ChaincodeEvent]:
    """What the gateway does with (block, after_transaction_id)."""
    if checkpoint.block_number is None:
        return list(stream)
    out, skipping = [], bool(checkpoint.transaction_id)
    for item in stream:
        if item.block_number < checkpoint.block_number:
            continue
        if skipping:
            skipping = item.transaction_id != checkpoint.transaction_id
            continue
        out.append(item)
    return out


@pytest.mark.parametrize(
    "content",
    [b"", b"{not json", b"[]", b'{"transactionId": "x"}', b'{"blockNumber": -1}', b'{"blockNumber": true}',
     b'{"blockNumber": 3, "transactionId": 7}'],
)
def test_corrupt_file_is_an_error_not_a_silent_restart(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "checkpoint.json"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match="corrupt"):
        FileCheckpointer(path)


def test_node_style_string_block_number_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "checkpoint.json"
    path.write_text('{"blockNumber":"12","transactionId":"tx"}')
    checkpointer = FileCheckpointer(path)
    assert (checkpointer.block_number, checkpointer.transaction_id) == (12, "tx")
