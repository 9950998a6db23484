"""Step 2 of a transaction: the endorsed envelope, signed and sent for ordering."""

from __future__ import annotations

from .grpc_client import AsyncGatewayClient
from ..errors import SubmitError
from ..timeouts import USE_DEFAULT, TimeoutArg
from ..transaction import _TransactionBase, already_ordered
from .commit import AsyncSubmittedTransaction

__all__ = ["AsyncTransaction"]


class AsyncTransaction(_TransactionBase[AsyncGatewayClient]):
    async def submit(self, *, timeout: TimeoutArg = USE_DEFAULT) -> AsyncSubmittedTransaction:
        """Send the signed transaction to the orderers; returns at once, before commit."""
        request, status_request = self._prepare_submit()
        try:
            await self._context.client.submit(request, timeout)
        except SubmitError as error:
            if not already_ordered(error):
                raise
        return AsyncSubmittedTransaction(self._context, self.transaction_id, status_request, self._result)
