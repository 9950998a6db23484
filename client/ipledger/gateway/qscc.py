"""Ledger queries through the ``qscc`` system chaincode, decoded for humans.

qscc functions take the channel name as their first argument (the gateway
routes by the proposal's channel, but qscc reads the argument).
"""

from __future__ import annotations

from ._protos import DecodeError
from .blocks import (
    BlockInfo,
    ChainInfo,
    TransactionInfo,
    decode_block,
    decode_chain_info,
    decode_processed_transaction,
)
from ipledger.errors import ConfigurationError

__all__ = ["QSCC"]

QSCC = "qscc"

def _unreadable(kind: str, error: Exception) -> ConfigurationError:
    return ConfigurationError(f"qscc returned an unreadable {kind}: {error}")


def _chain_info(data: bytes) -> ChainInfo:
    try:
        return decode_chain_info(data)
    except DecodeError as error:
        raise _unreadable("chain info", error) from error


def _block(data: bytes) -> BlockInfo:
    try:
        return decode_block(data)
    except DecodeError as error:
        raise _unreadable("block", error) from error


def _transaction(data: bytes) -> TransactionInfo:
    try:
        return decode_processed_transaction(data)
    except DecodeError as error:
        raise _unreadable("transaction", error) from error
