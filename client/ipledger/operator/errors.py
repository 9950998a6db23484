"""Errors raised by the operator commands (bring-up, tear-down, builds)."""

from __future__ import annotations

from ipledger.errors import IpledgerError


class OperatorError(IpledgerError):
    """An operator step failed; the message names the node or tool and the cause."""

    code = "OPERATION_FAILED"


class NodeNotFoundError(OperatorError):
    code = "NOT_FOUND"


class OutOfDateError(OperatorError):
    code = "OUT_OF_DATE"


class EngineUnavailableError(OperatorError):
    code = "ENGINE_UNAVAILABLE"


class BuildError(OperatorError):
    code = "BUILD_FAILED"


class PortInUseError(OperatorError):
    code = "PORT_IN_USE"


class NodeUnhealthyError(OperatorError):
    code = "NODE_UNHEALTHY"


class CommandFailedError(OperatorError):
    """An external program (docker, peer, configtxgen, go) exited non-zero."""

    code = "COMMAND_FAILED"

    def __init__(self, argv: list[str], returncode: int, output: str) -> None:
        self.argv = argv
        self.returncode = returncode
        self.output = output
        tail = "\n".join(output.strip().splitlines()[-15:])
        super().__init__(f"`{' '.join(argv[:4])}{' ...' if len(argv) > 4 else ''}` exited {returncode}:\n{tail}")
