"""The open-loop driver: schedules DepositFirstFiling transactions at a fixed rate and tracks each to its end."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import grpc

from ipledger.errors import IpledgerError
from ipledger.gateway import AsyncContract
from ipledger.gateway.errors import CommitStatusError, GatewayError

__all__ = ["Driver", "TxRecord", "error_key"]

#: CommitStatus failures worth asking again: the peer went away or its answer did not come in time.
_TRANSIENT = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.CANCELLED,
              grpc.StatusCode.UNKNOWN)


@dataclass
class TxRecord:
    """One transaction from its scheduled time to its final status; times are seconds after the run's start."""

    index: int
    office: str
    scheduled: float
    transaction_id: str = ""
    #: The orderers accepted it (Submit returned): from here on it must reach the ledger.
    acked_at: float | None = None
    committed_at: float | None = None
    #: Fabric's validation code name from CommitStatus (VALID, MVCC_READ_CONFLICT, ...); None if never learnt.
    status: str | None = None
    block: int | None = None
    #: Stable code of the last error (e.g. SUBMIT_ERROR/UNAVAILABLE) and where it happened.
    error: str | None = None
    stage: str | None = None

    @property
    def acked(self) -> bool:
        return self.acked_at is not None

    @property
    def valid(self) -> bool:
        return self.status == "VALID"

    @property
    def latency(self) -> float | None:
        """Seconds from the scheduled send to the commit: open-loop latency, including time spent waiting."""
        return None if self.committed_at is None else self.committed_at - self.scheduled


def error_key(error: BaseException) -> str:
    """A stable name for a failure: the ipledger error code, plus the gRPC status when there is one."""
    if isinstance(error, GatewayError) and error.grpc_code_name:
        return f"{error.code}/{error.grpc_code_name}"
    if isinstance(error, IpledgerError):
        return error.code
    return type(error).__name__


@dataclass
class Driver:
    """Offers ``rate`` transactions per second, spread round-robin over ``contracts`` (one per office)."""

    contracts: Sequence[tuple[str, AsyncContract]]
    rate: float
    #: How long to keep asking for the commit status of an accepted transaction, seconds after it was accepted.
    settle_seconds: float = 120.0
    endorse_timeout: float = 30.0
    submit_timeout: float = 30.0
    #: Each CommitStatus call's own deadline; it is asked again until settle_seconds.
    status_timeout: float = 20.0
    records: list[TxRecord] = field(default_factory=list)
    marks: dict[str, float] = field(default_factory=dict)
    duration: float = 0.0
    _t0: float = 0.0
    _prefix: int = field(default_factory=lambda: 10**9 + int.from_bytes(os.urandom(5), "big") % (9 * 10**9))

    def __post_init__(self) -> None:
        if self.rate <= 0:
            raise ValueError(f"rate must be positive, not {self.rate}")
        if not self.contracts:
            raise ValueError("the driver needs at least one contract to submit through")

    def now(self) -> float:
        """Seconds since the run started."""
        return time.monotonic() - self._t0

    def mark(self, label: str) -> float:
        """Remember when something happened (a fault injected, healed), for windows in the report."""
        self.marks[label] = self.now()
        return self.marks[label]

    async def run(self, seconds: float, stop: asyncio.Event | None = None) -> list[TxRecord]:
        """Offer load for ``seconds`` (or until ``stop`` is set), then wait until every transaction has its
        final status."""
        self._t0 = time.monotonic()
        total = int(seconds * self.rate)
        tasks: list[asyncio.Task[None]] = []
        for index in range(total):
            delay = self._t0 + index / self.rate - time.monotonic()
            if stop is not None:
                try:
                    await asyncio.wait_for(stop.wait(), max(delay, 0))
                    break
                except asyncio.TimeoutError:
                    pass
            elif delay > 0:
                await asyncio.sleep(delay)
            office, contract = self.contracts[index % len(self.contracts)]
            record = TxRecord(index=index, office=office, scheduled=index / self.rate)
            self.records.append(record)
            tasks.append(asyncio.create_task(self._one(record, contract)))
        self.duration = len(self.records) / self.rate
        await asyncio.gather(*tasks)
        return self.records

    def _filing(self, index: int) -> str:
        return json.dumps({
            "ipRight": "PATENT",
            "applicationNumber": str(self._prefix * 10**6 + index),
            "filingDate": "2025-03-14",
            "documentSha256": os.urandom(32).hex(),
            "documentFormat": "PDF",
        })

    async def _one(self, record: TxRecord, contract: AsyncContract) -> None:
        proposal = contract.new_proposal("DepositFirstFiling", [self._filing(record.index)])
        record.transaction_id = proposal.transaction_id
        try:
            record.stage = "endorse"
            transaction = await proposal.endorse(timeout=self.endorse_timeout)
            record.stage = "submit"
            submitted = await transaction.submit(timeout=self.submit_timeout)
        except Exception as error:  # noqa: BLE001 - every failure is a figure of the run, not a crash
            record.error = error_key(error)
            return
        record.acked_at = self.now()
        record.stage = "commit"
        give_up = time.monotonic() + self.settle_seconds
        while True:
            try:
                status = await submitted.status(timeout=self.status_timeout)
            except CommitStatusError as error:
                record.error = error_key(error)
                if error.grpc_code in _TRANSIENT and time.monotonic() < give_up:
                    await asyncio.sleep(1.0)
                    continue
                return
            except Exception as error:  # noqa: BLE001
                record.error = error_key(error)
                return
            record.committed_at, record.status, record.block = self.now(), status.code_name, status.block_number
            record.error = None if status.successful else f"INVALID/{status.code_name}"
            record.stage = None
            return
