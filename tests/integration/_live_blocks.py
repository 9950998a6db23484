"""Waiting for peers to commit a block, shared by the live tests (imported through conftest's folder)."""

from __future__ import annotations

import threading

from ipledger.gateway import Network

# Only a safety net against a hang: a healthy peer answers within a block interval.
SAFETY_SECONDS = 60.0


def wait_for_block(network: Network, number: int, who: str) -> None:
    """Return once the peer behind ``network`` has committed block ``number``.

    A peer's deliver service sends committed blocks only and waits for a block it does not have yet, so the
    first block of a stream started at ``number`` arrives exactly when that block is committed - no polling.
    """
    stream = network.filtered_block_events(start_block=number)
    guard = threading.Timer(SAFETY_SECONDS, stream.close)
    guard.daemon = True
    guard.start()
    try:
        block = next(stream, None)
    finally:
        guard.cancel()
        stream.close()
    assert block is not None and int(block.number) == number, f"the peer of {who} did not commit block {number}"
