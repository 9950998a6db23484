"""When and how fast an event stream reconnects after the connection drops."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import GatewayError

__all__ = ["ReconnectPolicy"]

_TRANSIENT_CODES = frozenset({"UNAVAILABLE", "INTERNAL", "UNKNOWN", "DEADLINE_EXCEEDED"})


@dataclass(frozen=True)
class ReconnectPolicy:
    """Exponential back-off for event streams (reconnection is off unless given).

    After a failure whose gRPC code is in ``retry_codes`` (or a stream the
    server simply ended) the stream waits ``initial_delay * multiplier**k``
    seconds, capped at ``max_delay``, and reopens from the position after the
    last event it delivered.  ``max_attempts`` bounds consecutive failures
    (``None``: retry forever); a delivered message resets the count.
    Authorisation and argument errors are never retried: they would only fail
    again.
    """

    initial_delay: float = 1.0
    max_delay: float = 30.0
    multiplier: float = 2.0
    max_attempts: int | None = None
    retry_codes: frozenset[str] = _TRANSIENT_CODES

    def delay(self, attempt: int) -> float:
        """Seconds to wait before reconnection attempt number ``attempt`` (1-based)."""
        return float(min(self.max_delay, self.initial_delay * self.multiplier ** max(0, attempt - 1)))

    def should_retry(self, error: GatewayError, attempt: int) -> bool:
        if self.max_attempts is not None and attempt > self.max_attempts:
            return False
        name = error.grpc_code_name
        return name is None or name in self.retry_codes
