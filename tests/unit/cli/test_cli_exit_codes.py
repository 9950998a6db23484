"""The error -> exit code table."""

from __future__ import annotations

import grpc
import pytest

from ipledger.cli.exit_codes import ExitCode, exit_code_for
from ipledger.domain import errors
from ipledger.library import LibraryRefusedError, LibraryUnavailableError, LocalStorageError
from ipledger.credentials.errors import CAError
from ipledger.errors import ConfigurationError, ConnectionError
from ipledger.gateway.errors import CommitError, CommitStatusError, GatewayError


@pytest.mark.parametrize(("error", "code"), [
    (errors.NotFoundError("x"), ExitCode.NOT_FOUND),
    (errors.UnknownOfficeError("x"), ExitCode.NOT_FOUND),
    (errors.NotAuthorizedError("x"), ExitCode.NOT_AUTHORISED),
    (errors.RoleNotAllowedError("x"), ExitCode.NOT_AUTHORISED),
    (errors.NoGrantError("x"), ExitCode.NOT_AUTHORISED),
    (errors.OfficeSuspendedError("x"), ExitCode.NOT_AUTHORISED),
    (errors.PriorityPeriodExpiredError("x"), ExitCode.CONFLICT),
    (errors.AlreadyExistsError("x"), ExitCode.CONFLICT),
    (errors.AccessCodeMismatchError("x"), ExitCode.CONFLICT),
    (errors.AccessLockedError("x"), ExitCode.CONFLICT),
    (errors.InvalidTransitionError("x"), ExitCode.CONFLICT),
    (errors.HashMismatchError("x"), ExitCode.CONFLICT),
    (errors.InvalidDateError("x"), ExitCode.USAGE),
    (errors.FutureDateError("x"), ExitCode.USAGE),
    (errors.InvalidArgumentError("x"), ExitCode.USAGE),
    (errors.InternalLedgerError("x"), ExitCode.FAILURE),
    (errors.LedgerError("x", chaincode_code="NEW_CODE"), ExitCode.FAILURE),
    (ConnectionError("peer down"), ExitCode.NETWORK),
    (GatewayError(grpc.StatusCode.UNAVAILABLE, "down"), ExitCode.NETWORK),
    (GatewayError(grpc.StatusCode.DEADLINE_EXCEEDED, "slow"), ExitCode.NETWORK),
    (GatewayError(grpc.StatusCode.PERMISSION_DENIED, "who?"), ExitCode.NOT_AUTHORISED),
    (GatewayError(grpc.StatusCode.ABORTED, "policy"), ExitCode.FAILURE),
    (CommitStatusError(grpc.StatusCode.UNAVAILABLE, "lost"), ExitCode.NETWORK),
    (CommitError("tx", 11, "MVCC_READ_CONFLICT"), ExitCode.CONFLICT),
    (CommitError("tx", 10, "ENDORSEMENT_POLICY_FAILURE"), ExitCode.FAILURE),
    (ConfigurationError("no profile"), ExitCode.USAGE),
    (CAError("denied", http_status=401), ExitCode.NOT_AUTHORISED),
    (RuntimeError("bug"), ExitCode.FAILURE),
    (LibraryRefusedError("x", reason="NO_GRANT", status=403, office="JP"), ExitCode.NOT_AUTHORISED),
    (LibraryRefusedError("x", reason="NO_PENDING_RETRIEVAL", status=403, office="JP"), ExitCode.NOT_AUTHORISED),
    (LibraryRefusedError("x", reason="FILING_WITHDRAWN", status=410, office="JP"), ExitCode.CONFLICT),
    (LibraryRefusedError("x", reason="DOCUMENT_MISSING", status=404, office="JP"), ExitCode.NOT_FOUND),
    (LibraryUnavailableError("x", office="JP"), ExitCode.NETWORK),
    (LocalStorageError("disk full"), ExitCode.FAILURE),
    (errors.DepositIncompleteError("half", filing=None, cause=ConnectionError("down"),  # type: ignore[arg-type]
                                   missing=("access code",)), ExitCode.NETWORK),
])
def test_exit_code_for(error: BaseException, code: ExitCode) -> None:
    assert exit_code_for(error) == code


def test_codes_are_stable() -> None:
    assert [(code.name, int(code)) for code in ExitCode] == [
        ("OK", 0), ("FAILURE", 1), ("USAGE", 2), ("NOT_FOUND", 3), ("NOT_AUTHORISED", 4), ("NETWORK", 5),
        ("CONFLICT", 6)]
