"""The CLI's exit codes, in one place, and which error gets which.

Scripts branch on these, so they never change meaning::

    0  OK
    1  anything else (unexpected failures)
    2  usage or validation error: bad option or value (click's), or refused input
    3  not found: the record or office does not exist
    4  not authorised: not the owner, office suspended, role or grant missing
    5  network: peer, orderer or CA unreachable, timeout, commit status unknown
    6  conflict / business rule: already exists, wrong state, period expired,
       access code mismatch or lock, concurrent update (MVCC)
"""

from __future__ import annotations

from enum import IntEnum

from ipledger.domain.errors import DepositIncompleteError
from ipledger.errors import IpledgerError
from ipledger.credentials.errors import CAError
from ipledger.gateway.errors import CommitError, GatewayError

__all__ = ["ExitCode", "EXIT_CODES_HELP", "exit_code_for"]


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1
    USAGE = 2
    NOT_FOUND = 3
    NOT_AUTHORISED = 4
    NETWORK = 5
    CONFLICT = 6


# Error ``code`` (chaincode codes and ipledger client codes) -> exit code.
_BY_CODE: dict[str, ExitCode] = {
    # input refused by the chaincode or by the client before sending
    "INVALID_ARGUMENT": ExitCode.USAGE,
    "INVALID_OFFICE_CODE": ExitCode.USAGE,
    "INVALID_APPLICATION_NUMBER": ExitCode.USAGE,
    "INVALID_DATE": ExitCode.USAGE,
    "FUTURE_DATE": ExitCode.USAGE,
    "CONFIGURATION_INVALID": ExitCode.USAGE,
    "SIGNER_MISSING": ExitCode.USAGE,
    # not found
    "NOT_FOUND": ExitCode.NOT_FOUND,
    "UNKNOWN_OFFICE": ExitCode.NOT_FOUND,
    # not authorised
    "NOT_AUTHORIZED": ExitCode.NOT_AUTHORISED,
    "OFFICE_SUSPENDED": ExitCode.NOT_AUTHORISED,
    "ROLE_NOT_ALLOWED": ExitCode.NOT_AUTHORISED,
    "NO_GRANT": ExitCode.NOT_AUTHORISED,
    # network
    "CONNECTION_FAILED": ExitCode.NETWORK,
    "COMMIT_STATUS_FAILED": ExitCode.NETWORK,
    # conflicts and business-rule refusals
    "ALREADY_EXISTS": ExitCode.CONFLICT,
    "DATE_MISMATCH": ExitCode.CONFLICT,
    "ACCESS_CODE_NOT_SET": ExitCode.CONFLICT,
    "ACCESS_CODE_MISMATCH": ExitCode.CONFLICT,
    "ACCESS_LOCKED": ExitCode.CONFLICT,
    "DOCUMENT_UNAVAILABLE": ExitCode.CONFLICT,
    "HASH_MISMATCH": ExitCode.CONFLICT,
    "PRIORITY_DATE_NOT_EARLIER": ExitCode.CONFLICT,
    "INCOMPATIBLE_IP_TYPE": ExitCode.CONFLICT,
    "PRIORITY_PERIOD_EXPIRED": ExitCode.CONFLICT,
    "RESTORATION_NOT_AVAILABLE": ExitCode.CONFLICT,
    "INVALID_TRANSITION": ExitCode.CONFLICT,
    # digital libraries: the client's own codes, then the library's refusal reasons
    "LIBRARY_UNAVAILABLE": ExitCode.NETWORK,
    "LIBRARY_REFUSED": ExitCode.NOT_AUTHORISED,
    "DOCUMENT_MISSING": ExitCode.NOT_FOUND,
    "WRONG_LIBRARY": ExitCode.NOT_FOUND,
    "FILING_WITHDRAWN": ExitCode.CONFLICT,
    "VERSION_MISMATCH": ExitCode.CONFLICT,
    "DOCUMENT_TOO_LARGE": ExitCode.USAGE,
    "BAD_REQUEST": ExitCode.USAGE,
    # operator: an expired certificate (network certs), snapshots that differ, a renewal refused because
    # it needs a channel configuration update (a BFT consenter's certificates)
    "CERTIFICATE_EXPIRED": ExitCode.CONFLICT,
    "SNAPSHOT_MISMATCH": ExitCode.CONFLICT,
    "CONFIG_UPDATE_REQUIRED": ExitCode.USAGE,
}

# gRPC status names of gateway errors without a chaincode code.
_BY_GRPC_STATUS: dict[str, ExitCode] = {
    "UNAVAILABLE": ExitCode.NETWORK,
    "DEADLINE_EXCEEDED": ExitCode.NETWORK,
    "PERMISSION_DENIED": ExitCode.NOT_AUTHORISED,
    "UNAUTHENTICATED": ExitCode.NOT_AUTHORISED,
    "NOT_FOUND": ExitCode.NOT_FOUND,
}

# Fabric validation codes of committed-but-invalid transactions that mean "someone else changed it first".
_CONFLICT_VALIDATION = frozenset({"MVCC_READ_CONFLICT", "PHANTOM_READ_CONFLICT", "DUPLICATE_TXID"})


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code for an error raised while running a command."""
    if isinstance(error, DepositIncompleteError):
        return exit_code_for(error.cause)  # the filing is deposited; what failed decides
    if not isinstance(error, IpledgerError):
        return ExitCode.FAILURE
    chaincode_code = getattr(error, "chaincode_code", None)
    library_reason = getattr(error, "reason", None)  # LibraryRefusedError: the library's own code
    for code in (chaincode_code, library_reason, error.code):
        if code and code in _BY_CODE:
            return _BY_CODE[code]
    if isinstance(error, CommitError):
        return ExitCode.CONFLICT if error.code_name in _CONFLICT_VALIDATION else ExitCode.FAILURE
    if isinstance(error, GatewayError):
        return _BY_GRPC_STATUS.get(error.grpc_code_name or "", ExitCode.FAILURE)
    if isinstance(error, CAError) and error.http_status in (401, 403):
        return ExitCode.NOT_AUTHORISED
    if isinstance(error, CAError) and error.http_status == 409:  # e.g. the identity is already registered
        return ExitCode.CONFLICT
    return ExitCode.FAILURE


#: The exit-code table as shown in ``ipledger --help``.
EXIT_CODES_HELP = """\b
Exit codes:
  0  success
  1  unexpected failure
  2  usage or validation error (bad option, value or input refused)
  3  not found (record or office)
  4  not authorised (not the owner, suspended, role or grant missing)
  5  network error (peer, orderer or CA unreachable, timeout)
  6  conflict or business rule (already exists, wrong state, period
     expired, access code mismatch or lock, concurrent update)"""
