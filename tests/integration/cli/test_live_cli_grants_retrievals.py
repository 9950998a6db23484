"""``ipledger grants`` and ``ipledger retrievals``: access codes, locks, direct grants, the retrieval audit."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import Result

from _live_cli import (
    Cli,
    Filing,
    Peers,
    decoded,
    decoded_list,
    decoded_page,
    deposit,
    describe,
    error_line,
    sha256_of,
    write_document,
)
from ipledger.cli.exit_codes import ExitCode
from ipledger.domain.models import AccessRecord, RedemptionResult, Retrieval

CODE = "7F3A9C21"


def redeem(cli: Cli, office: str, filing: Filing, code: str, *, filing_date: str | None = None) -> Result:
    return cli.run(office, "grants", "redeem", filing.office, filing.ip_right, filing.number, "--filing-date",
                   filing_date or filing.filing_date, "--code", code, json_output=True)


def test_redeem_lock_reset_grant_and_revoke(cli: Cli, peers: Peers, tmp_path: Path) -> None:
    filing = deposit(cli, "JP", tmp_path, extra=["--access-code", CODE])
    peers.settle()

    # A wrong code is recorded (exit 6) with the attempts left; the counters still come out with --json.
    wrong = cli.run("US", "grants", "redeem", "JP", "PATENT", filing.number, "--filing-date", filing.filing_date,
                    "--code", "0000", json_output=True)
    assert wrong.exit_code == ExitCode.CONFLICT, describe(wrong)
    line = error_line(wrong)
    assert line.startswith("Error: ACCESS_CODE_MISMATCH: ") and "4 attempt(s) left" in line and CODE not in line
    counters = decoded(RedemptionResult, json.loads(wrong.stdout))
    assert (counters.result.value, counters.failed_attempts, counters.remaining_attempts, counters.locked) == (
        "ACCESS_CODE_MISMATCH", 1, 4, False)

    # The wrong filing date is refused without counting (the recorded date is not echoed).
    line = error_line(cli.fails(ExitCode.CONFLICT, "US", "grants", "redeem", "JP", "PATENT", filing.number,
                                "--filing-date", "2024-06-04", "--code", CODE))
    assert line.startswith("Error: DATE_MISMATCH: ") and filing.filing_date not in line

    # The right code (lower case works too), prompted for when --code is not given.  JP's peer endorses every
    # redemption, so it must have committed the previous one first (else MVCC_READ_CONFLICT).
    peers.settle()
    granted = cli.run("US", "grants", "redeem", "JP", "PATENT", filing.number, "--filing-date", filing.filing_date,
                      json_output=True, input=CODE.lower() + "\n")
    assert granted.exit_code == 0, describe(granted)
    result = decoded(RedemptionResult, json.loads(granted.stdout[granted.stdout.index("{"):]))
    assert (result.filing_id, result.office_code, result.result.value, result.failed_attempts,
            result.remaining_attempts, result.locked) == (filing.id, "US", "ACCESS_GRANTED", 0, 5, False)
    peers.settle()
    line = error_line(cli.fails(ExitCode.CONFLICT, "US", "grants", "redeem", "JP", "PATENT", filing.number,
                                "--filing-date", filing.filing_date, "--code", CODE))
    assert line.startswith("Error: ALREADY_EXISTS: ")

    # Five wrong codes lock the EPO out, even for the right code; only JP can reset the lock.
    for attempt in range(1, 6):
        peers.settle()
        refused = redeem(cli, "EP", filing, "0000")
        assert refused.exit_code == ExitCode.CONFLICT, describe(refused)
        counters = decoded(RedemptionResult, json.loads(refused.stdout))
        assert (counters.failed_attempts, counters.remaining_attempts, counters.locked) == (
            attempt, 5 - attempt, attempt == 5)
        if attempt == 5:
            assert "access is now locked" in error_line(refused)
    peers.settle()
    locked = redeem(cli, "EP", filing, CODE)
    assert locked.exit_code == ExitCode.CONFLICT
    assert error_line(locked).startswith("Error: ACCESS_LOCKED: ")

    peers.settle()
    record = decoded(AccessRecord, cli.json("JP", "grants", "list", filing.id))
    europe = record.grant_for("EP")
    assert europe is not None and (europe.grant.value, europe.failed_attempts, europe.locked) == ("NONE", 5, True)
    line = error_line(cli.fails(ExitCode.NOT_AUTHORISED, "US", "grants", "reset-lock", filing.id, "EP"))
    assert line.startswith("Error: NOT_AUTHORIZED: ")
    reset = decoded(AccessRecord, cli.write("JP", "grants", "reset-lock", filing.id, "EP"))
    europe = reset.grant_for("EP")
    assert europe is not None and (europe.failed_attempts, europe.locked, europe.locked_at) == (0, False, None)
    line = error_line(cli.fails(ExitCode.CONFLICT, "JP", "grants", "reset-lock", filing.id, "EP"))
    assert line.startswith("Error: INVALID_TRANSITION: ")
    peers.settle()
    reopened = decoded(RedemptionResult, cli.write("EP", "grants", "redeem", "JP", "PATENT", filing.number,
                                                   "--filing-date", filing.filing_date, "--code", CODE))
    assert reopened.result.value == "ACCESS_GRANTED"

    # A direct grant by the depositing office, then its revocation.
    peers.settle()
    direct = decoded(AccessRecord, cli.write("JP", "grants", "grant", filing.id, "KR"))
    korea = direct.grant_for("KR")
    assert korea is not None and (korea.grant.value, korea.route and korea.route.value) == ("ACTIVE", "DIRECT_GRANT")
    line = error_line(cli.fails(ExitCode.CONFLICT, "JP", "grants", "grant", filing.id, "KR"))
    assert line.startswith("Error: ALREADY_EXISTS: ")
    revoked = decoded(AccessRecord, cli.write("JP", "grants", "revoke", filing.id, "KR", "--reason",
                                              "applicant's request"))
    korea = revoked.grant_for("KR")
    assert korea is not None and (korea.grant.value, korea.revocation_reason) == ("REVOKED", "applicant's request")
    assert korea.revoked_at is not None
    line = error_line(cli.fails(ExitCode.NOT_AUTHORISED, "JP", "grants", "revoke", filing.id, "KR", "--reason", "x"))
    assert line.startswith("Error: NO_GRANT: ")
    peers.settle()
    line = error_line(cli.fails(ExitCode.NOT_AUTHORISED, "KR", "retrievals", "request", filing.id))
    assert line.startswith("Error: NO_GRANT: ")

    final = decoded(AccessRecord, cli.json("JP", "grants", "list", filing.id))
    assert [(entry.office_code, entry.grant.value) for entry in final.offices] == [
        ("EP", "ACTIVE"), ("KR", "REVOKED"), ("US", "ACTIVE")]
    table = cli.run("JP", "grants", "list", filing.id)
    assert table.exit_code == 0, describe(table)
    assert f"first filing {filing.id} (owner JP); access code set, version 1" in table.stdout
    rows = {line.split()[0]: line.split() for line in table.stdout.splitlines()[3:] if line.strip()}
    assert rows["US"][1:3] == ["ACTIVE", "ACCESS_CODE"] and rows["KR"][1:3] == ["REVOKED", "DIRECT_GRANT"]


def test_redeem_before_a_code_is_set(cli: Cli, peers: Peers, tmp_path: Path) -> None:
    filing = deposit(cli, "JP", tmp_path)
    peers.settle()
    line = error_line(cli.fails(ExitCode.CONFLICT, "US", "grants", "redeem", "JP", "PATENT", filing.number,
                                "--filing-date", filing.filing_date, "--code", CODE))
    assert line.startswith("Error: ACCESS_CODE_NOT_SET: ")


def test_request_complete_show_and_log_retrievals(cli: Cli, peers: Peers, tmp_path: Path) -> None:
    filing = deposit(cli, "JP", tmp_path, extra=["--access-code", CODE])
    peers.settle()
    cli.write("US", "grants", "redeem", "JP", "PATENT", filing.number, "--filing-date", filing.filing_date,
              "--code", CODE)

    first = decoded(Retrieval, cli.write("US", "retrievals", "request", filing.id))
    assert first.id.startswith(filing.id + ":") and first.filing_id == filing.id
    assert (first.owner_office, first.requesting_office, first.status.value, first.document_version) == (
        "JP", "US", "PENDING", 1)
    assert first.grant_route is not None and first.grant_route.value == "ACCESS_CODE"
    assert first.expected_sha256 == sha256_of(filing.document) and first.received_sha256 == ""
    done = decoded(Retrieval, cli.write("US", "retrievals", "complete", first.id, "--document", str(filing.document)))
    assert (done.status.value, done.received_sha256, done.error_code) == (
        "SUCCESS", sha256_of(filing.document), "")
    assert done.completed_at is not None
    line = error_line(cli.fails(ExitCode.CONFLICT, "US", "retrievals", "complete", first.id, "--document",
                                str(filing.document)))
    assert line.startswith("Error: INVALID_TRANSITION: ")

    # A different document: recorded as ERROR (HASH_MISMATCH), exit 6, the recorded retrieval on stdout.
    second = decoded(Retrieval, cli.write("US", "retrievals", "request", filing.id))
    other = write_document(tmp_path, "tampered")
    mismatch = cli.run("US", "retrievals", "complete", second.id, "--document", str(other), json_output=True)
    assert mismatch.exit_code == ExitCode.CONFLICT, describe(mismatch)
    assert error_line(mismatch).startswith("Error: HASH_MISMATCH: ")
    recorded = decoded(Retrieval, json.loads(mismatch.stdout))
    assert (recorded.id, recorded.status.value, recorded.error_code, recorded.received_sha256) == (
        second.id, "ERROR", "HASH_MISMATCH", sha256_of(other))

    # A failed delivery, with the reason and a message.
    third = decoded(Retrieval, cli.write("US", "retrievals", "request", filing.id))
    failed = decoded(Retrieval, cli.write("US", "retrievals", "complete", third.id, "--failed", "download-failed",
                                          "--message", "timeout after 3 attempts"))
    assert (failed.status.value, failed.error_code, failed.error_message) == (
        "ERROR", "DOWNLOAD_FAILED", "timeout after 3 attempts")
    line = error_line(cli.fails(ExitCode.USAGE, "US", "retrievals", "complete", third.id, "--sha256", "ab" * 32,
                                "--failed", "OTHER"))
    assert "exactly one of" in line
    line = error_line(cli.fails(ExitCode.USAGE, "US", "retrievals", "complete", third.id, "--sha256", "ab" * 32,
                                "--message", "no failure"))
    assert "--message goes with --failed" in line

    # By digest instead of the file (any case; stored in lower case).
    fourth = decoded(Retrieval, cli.write("US", "retrievals", "request", filing.id))
    by_digest = decoded(Retrieval, cli.write("US", "retrievals", "complete", fourth.id, "--sha256",
                                             sha256_of(filing.document).upper()))
    assert (by_digest.status.value, by_digest.received_sha256) == ("SUCCESS", sha256_of(filing.document))

    assert decoded(Retrieval, cli.json("US", "retrievals", "show", first.id)) == done
    peers.settle()
    assert decoded(Retrieval, cli.json("JP", "retrievals", "show", second.id)) == recorded
    text = cli.run("JP", "retrievals", "show", third.id)
    assert text.exit_code == 0 and "DOWNLOAD_FAILED" in text.stdout and "timeout after 3 attempts" in text.stdout

    # The depositing office's audit log: every request, all pages or one at a time, in key order (the request
    # time to the second, then the transaction id: requests within one second keep no order among themselves).
    log = decoded_list(Retrieval, cli.json("JP", "retrievals", "log", filing.id))
    ids = [retrieval.id for retrieval in log]
    requests = (first, second, third, fourth)
    assert sorted(ids) == ids and set(ids) == {r.id for r in requests}
    assert [retrieval.requested_at for retrieval in log] == sorted(r.requested_at for r in requests)  # type: ignore
    assert {retrieval.id: retrieval.status.value for retrieval in log} == {
        first.id: "SUCCESS", second.id: "ERROR", third.id: "ERROR", fourth.id: "SUCCESS"}
    page = decoded_page(Retrieval, cli.json("JP", "retrievals", "log", filing.id, "--page-size", "3", "--page"))
    assert [retrieval.id for retrieval in page.records] == ids[:3] and not page.is_last
    rest = decoded_page(Retrieval, cli.json("JP", "retrievals", "log", filing.id, "--page-size", "3", "--bookmark",
                                            page.bookmark))
    assert [retrieval.id for retrieval in rest.records] == ids[3:]
    table = cli.run("JP", "retrievals", "log", filing.id)
    assert table.exit_code == 0 and table.stdout.count("US") >= 4 and "4 record(s)" in table.stderr

    # The owner does not retrieve its own document; nobody retrieves a withdrawn one.
    line = error_line(cli.fails(ExitCode.USAGE, "JP", "retrievals", "request", filing.id))
    assert line.startswith("Error: INVALID_ARGUMENT: ")
    cli.write("JP", "filings", "withdraw", filing.id, "--reason", "withdrawn by the applicant")
    peers.settle()
    line = error_line(cli.fails(ExitCode.CONFLICT, "US", "retrievals", "request", filing.id))
    assert line.startswith("Error: DOCUMENT_UNAVAILABLE: ")


def test_fetch_moves_the_document_and_records_the_retrieval(cli: Cli, peers: Peers, tmp_path: Path) -> None:
    filing = deposit(cli, "JP", tmp_path)
    peers.settle()
    out = tmp_path / "received.pdf"
    # Without a grant nothing moves and nothing is written (RequestRetrieval is refused: exit 4).
    line = error_line(cli.fails(ExitCode.NOT_AUTHORISED, "US", "retrievals", "fetch", filing.id, "--out", str(out)))
    assert line.startswith("Error: NO_GRANT: ") and not out.exists()
    cli.write("JP", "grants", "grant", filing.id, "US")
    peers.settle()
    done = decoded(Retrieval, cli.json("US", "retrievals", "fetch", filing.id, "--out", str(out)))
    assert out.read_bytes() == filing.document.read_bytes()
    assert (done.status.value, done.received_sha256, done.requesting_office) == (
        "SUCCESS", sha256_of(filing.document), "US")
    text = cli.run("US", "retrievals", "fetch", filing.id, "--out", str(out))  # the file is there already
    assert text.exit_code == ExitCode.USAGE and "exists already" in text.stderr
    peers.settle()
    log = decoded_list(Retrieval, cli.json("JP", "retrievals", "log", filing.id))
    assert [(r.id, r.status.value) for r in log] == [(done.id, "SUCCESS")]
