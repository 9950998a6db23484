"""The whole network restarted (`down --keep-data`, `up`) under load, with a chaincode events consumer that
resumes from its file checkpoint: every committed deposit's event exactly once, none missing."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path

from _faults import FaultNetwork, assert_safe, under_load
from ipledger.gateway import AsyncGateway, FileCheckpointer
from ipledger.loadgen import Driver
from ipledger.operator import bringup


async def consume(net: FaultNetwork, checkpoint: Path, seen: list[str], reconnects: list[float]) -> None:
    """Read JP's chaincode events until cancelled; whenever the stream breaks, start over the way a restarted
    consumer process would: a fresh checkpointer loaded from the file (``reconnects``: when it did)."""
    profile = net.profile("JP")
    while True:
        checkpointer = FileCheckpointer(checkpoint)
        gateway = AsyncGateway.from_profile(profile)
        try:
            network = gateway.get_network(profile.channel)
            stream = network.chaincode_events(profile.chaincode, checkpoint=checkpointer, start_block=0)
            async for event in stream:
                if event.event_name == "FirstFilingDeposited":
                    seen.append(event.transaction_id)
                checkpointer.checkpoint_chaincode_event(event)
        except Exception:  # noqa: BLE001 - the peer went away: resume from the checkpoint
            reconnects.append(time.monotonic())
            await asyncio.sleep(1.0)
        finally:
            await gateway.aclose()


async def test_network_restart_with_checkpointed_events_consumer(fault_network: FaultNetwork,
                                                                 tmp_path: Path) -> None:
    net = fault_network
    seen: list[str] = []
    reconnects: list[float] = []
    consumer = asyncio.create_task(consume(net, tmp_path / "events.checkpoint", seen, reconnects))

    async def inject(driver: Driver) -> None:
        driver.mark("fault")
        await asyncio.to_thread(bringup.down, net.ctx, True)
        await asyncio.to_thread(bringup.up, net.ctx)
        driver.mark("healed")

    try:
        run = await under_load(net, "whole network restarted (down --keep-data, up)", inject)
    except BaseException:
        consumer.cancel()
        raise
    if consumer.done():  # it runs until cancelled: having stopped is the failure
        consumer.result()
    report = run.report
    assert_safe(report)
    # Every deposit the ledger holds (the client may not have learnt each status); let the consumer catch up.
    committed = {r.transaction_id for r in run.driver.records if r.valid}
    for _ in range(60):
        if committed <= set(seen):
            break
        await asyncio.sleep(1.0)
    consumer.cancel()
    counts = Counter(seen)
    twice = [tx for tx, n in counts.items() if n > 1]
    missing = committed - set(seen)
    print(f"   events consumer: {len(seen)} events, reconnected {len(reconnects)} times, "
          f"missing {len(missing)}, twice {len(twice)}")
    assert reconnects, "the consumer's stream never broke: the network did not restart under it"
    assert not missing, f"{len(missing)} committed deposits' events never reached the consumer"
    assert not twice, f"{len(twice)} events delivered twice across the restart"
