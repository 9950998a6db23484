"""The Python client follows the chaincode's contract metadata (chaincode/contract-metadata.json).

The dump is checked against the Go contract by ``go test ./contract`` in chaincode/ (it fails when stale), and
here against ``ipledger.domain``: so a contract change the client does not follow fails without a network.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from _contract_schema import load_dump, problems


def test_the_client_follows_the_contract_metadata() -> None:
    assert problems(load_dump()) == []


def test_the_dump_lists_every_transaction_with_a_result_schema() -> None:
    transactions = load_dump()["contracts"]["ipledger"]["transactions"]
    assert len(transactions) == 44
    assert all(tx["returns"]["$ref"].startswith("#/components/schemas/") for tx in transactions)


def _transaction(dump: dict[str, Any], name: str) -> dict[str, Any]:
    return next(tx for tx in dump["contracts"]["ipledger"]["transactions"] if tx["name"] == name)


def _schema(dump: dict[str, Any], name: str) -> dict[str, Any]:
    schema: dict[str, Any] = dump["components"]["schemas"][name]
    return schema


def _rename_status(dump: dict[str, Any]) -> None:
    schema = _schema(dump, "FirstFiling")
    schema["properties"]["state"] = schema["properties"].pop("status")


def _add_parameter(dump: dict[str, Any]) -> None:
    _transaction(dump, "GetFirstFiling")["parameters"].append({"name": "asOf", "schema": {"type": "string"}})


def _swap_parameters(dump: dict[str, Any]) -> None:
    parameters = _transaction(dump, "ComputePriorityDeadline")["parameters"]
    parameters[1], parameters[3] = parameters[3], parameters[1]


def _new_transaction(dump: dict[str, Any]) -> None:
    dump["contracts"]["ipledger"]["transactions"].append(
        {"name": "FreezeFirstFiling", "parameters": [], "returns": {"$ref": "#/components/schemas/FirstFiling"}})


def _new_enum_value(dump: dict[str, Any]) -> None:
    dump["x-ipledger"]["enumerations"]["FilingStatus"].append("ARCHIVED")


def _optional_date(dump: dict[str, Any]) -> None:
    _schema(dump, "FirstFiling")["required"].remove("filingDate")


def _version_as_text(dump: dict[str, Any]) -> None:
    _schema(dump, "FirstFiling")["properties"]["version"] = {"type": "string"}


def _query_submitted(dump: dict[str, Any]) -> None:
    _transaction(dump, "GetFirstFiling")["tag"] = ["submit", "SUBMIT"]


def _enum_unlisted(dump: dict[str, Any]) -> None:
    del dump["x-ipledger"]["enumeratedFields"]["FirstFiling.status"]


def _nested_field(dump: dict[str, Any]) -> None:
    _schema(dump, "Restoration")["properties"]["decidedBy"] = {"type": "string"}
    _schema(dump, "Restoration")["required"].append("decidedBy")


DRIFT: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("a result field renamed", _rename_status, "the contract returns 'state'"),
    ("an argument added", _add_parameter, "GetFirstFiling: 1 arguments sent, the contract takes 2"),
    ("arguments reordered", _swap_parameters, "does not start with the contract's arguments"),
    ("a transaction added", _new_transaction, "FreezeFirstFiling: no builder"),
    ("an enumeration value added", _new_enum_value, "enumeration FilingStatus"),
    ("a field made optional", _optional_date, "filingDate: optional in the contract, required by the model"),
    ("a field's type changed", _version_as_text, "version: the contract returns string"),
    ("a query tagged submit", _query_submitted, "GetFirstFiling: the contract tags it submit"),
    ("an enumerated field unlisted", _enum_unlisted, "lists no enumeration"),
    ("a nested record's field added", _nested_field, "Restoration (Restoration): the contract returns 'decidedBy'"),
]


@pytest.mark.parametrize(("change", "expected"), [(change, expected) for _, change, expected in DRIFT],
                         ids=[label for label, _, _ in DRIFT])
def test_a_contract_change_the_client_does_not_follow_is_reported(
        change: Callable[[dict[str, Any]], None], expected: str) -> None:
    dump = copy.deepcopy(load_dump())
    change(dump)
    found = problems(dump)
    assert any(expected in problem for problem in found), found
