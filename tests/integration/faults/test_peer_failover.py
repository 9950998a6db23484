"""A peer stopped under load: the office's client goes on through its second peer; the stopped peer catches up."""

from __future__ import annotations

import asyncio

from _faults import FaultNetwork, assert_safe, under_load
from ipledger.loadgen import Driver

DOWN_SECONDS = 20.0


async def test_stopped_peer_fails_over_to_the_offices_second_peer(fault_network: FaultNetwork) -> None:
    net = fault_network
    office = net.office("JP")
    assert len(office.peers) == 2, "the fault consortium gives JP two peers"
    stopped = office.peers[0].host

    async def inject(driver: Driver) -> None:
        driver.mark("fault")
        await asyncio.to_thread(lambda: net.container(stopped).stop(timeout=2))
        await asyncio.sleep(DOWN_SECONDS)
        await asyncio.to_thread(net.start, stopped)
        driver.mark("healed")

    run = await under_load(net, f"peer stopped ({stopped.split('.')[0]}.jp) for {DOWN_SECONDS:g} s, "
                                "JP client fails over to peer1.jp", inject)
    assert_safe(run.report)
    fault, healed = run.report.marks["fault"], run.report.marks["healed"]
    jp = [r for r in run.driver.records if r.office == "JP" and fault + 2 <= r.scheduled < healed - 2]
    through_peer1 = [r for r in jp if r.valid]
    print(f"   JP transactions sent while peer0.jp was down: {len(jp)}, committed {len(through_peer1)}; "
          f"errors {sorted({r.error for r in jp if r.error})}")
    assert through_peer1, "no JP transaction committed while peer0.jp was stopped: no failover to peer1.jp"
    heights = await asyncio.to_thread(net.wait_heights_equal, net.peer_heights)
    assert len(set(heights.values())) == 1, f"{stopped} did not catch up: {heights}"
