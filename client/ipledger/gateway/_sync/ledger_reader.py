# generated from client/ipledger/gateway/_async/ledger_reader.py by scripts/unasync.py - do not edit; run ./scripts/generate
"""Ledger queries through the ``qscc`` system chaincode, decoded for humans."""

from __future__ import annotations

from ..blocks import BlockInfo, ChainInfo, TransactionInfo
from ..qscc import QSCC, _block, _chain_info, _transaction
from ..timeouts import USE_DEFAULT, TimeoutArg
from .network import Network

__all__ = ["LedgerReader"]


class LedgerReader:
    """Reads chain height, blocks and transactions of the network's channel."""

    def __init__(self, network: Network) -> None:
        self.channel = network.name
        self._contract = network.get_contract(QSCC)

    def _query(self, function: str, *args: str, timeout: TimeoutArg) -> bytes:
        return self._contract.evaluate(function, (self.channel, *args), timeout=timeout)

    def get_chain_info(self, *, timeout: TimeoutArg = USE_DEFAULT) -> ChainInfo:
        return _chain_info(self._query("GetChainInfo", timeout=timeout))

    def get_block_by_number(self, number: int, *, timeout: TimeoutArg = USE_DEFAULT) -> BlockInfo:
        return _block(self._query("GetBlockByNumber", str(number), timeout=timeout))

    def get_block_by_tx_id(self, transaction_id: str, *, timeout: TimeoutArg = USE_DEFAULT) -> BlockInfo:
        return _block(self._query("GetBlockByTxID", transaction_id, timeout=timeout))

    def get_transaction_by_id(
        self, transaction_id: str, *, timeout: TimeoutArg = USE_DEFAULT
    ) -> TransactionInfo:
        return _transaction(self._query("GetTransactionByID", transaction_id, timeout=timeout))
