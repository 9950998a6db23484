"""Exit codes and error messages of ``ipledger`` against the live network.

Input errors are refused before any network call: the same commands run with a profiles directory whose every
endpoint is a closed port still end with exit code 2 and the one-line message naming the field (a network call
would have ended with 5).  Refusals of the ledger map to 3 (not found), 4 (not authorised) and 6 (conflict), an
unreachable peer or CA to 5.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from _live_cli import Cli, Peers, deposit, describe, error_line, random_digits, run_console, write_document
from ipledger.cli.exit_codes import ExitCode
from ipledger.domain.models import Office

SHA = "ab" * 32

# (command line after --office JP, the field the message names, a fragment of the rule it states)
INVALID_INPUT: list[tuple[list[str], str, str]] = [
    # unknown office: XX is ST.3's "unknown", and an office code has two upper-case letters
    (["filings", "find", "XX", "PATENT", "2024-012345"], "'OFFICE_CODE'", "XX is the ST.3 code for an unknown"),
    (["filings", "list", "--owner", "J1"], "'--owner'", "is not a WIPO ST.3 office code"),
    (["grants", "grant", "JP:PATENT:2024012345", "XX"], "'ACCESSING_OFFICE'", "unknown office"),
    (["claims", "record", "--number", "18/123,456", "--ip-right", "PATENT", "--filing-date", "2025-03-17",
      "--priority-office", "XX", "--priority-number", "2024-012345", "--priority-date", "2024-03-15"],
     "'--priority-office'", "unknown office"),
    # malformed application number
    (["filings", "deposit", "--ip-right", "PATENT", "--number", "JP#2024-012345", "--filing-date", "2024-03-15",
      "--sha256", SHA], "'--number'", "may only contain letters, digits"),
    (["filings", "find", "JP", "PATENT", "ABC"], "'APPLICATION_NUMBER'", "must contain a digit"),
    (["filings", "deposit", "--ip-right", "PATENT", "--number", "PCT/JP2024/12", "--category", "INTERNATIONAL",
      "--filing-date", "2024-03-15", "--sha256", SHA], "'--number'", "PCT/CCYYYY/NNNNNN"),
    # impossible dates
    (["filings", "deposit", "--ip-right", "PATENT", "--number", "JP 2024-012345", "--filing-date", "2024-02-30",
      "--sha256", SHA], "'--filing-date'", "2024-02-30 is not a real calendar day"),
    (["deadlines", "compute", "2024-02-30", "--ip-right", "PATENT"], "'PRIORITY_DATE'", "not a real calendar day"),
    (["filings", "list", "--from", "2023-02-29"], "'--from'", "2023-02-29 is not a real calendar day"),
    (["grants", "redeem", "US", "PATENT", "18/123,456", "--filing-date", "2025-13-01", "--code", "7F3A"],
     "'--filing-date'", "not a real calendar day"),
    # missing --document file
    (["filings", "deposit", "--ip-right", "PATENT", "--number", "JP 2024-012345", "--filing-date", "2024-03-15",
      "--document", "/nonexistent/ipledger/priority.pdf"], "'--document'", "does not exist"),
    (["retrievals", "complete", "JP:PATENT:2024012345:20250317T091244Z_9f3c", "--document",
      "/nonexistent/ipledger/received.pdf"], "'--document'", "does not exist"),
    # bad enum values
    (["filings", "deposit", "--ip-right", "PATENTS", "--number", "JP 2024-012345", "--filing-date", "2024-03-15",
      "--sha256", SHA], "'--ip-right'", "is not one of PATENT, UTILITY_MODEL"),
    (["filings", "list", "--status", "LOST"], "'--status'", "is not one of AVAILABLE, PUBLISHED, WITHDRAWN"),
    (["claims", "restoration", "decide", "US:PATENT:18123456:1", "MAYBE"], "'DECISION'", "GRANTED, REFUSED"),
    (["retrievals", "complete", "JP:PATENT:2024012345:20250317T091244Z_9f3c", "--failed", "LOST"], "'--failed'",
     "DELIVERY_FAILED"),
    (["history", "document", "JP:PATENT:2024012345"], "'RECORD_TYPE'", "is not one of office"),
    # malformed identifiers and codes
    (["filings", "show", "JP-PATENT-2024012345"], "'FILING_ID'", "is not a first filing id"),
    (["claims", "show", "US:PATENT:18123456:0"], "'CLAIM_ID'", "sequence number"),
    (["grants", "redeem", "JP", "PATENT", "2024-012345", "--filing-date", "2024-03-15", "--code", "XYZ"],
     "'--code'", "4 to 64 hexadecimal"),
    (["offices", "membership", "approve", "not-a-proposal"], "'PROPOSAL_ID'", "is not a proposal id"),
]


@pytest.mark.parametrize(("args", "field", "rule"), INVALID_INPUT,
                         ids=[f"{case[1].strip(chr(39))}-{index}" for index, case in enumerate(INVALID_INPUT)])
def test_invalid_input_is_refused_before_any_network_call(cli: Cli, closed_profiles: Path, args: list[str],
                                                          field: str, rule: str) -> None:
    # Against the live network and against profiles that cannot connect: the same exit 2 and message.
    for profiles in (cli.profiles_dir, closed_profiles):
        result = cli.fails(ExitCode.USAGE, "JP", *args, profiles_dir=profiles)
        line = error_line(result)
        assert line.startswith(f"Error: Invalid value for {field}: "), describe(result)
        assert rule in line, describe(result)
        assert result.stdout == ""
        assert "CONNECTION_FAILED" not in result.stderr


def test_acting_office_must_be_a_valid_code_with_a_profile(cli: Cli, closed_profiles: Path) -> None:
    for profiles in (cli.profiles_dir, closed_profiles):
        for code, rule in (("XX", "XX is the ST.3 code for an unknown office"), ("J1", "not a WIPO ST.3 office code")):
            line = error_line(cli.fails(ExitCode.USAGE, code, "offices", "list", profiles_dir=profiles))
            assert line.startswith("Error: Invalid value for '--office': ") and rule in line
        # A well-formed code without a connection profile: a configuration error, also before any network call.
        line = error_line(cli.fails(ExitCode.USAGE, "CN", "offices", "list", profiles_dir=profiles))
        assert line.startswith("Error: CONFIGURATION_INVALID: ") and "CN.json does not exist" in line
    line = error_line(cli.fails(ExitCode.USAGE, None, "offices", "list"))
    assert "--office" in line


def test_option_combinations_are_refused_before_any_network_call(cli: Cli, closed_profiles: Path,
                                                                 tmp_path: Path) -> None:
    document = write_document(tmp_path, "both")
    cases = [
        (["filings", "deposit", "--ip-right", "PATENT", "--number", "JP 2024-012345", "--filing-date",
          "2024-03-15", "--document", str(document), "--sha256", SHA], "either --document or --sha256"),
        (["filings", "deposit", "--ip-right", "PATENT", "--number", "JP 2024-012345", "--filing-date",
          "2024-03-15"], "give the document"),
        (["filings", "deposit", "--ip-right", "PATENT", "--number", "JP 2024-012345", "--filing-date",
          "2024-03-15", "--sha256", SHA, "--title", "Widget"], "at least one --applicant"),
        (["filings", "correct", "JP:PATENT:2024012345", "--reason", "nothing"], "change at least one"),
        (["filings", "list", "--from", "2024-02-01", "--to", "2024-01-01"], "--from is after --to"),
        (["retrievals", "complete", "JP:PATENT:2024012345:20250317T091244Z_9f3c"], "exactly one of"),
        (["claims", "list"], "exactly one of --cited or --later"),
        (["offices", "settings", "update"], "nothing to change"),
        (["offices", "membership", "propose", "ADD_OFFICE", "CN", "--depositing", "PATENT"],
         "ADD_OFFICE needs --msp-id and --name"),
    ]
    for args, rule in cases:
        for profiles in (cli.profiles_dir, closed_profiles):
            line = error_line(cli.fails(ExitCode.USAGE, "JP", *args, profiles_dir=profiles))
            assert rule in line, line


def test_records_that_do_not_exist_exit_with_3(cli: Cli) -> None:
    missing = random_digits(12)
    cases = [
        (["filings", "show", f"JP:PATENT:9{missing}"], "NOT_FOUND"),
        (["filings", "find", "JP", "PATENT", f"JP 9{missing}"], "NOT_FOUND"),
        (["grants", "list", f"JP:PATENT:9{missing}"], "NOT_FOUND"),
        (["retrievals", "show", f"JP:PATENT:9{missing}:20250317T091244Z_{missing}"], "NOT_FOUND"),
        (["claims", "show", f"US:PATENT:9{missing}:1"], "NOT_FOUND"),
        (["offices", "membership", "show", f"20250317T091244Z_{missing}"], "NOT_FOUND"),
        (["offices", "show", "CN"], "NOT_FOUND"),  # assigned ST.3 code, not a member
        (["filings", "find", "QQ", "PATENT", "2024-012345"], "UNKNOWN_OFFICE"),  # not an assigned ST.3 code
        (["deadlines", "compute", "2024-03-15", "--ip-right", "PATENT", "--osf", "CN"], "UNKNOWN_OFFICE"),
        (["ledger", "block", "999999999"], "NOT_FOUND"),
        (["ledger", "transaction", missing.rjust(64, "f")], "NOT_FOUND"),
    ]
    for args, code in cases:
        line = error_line(cli.fails(ExitCode.NOT_FOUND, "US", *args))
        assert line.startswith(f"Error: {code}: "), (args, line)


def test_acting_on_another_offices_records_exits_with_4(cli: Cli, peers: Peers, tmp_path: Path) -> None:
    filing = deposit(cli, "JP", tmp_path, extra=["--title", "Not for the USPTO", "--applicant", "JP:ACME K.K."])
    peers.settle()
    for args in (["filings", "withdraw", filing.id, "--reason", "not mine to withdraw"],
                 ["filings", "publish", filing.id, "--publication-date", "2025-01-06"],
                 ["filings", "correct", filing.id, "--filing-date", "2024-03-14", "--reason", "not mine"],
                 ["filings", "confidential", "show", filing.id],
                 ["grants", "grant", filing.id, "KR"],
                 ["retrievals", "request", filing.id]):  # no grant for the USPTO
        line = error_line(cli.fails(ExitCode.NOT_AUTHORISED, "US", *args))
        assert line.startswith(("Error: NOT_AUTHORIZED: ", "Error: NO_GRANT: ")), (args, line)
    assert "Not for the USPTO" not in cli.run("US", "filings", "show", filing.id).stdout
    assert cli.json("JP", "filings", "show", filing.id)["status"] == "AVAILABLE"


def test_unreachable_peer_or_ca_exits_with_5(cli: Cli, closed_profiles: Path) -> None:
    line = error_line(cli.fails(ExitCode.NETWORK, "JP", "offices", "list", profiles_dir=closed_profiles))
    assert line.startswith("Error: CONNECTION_FAILED: ") and "127.0.0.1:1" in line
    line = error_line(cli.fails(ExitCode.NETWORK, "US", "identities", "register", f"nobody{random_digits(6)}",
                                profiles_dir=closed_profiles))
    assert line.startswith("Error: CONNECTION_FAILED: ") and "127.0.0.1:1" in line


def test_exit_codes_as_the_shell_sees_them(cli: Cli, closed_profiles: Path, peers: Peers, tmp_path: Path) -> None:
    profiles = cli.profiles_dir
    shown = run_console(profiles, "--office", "US", "--json", "offices", "show", "JP")
    assert shown.returncode == 0, shown.stderr
    assert Office.from_json(json.loads(shown.stdout)).office_code == "JP"
    own = run_console(profiles, "offices", "show", "--json", env={"IPLEDGER_OFFICE": "KR"})  # office from the env
    assert own.returncode == 0 and Office.from_json(json.loads(own.stdout)).office_code == "KR", own.stderr

    impossible = run_console(profiles, "--office", "JP", "deadlines", "compute", "2024-02-30", "--ip-right", "PATENT")
    assert impossible.returncode == 2 and impossible.stdout == ""
    assert impossible.stderr.strip() == ("Error: Invalid value for 'PRIORITY_DATE': 2024-02-30 is not a real "
                                         "calendar day")

    missing = run_console(profiles, "--office", "JP", "filings", "show", f"JP:PATENT:9{random_digits(12)}")
    assert missing.returncode == 3 and missing.stderr.startswith("Error: NOT_FOUND: ")

    filing = deposit(cli, "JP", tmp_path, extra=["--access-code", "5EC2E7"])
    peers.settle()
    refused = run_console(profiles, "--office", "US", "filings", "withdraw", filing.id, "--reason", "not mine")
    assert refused.returncode == 4 and refused.stderr.startswith("Error: NOT_AUTHORIZED: ")

    wrong = run_console(profiles, "--office", "US", "--json", "grants", "redeem", "JP", "PATENT", filing.number,
                        "--filing-date", filing.filing_date, "--code", "0000")
    assert wrong.returncode == 6 and wrong.stderr.startswith("Error: ACCESS_CODE_MISMATCH: ")
    assert "4 attempt(s) left" in wrong.stderr
    assert json.loads(wrong.stdout)["remainingAttempts"] == 4

    unreachable = run_console(closed_profiles, "--office", "JP", "offices", "list")
    assert unreachable.returncode == 5 and unreachable.stderr.startswith("Error: CONNECTION_FAILED: ")
