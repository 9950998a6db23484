"""``ipledger claims`` and ``ipledger deadlines``: priority claims timed with the office of second filing's calendar."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from _live_cli import Cli, Peers, day, decoded, deposit, describe, error_line, random_digits
from ipledger.cli.exit_codes import ExitCode
from ipledger.domain.models import LaterApplicationClaims, PriorityClaim, PriorityDeadline, RecordedClaim

PRIORITY_DATE = date(2024, 6, 3)  # a Monday


def later_number() -> tuple[str, str]:
    """A US-style later application number and its normalised form."""
    parts = [random_digits(2), random_digits(3), random_digits(3), random_digits(3)]
    return f"{parts[0]}/{parts[1]},{parts[2]},{parts[3]}", "".join(parts)


def test_deadlines_compute_with_the_osf_calendar(cli: Cli) -> None:
    deadline = decoded(PriorityDeadline, cli.json("US", "deadlines", "compute", "2024-03-15", "--ip-right",
                                                  "PATENT"))
    assert (deadline.office_code, deadline.priority_ip_right.value, deadline.later_ip_right.value,
            deadline.period_months) == ("US", "PATENT", "PATENT", 12)
    # Saturday 2025-03-15 -> Monday; restoration: two months from the extended end, then the next working day.
    assert (deadline.nominal_period_end, deadline.period_end) == (date(2025, 3, 15), date(2025, 3, 17))
    assert deadline.restoration_available and {c.value for c in deadline.restoration_criteria} == {
        "DUE_CARE", "UNINTENTIONAL"}
    assert (deadline.nominal_restoration_end, deadline.restoration_end) == (date(2025, 5, 17), date(2025, 5, 19))

    # The worked examples of CONTRACT.md §5.3, asked of the USPTO by another office with --osf.
    for priority, ip_right, later, months, end in (
            ("2024-02-29", "PATENT", "PATENT", 12, "2025-02-28"),
            ("2023-08-31", "INDUSTRIAL_DESIGN", "INDUSTRIAL_DESIGN", 6, "2024-02-29"),
            ("2025-08-31", "TRADEMARK", "TRADEMARK", 6, "2026-03-02"),
            ("2024-06-28", "UTILITY_MODEL", "PATENT", 12, "2025-06-30")):
        computed = decoded(PriorityDeadline, cli.json("JP", "deadlines", "compute", priority, "--ip-right",
                                                      ip_right, "--later-ip-right", later, "--osf", "US"))
        assert (computed.office_code, computed.period_months, day(computed.period_end)) == ("US", months, end)
        if ip_right in ("INDUSTRIAL_DESIGN", "TRADEMARK"):  # restoration only for patents and utility models
            assert not computed.restoration_available and computed.restoration_end is None
    text = cli.run("US", "deadlines", "compute", "2024-03-15", "--ip-right", "PATENT")
    assert text.exit_code == 0 and "2025-03-17" in text.stdout and "2025-05-19" in text.stdout
    line = error_line(cli.fails(ExitCode.CONFLICT, "US", "deadlines", "compute", "2024-03-15", "--ip-right",
                                "PATENT", "--later-ip-right", "TRADEMARK"))
    assert line.startswith("Error: INCOMPATIBLE_IP_TYPE: ")


def test_claims_record_show_list_restore_and_withdraw(cli: Cli, peers: Peers, tmp_path: Path) -> None:
    filing = deposit(cli, "JP", tmp_path, filing_date=PRIORITY_DATE)
    deadline = decoded(PriorityDeadline, cli.json("US", "deadlines", "compute", day(PRIORITY_DATE), "--ip-right",
                                                  "PATENT"))
    assert deadline.restoration_available and deadline.restoration_end is not None
    period_end, restoration_end = deadline.period_end, deadline.restoration_end
    peers.settle()

    def record(number: str, filed: date, *extra: str) -> list[str]:
        return ["claims", "record", "--number", number, "--ip-right", "PATENT", "--filing-date", day(filed),
                "--priority-office", "JP", "--priority-number", filing.number, "--priority-date",
                day(PRIORITY_DATE), *extra]

    # In time: filed on the last day of the (extended) period.
    number, normalised = later_number()
    recorded = decoded(RecordedClaim, cli.write("US", *record(number, period_end)))
    claim = recorded.claim
    assert claim.id == f"US:PATENT:{normalised}:1" and recorded.earliest_priority_date == PRIORITY_DATE
    assert (claim.office_code, claim.sequence_number, claim.first_filing_id, claim.timeliness.value,
            claim.status.value, claim.warnings) == ("US", 1, filing.id, "IN_TIME", "RECORDED", ())
    assert (claim.later_application.application_number, claim.later_application.application_number_normalised,
            claim.later_application.filing_date) == (number, normalised, period_end)
    assert (claim.priority.office_code, claim.priority.application_number, claim.priority.filing_date) == (
        "JP", filing.number, PRIORITY_DATE)
    assert (claim.period_months, claim.period_end, claim.restoration_end) == (12, period_end, restoration_end)
    line = error_line(cli.fails(ExitCode.CONFLICT, "US", *record(number, period_end)))
    assert line.startswith("Error: ALREADY_EXISTS: ")

    # A second claim of the same application, on a filing of an office outside the consortium.
    second = decoded(RecordedClaim, cli.write(
        "US", "claims", "record", "--number", number, "--ip-right", "PATENT", "--filing-date", day(period_end),
        "--priority-office", "CN", "--priority-number", f"2024{random_digits(8)}.5", "--priority-date",
        day(PRIORITY_DATE + timedelta(days=7)), "--sequence", "2"))
    assert second.claim.id == f"US:PATENT:{normalised}:2" and second.earliest_priority_date == PRIORITY_DATE
    assert [w.value for w in second.claim.warnings] == ["EXTERNAL_OFFICE"] and second.claim.first_filing_id == ""

    assert decoded(PriorityClaim, cli.json("US", "claims", "show", claim.id)) == claim
    later = decoded(LaterApplicationClaims, cli.json("US", "claims", "list", "--later", "US", "PATENT", number))
    assert (later.office_code, later.ip_right.value, later.application_number_normalised) == (
        "US", "PATENT", normalised)
    assert [c.id for c in later.claims] == [claim.id, second.claim.id]
    assert later.earliest_priority_date == PRIORITY_DATE

    # Late, but within two months: recorded as LATE_RESTORABLE, then restored.
    late_number, _ = later_number()
    late_day = period_end + timedelta(days=1)
    late = decoded(RecordedClaim, cli.write("US", *record(late_number, late_day))).claim
    assert (late.timeliness.value, late.status.value, late.restoration_available) == (
        "LATE_RESTORABLE", "RECORDED", True)
    line = error_line(cli.fails(ExitCode.CONFLICT, "US", "claims", "restoration", "decide", late.id, "GRANTED"))
    assert line.startswith("Error: INVALID_TRANSITION: ")
    requested = decoded(PriorityClaim, cli.write("US", "claims", "restoration", "request", late.id, "--criterion",
                                                 "unintentional", "--request-date", day(late_day)))
    assert requested.status.value == "RESTORATION_REQUESTED"
    assert (requested.restoration.criterion and requested.restoration.criterion.value,
            requested.restoration.request_date) == ("UNINTENTIONAL", late_day)
    restored = decoded(PriorityClaim, cli.write("US", "claims", "restoration", "decide", late.id, "GRANTED"))
    assert restored.status.value == "RESTORED" and restored.restoration.decision is not None
    assert restored.restoration.decision.value == "GRANTED" and restored.restoration.decided_at is not None
    line = error_line(cli.fails(ExitCode.CONFLICT, "US", "claims", "restoration", "decide", late.id, "REFUSED"))
    assert line.startswith("Error: INVALID_TRANSITION: ")

    # Another late claim whose restoration is refused.
    refused_number, _ = later_number()
    refused = decoded(RecordedClaim, cli.write("US", *record(refused_number, late_day))).claim
    cli.write("US", "claims", "restoration", "request", refused.id, "--criterion", "DUE_CARE", "--request-date",
              day(late_day))
    decided = decoded(PriorityClaim, cli.write("US", "claims", "restoration", "decide", refused.id, "refused"))
    assert decided.status.value == "RESTORATION_REFUSED"
    assert decoded(LaterApplicationClaims, cli.json("US", "claims", "list", "--later", "US", "PATENT",
                                                    refused_number)).earliest_priority_date is None

    # Refused claims: nothing is recorded.
    expired_number, _ = later_number()
    line = error_line(cli.fails(ExitCode.CONFLICT, "US", *record(expired_number,
                                                                 restoration_end + timedelta(days=1))))
    assert line.startswith("Error: PRIORITY_PERIOD_EXPIRED: ")
    nothing = decoded(LaterApplicationClaims, cli.json("US", "claims", "list", "--later", "US", "PATENT",
                                                       expired_number))
    assert nothing.claims == () and nothing.earliest_priority_date is None
    incompatible = cli.fails(ExitCode.CONFLICT, "US", "claims", "record", "--number", later_number()[0],
                             "--ip-right", "TRADEMARK", "--filing-date", day(period_end), "--priority-office", "JP",
                             "--priority-number", filing.number, "--priority-ip-right", "PATENT",
                             "--priority-date", day(PRIORITY_DATE))
    assert error_line(incompatible).startswith("Error: INCOMPATIBLE_IP_TYPE: ")
    line = error_line(cli.fails(ExitCode.CONFLICT, "US", *record(later_number()[0], PRIORITY_DATE)))
    assert line.startswith("Error: PRIORITY_DATE_NOT_EARLIER: ")
    line = error_line(cli.fails(ExitCode.CONFLICT, "US", "claims", "record", "--number", later_number()[0],
                                "--ip-right", "PATENT", "--filing-date", day(period_end), "--priority-office", "JP",
                                "--priority-number", filing.number, "--priority-date",
                                day(PRIORITY_DATE + timedelta(days=1))))
    assert line.startswith("Error: DATE_MISMATCH: ")

    # The depositing office sees every claim on its filing.
    peers.settle()
    cited = cli.json("JP", "claims", "list", "--cited", "JP", "PATENT", filing.number)
    cited_ids = [decoded(PriorityClaim, item).id for item in cited]
    assert sorted(cited_ids) == sorted([claim.id, late.id, refused.id]) and len(cited_ids) == 3
    table = cli.run("JP", "claims", "list", "--cited", "JP", "PATENT", filing.number)
    assert table.exit_code == 0, describe(table)
    assert claim.id in table.stdout and "LATE_RESTORABLE" in table.stdout and "3 record(s)" in table.stderr

    # Withdrawal: only by the office that recorded the claim, once.
    line = error_line(cli.fails(ExitCode.NOT_AUTHORISED, "JP", "claims", "withdraw", claim.id))
    assert line.startswith("Error: NOT_AUTHORIZED: ")
    withdrawn = decoded(PriorityClaim, cli.write("US", "claims", "withdraw", claim.id))
    assert withdrawn.status.value == "WITHDRAWN"
    line = error_line(cli.fails(ExitCode.CONFLICT, "US", "claims", "withdraw", claim.id))
    assert line.startswith("Error: INVALID_TRANSITION: ")
    after = decoded(LaterApplicationClaims, cli.json("US", "claims", "list", "--later", "US", "PATENT", number))
    assert after.earliest_priority_date == PRIORITY_DATE + timedelta(days=7)  # the withdrawn claim no longer counts
    shown = cli.run("US", "claims", "show", second.claim.id)
    assert shown.exit_code == 0 and "warnings: EXTERNAL_OFFICE" in shown.stderr
