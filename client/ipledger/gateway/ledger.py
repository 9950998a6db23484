"""Ledger queries through the ``qscc`` system chaincode, decoded for humans.

qscc functions take the channel name as their first argument (the gateway
routes by the proposal's channel, but qscc reads the argument).
"""

from __future__ import annotations

from typing import Generic, TypeVar

from ._protos import DecodeError
from .blocks import (
    BlockInfo,
    ChainInfo,
    TransactionInfo,
    decode_block,
    decode_chain_info,
    decode_processed_transaction,
)
from .contract import AsyncContract, Contract
from .errors import ConfigurationError
from .network import AsyncNetwork, Network
from .timeouts import USE_DEFAULT, TimeoutArg

__all__ = ["AsyncLedgerReader", "LedgerReader", "QSCC"]

QSCC = "qscc"

ContractT = TypeVar("ContractT", Contract, AsyncContract)


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


class _LedgerReaderBase(Generic[ContractT]):
    def __init__(self, channel: str, contract: ContractT) -> None:
        self.channel = channel
        self._contract: ContractT = contract


class LedgerReader(_LedgerReaderBase[Contract]):
    """Reads chain height, blocks and transactions of the network's channel."""

    def __init__(self, network: Network) -> None:
        super().__init__(network.name, network.get_contract(QSCC))

    def _query(self, function: str, *args: str, timeout: TimeoutArg) -> bytes:
        return self._contract.evaluate(function, (self.channel, *args), timeout=timeout)

    def get_chain_info(self, *, timeout: TimeoutArg = USE_DEFAULT) -> ChainInfo:
        return _chain_info(self._query("GetChainInfo", timeout=timeout))

    def get_block_by_number(self, number: int, *, timeout: TimeoutArg = USE_DEFAULT) -> BlockInfo:
        return _block(self._query("GetBlockByNumber", str(number), timeout=timeout))

    def get_block_by_tx_id(self, transaction_id: str, *, timeout: TimeoutArg = USE_DEFAULT) -> BlockInfo:
        return _block(self._query("GetBlockByTxID", transaction_id, timeout=timeout))

    def get_transaction_by_id(self, transaction_id: str, *, timeout: TimeoutArg = USE_DEFAULT) -> TransactionInfo:
        return _transaction(self._query("GetTransactionByID", transaction_id, timeout=timeout))


class AsyncLedgerReader(_LedgerReaderBase[AsyncContract]):
    """The asyncio twin of :class:`LedgerReader`."""

    def __init__(self, network: AsyncNetwork) -> None:
        super().__init__(network.name, network.get_contract(QSCC))

    async def _query(self, function: str, *args: str, timeout: TimeoutArg) -> bytes:
        return await self._contract.evaluate(function, (self.channel, *args), timeout=timeout)

    async def get_chain_info(self, *, timeout: TimeoutArg = USE_DEFAULT) -> ChainInfo:
        return _chain_info(await self._query("GetChainInfo", timeout=timeout))

    async def get_block_by_number(self, number: int, *, timeout: TimeoutArg = USE_DEFAULT) -> BlockInfo:
        return _block(await self._query("GetBlockByNumber", str(number), timeout=timeout))

    async def get_block_by_tx_id(self, transaction_id: str, *, timeout: TimeoutArg = USE_DEFAULT) -> BlockInfo:
        return _block(await self._query("GetBlockByTxID", transaction_id, timeout=timeout))

    async def get_transaction_by_id(
        self, transaction_id: str, *, timeout: TimeoutArg = USE_DEFAULT
    ) -> TransactionInfo:
        return _transaction(await self._query("GetTransactionByID", transaction_id, timeout=timeout))
