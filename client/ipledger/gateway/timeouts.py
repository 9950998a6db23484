"""Per-stage deadlines, and the sentinel that means "use the gateway default"."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final, Literal

__all__ = ["USE_DEFAULT", "Timeouts", "UseDefault"]


class UseDefault(enum.Enum):
    """Type of :data:`USE_DEFAULT`; ``None`` is a real value (no deadline)."""

    USE_DEFAULT = "USE_DEFAULT"

    def __repr__(self) -> str:
        return "USE_DEFAULT"


#: Pass (or leave) this to take the gateway's :class:`Timeouts` value.
USE_DEFAULT: Final = UseDefault.USE_DEFAULT

TimeoutArg = float | None | Literal[UseDefault.USE_DEFAULT]


@dataclass(frozen=True)
class Timeouts:
    """Client deadlines in seconds for each gRPC step; ``None`` means no deadline.

    The peer's own limits (``peer.gateway.endorsementTimeout`` and
    ``broadcastTimeout``, 30 s in Fabric's sample core.yaml) are a little
    shorter than these defaults on purpose: when the peer gives up first, its
    error carries per-node details, whereas a client deadline only says
    DEADLINE_EXCEEDED.  CommitStatus waits for a block, so it gets longer.
    """

    evaluate: float | None = 35.0
    endorse: float | None = 35.0
    submit: float | None = 35.0
    commit_status: float | None = 60.0


def resolve(value: TimeoutArg, default: float | None) -> float | None:
    """The deadline to use: the per-call value unless it is :data:`USE_DEFAULT`."""
    return default if value is USE_DEFAULT else value
