# generated from tests/integration/gateway/test_live_gateway_ledger_aio.py by scripts/unasync.py - do not edit; run ./scripts/generate
"""Ledger queries through qscc: chain height, blocks by number and by transaction, transactions by id."""

from __future__ import annotations

import json

import pytest

from _gateway_live import LiveNetwork, deposit, endorser_msp_ids, unique_number
from ipledger.gateway import LedgerReader, Network, GatewayError


def test_ledger_reader_chain_info_height_covers_committed_block(
        live: LiveNetwork, jp_network: Network) -> None:
    made = deposit(jp_network.get_contract(live.chaincode), "JP")
    info = LedgerReader(jp_network).get_chain_info()
    assert info.height >= made.block_number + 1
    assert len(info.current_block_hash) == 64 and len(info.previous_block_hash) == 64


def test_ledger_reader_block_by_number_and_by_tx_id_agree(live: LiveNetwork, jp_network: Network) -> None:
    made = deposit(jp_network.get_contract(live.chaincode), "JP")
    reader = LedgerReader(jp_network)

    by_number = reader.get_block_by_number(made.block_number)
    by_tx_id = reader.get_block_by_tx_id(made.transaction_id)
    assert by_number == by_tx_id
    assert by_number.number == made.block_number and made.transaction_id in by_number.transaction_ids
    previous = reader.get_block_by_number(made.block_number - 1)
    assert previous.number == made.block_number - 1 and previous.data_hash != by_number.data_hash

    genesis = reader.get_block_by_number(0)
    assert genesis.number == 0 and genesis.transactions[0].type == "CONFIG"


def test_ledger_reader_transaction_by_id_decodes_creator_chaincode_and_function(
    live: LiveNetwork, jp_network: Network
) -> None:
    made = deposit(jp_network.get_contract(live.chaincode), "JP")

    transaction = LedgerReader(jp_network).get_transaction_by_id(made.transaction_id)
    assert transaction.transaction_id == made.transaction_id
    assert (transaction.validation_code, transaction.validation_code_name, transaction.valid) == (0, "VALID", True)
    assert transaction.creator_msp_id == "JPMSP" and transaction.channel_id == live.channel
    assert transaction.type == "ENDORSER_TRANSACTION" and transaction.timestamp is not None
    assert (transaction.chaincode, transaction.function) == (live.chaincode, "DepositFirstFiling")
    (argument,) = transaction.text_arguments()
    assert json.loads(argument)["applicationNumber"] == made.filing_id.rsplit(":", 1)[1]

    # Default endorsement: the gateway collected the chaincode's MAJORITY (3 of 4), its own org included.
    raw = jp_network.get_contract("qscc").evaluate("GetTransactionByID", [live.channel, made.transaction_id])
    endorsers = endorser_msp_ids(raw)
    assert len(endorsers) >= 3 and "JPMSP" in endorsers


def test_ledger_reader_unknown_transaction_raises_gateway_error(jp_network: Network) -> None:
    with pytest.raises(GatewayError) as caught:
        LedgerReader(jp_network).get_transaction_by_id(f"{unique_number():0>64}")
    assert caught.value.details and caught.value.details[0].msp_id == "JPMSP"


