"""Chaincode error codes -> exception classes."""

from __future__ import annotations

import re
from pathlib import Path

import grpc
import pytest

from _domain_fakes import chaincode_failure
from ipledger.domain import errors
from ipledger.domain.errors import (
    AccessCodeMismatchError,
    LedgerError,
    NotFoundError,
    PriorityPeriodExpiredError,
    error_class_for,
    ledger_error_from,
    parse_chaincode_error,
)
from ipledger.errors import IpledgerError
from ipledger.gateway.errors import GatewayError

ERRS_GO = Path(__file__).resolve().parents[3] / "chaincode" / "errs" / "errs.go"

# CONTRACT.md §7, in order.
CONTRACT_CODES = [
    "NOT_AUTHORIZED", "UNKNOWN_OFFICE", "OFFICE_SUSPENDED", "ROLE_NOT_ALLOWED", "INVALID_ARGUMENT",
    "INVALID_OFFICE_CODE", "INVALID_APPLICATION_NUMBER", "INVALID_DATE", "FUTURE_DATE", "ALREADY_EXISTS",
    "NOT_FOUND", "DATE_MISMATCH", "ACCESS_CODE_NOT_SET", "ACCESS_CODE_MISMATCH", "ACCESS_LOCKED", "NO_GRANT",
    "DOCUMENT_UNAVAILABLE", "HASH_MISMATCH", "PRIORITY_DATE_NOT_EARLIER", "INCOMPATIBLE_IP_TYPE",
    "PRIORITY_PERIOD_EXPIRED", "RESTORATION_NOT_AVAILABLE", "INVALID_TRANSITION", "WRONG_ENDORSER",
    "CLOCK_SKEW", "INTERNAL",
]


@pytest.mark.parametrize("code", CONTRACT_CODES)
def test_every_contract_code_has_its_own_class(code: str) -> None:
    cls = error_class_for(code)
    assert cls is not LedgerError
    assert cls.code == code
    assert issubclass(cls, LedgerError) and issubclass(cls, IpledgerError)


def test_classes_are_distinct() -> None:
    assert len({error_class_for(code) for code in CONTRACT_CODES}) == len(CONTRACT_CODES)


@pytest.mark.skipif(not ERRS_GO.is_file(), reason="chaincode/errs/errs.go not found")
def test_every_code_of_the_go_chaincode_is_mapped() -> None:
    go_codes = re.findall(r'Code = "([A-Z_]+)"', ERRS_GO.read_text(encoding="utf-8"))
    assert go_codes, "no codes found in errs.go"
    unmapped = [code for code in go_codes if error_class_for(code) is LedgerError]
    assert unmapped == []


def test_unknown_code_is_a_generic_ledger_error_keeping_the_code() -> None:
    error = ledger_error_from(chaincode_failure("QUOTA_EXCEEDED: too many requests"))
    assert type(error) is LedgerError
    assert error.code == "LEDGER_ERROR"
    assert error.chaincode_code == "QUOTA_EXCEEDED"
    assert str(error) == "QUOTA_EXCEEDED: too many requests"


@pytest.mark.parametrize("evaluate", [False, True])
def test_coded_chaincode_refusal_becomes_its_class(evaluate: bool) -> None:
    error = ledger_error_from(chaincode_failure("NOT_FOUND: first filing JP:PATENT:1 does not exist",
                                                evaluate=evaluate))
    assert isinstance(error, NotFoundError)
    assert error.message == "first filing JP:PATENT:1 does not exist"
    assert str(error) == "NOT_FOUND: first filing JP:PATENT:1 does not exist"
    assert error.chaincode_code == "NOT_FOUND"
    assert error.transaction_id is not None


def test_uncoded_errors_are_not_ledger_errors() -> None:
    assert ledger_error_from(chaincode_failure("Incorrect number of params. Expected 2, received 1")) is None
    assert ledger_error_from(GatewayError(grpc.StatusCode.UNAVAILABLE, "connection refused")) is None


@pytest.mark.parametrize(("text", "parsed"), [
    ("PRIORITY_PERIOD_EXPIRED: late", ("PRIORITY_PERIOD_EXPIRED", "late")),
    ("INVALID_ARGUMENT: a: b: c", ("INVALID_ARGUMENT", "a: b: c")),
    ("NOT_FOUND: two\nlines", ("NOT_FOUND", "two\nlines")),
    ("Function X not found in contract SmartContract", None),
    ("not_found: lower case", None),
])
def test_parse_chaincode_error(text: str, parsed: tuple[str, str] | None) -> None:
    assert parse_chaincode_error(text) == parsed


def test_soft_failure_errors_carry_their_records() -> None:
    error = AccessCodeMismatchError("wrong", transaction_id="tx", result=None)
    assert error.code == "ACCESS_CODE_MISMATCH" and error.transaction_id == "tx" and error.result is None


def test_client_side_codes_are_not_chaincode_codes() -> None:
    error = errors.UnexpectedResultError("garbled")
    assert error.chaincode_code is None
    assert str(error) == "UNEXPECTED_RESULT: garbled"
    assert PriorityPeriodExpiredError("late").chaincode_code == "PRIORITY_PERIOD_EXPIRED"


def test_public_error_names_are_exported() -> None:
    import ipledger.domain as domain
    for name in errors.__all__:
        if name.endswith("Error"):
            assert getattr(domain, name) is getattr(errors, name)
