# unasync: async-only
"""Ledger queries through qscc with AsyncLedgerReader: chain height, blocks by number and by transaction,
transactions by id.

The one source of test_live_gateway_ledger.py, the same tests for LedgerReader (``./scripts/generate``).
"""
# unasync: end
# unasync: sync-only
# """Ledger queries through qscc: chain height, blocks by number and by transaction, transactions by id."""
# unasync: end

from __future__ import annotations

import json

import pytest

from _gateway_live import LiveNetwork, adeposit, endorser_msp_ids, unique_number
from ipledger.gateway import AsyncLedgerReader, AsyncNetwork, GatewayError
# unasync: async-only
from ipledger.gateway import LedgerReader, Network
# unasync: end


async def test_ledger_reader_chain_info_height_covers_committed_block(
        live: LiveNetwork, jp_aio_network: AsyncNetwork) -> None:
    made = await adeposit(jp_aio_network.get_contract(live.chaincode), "JP")
    info = await AsyncLedgerReader(jp_aio_network).get_chain_info()
    assert info.height >= made.block_number + 1
    assert len(info.current_block_hash) == 64 and len(info.previous_block_hash) == 64


async def test_ledger_reader_block_by_number_and_by_tx_id_agree(live: LiveNetwork, jp_aio_network: AsyncNetwork) -> None:
    made = await adeposit(jp_aio_network.get_contract(live.chaincode), "JP")
    reader = AsyncLedgerReader(jp_aio_network)

    by_number = await reader.get_block_by_number(made.block_number)
    by_tx_id = await reader.get_block_by_tx_id(made.transaction_id)
    assert by_number == by_tx_id
    assert by_number.number == made.block_number and made.transaction_id in by_number.transaction_ids
    previous = await reader.get_block_by_number(made.block_number - 1)
    assert previous.number == made.block_number - 1 and previous.data_hash != by_number.data_hash

    genesis = await reader.get_block_by_number(0)
    assert genesis.number == 0 and genesis.transactions[0].type == "CONFIG"


async def test_ledger_reader_transaction_by_id_decodes_creator_chaincode_and_function(
    live: LiveNetwork, jp_aio_network: AsyncNetwork
) -> None:
    made = await adeposit(jp_aio_network.get_contract(live.chaincode), "JP")

    transaction = await AsyncLedgerReader(jp_aio_network).get_transaction_by_id(made.transaction_id)
    assert transaction.transaction_id == made.transaction_id
    assert (transaction.validation_code, transaction.validation_code_name, transaction.valid) == (0, "VALID", True)
    assert transaction.creator_msp_id == "JPMSP" and transaction.channel_id == live.channel
    assert transaction.type == "ENDORSER_TRANSACTION" and transaction.timestamp is not None
    assert (transaction.chaincode, transaction.function) == (live.chaincode, "DepositFirstFiling")
    (argument,) = transaction.text_arguments()
    assert json.loads(argument)["applicationNumber"] == made.filing_id.rsplit(":", 1)[1]

    # Default endorsement: the gateway collected the chaincode's MAJORITY (3 of 4), its own org included.
    raw = await jp_aio_network.get_contract("qscc").evaluate("GetTransactionByID", [live.channel, made.transaction_id])
    endorsers = endorser_msp_ids(raw)
    assert len(endorsers) >= 3 and "JPMSP" in endorsers


async def test_ledger_reader_unknown_transaction_raises_gateway_error(jp_aio_network: AsyncNetwork) -> None:
    with pytest.raises(GatewayError) as caught:
        await AsyncLedgerReader(jp_aio_network).get_transaction_by_id(f"{unique_number():0>64}")
    assert caught.value.details and caught.value.details[0].msp_id == "JPMSP"


# unasync: async-only
async def test_async_ledger_reader_reads_what_sync_reader_reads(live: LiveNetwork, jp_network: Network,
                                                                 jp_aio_network: AsyncNetwork) -> None:
    made = await adeposit(jp_aio_network.get_contract(live.chaincode), "JP")
    # Both readers ask JP's peer, the one that reported the commit: another office's may not have the block yet.
    reader = AsyncLedgerReader(jp_aio_network)
    transaction = await reader.get_transaction_by_id(made.transaction_id)
    block = await reader.get_block_by_tx_id(made.transaction_id)
    assert transaction == LedgerReader(jp_network).get_transaction_by_id(made.transaction_id)
    assert block.number == made.block_number
# unasync: end
