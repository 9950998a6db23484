# generated from client/ipledger/gateway/_async/transaction.py by scripts/unasync.py - do not edit; run ./scripts/generate
"""Step 2 of a transaction: the endorsed envelope, signed and sent for ordering."""

from __future__ import annotations

from .grpc_client import SyncGatewayClient
from ..errors import SubmitError
from ..timeouts import USE_DEFAULT, TimeoutArg
from ..transaction import _TransactionBase, already_ordered
from .commit import SubmittedTransaction

__all__ = ["Transaction"]


class Transaction(_TransactionBase[SyncGatewayClient]):
    def submit(self, *, timeout: TimeoutArg = USE_DEFAULT) -> SubmittedTransaction:
        """Send the signed transaction to the orderers; returns at once, before commit."""
        request, status_request = self._prepare_submit()
        try:
            self._context.client.submit(request, timeout)
        except SubmitError as error:
            if not already_ordered(error):
                raise
        return SubmittedTransaction(self._context, self.transaction_id, status_request, self._result)
