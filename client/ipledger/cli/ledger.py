"""``ipledger ledger``: the channel's blocks and transactions (via qscc)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from ipledger.domain.errors import NotFoundError
from ipledger.gateway.blocks import BlockInfo, ChainInfo, TransactionInfo
from ipledger.gateway.errors import GatewayError

from .options import json_option
from .output import render_table
from .params import TRANSACTION_ID
from .session import Session, pass_session

__all__ = ["ledger"]


def _chain_json(info: ChainInfo) -> dict[str, Any]:
    return {"height": info.height, "currentBlockHash": info.current_block_hash,
            "previousBlockHash": info.previous_block_hash}


def _transaction_json(transaction: TransactionInfo) -> dict[str, Any]:
    return {
        "transactionId": transaction.transaction_id,
        "type": transaction.type,
        "channelId": transaction.channel_id,
        "creatorMspId": transaction.creator_msp_id,
        "timestamp": transaction.timestamp.isoformat() if transaction.timestamp else None,
        "chaincode": transaction.chaincode,
        "function": transaction.function,
        # Arguments are public ledger data; the domain API never puts private data in them.
        "arguments": list(transaction.text_arguments()),
        "validationCode": transaction.validation_code,
        "validationCodeName": transaction.validation_code_name,
    }


@contextmanager
def _not_found_as(what: str) -> Iterator[None]:
    """qscc answers a missing block or transaction with a generic error; say NOT_FOUND (exit code 3)."""
    try:
        yield
    except GatewayError as error:
        if "no such block number" in str(error) or "no such transaction ID" in str(error):
            raise NotFoundError(f"{what} does not exist on this peer's ledger") from error
        raise


def _block_json(block: BlockInfo) -> dict[str, Any]:
    return {"number": block.number, "dataHash": block.data_hash, "previousHash": block.previous_hash,
            "transactions": [_transaction_json(transaction) for transaction in block.transactions]}


def _transaction_rows(transactions: tuple[TransactionInfo, ...]) -> str:
    return render_table(
        ["transaction", "creator", "function", "validation", "timestamp"],
        [[t.transaction_id, t.creator_msp_id, t.function or t.type, t.validation_code_name, t.timestamp]
         for t in transactions])


def _transaction_text(transaction: TransactionInfo) -> str:
    fields = _transaction_json(transaction)
    width = max(len(key) for key in fields)
    lines = []
    for key, value in fields.items():
        text = "\n".join([value[0], *(" " * (width + 2) + item for item in value[1:])]) if (
            isinstance(value, list) and value) else ("" if value is None or value == [] else str(value))
        lines.append(f"{key.ljust(width)}  {text}".rstrip())
    return "\n".join(lines)


@click.group()
def ledger() -> None:
    """Read the channel's ledger: height, blocks, transactions.

    \b
    Example:
      ipledger --office JP ledger height
      ipledger --office JP ledger block 12
    """


@ledger.command("height")
@json_option
@pass_session
def height(session: Session) -> None:
    """The number of blocks and the hash of the newest one.

    \b
    Example:
      ipledger --office JP ledger height
    """
    with session.busy("querying qscc"):
        info = session.ledger_reader().get_chain_info()
    session.emit(_chain_json(info), lambda: f"height {info.height}\ncurrent block hash {info.current_block_hash}")


@ledger.command("block")
@click.argument("number", type=click.IntRange(min=0))
@json_option
@pass_session
def block(session: Session, number: int) -> None:
    """Show block NUMBER with its transactions.

    \b
    Example:
      ipledger --office JP ledger block 12
      ipledger --office JP ledger block 0 --json
    """
    with session.busy("querying qscc"), _not_found_as(f"block {number}"):
        info = session.ledger_reader().get_block_by_number(number)
    session.emit(_block_json(info), lambda: (
        f"block {info.number}\ndata hash {info.data_hash}\nprevious hash {info.previous_hash}\n\n"
        + _transaction_rows(info.transactions)))


@ledger.command("transaction")
@click.argument("transaction_id", type=TRANSACTION_ID)
@json_option
@pass_session
def transaction(session: Session, transaction_id: str) -> None:
    """Show one transaction: creator, function, arguments, validation result.

    \b
    Example:
      ipledger --office JP ledger transaction 9f3c0a...e1
    """
    with session.busy("querying qscc"), _not_found_as(f"transaction {transaction_id}"):
        info = session.ledger_reader().get_transaction_by_id(transaction_id)
    session.emit(_transaction_json(info), lambda: _transaction_text(info))
