"""SDK errors as the operator's typed errors, each naming the node (container, image, volume) it concerns."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import docker
import requests

from ipledger.operator.errors import BuildError, EngineUnavailableError, NodeNotFoundError, OperatorError

CONFLICT = 409


class EngineRequestError(OperatorError):
    """The engine answered but refused or failed a request (an API error other than not-found)."""


def _explanation(exc: docker.errors.APIError) -> str:
    # The engine's own message ("No such container: x") is clearer than the HTTP status line.
    return str(exc.explanation or exc).strip()


def is_conflict(exc: docker.errors.APIError) -> bool:
    return exc.status_code == CONFLICT


@contextmanager
def engine_call(node: str, action: str) -> Iterator[None]:
    """Map what the SDK raises inside the block; ``action`` says what was being done to ``node``."""
    try:
        yield
    except docker.errors.NotFound as exc:
        raise NodeNotFoundError(f"{node}: not found by the engine ({action}): {_explanation(exc)}") from None
    except docker.errors.APIError as exc:
        raise EngineRequestError(f"{node}: {action} failed: {_explanation(exc)}") from None
    except docker.errors.BuildError as exc:
        log = "".join(str(line.get("stream", line.get("error", ""))) for line in exc.build_log)
        tail = "\n".join(log.strip().splitlines()[-15:])
        raise BuildError(f"{node}: {action} failed: {exc.msg}\n{tail}") from None
    except (docker.errors.DockerException, requests.exceptions.RequestException) as exc:
        # The SDK's transport errors (socket gone, daemon stopped, read timed out) mean no engine to talk to.
        raise EngineUnavailableError(f"{node}: {action}: the Docker engine does not answer: {exc}") from None
