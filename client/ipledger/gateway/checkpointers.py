"""Checkpointers remember how far an event listener got, so it can resume.

Position semantics (shared with the official clients):

* ``checkpoint_block(n)``: block *n* is fully processed -> resume at ``(n + 1, None)``;
* ``checkpoint_transaction(n, tx)``: processed up to and including *tx* in block *n*
  -> resume at ``(n, tx)``; the gateway skips events up to that transaction;
* ``checkpoint_chaincode_event(e)``: ``(e.block_number, e.transaction_id)``.

Passing the checkpointer back as ``checkpoint=`` then delivers each event
exactly once across restarts, provided the application checkpoints after
processing each event.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ipledger._files import write_atomically

from .errors import CheckpointError

if TYPE_CHECKING:
    from .chaincode_events import ChaincodeEvent

__all__ = [
    "Checkpoint",
    "Checkpointer",
    "FileCheckpointer",
    "InMemoryCheckpointer",
]


@runtime_checkable
class Checkpoint(Protocol):
    """A resume position; ``block_number`` is ``None`` until something was checkpointed."""

    @property
    def block_number(self) -> int | None: ...

    @property
    def transaction_id(self) -> str | None: ...


@runtime_checkable
class Checkpointer(Checkpoint, Protocol):
    def checkpoint_block(self, block_number: int) -> None: ...

    def checkpoint_transaction(self, block_number: int, transaction_id: str | None) -> None: ...

    def checkpoint_chaincode_event(self, event: ChaincodeEvent) -> None: ...


class InMemoryCheckpointer:
    """Keeps the position in memory: survives reconnects, not restarts."""

    def __init__(self) -> None:
        self._block_number: int | None = None
        self._transaction_id: str | None = None

    @property
    def block_number(self) -> int | None:
        return self._block_number

    @property
    def transaction_id(self) -> str | None:
        return self._transaction_id

    def checkpoint_block(self, block_number: int) -> None:
        self.checkpoint_transaction(block_number + 1, None)

    def checkpoint_transaction(self, block_number: int, transaction_id: str | None) -> None:
        self._block_number = block_number
        self._transaction_id = transaction_id or None

    def checkpoint_chaincode_event(self, event: ChaincodeEvent) -> None:
        self.checkpoint_transaction(event.block_number, event.transaction_id)

    def __repr__(self) -> str:
        return f"InMemoryCheckpointer(block_number={self._block_number}, transaction_id={self._transaction_id!r})"


class FileCheckpointer(InMemoryCheckpointer):
    """Keeps the position in a JSON file that survives a crash at any instant.

    Every checkpoint writes a temporary file, fsyncs it, renames it over the
    real one (atomic on POSIX) and fsyncs the directory, so the file always
    holds either the previous or the new position, never a torn mix.  The
    format is ``{"blockNumber": N, "transactionId": "..."}`` as in the official
    Go client; a quoted ``blockNumber`` (Node client) is read too.

    A missing file means "no checkpoint yet".  A file that exists but cannot
    be understood raises :class:`CheckpointError` rather than silently
    restarting, which would replay or skip events.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__()
        self.path = Path(path)
        self._temporary = self.path.with_name(self.path.name + ".tmp")
        # A leftover temp file is a write interrupted before its rename; the
        # real file still holds the last completed checkpoint.
        with contextlib.suppress(FileNotFoundError):
            self._temporary.unlink()
        self._load()

    def _load(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except OSError as error:
            raise CheckpointError(f"cannot read checkpoint file {self.path}: {error}") from error
        try:
            state = json.loads(text)
            block = state["blockNumber"]
            transaction_id = state.get("transactionId") or None
            block_number = int(block) if isinstance(block, (int, str)) and not isinstance(block, bool) else None
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise CheckpointError(f"checkpoint file {self.path} is corrupt: {error}") from error
        if block_number is None or block_number < 0 or not isinstance(transaction_id, (str, type(None))):
            raise CheckpointError(f"checkpoint file {self.path} is corrupt: {text[:200]!r}")
        self._block_number = block_number
        self._transaction_id = transaction_id

    def checkpoint_transaction(self, block_number: int, transaction_id: str | None) -> None:
        super().checkpoint_transaction(block_number, transaction_id)
        self._save()

    def _save(self) -> None:
        data = json.dumps(
            {"blockNumber": self._block_number, "transactionId": self._transaction_id or ""},
            separators=(",", ":"),
        ).encode("utf-8")
        write_atomically(self.path, data)

    def __repr__(self) -> str:
        return (
            f"FileCheckpointer({str(self.path)!r}, block_number={self._block_number}, "
            f"transaction_id={self._transaction_id!r})"
        )
