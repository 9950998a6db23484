"""Ledger queries through the ``qscc`` system chaincode, decoded for humans."""

from __future__ import annotations

from ..blocks import BlockInfo, ChainInfo, TransactionInfo
from ..qscc import QSCC, _block, _chain_info, _transaction
from ..timeouts import USE_DEFAULT, TimeoutArg
from .network import AsyncNetwork

__all__ = ["AsyncLedgerReader"]


class AsyncLedgerReader:
    # unasync: async-only
    """The asyncio twin of :class:`LedgerReader`."""
    # unasync: end
    # unasync: sync-only
    # """Reads chain height, blocks and transactions of the network's channel."""
    # unasync: end

    def __init__(self, network: AsyncNetwork) -> None:
        self.channel = network.name
        self._contract = network.get_contract(QSCC)

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
