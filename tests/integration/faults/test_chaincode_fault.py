"""A chaincode server killed mid-transaction and started again the way the operator starts it."""

from __future__ import annotations

import asyncio

from _faults import FaultNetwork, assert_safe, under_load
from ipledger.loadgen import Driver

DOWN_SECONDS = 10.0


async def test_killed_chaincode_server_is_restarted_and_nothing_is_lost(fault_network: FaultNetwork) -> None:
    net = fault_network
    code = "EP"
    (server,) = net.chaincode_containers(code)

    async def inject(driver: Driver) -> None:
        driver.mark("fault")
        await asyncio.to_thread(net.kill, server)
        await asyncio.sleep(DOWN_SECONDS)
        started = await asyncio.to_thread(net.restart_chaincode, code)
        assert net.container(started).status in ("running", "created")
        driver.mark("healed")

    run = await under_load(net, f"chaincode server of {code} killed, restarted after {DOWN_SECONDS:g} s", inject)
    assert_safe(run.report)
    fault, healed = run.report.marks["fault"], run.report.marks["healed"]
    errors = sorted({r.error for r in run.driver.records if fault <= r.scheduled < healed and r.error})
    print(f"   errors while the server was down: {errors}")
    after = [r for r in run.driver.records if r.scheduled >= healed + 2]
    assert any(r.valid for r in after), "nothing committed after the chaincode server was restarted"
