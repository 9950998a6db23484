"""Error types: codes, detail decoding, messages, chaincode text, clock skew."""

from __future__ import annotations

from typing import Any

import grpc
import pytest

from _gateway_fakes import encode_status_details
from ipledger.errors import IpledgerError
from ipledger.credentials import CAError
from ipledger.errors import ConfigurationError, ConnectionError
from ipledger.gateway import (
    CheckpointError,
    CommitError,
    CommitStatusError,
    EndorseError,
    ErrorDetail,
    GatewayError,
    NoSignerError,
    SubmitError,
)
from ipledger.gateway._grpc import to_gateway_error
from ipledger.gateway._parser import parse_error_details

DETAILS = [
    ("peer0.jp.ipledger.test:7051", "JPMSP", "chaincode response 500, NOT_FOUND: first filing JP:PATENT:1 does not exist"),
    ("peer0.us.ipledger.test:9051", "USMSP", "chaincode response 500, NOT_FOUND: first filing JP:PATENT:1 does not exist"),
]


class FakeRpcError(grpc.RpcError):
    """Stands in for the RpcError/Call objects grpc raises."""

    def __init__(self, code: Any, details: str, trailing: tuple[tuple[str, Any], ...] = ()) -> None:
        self._code, self._details, self._trailing = code, details, trailing

    def code(self) -> Any:
        return self._code

    def details(self) -> str:
        return self._details

    def trailing_metadata(self) -> Any:
        return self._trailing


@pytest.mark.parametrize(
    ("error_type", "code"),
    [
        (IpledgerError, "IPLEDGER_ERROR"),
        (GatewayError, "GATEWAY_FAILED"),
        (EndorseError, "ENDORSE_FAILED"),
        (SubmitError, "SUBMIT_FAILED"),
        (CommitStatusError, "COMMIT_STATUS_FAILED"),
        (CommitError, "COMMIT_FAILED"),
        (ConnectionError, "CONNECTION_FAILED"),
        (ConfigurationError, "CONFIGURATION_INVALID"),
        (NoSignerError, "SIGNER_MISSING"),
        (CheckpointError, "CHECKPOINT_INVALID"),
        (CAError, "CA_REQUEST_FAILED"),
    ],
)
def test_every_error_has_a_stable_code(error_type: type[IpledgerError], code: str) -> None:
    assert error_type.code == code
    assert issubclass(error_type, IpledgerError)


def test_error_tree() -> None:
    for step in (EndorseError, SubmitError, CommitStatusError):
        assert issubclass(step, GatewayError)
    assert not issubclass(CommitError, GatewayError)
    assert issubclass(NoSignerError, ConfigurationError)


def test_status_details_are_decoded_from_the_trailer() -> None:
    blob = encode_status_details(10, "failed to endorse transaction", DETAILS)
    assert parse_error_details(blob) == [ErrorDetail(*detail) for detail in DETAILS]


def test_undecodable_details_are_skipped_not_fatal() -> None:
    assert parse_error_details(None) == []
    assert parse_error_details(b"\xff\xff\xff") == []
    foreign = b"\x1a\x0e\x0a\x0ctype.other/X"  # a well-formed Any of another type
    assert parse_error_details(foreign) == []


def test_rpc_error_maps_to_typed_error_with_details() -> None:
    blob = encode_status_details(10, "failed", DETAILS)
    rpc_error = FakeRpcError(
        grpc.StatusCode.ABORTED,
        "failed to endorse transaction, see attached details for more info",
        (("other", "x"), ("grpc-status-details-bin", blob)),
    )
    error = to_gateway_error(rpc_error, EndorseError, transaction_id="tx1")
    assert isinstance(error, EndorseError)
    assert error.grpc_code is grpc.StatusCode.ABORTED
    assert error.grpc_code_name == "ABORTED"
    assert error.transaction_id == "tx1"
    assert error.details == [ErrorDetail(*detail) for detail in DETAILS]
    assert error.__cause__ is rpc_error


def test_str_shows_every_detail_message() -> None:
    error = EndorseError(
        grpc.StatusCode.ABORTED, "failed to endorse transaction, see attached details for more info",
        [ErrorDetail(*detail) for detail in DETAILS], "tx1",
    )
    assert str(error) == (
        "endorse error: ABORTED: failed to endorse transaction, see attached details for more info "
        "(transaction tx1)\n"
        "Details:\n"
        "  - peer0.jp.ipledger.test:7051 (JPMSP): chaincode response 500, NOT_FOUND: first filing "
        "JP:PATENT:1 does not exist\n"
        "  - peer0.us.ipledger.test:9051 (USMSP): chaincode response 500, NOT_FOUND: first filing "
        "JP:PATENT:1 does not exist"
    )


def test_chaincode_message_from_details_or_from_the_status_message() -> None:
    endorse = EndorseError(grpc.StatusCode.ABORTED, "failed", [ErrorDetail(*DETAILS[0])])
    assert endorse.chaincode_message() == "NOT_FOUND: first filing JP:PATENT:1 does not exist"
    evaluate = GatewayError(
        grpc.StatusCode.UNKNOWN,
        "evaluate call to endorser returned error: chaincode response 500, ACCESS_DENIED: not yours",
        operation="evaluate",
    )
    assert evaluate.chaincode_message() == "ACCESS_DENIED: not yours"
    assert str(evaluate).startswith("evaluate error: UNKNOWN: evaluate call")
    assert GatewayError(grpc.StatusCode.UNAVAILABLE, "no orderers").chaincode_message() is None


@pytest.mark.parametrize(
    "message",
    [
        "request unauthorized due to incorrect timestamp 2024-01-01T00:00:00Z, peer time 2024-01-01T01:00:00Z, "
        "peer.authentication.timewindow 15m0s",
        "envelope timestamp 2024-01-01 is more than 15m0s apart from current server time 2024-01-01",
        "clock skew too large",
    ],
)
def test_clock_skew_is_called_out(message: str) -> None:
    error = EndorseError(grpc.StatusCode.ABORTED, "failed to endorse", [ErrorDetail("p:1", "JPMSP", message)])
    assert error.clock_skew
    assert "clock" in str(error).splitlines()[-1]
    assert "time window" in str(error)


def test_no_skew_hint_for_ordinary_errors() -> None:
    error = SubmitError(grpc.StatusCode.UNAVAILABLE, "no orderers could successfully process transaction")
    assert not error.clock_skew
    assert "hint" not in str(error)


def test_commit_error_keeps_the_stable_code_and_the_validation_code() -> None:
    error = CommitError("tx1", 11, "MVCC_READ_CONFLICT")
    assert error.code == "COMMIT_FAILED"
    assert (error.transaction_id, error.validation_code, error.code_name) == ("tx1", 11, "MVCC_READ_CONFLICT")
    assert str(error) == "transaction tx1 failed to commit with status code 11 (MVCC_READ_CONFLICT)"


def test_ca_error_lists_server_errors() -> None:
    error = CAError("Fabric CA register failed", http_status=401, errors=[(20, "Authentication failure")])
    assert str(error) == "Fabric CA register failed (HTTP 401)\n  - [20] Authentication failure"
