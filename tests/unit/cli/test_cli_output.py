"""The table renderer and value formatting."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone

import _contract_examples as examples
from ipledger.cli.output import format_value, json_text, render_record, render_table
from ipledger.domain import AccessRecord, FilingStatus, FirstFiling, IpRight, Office, Page


def test_table_aligns_columns_and_strips_trailing_space() -> None:
    table = render_table(["id", "status"], [["JP:PATENT:1", FilingStatus.AVAILABLE], ["JP:PATENT:22", None]])
    assert table.splitlines() == [
        "id            status",
        "------------  ---------",
        "JP:PATENT:1   AVAILABLE",
        "JP:PATENT:22",
    ]


def test_table_with_no_rows_is_the_header() -> None:
    assert render_table(["a", "bb"], []).splitlines() == ["a  bb", "-  --"]


def test_format_value() -> None:
    assert format_value(None) == ""
    assert format_value(True) == "yes" and format_value(False) == "no"
    assert format_value(IpRight.UTILITY_MODEL) == "UTILITY_MODEL"
    assert format_value(date(2024, 3, 15)) == "2024-03-15"
    assert format_value(datetime(2025, 3, 17, 9, 12, 44, tzinfo=timezone.utc)) == "2025-03-17T09:12:44Z"
    assert format_value((IpRight.PATENT, IpRight.TRADEMARK)) == "PATENT, TRADEMARK"
    assert format_value({"a": 1}) == '{"a":1}'


def test_record_view_lists_fields_then_nested_tables() -> None:
    text = render_record(AccessRecord.from_json(examples.ACCESS_RECORD))
    head, offices = text.split("\n\n")
    assert head.splitlines()[0].split() == ["filing", "id", "JP:PATENT:2024012345"]
    assert re.search(r"^access code set +yes$", head, re.MULTILINE)
    # Values start in one column.
    assert len({line.index(line.split()[-1]) for line in head.splitlines() if line.endswith("Z")}) == 1
    assert offices.splitlines()[0] == "offices:"
    assert offices.splitlines()[1].split() == ["office", "code", "grant", "route", "granted", "at", "revoked", "at",
                                               "revocation", "reason", "failed", "attempts", "locked", "locked", "at",
                                               "pending", "attempt", "pending", "attempt", "at",
                                               "revoked", "code", "version"]
    assert "US" in offices.splitlines()[3] and "ACCESS_CODE" in offices


def test_record_view_flattens_nested_records() -> None:
    text = render_record(Office.from_json(examples.OFFICE))
    assert "roles: depositing" in text and "calendar: closed dates" in text
    assert "restoration policy:" in text


def test_json_output_is_the_chaincode_json() -> None:
    filing = FirstFiling.from_json(examples.FIRST_FILING)
    assert json.loads(json_text(filing)) == examples.FIRST_FILING
    assert json.loads(json_text([filing])) == [examples.FIRST_FILING]
    page = Page.from_json(examples.page([examples.FIRST_FILING], "b"), FirstFiling)
    assert json.loads(json_text(page)) == examples.page([examples.FIRST_FILING], "b")
