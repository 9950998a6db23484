"""Waiting for peers to commit a block, shared by the live tests (imported through conftest's folder)."""

from __future__ import annotations

import threading

from ipledger.gateway import LedgerReader, Network

# Only a safety net against a hang: a healthy peer answers within a block interval.
SAFETY_SECONDS = 60.0


def wait_for_block(network: Network, number: int, who: str) -> None:
    """Return once the peer behind ``network`` has committed block ``number``.

    A peer's deliver service sends committed blocks only and waits for the block at its current height, but it
    refuses (NOT_FOUND) a start beyond that height - so a lagging peer's stream starts at its own height and
    is read until block ``number`` arrives. No polling.
    """
    height = LedgerReader(network).get_chain_info().height
    stream = network.filtered_block_events(start_block=min(number, height))
    guard = threading.Timer(SAFETY_SECONDS, stream.close)
    guard.daemon = True
    guard.start()
    try:
        for block in stream:
            if int(block.number) >= number:
                return
    finally:
        guard.cancel()
        stream.close()
    raise AssertionError(f"the peer of {who} did not commit block {number}")
