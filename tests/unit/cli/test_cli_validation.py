"""Bad input is refused before any network call: exit code 2 and one line naming the field and the rule."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from click.testing import Result

DIGEST = "ab" * 32
STAMPED = "20250317T091244Z_" + "9f3c" * 16
DEPOSIT = ["--office", "JP", "filings", "deposit", "--ip-right", "PATENT", "--number", "JP 2024-012345",
           "--filing-date", "2024-03-15"]

CASES: list[tuple[list[str], str, str]] = [
    # (arguments, the field named, the rule stated)
    ([*DEPOSIT[:-1], "2024-02-30", "--sha256", DIGEST], "'--filing-date'", "not a real calendar day"),
    ([*DEPOSIT[:-1], "15/03/2024", "--sha256", DIGEST], "'--filing-date'", "YYYY-MM-DD"),
    (["--office", "JPN", "filings", "list"], "'--office'", "two upper-case letters"),
    (["--office", "XX", "filings", "list"], "'--office'", "unknown office"),
    (["--office", "JP", "filings", "list", "--owner", "J1"], "'--owner'", "two upper-case letters"),
    ([*DEPOSIT[:7], "JP#2024", *DEPOSIT[8:], "--sha256", DIGEST], "'--number'", "may only contain"),
    ([*DEPOSIT, "--sha256", DIGEST, "--category", "INTERNATIONAL"], "'--number'", "PCT/CCYYYY/NNNNNN"),
    ([*DEPOSIT, "--document", "/no/such/priority.pdf"], "'--document'", "does not exist"),
    ([*DEPOSIT, "--sha256", "abc"], "'--sha256'", "64 hexadecimal"),
    ([*DEPOSIT, "--sha256", DIGEST, "--format", "DOCX"], "'--format'", "PDF, TIFF_ZIP, ST92_PACKAGE"),
    ([*DEPOSIT[:4], "--ip-right", "COPYRIGHT", *DEPOSIT[6:], "--sha256", DIGEST], "'--ip-right'",
     "PATENT, UTILITY_MODEL"),
    ([*DEPOSIT], "'--document'", "--document FILE"),
    ([*DEPOSIT, "--sha256", DIGEST, "--access-code", "XYZ1"], "'--access-code'", "hexadecimal"),
    ([*DEPOSIT, "--sha256", DIGEST, "--contact-email", "nope"], "'--contact-email'", "local@domain"),
    ([*DEPOSIT, "--sha256", DIGEST, "--applicant", "XX:ACME"], "'--applicant'", "unknown office"),
    ([*DEPOSIT, "--sha256", DIGEST, "--title", "Widget"], "'--applicant'", "at least one --applicant"),
    (["--office", "JP", "filings", "show", "JP:PATENT"], "'FILING_ID'", "<office>:<ipRight>:<number>"),
    (["--office", "JP", "filings", "withdraw", "JP:PATENT:1", "--reason", "a\nb"], "'--reason'", "control"),
    (["--office", "JP", "filings", "correct", "JP:PATENT:1", "--reason", "r"], "'--filing-date'",
     "change at least one"),
    (["--office", "JP", "filings", "list", "--from", "2024-12-31", "--to", "2024-01-01"], "'--from'", "after"),
    (["--office", "US", "grants", "redeem", "JP", "PATENT", "JP 2024-012345", "--filing-date", "2024-02-30",
      "--code", "7F3A"], "'--filing-date'", "not a real calendar day"),
    (["--office", "JP", "grants", "grant", "JP:PATENT:1", "usa"], "'ACCESSING_OFFICE'", "two upper-case"),
    (["--office", "US", "retrievals", "complete", "JP:PATENT:1:9f3c", "--sha256", DIGEST], "'RETRIEVAL_ID'",
     "<time>_<txId>"),
    (["--office", "US", "retrievals", "complete", f"JP:PATENT:1:{STAMPED}"], "'--document'", "exactly one"),
    (["--office", "US", "claims", "show", "US:PATENT:18123456:0"], "'CLAIM_ID'", "sequence number"),
    (["--office", "US", "claims", "list"], "'--cited'", "exactly one"),
    (["--office", "US", "claims", "restoration", "decide", "US:PATENT:1:1", "MAYBE"], "'DECISION'",
     "GRANTED, REFUSED"),
    (["--office", "JP", "offices", "membership", "approve", "9f3c"], "'PROPOSAL_ID'", "<time>_<txId>"),
    (["--office", "JP", "offices", "membership", "propose", "ADD_OFFICE", "CN"], "'--depositing'",
     "needs --depositing"),
    (["--office", "JP", "offices", "membership", "propose", "SUSPEND_OFFICE", "KR", "--accessing", "PATENT"],
     "'--depositing'", "takes no roles"),
    (["--office", "JP", "offices", "settings", "update", "--restoration", "PATENT"], "'--restoration'",
     "IP_RIGHT=CRITERIA"),
    (["--office", "JP", "offices", "settings", "update", "--closed-weekdays", "SATURDAY,FUNDAY"],
     "'--closed-weekdays'", "MONDAY"),
    (["--office", "JP", "offices", "settings", "update"], "'--file'", "nothing to change"),
    (["--office", "JP", "history", "thing", "x"], "'RECORD_TYPE'", "office, officeSettings"),
    (["--office", "JP", "deadlines", "compute", "2023-02-29", "--ip-right", "PATENT"], "'PRIORITY_DATE'",
     "not a real calendar day"),
]


@pytest.mark.parametrize(("arguments", "field", "rule"), CASES, ids=[f"{c[1]}:{c[2]}" for c in CASES])
def test_bad_input_exits_2_with_one_line(run_offline: Callable[[Sequence[str]], Result], arguments: list[str],
                                         field: str, rule: str) -> None:
    result = run_offline(arguments)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert field in lines[0] and rule in lines[0]
    assert result.stdout == ""


def test_office_and_profile_are_exclusive(run_offline: Callable[[Sequence[str]], Result], tmp_path: Path) -> None:
    result = run_offline(["--office", "JP", "--profile", str(tmp_path / "x.json"), "filings", "list"])
    assert result.exit_code == 2 and "either --office or --profile" in result.stderr


def test_missing_office_is_a_usage_error() -> None:
    from click.testing import CliRunner

    from ipledger.cli.main import cli
    result = CliRunner(env={"IPLEDGER_OFFICE": None, "IPLEDGER_PROFILE": None}).invoke(
        cli, ["filings", "show", "JP:PATENT:1"])
    assert result.exit_code == 2 and "--office" in result.stderr


def test_unknown_profile_is_a_usage_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from ipledger.cli.main import cli
    result = CliRunner(env={"IPLEDGER_PROFILES": str(tmp_path)}).invoke(cli, ["--office", "KR", "filings",
                                                                              "show", "JP:PATENT:1"])
    assert result.exit_code == 2
    assert "CONFIGURATION_INVALID" in result.stderr and "does not exist" in result.stderr
