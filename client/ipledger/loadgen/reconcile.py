"""The ledger side: which transactions each peer holds between two heights, read from its filtered blocks."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from ipledger.gateway import AsyncGateway, ChainInfo, Gateway, LedgerReader
from ipledger.gateway._parser import validation_code_name
from ipledger.credentials.connection_profile import profile_user
from ipledger.credentials.connection_profile import ConnectionProfile

__all__ = ["LedgerView", "PeerTarget", "reconcile"]

_ENDORSER_TRANSACTION = 3  # common.HeaderType


@dataclass(frozen=True)
class PeerTarget:
    """One peer to read, as a member of its own office (``profile``'s user) reaches it."""

    name: str
    endpoint: str
    server_name: str | None
    profile: ConnectionProfile
    user: str = "User1"

    def _sync(self) -> Gateway:
        identity, signer = profile_user(self.profile, self.user)
        return Gateway.connect(self.endpoint, identity, signer, tls_root_cert=self.profile.gateway.tls_root_cert(),
                               server_name=self.server_name, connect_timeout=5)

    def _async(self) -> AsyncGateway:
        identity, signer = profile_user(self.profile, self.user)
        return AsyncGateway.connect(self.endpoint, identity, signer,
                                    tls_root_cert=self.profile.gateway.tls_root_cert(), server_name=self.server_name)

    def chain_info(self) -> ChainInfo | None:
        """The peer's height and tip hashes, None when it does not answer."""
        try:
            with self._sync() as gateway:
                return LedgerReader(gateway.get_network(self.profile.channel)).get_chain_info(timeout=5)
        except Exception:  # noqa: BLE001 - a stopped or cut-off peer simply has no height now
            return None

    def height(self) -> int | None:
        """The peer's ledger height, None when it does not answer."""
        info = self.chain_info()
        return None if info is None else info.height


@dataclass
class LedgerView:
    """Per peer: every endorser transaction id in blocks [start, end) with its validation codes, in order."""

    start: int
    end: int
    peers: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    #: Peers that could not be read to ``end`` (down, or behind after the wait), with the reason.
    unreadable: dict[str, str] = field(default_factory=dict)


async def _read(target: PeerTarget, start: int, end: int, timeout: float) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {}
    if end <= start:
        return seen
    gateway = target._async()
    try:
        network = gateway.get_network(target.profile.channel)
        stream = network.filtered_block_events(start_block=start)

        async def consume() -> None:
            async for block in stream:
                for tx in block.filtered_transactions:
                    if int(tx.type) == _ENDORSER_TRANSACTION:
                        seen.setdefault(tx.txid, []).append(validation_code_name(int(tx.tx_validation_code)))
                if int(block.number) >= end - 1:
                    return

        try:
            await asyncio.wait_for(consume(), timeout)
        finally:
            await stream.aclose()
    finally:
        await gateway.aclose()
    return seen


async def settled_height(targets: Sequence[PeerTarget], at_least: int = 0, timeout: float = 60.0) -> int:
    """Wait until every peer answers with the same height (>= ``at_least``); that height, or the highest seen."""
    deadline = time.monotonic() + timeout
    highest = at_least
    while True:
        heights = await asyncio.gather(*(asyncio.to_thread(t.height) for t in targets))
        known = [h for h in heights if h is not None]
        highest = max([highest, *known])
        if len(known) == len(heights) and len(set(known)) == 1 and known[0] >= at_least:
            return known[0]
        if time.monotonic() > deadline:
            return highest
        await asyncio.sleep(1.0)


async def reconcile(targets: Sequence[PeerTarget], start_block: int, *, at_least: int = 0,
                    settle_timeout: float = 60.0, read_timeout: float = 60.0) -> LedgerView:
    """Let the peers settle on one height, then read every peer's transactions from ``start_block`` to it."""
    end = await settled_height(targets, at_least, settle_timeout)
    view = LedgerView(start=start_block, end=end)
    for target in targets:
        try:
            view.peers[target.name] = await _read(target, start_block, end, read_timeout)
        except Exception as error:  # noqa: BLE001 - reported per peer; the report counts its missing transactions
            view.unreadable[target.name] = f"{type(error).__name__}: {error}"
    return view
