"""A chaincode (optionally one named contract inside it) on one channel."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Generic

from . import _builder
from ._context import ClientT, Context
from ._protos import Message
from .timeouts import USE_DEFAULT, TimeoutArg, Timeouts

__all__ = ["Argument"]

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
