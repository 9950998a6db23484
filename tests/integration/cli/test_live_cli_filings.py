"""``ipledger filings``: deposit, show, find, correct, publish, withdraw, list, access codes, confidential data."""

from __future__ import annotations

import json
import re
import secrets
from datetime import timedelta
from pathlib import Path

from _live_cli import (
    Cli,
    Peers,
    day,
    decoded,
    decoded_list,
    decoded_page,
    deposit,
    describe,
    error_line,
    random_digits,
    random_past_date,
    sha256_of,
    write_document,
)
from ipledger.cli.exit_codes import ExitCode
from ipledger.credentials.connection_profile import ConnectionProfile
from ipledger.library import LibraryClient, LibraryCredentials
from ipledger.domain.models import (
    AccessRecord,
    ConfidentialIntegrity,
    FilingConfidential,
    FirstFiling,
    RedemptionResult,
)


def test_deposit_with_document_confidential_data_and_access_code(cli: Cli, peers: Peers, tmp_path: Path) -> None:
    marker = random_digits(8)
    filing = deposit(cli, "JP", tmp_path, extra=[
        "--title", f"Folding widget {marker}", "--applicant", "JP:ACME K.K.", "--applicant", f"Inventor {marker}",
        "--contact-name", "Hanako Yamada", "--contact-email", f"ip-{marker}@acme.example", "--access-code", "7F3A9C",
    ])
    record = decoded(FirstFiling, filing.record)
    assert (record.office_code, record.ip_right.value, record.status.value, record.version) == (
        "JP", "PATENT", "AVAILABLE", 1)
    assert record.application_number == filing.number
    assert record.application_number_normalised == filing.id.split(":")[2]
    assert record.document_sha256 == sha256_of(filing.document)
    assert re.fullmatch(r"[0-9a-f]{64}", record.confidential_hash)
    assert record.publication_date is None and record.application_category.value == "NATIONAL"

    assert cli.json("JP", "filings", "show", filing.id) == filing.record
    peers.settle()
    # Other offices see the public record, never the private part.
    assert cli.json("US", "filings", "show", filing.id) == filing.record
    text = cli.run("US", "filings", "show", filing.id)
    assert text.exit_code == 0 and filing.id in text.stdout and marker not in text.stdout
    # Found by the number as written and by its normalised form.
    assert cli.json("US", "filings", "find", "JP", "PATENT", filing.number) == filing.record
    assert cli.json("KR", "filings", "find", "JP", "patent", filing.id.split(":")[2]) == filing.record

    confidential = decoded(FilingConfidential, cli.json("JP", "filings", "confidential", "show", filing.id))
    assert confidential.filing_id == filing.id
    assert confidential.title == f"Folding widget {marker}"
    assert [(a.name, a.country_code) for a in confidential.applicants] == [
        ("ACME K.K.", "JP"), (f"Inventor {marker}", "")]
    assert (confidential.contact.name, confidential.contact.email) == ("Hanako Yamada", f"ip-{marker}@acme.example")
    shown = cli.run("JP", "filings", "confidential", "show", filing.id)
    assert shown.exit_code == 0 and f"Folding widget {marker}" in shown.stdout and confidential.salt not in shown.stdout
    line = error_line(cli.fails(ExitCode.NOT_AUTHORISED, "US", "filings", "confidential", "show", filing.id))
    assert line.startswith("Error: NOT_AUTHORIZED: ") and marker not in line

    for office in ("US", "EP"):
        integrity = decoded(ConfidentialIntegrity, cli.json(office, "filings", "confidential", "check", filing.id))
        assert integrity.match and integrity.confidential_hash == record.confidential_hash == \
            integrity.private_data_hash

    access = decoded(AccessRecord, cli.json("JP", "grants", "list", filing.id))
    assert (access.owner_office, access.access_code_set, access.access_code_version, access.offices) == (
        "JP", True, 1, ())


def test_confidential_set_and_access_code_commands(cli: Cli, peers: Peers, tmp_path: Path) -> None:
    filing = deposit(cli, "JP", tmp_path)
    assert filing.record["confidentialHash"] == ""
    assert cli.fails(ExitCode.NOT_FOUND, "JP", "filings", "confidential", "show", filing.id)
    assert decoded(AccessRecord, cli.json("JP", "grants", "list", filing.id)).access_code_set is False

    updated = decoded(FirstFiling, cli.write("JP", "filings", "confidential", "set", filing.id, "--title",
                                             "Hinge for a folding widget", "--applicant", "US:Widget Inc.",
                                             "--contact-email", "docket@widget.example"))
    assert re.fullmatch(r"[0-9a-f]{64}", updated.confidential_hash) and updated.version == 1
    first_hash = updated.confidential_hash
    again = decoded(FirstFiling, cli.write("JP", "filings", "confidential", "set", filing.id, "--title",
                                           "Hinge, corrected title", "--applicant", "Widget Inc."))
    assert again.confidential_hash != first_hash  # a fresh salt and new content
    shown = decoded(FilingConfidential, cli.json("JP", "filings", "confidential", "show", filing.id))
    assert shown.title == "Hinge, corrected title" and shown.applicants[0].country_code == ""
    peers.settle()
    assert decoded(ConfidentialIntegrity, cli.json("KR", "filings", "confidential", "check", filing.id)).match
    assert cli.fails(ExitCode.NOT_AUTHORISED, "US", "filings", "confidential", "set", filing.id, "--title", "x",
                     "--applicant", "y")

    first = decoded(AccessRecord, cli.write("JP", "filings", "access-code", filing.id, "--code", "ABCDEF12"))
    assert (first.access_code_set, first.access_code_version) == (True, 1)
    # Prompted (hidden, with confirmation) when no option is given.
    prompted = cli.run("JP", "filings", "access-code", filing.id, json_output=True, input="c0ffee\nc0ffee\n")
    assert prompted.exit_code == 0, describe(prompted)
    # The runner echoes the (hidden) prompts to stdout; a terminal shows them on the tty instead.
    assert "c0ffee" not in prompted.stdout
    assert decoded(AccessRecord, json.loads(prompted.stdout[prompted.stdout.index("{"):])).access_code_version == 2
    generated = cli.run("JP", "filings", "access-code", filing.id, "--generate", json_output=True)
    assert generated.exit_code == 0, describe(generated)
    record = decoded(AccessRecord, json.loads(generated.stdout))
    assert record.access_code_version == 3
    code = re.search(r"access code \(give it to the applicant; the ledger keeps only its hash\): ([0-9a-f]{16})",
                     generated.stderr)
    assert code is not None, describe(generated)
    assert code.group(1) not in generated.stdout

    peers.settle()
    # Only the newest code opens the document.
    stale = cli.run("US", "--json", "grants", "redeem", "JP", "PATENT", filing.number, "--filing-date",
                    filing.filing_date, "--code", "ABCDEF12")
    assert stale.exit_code == ExitCode.CONFLICT, describe(stale)
    peers.settle()  # JP's peer endorses the next redemption too: it must have committed this one
    granted = decoded(RedemptionResult, cli.write("US", "grants", "redeem", "JP", "PATENT", filing.number,
                                                  "--filing-date", filing.filing_date, "--code", code.group(1)))
    assert granted.result.value == "ACCESS_GRANTED"
    assert cli.fails(ExitCode.NOT_AUTHORISED, "US", "filings", "access-code", filing.id, "--code", "1234")


def test_correct_publish_and_withdraw(cli: Cli, peers: Peers, tmp_path: Path) -> None:
    filing = deposit(cli, "JP", tmp_path, filing_date=random_past_date())
    replacement = write_document(tmp_path, "corrected")
    corrected = decoded(FirstFiling, cli.write("JP", "filings", "correct", filing.id, "--document", str(replacement),
                                               "--reason", "missing drawing sheet"))
    assert (corrected.version, corrected.document_sha256, corrected.last_change_reason) == (
        2, sha256_of(replacement), "missing drawing sheet")
    reformatted = decoded(FirstFiling, cli.write("JP", "filings", "correct", filing.id, "--format", "TIFF_ZIP",
                                                 "--reason", "scanned pages"))
    assert (reformatted.version, reformatted.document_format.value) == (3, "TIFF_ZIP")
    later = corrected.filing_date + timedelta(days=1)
    redated = decoded(FirstFiling, cli.write("JP", "filings", "correct", filing.id, "--filing-date", day(later),
                                             "--reason", "date of receipt"))
    assert (redated.version, redated.filing_date) == (4, later)

    published_on = later + timedelta(days=540)
    published = decoded(FirstFiling, cli.write("JP", "filings", "publish", filing.id, "--publication-date",
                                               day(published_on)))
    assert (published.status.value, published.publication_date) == ("PUBLISHED", published_on)
    line = error_line(cli.fails(ExitCode.CONFLICT, "JP", "filings", "publish", filing.id, "--publication-date",
                                day(published_on)))
    assert line.startswith("Error: INVALID_TRANSITION: ")

    peers.settle()
    line = error_line(cli.fails(ExitCode.NOT_AUTHORISED, "US", "filings", "withdraw", filing.id, "--reason", "x"))
    assert line.startswith("Error: NOT_AUTHORIZED: ")
    withdrawn = decoded(FirstFiling, cli.write("JP", "filings", "withdraw", filing.id, "--reason", "security review"))
    assert (withdrawn.status.value, withdrawn.last_change_reason) == ("WITHDRAWN", "security review")
    line = error_line(cli.fails(ExitCode.CONFLICT, "JP", "filings", "correct", filing.id, "--format", "PDF",
                                "--reason", "too late"))
    assert line.startswith("Error: INVALID_TRANSITION: ")
    line = error_line(cli.fails(ExitCode.CONFLICT, "JP", "filings", "withdraw", filing.id, "--reason", "twice"))
    assert line.startswith("Error: INVALID_TRANSITION: ")
    assert cli.json("JP", "filings", "show", filing.id) == withdrawn.to_json()


def test_list_with_filters_and_pagination(cli: Cli, peers: Peers, tmp_path: Path) -> None:
    filed = random_past_date()
    patents = [deposit(cli, "JP", tmp_path, filing_date=filed) for _ in range(5)]
    trademark = deposit(cli, "JP", tmp_path, ip_right="TRADEMARK", filing_date=filed)
    cli.write("JP", "filings", "withdraw", patents[0].id, "--reason", "withdrawn for the list test")
    mine = {filing.id for filing in patents}
    window = ["--owner", "JP", "--from", day(filed), "--to", day(filed)]

    # Page by page with --page/--bookmark: each page at most --page-size records, no record twice.
    seen: list[str] = []
    page = decoded_page(FirstFiling, cli.json("JP", "filings", "list", *window, "--ip-right", "PATENT",
                                              "--page-size", "2", "--page"))
    pages = 1
    while True:
        assert len(page.records) <= 2
        seen += [record.id for record in page.records]
        if page.is_last:
            break
        page = decoded_page(FirstFiling, cli.json("JP", "filings", "list", *window, "--ip-right", "PATENT",
                                                  "--page-size", "2", "--bookmark", page.bookmark))
        pages += 1
    assert pages >= 3 and len(seen) == len(set(seen)) and mine <= set(seen)
    assert seen == sorted(seen, key=lambda filing_id: filing_id.split(":")[2])  # same office, date, IP right

    # Without --page the listing follows the bookmarks itself; --limit cuts it.
    everything = decoded_list(FirstFiling, cli.json("JP", "filings", "list", *window, "--page-size", "2"))
    assert {filing.id for filing in everything} >= mine | {trademark.id}
    assert all(filing.office_code == "JP" and filing.filing_date == filed for filing in everything)
    assert [filing.id for filing in everything if filing.ip_right.value == "PATENT"] == seen
    limited = decoded_list(FirstFiling, cli.json("JP", "filings", "list", *window, "--page-size", "2",
                                                 "--limit", "3"))
    assert [filing.id for filing in limited] == [filing.id for filing in everything[:3]]

    # Filters, also as another office.
    peers.settle()
    trademarks = decoded_list(FirstFiling, cli.json("US", "filings", "list", *window, "--ip-right", "TRADEMARK"))
    assert trademark.id in {filing.id for filing in trademarks}
    assert all(filing.ip_right.value == "TRADEMARK" for filing in trademarks)
    withdrawn = decoded_list(FirstFiling, cli.json("US", "filings", "list", *window, "--status", "WITHDRAWN"))
    assert patents[0].id in {filing.id for filing in withdrawn} and not (
        {filing.id for filing in withdrawn} & (mine - {patents[0].id}))
    available = decoded_list(FirstFiling, cli.json("US", "filings", "list", *window, "--status", "available",
                                                   "--ip-right", "patent"))
    assert {filing.id for filing in available} >= mine - {patents[0].id}
    assert patents[0].id not in {filing.id for filing in available}
    before = decoded_list(FirstFiling, cli.json("US", "filings", "list", "--owner", "JP", "--to",
                                                day(filed - timedelta(days=1)), "--from",
                                                day(filed - timedelta(days=1))))
    assert not {filing.id for filing in before} & (mine | {trademark.id})

    # People get a table and, for one page, the bookmark to go on with.
    table = cli.run("JP", "filings", "list", *window, "--page-size", "2", "--page")
    assert table.exit_code == 0, describe(table)
    assert table.stdout.splitlines()[0].split() == ["id", "application", "number", "filing", "date", "format",
                                                    "version", "status", "published"]
    assert re.search(r"more records: repeat with --bookmark \S+", table.stderr), describe(table)
    full = cli.run("JP", "filings", "list", *window)
    assert all(filing.id in full.stdout for filing in patents) and "record(s)" in full.stderr


def test_deposit_by_digest_international_and_generated_code(cli: Cli, peers: Peers, live_profiles: Path,
                                                            tmp_path: Path) -> None:
    # An international application (PCT receiving office JP), by the digest of a document JP's library
    # already holds, with a generated access code.
    document = tmp_path / "international.zip"
    document.write_bytes(b"ST.92 package " + secrets.token_bytes(32))
    profile = ConnectionProfile.load(live_profiles / "JP.json")
    digest = LibraryClient(profile.libraries["JP"], LibraryCredentials.from_profile(profile, "User1")).store(
        document).upper()
    for _ in range(3):
        number = f"PCT/JP2024/{random_digits(6)}"
        result = cli.run("JP", "filings", "deposit", "--ip-right", "patent", "--number", number, "--category",
                         "INTERNATIONAL", "--filing-date", "2024-06-03", "--sha256", digest, "--format",
                         "ST92_PACKAGE", "--generate-access-code", json_output=True)
        if "ALREADY_EXISTS" not in result.stderr:  # someone drew the same six digits
            break
    assert result.exit_code == 0, describe(result)
    filing = decoded(FirstFiling, json.loads(result.stdout))
    assert filing.id == f"JP:PATENT:{number.replace('/', '')}"
    assert (filing.application_category.value, filing.document_format.value, filing.document_sha256) == (
        "INTERNATIONAL", "ST92_PACKAGE", digest.lower())
    code = re.search(r"access code \(give it to the applicant; the ledger keeps only its hash\): ([0-9a-f]{16})$",
                     result.stderr.strip())
    assert code is not None and code.group(1) not in result.stdout, describe(result)

    # --json also after the command name; the PCT number is found as written.
    peers.settle()
    shown = cli.run("US", "filings", "show", filing.id, "--json")
    assert shown.exit_code == 0 and json.loads(shown.stdout) == filing.to_json()
    assert cli.json("US", "filings", "find", "JP", "PATENT", number.lower()) == filing.to_json()
    granted = decoded(RedemptionResult, cli.write("US", "grants", "redeem", "JP", "PATENT", number,
                                                  "--filing-date", "2024-06-03", "--code", code.group(1)))
    assert granted.result.value == "ACCESS_GRANTED" and granted.filing_id == filing.id
