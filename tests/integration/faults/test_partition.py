"""One office cut off from the others (its containers disconnected from the Docker network), then healed."""

from __future__ import annotations

import asyncio

from _faults import PARTITION_SECONDS, FaultNetwork, assert_safe, under_load
from ipledger.loadgen import Driver


async def test_partitioned_office_rejoins_and_catches_up(fault_network: FaultNetwork) -> None:
    net = fault_network
    code = "KR"

    async def inject(driver: Driver) -> None:
        cm = net.partitioned(code)
        driver.mark("fault")
        cut = await asyncio.to_thread(cm.__enter__)
        try:
            print(f"   cut off: {', '.join(cut)}")
            await asyncio.sleep(PARTITION_SECONDS)
        finally:
            await asyncio.to_thread(cm.__exit__, None, None, None)
            driver.mark("healed")

    run = await under_load(net, f"{code} partitioned for {PARTITION_SECONDS:g} s", inject)
    assert_safe(run.report)
    heights = await asyncio.to_thread(net.wait_heights_equal, net.peer_heights)
    assert len(set(heights.values())) == 1, f"{code}'s peer did not catch up: {heights}"
    orderers = await asyncio.to_thread(net.wait_heights_equal, net.orderer_heights)
    assert len(set(orderers.values())) == 1, f"{code}'s orderer did not catch up: {orderers}"
