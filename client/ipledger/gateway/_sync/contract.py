# generated from client/ipledger/gateway/_async/contract.py by scripts/unasync.py - do not edit; run ./scripts/generate
"""A chaincode (optionally one named contract inside it) on one channel."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .grpc_client import SyncGatewayClient
from ..contract import Argument, _ContractBase, _stage_timeouts
from ..timeouts import USE_DEFAULT, TimeoutArg, Timeouts
from .commit import SubmittedTransaction
from .proposal import Proposal

__all__ = ["Contract"]


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
