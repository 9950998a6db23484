# generated from client/ipledger/gateway/_async/commit.py by scripts/unasync.py - do not edit; run ./scripts/generate
"""Step 3 of a transaction: ask the gateway whether (and how) it committed."""

from __future__ import annotations

import builtins

from .._context import Context
from .grpc_client import SyncGatewayClient
from .._protos import Message
from ..commit import Status, _CommitBase
from ..timeouts import USE_DEFAULT, TimeoutArg

__all__ = ["Commit", "SubmittedTransaction"]


class Commit(_CommitBase[SyncGatewayClient]):
    def status(self, *, timeout: TimeoutArg = USE_DEFAULT) -> Status:
        """Wait for the transaction to commit and return its status.

        Blocks on the peer until the block arrives, so it has its own deadline
        (``Timeouts.commit_status``).  Safe to repeat, also after a restart.
        """
        response = self._context.client.commit_status(self._signed(), timeout)
        return self._to_status(response)


class SubmittedTransaction(Commit):
    """Submitted to the orderers: the result is known now, the commit later."""

    def __init__(
        self, context: Context[SyncGatewayClient], transaction_id: str, signed_request: Message,
        result: builtins.bytes,
    ) -> None:
        super().__init__(context, transaction_id, signed_request)
        self.result = result
