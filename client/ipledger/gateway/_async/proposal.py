"""Step 1 of a transaction: a signed chaincode proposal, evaluated or endorsed."""

from __future__ import annotations

import builtins

from .grpc_client import AsyncGatewayClient
from ..proposal import _ProposalBase
from ..timeouts import USE_DEFAULT, TimeoutArg
from .transaction import AsyncTransaction

__all__ = ["AsyncProposal"]


class AsyncProposal(_ProposalBase[AsyncGatewayClient]):
    async def evaluate(self, *, timeout: TimeoutArg = USE_DEFAULT) -> builtins.bytes:
        """Run the chaincode on one peer without ordering; returns its result."""
        response = await self._context.client.evaluate(self._evaluate_request(), timeout)
        result: builtins.bytes = response.result.payload
        return result

    async def endorse(self, *, timeout: TimeoutArg = USE_DEFAULT) -> AsyncTransaction:
        """Collect endorsements; returns the transaction ready to sign and submit."""
        response = await self._context.client.endorse(self._endorse_request(), timeout)
        return AsyncTransaction(self._context, *self._prepared(response))
