"""``ipledger offices``: the registry, an office's settings (restored afterwards) and membership governance.

The membership test leaves the registry as it found it: it proposes to add an office, has one other office
approve (two of four ACTIVE offices are no majority, so nothing is applied) and withdraws the proposal.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest

from _live_cli import Cli, Peers, day, decoded, decoded_list, decoded_page, describe, error_line, random_digits
from ipledger.cli.exit_codes import ExitCode
from ipledger.domain.enums import FoundingStatus
from ipledger.domain.models import FoundingProposal, MembershipProposal, Office, OfficeSettings
from ipledger.operator import registry
from ipledger.operator.bringup import Context

MEMBERS = {"EP", "JP", "KR", "US"}
#: Assigned ST.3 codes that are not members of the test consortium: targets of the ADD_OFFICE proposal.
NON_MEMBERS = ("CA", "CN", "DE", "FR", "GB", "AU", "BR", "IN", "MX", "SG", "CH", "SE", "NO", "IL", "NZ")
#: The office whose settings the settings test changes (and restores).
SETTINGS_OFFICE = "KR"


def test_offices_list_and_show(cli: Cli) -> None:
    offices = decoded_list(Office, cli.json("JP", "offices", "list"))
    codes = [office.office_code for office in offices]
    assert MEMBERS <= set(codes) and codes == sorted(codes)
    by_code = {office.office_code: office for office in offices}
    assert {code: by_code[code].msp_id for code in MEMBERS} == {code: f"{code}MSP" for code in MEMBERS}

    # One page at a time, following the bookmark.
    paged: list[str] = []
    page = decoded_page(Office, cli.json("US", "offices", "list", "--page-size", "3", "--page"))
    while True:
        assert len(page.records) <= 3
        paged += [office.office_code for office in page.records]
        if page.is_last:
            break
        page = decoded_page(Office, cli.json("US", "offices", "list", "--page-size", "3", "--bookmark",
                                             page.bookmark))
    assert paged == codes
    assert [o.office_code for o in decoded_list(Office, cli.json("EP", "offices", "list", "--limit", "2"))] == \
        codes[:2]

    mine = decoded(Office, cli.json("US", "offices", "show"))
    assert (mine.office_code, mine.msp_id, mine.status.value) == ("US", "USMSP", "ACTIVE")
    other = decoded(Office, cli.json("JP", "offices", "show", "ep"))
    assert other.office_code == "EP" and other.name == by_code["EP"].name
    text = cli.run("JP", "offices", "show", "KR")
    assert text.exit_code == 0, describe(text)
    assert "office code" in text.stdout and "KRMSP" in text.stdout and "restoration policy:" in text.stdout
    table = cli.run("JP", "offices", "list")
    assert table.stdout.splitlines()[0].split() == ["office", "msp", "name", "status", "depositing", "accessing",
                                                    "settings"]
    assert all(f"{code}MSP" in table.stdout for code in MEMBERS)


def _settings(cli: Cli, office: str) -> dict[str, object]:
    document = cli.json(office, "offices", "settings", "show")
    decoded(OfficeSettings, document)
    return dict(document)


def test_settings_show_and_update_then_restore(cli: Cli, tmp_path: Path) -> None:
    office = SETTINGS_OFFICE
    original = _settings(cli, office)
    shown = decoded(Office, cli.json("JP", "offices", "show", office))
    assert cli.json("JP", "offices", "settings", "show", office) == shown.settings.to_json() == original
    version = shown.settings_version
    closed = set(shown.calendar.closed_dates)
    # A closure date far ahead, which no test computes a period over.
    extra = next(d for d in (date(2047, 1, 1) + timedelta(days=secrets.randbelow(3000)) for _ in range(100))
                 if d not in closed)
    weekdays = ",".join(d.value for d in shown.calendar.closed_weekdays) or "none"
    trademark = next(rule for rule in shown.restoration_policy if rule.ip_right.value == "TRADEMARK")
    trademark_rule = "TRADEMARK=" + (",".join(c.value for c in trademark.criteria) if trademark.allowed else "none")
    had_trademark_patterns = any(p.ip_right.value == "TRADEMARK" for p in shown.application_number_patterns)
    try:
        # The weekdays and the trademark policy are given as they are: the options are merged, not changed.
        updated = decoded(Office, cli.write(office, "offices", "settings", "update", "--add-closed-date", day(extra),
                                            "--closed-weekdays", weekdays, "--restoration", trademark_rule))
        assert extra in updated.calendar.closed_dates and closed <= set(updated.calendar.closed_dates)
        assert updated.settings_version > version
        assert updated.calendar.closed_weekdays == shown.calendar.closed_weekdays
        assert updated.application_number_patterns == shown.application_number_patterns
        assert updated.restoration_policy == shown.restoration_policy
        assert extra in decoded(OfficeSettings, cli.json(office, "offices", "settings", "show")).calendar.closed_dates
        if not had_trademark_patterns:
            # A trademark pattern that accepts any number with a digit, then cleared again.
            patterned = decoded(Office, cli.write(office, "offices", "settings", "update", "--pattern",
                                                  r"TRADEMARK=^(?P<num>.*[0-9].*)$"))
            assert [(p.ip_right.value, p.patterns) for p in patterned.application_number_patterns
                    if p.ip_right.value == "TRADEMARK"] == [("TRADEMARK", (r"^(?P<num>.*[0-9].*)$",))]
            cleared = decoded(Office, cli.write(office, "offices", "settings", "update", "--clear-patterns",
                                                "trademark"))
            assert not any(p.ip_right.value == "TRADEMARK" for p in cleared.application_number_patterns)
        line = error_line(cli.fails(ExitCode.USAGE, office, "offices", "settings", "update", "--pattern",
                                    "TRADEMARK=^(unclosed$"))
        assert line.startswith("Error: INVALID_ARGUMENT: ")  # RE2 compiles it in the chaincode
    finally:
        # Restore from a file: the current settings (others may have changed them meanwhile) without the date.
        current = _settings(cli, office)
        calendar = dict(current["calendar"])  # type: ignore[call-overload]
        calendar["closedDates"] = [d for d in calendar["closedDates"] if d != day(extra)]
        current["calendar"] = calendar
        restore = tmp_path / "settings.json"
        restore.write_text(json.dumps(current), encoding="utf-8")
        restored = decoded(Office, cli.write(office, "offices", "settings", "update", "--file", str(restore)))
    assert extra not in restored.calendar.closed_dates
    assert _settings(cli, office) == original
    history = cli.json(office, "history", "office-settings", office, "--page-size", "2", "--page")
    versions = [entry["record"].get("settingsVersion") for entry in history["records"]]
    assert versions[0] >= restored.settings_version and versions[1] == versions[0] - 1  # newest first


@contextmanager
def _open_proposal(cli: Cli) -> Iterator[MembershipProposal]:
    """A fresh ADD_OFFICE proposal of JP, withdrawn at the end (unless the test did)."""
    proposal = None
    for code in secrets.SystemRandom().sample(NON_MEMBERS, len(NON_MEMBERS)):
        tag = random_digits(6)
        result = cli.run("JP", "offices", "membership", "propose", "ADD_OFFICE", code, "--msp-id", f"T{tag}MSP",
                         "--name", f"Test office {tag}", "--depositing", "PATENT", "--accessing",
                         "PATENT,UTILITY_MODEL", "--reason", "ipledger CLI live test, withdrawn at once",
                         json_output=True)
        if result.exit_code == ExitCode.CONFLICT and "ALREADY_EXISTS" in result.stderr:
            continue  # someone else's proposal for that office is open, or it became a member
        assert result.exit_code == 0, describe(result)
        proposal = decoded(MembershipProposal, json.loads(result.stdout))
        break
    assert proposal is not None, "no free office code to propose"
    try:
        yield proposal
    finally:
        current = cli.json("JP", "offices", "membership", "show", proposal.id)
        if current["status"] == "OPEN":
            cli.write("JP", "offices", "membership", "withdraw", proposal.id)


def test_membership_propose_approve_withdraw_list_and_show(cli: Cli, peers: Peers) -> None:
    before = decoded_list(Office, cli.json("JP", "offices", "list"))
    active = {office.office_code for office in before if office.status.value == "ACTIVE"}
    if len(active) < 4:
        pytest.skip(f"needs four ACTIVE offices so that one approval is no majority; ACTIVE: {sorted(active)}")

    with _open_proposal(cli) as proposal:
        assert (proposal.action.value, proposal.proposed_by, proposal.approvals, proposal.status.value) == (
            "ADD_OFFICE", "JP", ("JP",), "OPEN")
        assert proposal.roles.depositing[0].value == "PATENT" and len(proposal.roles.accessing) == 2
        assert proposal.msp_id.startswith("T") and proposal.closed_at is None
        peers.settle()
        assert decoded(MembershipProposal, cli.json("EP", "offices", "membership", "show", proposal.id)) == proposal

        approved = decoded(MembershipProposal, cli.write("EP", "offices", "membership", "approve", proposal.id))
        assert approved.approvals == ("EP", "JP") and approved.status.value == "OPEN"  # 2 of 4 is no majority
        line = error_line(cli.fails(ExitCode.CONFLICT, "EP", "offices", "membership", "approve", proposal.id))
        assert line.startswith("Error: ALREADY_EXISTS: ")
        peers.settle()
        line = error_line(cli.fails(ExitCode.NOT_AUTHORISED, "US", "offices", "membership", "withdraw",
                                    proposal.id))
        assert line.startswith("Error: NOT_AUTHORIZED: ")

        listed = decoded_list(MembershipProposal, cli.json("KR", "offices", "membership", "list", "--status", "OPEN"))
        assert proposal.id in {p.id for p in listed} and all(p.status.value == "OPEN" for p in listed)
        page = decoded_page(MembershipProposal, cli.json("KR", "offices", "membership", "list", "--page-size", "1",
                                                         "--page"))
        assert len(page.records) <= 1

        withdrawn = decoded(MembershipProposal, cli.write("JP", "offices", "membership", "withdraw", proposal.id))
        assert withdrawn.status.value == "WITHDRAWN" and withdrawn.closed_at is not None
        assert withdrawn.approvals == ("EP", "JP")
    peers.settle()
    line = error_line(cli.fails(ExitCode.CONFLICT, "US", "offices", "membership", "approve", proposal.id))
    assert line.startswith("Error: INVALID_TRANSITION: ")
    closed = decoded_list(MembershipProposal, cli.json("US", "offices", "membership", "list", "--status",
                                                       "WITHDRAWN"))
    assert proposal.id in {p.id for p in closed}
    text = cli.run("US", "offices", "membership", "show", proposal.id)
    assert text.exit_code == 0 and "WITHDRAWN" in text.stdout and proposal.office_code in text.stdout

    # The registry is as it was.
    after = decoded_list(Office, cli.json("JP", "offices", "list"))
    assert [(o.office_code, o.status, o.roles) for o in after] == [(o.office_code, o.status, o.roles)
                                                                  for o in before]


def test_offices_init_is_refused_on_a_seeded_registry(cli: Cli, tmp_path: Path) -> None:
    founders = tmp_path / "offices.yaml"
    founders.write_text("- officeCode: JP\n  mspId: JPMSP\n  name: Japan Patent Office\n"
                        "  roles: {depositing: [PATENT], accessing: [PATENT]}\n", encoding="utf-8")
    line = error_line(cli.fails(ExitCode.CONFLICT, "JP", "offices", "init", str(founders), user="Admin"))
    assert line.startswith("Error: ALREADY_EXISTS: ")
    # Files that are no list of offices are refused before any network call.
    not_a_list = tmp_path / "office.json"
    not_a_list.write_text(json.dumps({"officeCode": "JP"}), encoding="utf-8")
    line = error_line(cli.fails(ExitCode.USAGE, "JP", "offices", "init", str(not_a_list)))
    assert "expected a non-empty list of offices" in line
    incomplete = tmp_path / "incomplete.yaml"
    incomplete.write_text("- officeCode: JP\n", encoding="utf-8")
    line = error_line(cli.fails(ExitCode.USAGE, "JP", "offices", "init", str(incomplete)))
    assert "mspId" in line and "is missing" in line


def test_founding_show_list_hash_and_confirm(network: Context, cli: Cli, tmp_path: Path) -> None:
    """The founded registry through ``offices founding``; the hash computed locally from a file is the one
    the ledger founded, and confirming it again (as an administrator) changes nothing."""
    registry_file = tmp_path / "offices.json"
    registry_file.write_text(json.dumps(registry.offices_document(network.plan)))
    hashed = cli.run(None, "offices", "founding", "hash", str(registry_file))
    assert hashed.exit_code == 0, describe(hashed)
    digest = hashed.stdout.strip()
    assert digest == registry.definition_hash(network.plan)

    active = decoded_list(FoundingProposal, cli.json("KR", "offices", "founding", "list", "--status", "ACTIVE"))
    assert [p.registry_hash for p in active] == [digest]
    shown = decoded(FoundingProposal, cli.json("KR", "offices", "founding", "show", digest))
    assert shown.status is FoundingStatus.ACTIVE and set(shown.confirmations) == MEMBERS
    text = cli.run("KR", "offices", "founding", "show", digest)
    assert text.exit_code == 0 and "registry:" in text.stdout and "KRMSP" in text.stdout

    again = decoded(FoundingProposal, cli.json("KR", "offices", "founding", "confirm", "--file", str(registry_file),
                                               user="Admin"))
    assert again == shown
    refused = cli.fails(ExitCode.NOT_AUTHORISED, "KR", "offices", "founding", "confirm", digest)  # User1: a client
    assert "NOT_AUTHORIZED" in error_line(refused)
