# generated from client/ipledger/gateway/_async/proposal.py by scripts/unasync.py - do not edit; run ./scripts/generate
"""Step 1 of a transaction: a signed chaincode proposal, evaluated or endorsed."""

from __future__ import annotations

import builtins

from .grpc_client import SyncGatewayClient
from ..proposal import _ProposalBase
from ..timeouts import USE_DEFAULT, TimeoutArg
from .transaction import Transaction

__all__ = ["Proposal"]


class Proposal(_ProposalBase[SyncGatewayClient]):
    def evaluate(self, *, timeout: TimeoutArg = USE_DEFAULT) -> builtins.bytes:
        """Run the chaincode on one peer without ordering; returns its result."""
        response = self._context.client.evaluate(self._evaluate_request(), timeout)
        result: builtins.bytes = response.result.payload
        return result

    def endorse(self, *, timeout: TimeoutArg = USE_DEFAULT) -> Transaction:
        """Collect endorsements; returns the transaction ready to sign and submit."""
        response = self._context.client.endorse(self._endorse_request(), timeout)
        return Transaction(self._context, *self._prepared(response))
