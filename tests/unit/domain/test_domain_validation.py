"""Client-side input rules (mirroring the chaincode's syntax checks)."""

from __future__ import annotations

from datetime import date

import pytest

from ipledger.domain.enums import ApplicationCategory, IpRight, RecordType
from ipledger.domain.validation import (
    check_access_code,
    check_application_number,
    check_claim_id,
    check_date,
    check_email,
    check_filing_id,
    check_office_code,
    check_proposal_id,
    check_retrieval_id,
    check_sha256,
    check_text,
)

STAMPED = "20250317T091244Z_" + "9f3c" * 16


@pytest.mark.parametrize("code", ["JP", "EP", "WO", "QZ"])
def test_office_code_accepts(code: str) -> None:
    assert check_office_code(code) == code


@pytest.mark.parametrize("code", ["jp", "JPN", "J", "", "J1", "XX"])
def test_office_code_refuses(code: str) -> None:
    with pytest.raises(ValueError):
        check_office_code(code)


def test_dates() -> None:
    assert check_date("2024-02-29") == date(2024, 2, 29)
    for bad in ("2024-02-30", "2023-02-29", "1899-12-31", "2024-13-01", "2024/03/15", "15.03.2024"):
        with pytest.raises(ValueError):
            check_date(bad)


@pytest.mark.parametrize("number", ["JP 2024-012345", "2024012345", "18/123,456", "AT A 1/2019", "  EP 1234  "])
def test_application_number_accepts(number: str) -> None:
    assert check_application_number(number) == number.strip()


@pytest.mark.parametrize(("number", "rule"), [
    ("", "1 to 40"),
    ("1" * 41, "1 to 40"),
    ("JP#2024", "may only contain"),
    ("JP\t2024", "may only contain"),
    ("ABC", "must contain a digit"),
])
def test_application_number_refuses(number: str, rule: str) -> None:
    with pytest.raises(ValueError, match=rule):
        check_application_number(number)


def test_international_numbers_need_the_pct_form() -> None:
    assert check_application_number("PCT/JP2024/012345", ApplicationCategory.INTERNATIONAL)
    assert check_application_number("pct/jp2024/012345", ApplicationCategory.INTERNATIONAL)
    with pytest.raises(ValueError, match="PCT/CCYYYY/NNNNNN"):
        check_application_number("JP 2024-012345", ApplicationCategory.INTERNATIONAL)


def test_filing_ids() -> None:
    assert check_filing_id("JP:PATENT:2024012345")
    for bad in ("JP:PATENT", "JP:PATENT:2024-012345", "JP:patent:1", "JPN:PATENT:1", "JP:PATENT:", "a:b:c:d"):
        with pytest.raises(ValueError):
            check_filing_id(bad)


def test_retrieval_and_proposal_ids_are_time_stamped() -> None:
    assert check_retrieval_id(f"JP:PATENT:2024012345:{STAMPED}")
    assert check_proposal_id(STAMPED)
    for bad in ("JP:PATENT:2024012345:" + "9f3c" * 16, "JP:PATENT:2024012345:20250317T091244Z_xyz"):
        with pytest.raises(ValueError):
            check_retrieval_id(bad)
    with pytest.raises(ValueError):
        check_proposal_id("9f3c" * 16)


def test_claim_ids() -> None:
    assert check_claim_id("US:PATENT:18123456:1")
    for bad in ("US:PATENT:18123456:0", "US:PATENT:18123456:01", "US:PATENT:18123456:1000", "US:PATENT:18123456"):
        with pytest.raises(ValueError):
            check_claim_id(bad)


def test_sha256_is_lowered() -> None:
    assert check_sha256("AB" * 32) == "ab" * 32
    for bad in ("ab" * 31, "zz" * 32, ""):
        with pytest.raises(ValueError):
            check_sha256(bad)


def test_access_codes() -> None:
    assert check_access_code("7F3A") == "7F3A"
    for bad in ("7F3", "7G3A", "a" * 65):
        with pytest.raises(ValueError):
            check_access_code(bad)


def test_text_refuses_control_characters_and_lengths() -> None:
    assert check_text("ok", 1, 5) == "ok"
    with pytest.raises(ValueError, match="control"):
        check_text("line\nbreak", 1, 50)
    with pytest.raises(ValueError, match="1 to 5"):
        check_text("", 1, 5)
    with pytest.raises(ValueError, match="at most 5"):
        check_text("toolong", 0, 5)


def test_email() -> None:
    assert check_email("") == ""
    assert check_email("ip@acme.example")
    for bad in ("ip@acme", "@acme.example", "ip acme@x.example", "a@b@c.example"):
        with pytest.raises(ValueError):
            check_email(bad)


def test_enum_parse_is_forgiving_about_case_and_dashes() -> None:
    assert IpRight.parse("utility-model") is IpRight.UTILITY_MODEL
    assert RecordType.parse("office-settings") is RecordType.OFFICE_SETTINGS
    assert RecordType.parse("officeSettings") is RecordType.OFFICE_SETTINGS
    with pytest.raises(ValueError, match="PATENT, UTILITY_MODEL"):
        IpRight.parse("copyright")
    assert str(IpRight.PATENT) == "PATENT"
