"""A host cut off from the wide-area network under steady load, then healed: its cable is pulled out of the
bridge for IPLEDGER_FAULT_PARTITION_SECONDS (default 60). The office keeps running, alone; the other three keep
ordering; once the cable is back its peer and orderer catch up, with nothing lost or duplicated."""

from __future__ import annotations

import asyncio
import os

from _load import assert_safe, committed_by_others_during_fault, peer_targets, under_load
from conftest import MultihostNetwork
from ipledger.loadgen import Driver
from ipledger.operator.testbed.testbed import set_cable

CUT_SECONDS = float(os.environ.get("IPLEDGER_FAULT_PARTITION_SECONDS", "60"))
VICTIM = "EP"


async def test_a_host_cut_off_rejoins_and_catches_up(multihost_network: MultihostNetwork) -> None:
    net = multihost_network
    host = net.host_of(VICTIM)

    async def inject(driver: Driver) -> None:
        driver.mark("fault")
        await asyncio.to_thread(set_cable, net.bed, host, False)
        try:
            await asyncio.sleep(CUT_SECONDS)
        finally:
            await asyncio.to_thread(set_cable, net.bed, host, True)
            driver.mark("healed")

    report, driver = await under_load(net, f"host {host} ({VICTIM}) cut off for {CUT_SECONDS:g} s", inject)
    net.results.scenario(f"{VICTIM}'s host ({host}) cut off from the bridge for {CUT_SECONDS:g} s", report)
    assert_safe(report)
    assert committed_by_others_during_fault(report, driver, VICTIM) > 0, \
        "nothing committed while one host of four was cut off: BFT should order with 3 of 4"
    heights = {t.name: await asyncio.to_thread(t.height) for t in peer_targets(net)}
    assert len(set(heights.values())) == 1, f"peers at different heights after healing: {heights}"
