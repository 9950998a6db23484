"""Runs last: stopping with --keep-data and starting again keeps the ledger."""

from __future__ import annotations

from ipledger.gateway import Gateway, LedgerReader
from ipledger.operator import bringup
from ipledger.operator.bringup import Context


def _height(ctx: Context, office: str) -> int:
    with Gateway.from_profile(ctx.plan.profiles_dir / f"{office}.json", user="User1") as gw:
        return LedgerReader(gw.get_network(ctx.plan.channel)).get_chain_info().height


def test_down_keep_data_then_up_keeps_the_ledger(network: Context) -> None:
    before = _height(network, "JP")
    assert before > 1
    bringup.down(network, keep_data=True)
    bringup.up(network)
    assert _height(network, "JP") >= before
    assert _height(network, "EP") >= before
