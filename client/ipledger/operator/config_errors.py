"""Errors of channel configuration updates: a bad update file, a policy not met, a refusal by the orderer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ipledger.operator.errors import OperatorError

if TYPE_CHECKING:
    from ipledger.operator.config_policy import PolicyResult


class ConfigUpdateError(OperatorError):
    """The update file or the requested change is unusable (wrong channel, no change, bad signature...)."""

    code = "CONFIG_UPDATE_INVALID"


class StaleConfigUpdateError(ConfigUpdateError):
    """The channel's configuration moved on since the update was prepared: prepare it again."""

    code = "CONFIG_UPDATE_STALE"


class PolicyNotSatisfiedError(ConfigUpdateError):
    """The signatures do not meet a modification policy; nothing was sent to the orderer."""

    code = "POLICY_NOT_SATISFIED"

    def __init__(self, shortfalls: Sequence[PolicyResult]) -> None:
        self.shortfalls = tuple(shortfalls)
        lines = [result.shortfall() for result in self.shortfalls]
        super().__init__("the update's signatures do not satisfy the channel's policies; nothing was submitted:\n  "
                         + "\n  ".join(lines))


class ConfigUpdateRefusedError(ConfigUpdateError):
    """The orderer refused the update (``status`` is the orderer's, e.g. BAD_REQUEST, FORBIDDEN)."""

    code = "CONFIG_UPDATE_REFUSED"

    def __init__(self, orderer: str, status: str, info: str) -> None:
        self.orderer = orderer
        self.status = status
        self.info = info
        super().__init__(f"{orderer} refused the configuration update ({status}): {_reason(info)}; "
                         "the channel configuration is unchanged")


def _reason(info: str) -> str:
    # The orderer wraps the cause in several layers; the last one or two say what was wrong.
    if "not satisfied" in info and "policy for" in info:
        start = info.find("policy for")
        return info[start:]
    return info or "no reason given"
