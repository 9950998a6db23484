"""Issue #3: a priority claim's timeliness is computed with the calendar of the office of second filing (OSF).

Worked case (Saturday/Sunday closed everywhere): PATENT priority 2024-10-18 (Fri) + 12 months = 2025-10-18 (Sat)
-> next working day Mon 2025-10-20.  EP additionally closes 2025-10-20 for this test, so at EP the period ends
Tue 2025-10-21 while at US it still ends on Monday.  Restoration (+2 months from the extended end) ends
Mon 2025-12-22 at both (2025-12-20 is a Saturday, 2025-12-21 a Sunday).  Every date is in the past (today is
2026-11-30 or later), so FUTURE_DATE never interferes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from _chaincode_support import Office, closed_dates_added, random_digits
from ipledger.operator.bringup import Context

PRIORITY_DATE = "2024-10-18"
CLOSURE = "2025-10-20"


def _claim(later_number: str, later_date: str, prio_number: str, *, later_right: str = "PATENT",
           prio_right: str = "PATENT", prio_date: str = PRIORITY_DATE, sequence: int = 1) -> str:
    return json.dumps({
        "laterApplication": {"applicationNumber": later_number, "ipRight": later_right, "filingDate": later_date},
        "sequenceNumber": sequence,
        "priority": {"officeCode": "JP", "applicationNumber": prio_number, "ipRight": prio_right,
                     "filingDate": prio_date},
    })


def _later_number(office: Office) -> str:
    return f"{office.code} 25{random_digits(8)}"


def _prio_number() -> str:
    return f"JP 2024-{random_digits(10)}"


@pytest.fixture
def ep_closed_on_period_end(network: Context, ep: Office, us: Office) -> Iterator[dict[str, Any]]:
    """EP closes CLOSURE (and only this test's change is undone afterwards)."""
    us_calendar = us.office()["calendar"]
    assert CLOSURE not in us_calendar["closedDates"] and "MONDAY" not in us_calendar["closedWeekdays"], (
        "precondition: US must be open on 2025-10-20 (someone changed US's calendar)")
    assert CLOSURE not in ep.office()["calendar"]["closedDates"], "precondition: EP open on 2025-10-20"
    with closed_dates_added(ep, [CLOSURE]) as updated:
        assert CLOSURE in updated["calendar"]["closedDates"]
        yield updated
    assert CLOSURE not in ep.office()["calendar"]["closedDates"]


def test_period_end_follows_the_calendar_of_the_office_of_second_filing(
        network: Context, jp: Office, us: Office, ep: Office, ep_closed_on_period_end: dict[str, Any]) -> None:
    # ComputePriorityDeadline: same priority, two OSFs, two period ends (asked from a third office).
    at_ep = jp.evaluate("ComputePriorityDeadline", "EP", "PATENT", PRIORITY_DATE, "PATENT")
    at_us = jp.evaluate("ComputePriorityDeadline", "US", "PATENT", PRIORITY_DATE, "PATENT")
    assert at_ep == {"officeCode": "EP", "priorityIpRight": "PATENT", "laterIpRight": "PATENT",
                     "priorityFilingDate": PRIORITY_DATE, "periodMonths": 12, "nominalPeriodEnd": "2025-10-18",
                     "periodEnd": "2025-10-21", "restorationAvailable": True,
                     "restorationCriteria": ["DUE_CARE", "UNINTENTIONAL"],
                     "nominalRestorationEnd": "2025-12-21", "restorationEnd": "2025-12-22"}
    assert at_us == {**at_ep, "officeCode": "US", "periodEnd": "2025-10-20", "nominalRestorationEnd": "2025-12-20"}

    # RecordPriorityClaim: a later application filed on Tue 2025-10-21 is in time at EP, late at US.
    prio = _prio_number()
    ep_claim = ep.submit("RecordPriorityClaim", _claim(_later_number(ep), "2025-10-21", prio))["claim"]
    us_claim = us.submit("RecordPriorityClaim", _claim(_later_number(us), "2025-10-21", prio))["claim"]
    assert (ep_claim["periodEnd"], ep_claim["timeliness"], ep_claim["status"]) == ("2025-10-21", "IN_TIME", "RECORDED")
    assert (us_claim["periodEnd"], us_claim["timeliness"]) == ("2025-10-20", "LATE_RESTORABLE")
    for claim in (ep_claim, us_claim):
        assert (claim["nominalPeriodEnd"], claim["restorationEnd"]) == ("2025-10-18", "2025-12-22")
        assert claim["restorationAvailable"] is True
        assert claim["warnings"] == ["NOT_ON_LEDGER"] and claim["firstFilingId"] == ""
    assert us.evaluate("ListClaimsOnFirstFiling", "JP", "PATENT", prio, "", "")["records"] == [ep_claim, us_claim]

    # Last day of restoration at EP: still recordable (late); the day after: refused, nothing recorded.
    late = ep.submit("RecordPriorityClaim", _claim(_later_number(ep), "2025-12-22", _prio_number()))["claim"]
    assert (late["timeliness"], late["periodEnd"], late["restorationEnd"]) == (
        "LATE_RESTORABLE", "2025-10-21", "2025-12-22")
    expired_number = _later_number(ep)
    ep.refused_submit("PRIORITY_PERIOD_EXPIRED", "RecordPriorityClaim",
                      _claim(expired_number, "2025-12-23", _prio_number()))
    expired = ep.evaluate("GetLaterApplicationClaims", "EP", "PATENT", expired_number)
    assert (expired["claims"], expired["earliestPriorityDate"]) == ([], "")

    assert ep.evaluate("GetPriorityClaim", ep_claim["id"]) == ep_claim


def test_restoration_not_available_when_the_osf_policy_forbids_it(network: Context, ep: Office) -> None:
    """INDUSTRIAL_DESIGN: 6 months, restoration not allowed by default (PCT R26bis.3 is for patents/UMs)."""
    policy = {p["ipRight"]: p for p in ep.office()["restorationPolicy"]}
    assert policy["INDUSTRIAL_DESIGN"]["allowed"] is False, "precondition: EP's default restoration policy"
    deadline = ep.evaluate("ComputePriorityDeadline", "EP", "INDUSTRIAL_DESIGN", "2025-01-10", "INDUSTRIAL_DESIGN")
    assert (deadline["periodMonths"], deadline["periodEnd"], deadline["restorationAvailable"]) == (
        6, "2025-07-10", False)
    assert (deadline["restorationCriteria"], deadline["nominalRestorationEnd"], deadline["restorationEnd"]) == (
        [], "", "")

    in_time = ep.submit("RecordPriorityClaim", _claim(
        _later_number(ep), "2025-07-10", _prio_number(), later_right="INDUSTRIAL_DESIGN",
        prio_right="INDUSTRIAL_DESIGN", prio_date="2025-01-10"))["claim"]
    assert (in_time["timeliness"], in_time["restorationAvailable"], in_time["restorationEnd"]) == (
        "IN_TIME", False, "")
    ep.refused_submit("RESTORATION_NOT_AVAILABLE", "RecordPriorityClaim", _claim(
        _later_number(ep), "2025-07-11", _prio_number(), later_right="INDUSTRIAL_DESIGN",
        prio_right="INDUSTRIAL_DESIGN", prio_date="2025-01-10"))
    ep.refused_submit("PRIORITY_PERIOD_EXPIRED", "RecordPriorityClaim", _claim(
        _later_number(ep), "2025-11-11", _prio_number(), later_right="INDUSTRIAL_DESIGN",
        prio_right="INDUSTRIAL_DESIGN", prio_date="2025-01-10"))


def test_recorded_period_stays_frozen_after_the_calendar_changes_back(
        network: Context, jp: Office, ep: Office) -> None:
    assert CLOSURE not in ep.office()["calendar"]["closedDates"], "precondition: EP open on 2025-10-20"
    prio = _prio_number()
    with closed_dates_added(ep, [CLOSURE]):
        recorded = ep.submit("RecordPriorityClaim", _claim(_later_number(ep), "2025-10-21", prio))["claim"]
        assert (recorded["periodEnd"], recorded["timeliness"]) == ("2025-10-21", "IN_TIME")
    assert CLOSURE not in ep.office()["calendar"]["closedDates"]
    assert jp.evaluate("ComputePriorityDeadline", "EP", "PATENT", PRIORITY_DATE, "PATENT")["periodEnd"] == "2025-10-20"
    assert jp.evaluate("GetPriorityClaim", recorded["id"]) == recorded
