"""What the sync and async ledgers share: error mapping, commit checks, endorser planning.

No I/O here (httpx's BaseClient idea): the twins differ only in how they
call the contract and whether they await.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from ipledger.gateway.checkpointers import Checkpoint, Checkpointer
from ipledger.gateway.errors import CommitError, EndorseError, GatewayError

from .directory import OfficeDirectory
from .errors import (
    DepositIncompleteError,
    InvalidTransitionError,
    UnexpectedResultError,
    UnknownOfficeError,
    ledger_error_from,
)
from .models import FirstFiling, Page
from .transactions import Endorsement

__all__ = [
    "BEHIND_RETRY_DELAYS",
    "DEFAULT_CONNECT_TIMEOUT",
    "LedgerBase",
    "behind_retry_delay",
    "finish_deposit",
    "in_caller_thread",
    "in_worker_thread",
    "ledger_errors",
    "next_bookmark",
    "start_position",
    "unregistered",
]

T = TypeVar("T")
P = ParamSpec("P")

#: Seconds ``connect`` waits for the gateway peer before failing with ConnectionError.
DEFAULT_CONNECT_TIMEOUT = 10.0


async def in_worker_thread(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Blocking library I/O from the asyncio ledger: in a worker thread, so the event loop keeps running."""
    return await asyncio.to_thread(function, *args, **kwargs)


def in_caller_thread(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """The blocking ledger's twin of :func:`in_worker_thread`: the call itself."""
    return function(*args, **kwargs)


@contextmanager
def ledger_errors() -> Iterator[None]:
    """Turn a gateway failure caused by a coded chaincode refusal into its LedgerError.

    Everything else (unreachable peer, policy failure, MVCC conflict)
    propagates unchanged as the gateway's own typed error.
    """
    try:
        yield
    except GatewayError as error:
        mapped = ledger_error_from(error)
        if mapped is None:
            raise
        raise mapped from error


def next_bookmark(page: Page[T], previous: str) -> str | None:
    """The bookmark to continue with, or None when the listing is finished.

    A chaincode that hands back the bookmark it was given would make the
    iteration loop forever, so that is refused.
    """
    if page.is_last:
        return None
    if page.bookmark == previous:
        raise UnexpectedResultError("the ledger returned the same bookmark again; stopping the listing")
    return page.bookmark


def start_position(start_block: int | None,
                   checkpointer: Checkpointer | None) -> tuple[int | None, Checkpoint | None]:
    """An explicit ``start_block`` wins over a stored checkpoint; the checkpoint is still updated."""
    if start_block is not None or checkpointer is None or checkpointer.block_number is None:
        return start_block, None
    return None, checkpointer


def finish_deposit(filing: FirstFiling, outcomes: list[tuple[str, object]]) -> FirstFiling:
    """The latest filing after the deposit's follow-up steps, or DepositIncompleteError.

    ``outcomes`` pairs each step ("confidential data", "access code") with
    its result or the exception it failed with.
    """
    latest = filing
    failures: list[tuple[str, Exception]] = []
    for what, outcome in outcomes:
        if isinstance(outcome, Exception):
            failures.append((what, outcome))
        elif isinstance(outcome, FirstFiling):
            latest = outcome
    if not failures:
        return latest
    missing = tuple(what for what, _ in failures)
    raise DepositIncompleteError(
        f"first filing {filing.id} was deposited, but setting its {' and '.join(missing)} failed: {failures[0][1]}",
        filing=latest, cause=failures[0][1], missing=missing,
    )


def unregistered(office_code: str) -> UnknownOfficeError:
    return UnknownOfficeError(f"office {office_code} is not registered on the ledger")


class LedgerBase:
    """Identity of the caller and the office registry cache."""

    def __init__(self, *, office_code: str | None, msp_id: str | None) -> None:
        self.directory = OfficeDirectory(caller_office=office_code, caller_msp=msp_id)

    @property
    def office_code(self) -> str | None:
        """The caller's office code, once known (from the profile or a registry lookup)."""
        return self.directory.caller_office

    @property
    def msp_id(self) -> str | None:
        return self.directory.caller_msp

    def _planned_endorsers(self, endorsement: Endorsement) -> tuple[str, ...] | None:
        """The endorsing MSPs if known without a query; None means "look them up"."""
        if endorsement.kind == "caller":
            return (self.directory.caller_msp,) if self.directory.caller_msp else None
        if endorsement.kind == "office":
            assert endorsement.office_code is not None
            msp = self.directory.msp_of(endorsement.office_code)
            return (msp,) if msp else None
        return ()


#: Tries of a redemption settlement whose endorsing peer lags behind the caller's.
SETTLE_ATTEMPTS = 8
#: Seconds before the n-th retry are SETTLE_RETRY_DELAY * n (about 7 s in all).
SETTLE_RETRY_DELAY = 0.25


#: Pauses before a submit is tried again when other offices' endorsing peers refused what the caller's own peer
#: accepted: they have not committed yet the block the caller's peer has (typically the record the caller just
#: wrote, now that most records need a majority of offices to endorse them). Then the refusal is raised.
BEHIND_RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0)


def behind_retry_delay(error: BaseException, named_endorsers: tuple[str, ...], own_msp: str | None,
                       attempt: int) -> float | None:
    """Seconds to wait before submitting again after try ``attempt`` failed with ``error``; None to raise it.

    Only when the gateway chose the endorsers (none named), refusals came from peers of other offices alone and
    not from the caller's own peer, which endorses first: honest chaincode on peers that disagree about the
    same proposal means some of them are behind.
    """
    cause = error.__cause__ if error.__cause__ is not None else error
    if named_endorsers or own_msp is None or attempt > len(BEHIND_RETRY_DELAYS):
        return None
    if not isinstance(cause, EndorseError) or not cause.details:
        return None
    if own_msp in {detail.msp_id for detail in cause.details}:
        return None
    return BEHIND_RETRY_DELAYS[attempt - 1]


def settle_retry_delay(error: CommitError | InvalidTransitionError, attempt: int) -> float | None:
    """Seconds to wait before retrying a settlement that failed on try ``attempt``; None to give up.

    The owner's peer, which endorses the settlement, may not yet have committed the attempt: it then
    answers INVALID_TRANSITION, or its stale read is invalidated as MVCC_READ_CONFLICT. Only those retry.
    """
    lagging = isinstance(error, InvalidTransitionError) or error.code_name == "MVCC_READ_CONFLICT"
    if not lagging or attempt >= SETTLE_ATTEMPTS:
        return None
    return SETTLE_RETRY_DELAY * attempt
