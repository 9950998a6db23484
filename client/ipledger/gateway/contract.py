"""A chaincode (optionally one named contract inside it) on one channel."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Generic

from . import _builder
from ._context import ClientT, Context
from ._grpc import AsyncGatewayClient, SyncGatewayClient
from ._protos import Message
from .commit import AsyncSubmittedTransaction, SubmittedTransaction
from .proposal import AsyncProposal, Proposal
from .timeouts import USE_DEFAULT, TimeoutArg, Timeouts

__all__ = ["Argument", "AsyncContract", "Contract"]

#: A chaincode argument; text is sent as UTF-8.
Argument = str | bytes


def _as_bytes(value: Argument) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def _stage_timeouts(timeouts: Timeouts | None) -> tuple[TimeoutArg, TimeoutArg, TimeoutArg]:
    """(endorse, submit, commit_status) deadlines; ``None`` keeps the gateway's."""
    if timeouts is None:
        return USE_DEFAULT, USE_DEFAULT, USE_DEFAULT
    return timeouts.endorse, timeouts.submit, timeouts.commit_status


class _ContractBase(Generic[ClientT]):
    def __init__(
        self, context: Context[ClientT], channel: str, chaincode_name: str, contract_name: str | None = None
    ) -> None:
        self._context: Context[ClientT] = context
        self._channel = channel
        self.chaincode_name = chaincode_name
        self.contract_name = contract_name

    def _qualified(self, name: str) -> str:
        # Fabric contract API routes "Contract:Function" to a named contract.
        return f"{self.contract_name}:{name}" if self.contract_name else name

    def _proposed(
        self,
        name: str,
        arguments: Sequence[Argument],
        transient: Mapping[str, Argument] | None,
        endorsing_organizations: Iterable[str],
    ) -> Message:
        return _builder.build_proposed_transaction(
            creator=self._context.signing.creator,
            channel=self._channel,
            chaincode=self.chaincode_name,
            transaction_name=self._qualified(name),
            arguments=[_as_bytes(argument) for argument in arguments],
            transient={key: _as_bytes(value) for key, value in (transient or {}).items()},
            endorsing_organizations=endorsing_organizations,
        )


class Contract(_ContractBase[SyncGatewayClient]):
    """Evaluate and submit transactions of one chaincode."""

    def new_proposal(
        self,
        name: str,
        arguments: Sequence[Argument] = (),
        transient: Mapping[str, Argument] | None = None,
        endorsing_organizations: Iterable[str] = (),
    ) -> Proposal:
        """An unsigned proposal, for step-by-step flows and offline signing."""
        proposed = self._proposed(name, arguments, transient, endorsing_organizations)
        return Proposal(self._context, self._channel, proposed)

    def evaluate_transaction(self, name: str, *args: Argument) -> bytes:
        """Evaluate ``name`` with positional arguments; returns the chaincode's result."""
        return self.evaluate(name, args)

    def submit_transaction(self, name: str, *args: Argument) -> bytes:
        """Submit ``name`` with positional arguments and wait for a VALID commit; returns the result."""
        return self.submit(name, args)

    def evaluate(
        self,
        name: str,
        arguments: Sequence[Argument] = (),
        transient: Mapping[str, Argument] | None = None,
        endorsing_organizations: Iterable[str] = (),
        timeout: TimeoutArg = USE_DEFAULT,
    ) -> bytes:
        """Query: run the transaction on a peer and return its result, nothing is written.

        ``endorsing_organizations`` picks the organisations whose peers may
        answer (handy for reading an organisation's private data).
        """
        proposal = self.new_proposal(name, arguments, transient, endorsing_organizations)
        return proposal.evaluate(timeout=timeout)

    def submit_async(
        self,
        name: str,
        arguments: Sequence[Argument] = (),
        transient: Mapping[str, Argument] | None = None,
        endorsing_organizations: Iterable[str] = (),
        timeouts: Timeouts | None = None,
    ) -> SubmittedTransaction:
        """Endorse and submit; returns as soon as the orderers accepted it.

        The result is available at once; call ``.status()`` on the returned
        object to wait for the commit.
        """
        endorse_timeout, submit_timeout, _ = _stage_timeouts(timeouts)
        proposal = self.new_proposal(name, arguments, transient, endorsing_organizations)
        transaction = proposal.endorse(timeout=endorse_timeout)
        return transaction.submit(timeout=submit_timeout)

    def submit(
        self,
        name: str,
        arguments: Sequence[Argument] = (),
        transient: Mapping[str, Argument] | None = None,
        endorsing_organizations: Iterable[str] = (),
        timeouts: Timeouts | None = None,
    ) -> bytes:
        """Endorse, submit and wait for a VALID commit; raises CommitError otherwise."""
        submitted = self.submit_async(name, arguments, transient, endorsing_organizations, timeouts)
        status = submitted.status(timeout=_stage_timeouts(timeouts)[2])
        status.raise_for_failure()
        return submitted.result


class AsyncContract(_ContractBase[AsyncGatewayClient]):
    """The asyncio twin of :class:`Contract`."""

    def new_proposal(
        self,
        name: str,
        arguments: Sequence[Argument] = (),
        transient: Mapping[str, Argument] | None = None,
        endorsing_organizations: Iterable[str] = (),
    ) -> AsyncProposal:
        """An unsigned proposal, for step-by-step flows and offline signing."""
        proposed = self._proposed(name, arguments, transient, endorsing_organizations)
        return AsyncProposal(self._context, self._channel, proposed)

    async def evaluate_transaction(self, name: str, *args: Argument) -> bytes:
        """Evaluate ``name`` with positional arguments; returns the chaincode's result."""
        return await self.evaluate(name, args)

    async def submit_transaction(self, name: str, *args: Argument) -> bytes:
        """Submit ``name`` with positional arguments and wait for a VALID commit; returns the result."""
        return await self.submit(name, args)

    async def evaluate(
        self,
        name: str,
        arguments: Sequence[Argument] = (),
        transient: Mapping[str, Argument] | None = None,
        endorsing_organizations: Iterable[str] = (),
        timeout: TimeoutArg = USE_DEFAULT,
    ) -> bytes:
        """Query: run the transaction on a peer and return its result."""
        proposal = self.new_proposal(name, arguments, transient, endorsing_organizations)
        return await proposal.evaluate(timeout=timeout)

    async def submit_async(
        self,
        name: str,
        arguments: Sequence[Argument] = (),
        transient: Mapping[str, Argument] | None = None,
        endorsing_organizations: Iterable[str] = (),
        timeouts: Timeouts | None = None,
    ) -> AsyncSubmittedTransaction:
        """Endorse and submit; returns as soon as the orderers accepted it."""
        endorse_timeout, submit_timeout, _ = _stage_timeouts(timeouts)
        proposal = self.new_proposal(name, arguments, transient, endorsing_organizations)
        transaction = await proposal.endorse(timeout=endorse_timeout)
        return await transaction.submit(timeout=submit_timeout)

    async def submit(
        self,
        name: str,
        arguments: Sequence[Argument] = (),
        transient: Mapping[str, Argument] | None = None,
        endorsing_organizations: Iterable[str] = (),
        timeouts: Timeouts | None = None,
    ) -> bytes:
        """Endorse, submit and wait for a VALID commit; raises CommitError otherwise."""
        submitted = await self.submit_async(name, arguments, transient, endorsing_organizations, timeouts)
        status = await submitted.status(timeout=_stage_timeouts(timeouts)[2])
        status.raise_for_failure()
        return submitted.result
