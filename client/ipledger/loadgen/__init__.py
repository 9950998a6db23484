"""Steady, open-loop load on the ledger for tests and benchmarks, reconciled against every peer's blocks.

::

    driver = Driver([(office, contract), ...], rate=8.0)
    run = asyncio.create_task(driver.run(seconds=40))
    ...                                   # inject a fault; driver.mark("fault"), driver.mark("healed")
    await run
    ledger = await reconcile(targets, start_block=height_before)   # every peer, read from its blocks
    report = summarize(driver.records, ledger, rate=driver.rate, duration=driver.duration,
                       marks=driver.marks, window=("fault", "healed"))

Transaction ``i`` is sent at ``t0 + i / rate`` whether or not earlier ones have finished (open loop), so a
stalled network shows up as latency and failures instead of as a lower offered rate. Each transaction is a
DepositFirstFiling of a fresh application number; its id is known before it is endorsed, so even a transaction
whose submit failed is found on the ledger if it committed after all.
"""

from .driver import Driver, TxRecord
from .reconcile import LedgerView, PeerTarget, reconcile
from .report import LoadReport, render_table, summarize
from .scenario import LoadRun, load_around, open_contracts

__all__ = ["Driver", "LedgerView", "LoadReport", "LoadRun", "PeerTarget", "TxRecord", "load_around", "open_contracts",
           "reconcile", "render_table", "summarize"]
