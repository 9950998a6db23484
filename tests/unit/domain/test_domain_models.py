"""JSON round trips of every record dataclass against the examples of CONTRACT.md."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest

import _contract_examples as examples
from ipledger.domain import (
    AccessRecord,
    ConfidentialIntegrity,
    FilingConfidential,
    FilingStatus,
    FirstFiling,
    FoundingProposal,
    FoundingStatus,
    GrantRoute,
    HistoryEntry,
    IpRight,
    LaterApplicationClaims,
    MembershipProposal,
    Office,
    OfficeCalendar,
    OfficeDefinition,
    Page,
    PriorityClaim,
    PriorityDeadline,
    RecordedClaim,
    RecordFormatError,
    RedemptionResult,
    Retrieval,
    Roles,
    Weekday,
)
from ipledger.domain._codec import camel_case, format_timestamp, parse_date, parse_timestamp

CONTRACT_MD = Path(__file__).resolve().parents[3] / "chaincode" / "CONTRACT.md"

ROUND_TRIPS = [
    (Office, examples.OFFICE),
    (MembershipProposal, examples.PROPOSAL),
    (FoundingProposal, examples.FOUNDING),
    (FirstFiling, examples.FIRST_FILING),
    (FilingConfidential, examples.CONFIDENTIAL),
    (AccessRecord, examples.ACCESS_RECORD),
    (RedemptionResult, examples.REDEMPTION_GRANTED),
    (RedemptionResult, examples.REDEMPTION_MISMATCH),
    (Retrieval, examples.RETRIEVAL),
    (PriorityClaim, examples.PRIORITY_CLAIM),
    (RecordedClaim, examples.RECORDED_CLAIM),
    (LaterApplicationClaims, examples.LATER_APPLICATION_CLAIMS),
    (PriorityDeadline, examples.DEADLINE),
    (ConfidentialIntegrity, examples.INTEGRITY),
    (HistoryEntry, examples.HISTORY_ENTRY),
]


@pytest.mark.parametrize(("cls", "document"), ROUND_TRIPS, ids=lambda value: getattr(value, "__name__", ""))
def test_record_round_trips_contract_example(cls: Any, document: dict[str, Any]) -> None:
    record = cls.from_json(json.dumps(document))
    assert record.to_json() == document
    # Field order is the chaincode's too (it emits structs in declaration order).
    assert list(record.to_json()) == list(document)


def test_founding_proposal_keeps_the_registry_as_proposed() -> None:
    proposal = FoundingProposal.from_json(examples.FOUNDING)
    assert proposal.status is FoundingStatus.OPEN and proposal.activated_at is None
    assert proposal.office_codes == ("JP", "US")
    assert proposal.registry[1]["calendar"] is None  # null = default settings, kept as sent
    assert "registry=" not in repr(proposal)  # long; the CLI shows it as a table


def test_record_accepts_bytes_text_and_decoded_json() -> None:
    text = json.dumps(examples.FIRST_FILING)
    assert FirstFiling.from_json(text) == FirstFiling.from_json(text.encode()) == FirstFiling.from_json(
        examples.FIRST_FILING)


def test_first_filing_fields_are_typed() -> None:
    filing = FirstFiling.from_json(examples.FIRST_FILING)
    assert filing.ip_right is IpRight.PATENT
    assert filing.status is FilingStatus.AVAILABLE
    assert filing.filing_date == date(2024, 3, 15)
    assert filing.publication_date is None  # "" on the wire
    assert filing.deposited_at == datetime(2025, 3, 17, 9, 12, 44, tzinfo=timezone.utc)


def test_empty_string_enum_is_none_and_back() -> None:
    grant = AccessRecord.from_json(dict(examples.ACCESS_RECORD, offices=[
        dict(examples.ACCESS_RECORD["offices"][0], grant="NONE", route="", grantedAt="")]))
    entry = grant.grant_for("US")
    assert entry is not None and entry.route is None and entry.granted_at is None
    assert grant.to_json()["offices"][0]["route"] == ""
    assert grant.grant_for("KR") is None


def test_access_grant_route_enum() -> None:
    record = AccessRecord.from_json(examples.ACCESS_RECORD)
    assert record.offices[0].route is GrantRoute.ACCESS_CODE


def test_claim_restoration_empty_fields_are_none() -> None:
    claim = PriorityClaim.from_json(examples.PRIORITY_CLAIM)
    assert claim.restoration.criterion is None and claim.restoration.decision is None
    assert claim.restoration_end == date(2025, 5, 19)


def test_history_entry_keeps_raw_record_and_null_for_deletion() -> None:
    deleted = HistoryEntry.from_json({"txId": "ab", "timestamp": examples.TIMESTAMP, "isDelete": True,
                                      "record": None})
    assert deleted.record is None
    assert deleted.to_json()["record"] is None
    kept = HistoryEntry.from_json(examples.HISTORY_ENTRY)
    assert kept.record == examples.FIRST_FILING


def test_page_round_trip_and_is_last() -> None:
    document = examples.page([examples.FIRST_FILING], bookmark="g2wAAAAB", fetched=3)
    page = Page.from_json(json.dumps(document), FirstFiling)
    assert page.fetched_count == 3 and not page.is_last
    assert page.to_json() == document
    assert Page.from_json(examples.page([]), FirstFiling).is_last


@pytest.mark.parametrize(("change", "path"), [
    ({"filingDate": "2024-02-30"}, "FirstFiling.filingDate"),
    ({"status": "LOST"}, "FirstFiling.status"),
    ({"version": "1"}, "FirstFiling.version"),
    ({"version": True}, "FirstFiling.version"),
    ({"depositedAt": "yesterday"}, "FirstFiling.depositedAt"),
])
def test_decoding_refuses_wrong_types_naming_the_field(change: dict[str, Any], path: str) -> None:
    with pytest.raises(RecordFormatError) as raised:
        FirstFiling.from_json(dict(examples.FIRST_FILING, **change))
    assert raised.value.path == path


def test_decoding_refuses_missing_field_and_ignores_unknown_ones() -> None:
    missing = dict(examples.FIRST_FILING)
    del missing["status"]
    with pytest.raises(RecordFormatError, match="FirstFiling.status: is missing"):
        FirstFiling.from_json(missing)
    newer = dict(examples.FIRST_FILING, addedLater="x")
    assert FirstFiling.from_json(newer).to_json() == examples.FIRST_FILING


def test_nested_error_path_names_the_list_index() -> None:
    broken = dict(examples.ACCESS_RECORD, offices=[dict(examples.ACCESS_RECORD["offices"][0], locked="no")])
    with pytest.raises(RecordFormatError, match=r"AccessRecord\.offices\[0\]\.locked"):
        AccessRecord.from_json(broken)


def test_not_json_is_a_record_format_error() -> None:
    with pytest.raises(RecordFormatError):
        FirstFiling.from_json(b"not json")


def test_office_definition_leaves_out_defaulted_settings() -> None:
    definition = OfficeDefinition("CN", "CNMSP", "CNIPA", Roles((IpRight.PATENT,), (IpRight.PATENT,)))
    assert definition.to_json() == {"officeCode": "CN", "mspId": "CNMSP", "name": "CNIPA",
                                    "roles": {"depositing": ["PATENT"], "accessing": ["PATENT"]}}
    with_calendar = OfficeDefinition("CN", "CNMSP", "CNIPA", Roles(), calendar=OfficeCalendar((Weekday.SUNDAY,)))
    assert with_calendar.to_json()["calendar"] == {"closedWeekdays": ["SUNDAY"], "closedDates": []}


def test_office_helpers() -> None:
    office = Office.from_json(examples.OFFICE)
    assert office.can_deposit(IpRight.PATENT) and not office.can_deposit(IpRight.TRADEMARK)
    assert office.can_access(IpRight.INDUSTRIAL_DESIGN)
    assert office.settings.calendar.closed_dates == (date(2025, 1, 1), date(2025, 1, 2))


def test_confidential_salt_is_not_in_repr() -> None:
    record = FilingConfidential.from_json(examples.CONFIDENTIAL)
    assert examples.CONFIDENTIAL["salt"] not in repr(record)


@pytest.mark.parametrize(("name", "camel"), [
    ("application_number_normalised", "applicationNumberNormalised"),
    ("msp_id", "mspId"), ("document_sha256", "documentSha256"), ("id", "id"), ("is_delete", "isDelete"),
])
def test_camel_case(name: str, camel: str) -> None:
    assert camel_case(name) == camel


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-03-17T09:12:44Z", datetime(2025, 3, 17, 9, 12, 44, tzinfo=timezone.utc)),
    ("2025-03-17T09:12:44.123456789Z", datetime(2025, 3, 17, 9, 12, 44, 123456, tzinfo=timezone.utc)),
    ("2025-03-17T18:12:44+09:00", datetime(2025, 3, 17, 9, 12, 44, tzinfo=timezone.utc)),
])
def test_parse_timestamp(text: str, expected: datetime) -> None:
    assert parse_timestamp(text) == expected


def test_format_timestamp_is_the_chaincode_form() -> None:
    assert format_timestamp(datetime(2025, 3, 17, 9, 12, 44, tzinfo=timezone.utc)) == "2025-03-17T09:12:44Z"
    assert format_timestamp(datetime(2025, 3, 17, 9, 12, 44, 500000, tzinfo=timezone.utc)).endswith(".5Z")


@pytest.mark.parametrize("text", ["2024-02-30", "20240315", "2024-3-15", "2023-02-29", " 2024-03-15"])
def test_parse_date_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


# -- drift guard: the JSON examples in CONTRACT.md itself ---------------------------------------

_RECORD_CLASSES = [Office, MembershipProposal, FoundingProposal, FirstFiling, FilingConfidential, AccessRecord, RedemptionResult,
                   Retrieval, PriorityClaim]


def _contract_json_blocks() -> list[dict[str, Any]]:
    text = CONTRACT_MD.read_text(encoding="utf-8")
    blocks = []
    for block in re.findall(r"```json\n(.*?)```", text, re.DOTALL):
        filled = block.replace('"..."', f'"{examples.TIMESTAMP}"')
        filled = re.sub(r'"<(?:64 lowercase hex|hex)>"', f'"{examples.DIGEST}"', filled)
        filled = re.sub(r'"<32–128 hex chars>"', '"' + "ab" * 16 + '"', filled)
        filled = re.sub(r"<txid>", examples.STAMPED, filled)
        try:
            document = json.loads(filled)
        except ValueError:
            continue  # input sketches such as {"applicationNumber", ...} are not JSON
        if isinstance(document, dict):
            blocks.append(document)
    return blocks


@pytest.mark.skipif(not CONTRACT_MD.is_file(), reason="chaincode/CONTRACT.md not found")
def test_every_record_example_in_contract_md_round_trips() -> None:
    matched: set[type] = set()
    for document in _contract_json_blocks():
        keys = list(document)
        # A block is the example of the class whose JSON has exactly its keys, in its order.
        candidates = [cls for cls in _RECORD_CLASSES if _decodes(cls, document)
                      and list(cls.from_json(document).to_json()) == keys]
        for cls in candidates:
            assert cls.from_json(document).to_json() == document
            matched.add(cls)
    assert matched == set(_RECORD_CLASSES), f"no CONTRACT.md example for {set(_RECORD_CLASSES) - matched}"


def _decodes(cls: Any, document: dict[str, Any]) -> bool:
    try:
        cls.from_json(document)
    except RecordFormatError:
        return False
    return True
