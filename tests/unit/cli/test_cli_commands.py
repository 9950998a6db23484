"""Commands against the fake contract: output formats, exit codes, what reaches the ledger."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

import _contract_examples as examples
from _domain_fakes import FakeContract, FakeLibraries, Recorded, chaincode_failure, unavailable
from _cli_support import Run

US_OFFICE = dict(examples.OFFICE, officeCode="US", mspId="USMSP", name="USPTO")


def test_show_prints_a_field_list(run: Run, contract: FakeContract) -> None:
    contract.answers["GetFirstFiling"] = examples.FIRST_FILING
    result = run("filings", "show", "JP:PATENT:2024012345")
    assert result.exit_code == 0, result.output
    assert re.search(r"^application number +JP 2024-012345$", result.stdout, re.MULTILINE)
    assert contract.calls[0].arguments == ("JP:PATENT:2024012345",)


@pytest.mark.parametrize("where", ["global", "command"])
def test_json_prints_the_record_json(run: Run, contract: FakeContract, where: str) -> None:
    contract.answers["GetFirstFiling"] = examples.FIRST_FILING
    args = ["filings", "show", "JP:PATENT:2024012345"]
    result = run("--json", *args) if where == "global" else run(*args, "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == examples.FIRST_FILING


def test_list_follows_every_page_into_one_table(run: Run, contract: FakeContract) -> None:
    contract.answers["ListFirstFilings"] = [examples.page([examples.filing("1")], "b1"),
                                            examples.page([examples.filing("2")], "")]
    result = run("filings", "list", "--owner", "JP", "--ip-right", "patent")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["id", "application", "number"]
    assert [line.split()[0] for line in lines[2:]] == ["JP:PATENT:1", "JP:PATENT:2"]
    assert "2 record(s)" in result.stderr
    assert contract.calls[0].arguments[:2] == ("JP", "PATENT")


def test_list_limit_stops_early(run: Run, contract: FakeContract) -> None:
    contract.answers["ListFirstFilings"] = [examples.page([examples.filing("1"), examples.filing("2")], "b1")]
    result = run("filings", "list", "--limit", "1", "--json")
    assert [record["id"] for record in json.loads(result.stdout)] == ["JP:PATENT:1"]
    assert len(contract.calls) == 1


def test_single_page_mode_shows_the_bookmark(run: Run, contract: FakeContract) -> None:
    contract.answers["ListRetrievals"] = examples.page([examples.RETRIEVAL], "bm2")
    result = run("retrievals", "log", "JP:PATENT:2024012345", "--bookmark", "bm1", "--page-size", "1")
    assert result.exit_code == 0
    assert "--bookmark bm2" in result.stderr
    assert contract.calls[0].arguments == ("JP:PATENT:2024012345", "1", "bm1")
    as_json = run("retrievals", "log", "JP:PATENT:2024012345", "--page", "--json")
    assert json.loads(as_json.stdout)["bookmark"] == "bm2"


def test_deposit_stores_the_document_then_records_its_hash(run: Run, contract: FakeContract,
                                                          libraries: FakeLibraries, tmp_path: Path) -> None:
    document = tmp_path / "priority.pdf"
    document.write_bytes(b"%PDF-1.7 priority document")
    contract.answers.update({"DepositFirstFiling": examples.FIRST_FILING,
                             "SetFilingConfidential": examples.FIRST_FILING,
                             "SetAccessCode": examples.ACCESS_RECORD})
    result = run("filings", "deposit", "--ip-right", "PATENT", "--number", "JP 2024-012345", "--filing-date",
                 "2024-03-15", "--document", str(document), "--title", "Folding widget", "--applicant",
                 "JP:ACME K.K.", "--applicant", "Jane Doe", "--generate-access-code")
    assert result.exit_code == 0, result.output
    sent = json.loads(contract.named("DepositFirstFiling")[0].arguments[0])
    digest = hashlib.sha256(b"%PDF-1.7 priority document").hexdigest()
    assert sent["documentSha256"] == digest
    assert libraries.of("JP").documents[digest] == b"%PDF-1.7 priority document"
    confidential = contract.named("SetFilingConfidential")[0].transient_json("confidential")
    assert confidential["applicants"] == [{"name": "ACME K.K.", "countryCode": "JP"},
                                          {"name": "Jane Doe", "countryCode": ""}]
    code = contract.named("SetAccessCode")[0].transient_json("accessCode")["accessCode"]
    assert len(code) == 16 and code in result.stderr and code not in result.stdout


def test_redeem_prompts_for_the_code_without_echo(run: Run, contract: FakeContract) -> None:
    contract.answers.update({"GetOffice": dict(examples.OFFICE), "RedeemAccessCode": examples.REDEMPTION_PENDING,
                             "SettleAccessCodeRedemption": examples.REDEMPTION_GRANTED})
    result = run("grants", "redeem", "JP", "PATENT", "JP 2024-012345", "--filing-date", "2024-03-15",
                 office="US", input="7F3A\n")
    assert result.exit_code == 0, result.output
    call = contract.named("RedeemAccessCode")[0]
    assert call.transient_json("accessCode") == {"accessCode": "7F3A"}
    assert call.endorsing_organizations == ("JPMSP",)
    settle = contract.named("SettleAccessCodeRedemption")[0]
    assert settle.arguments == ("JP:PATENT:2024012345", "US") and not settle.transient
    assert settle.endorsing_organizations == ("JPMSP",)
    assert "7F3A" not in result.stdout


def test_wrong_access_code_exits_6_with_the_counters(run: Run, contract: FakeContract) -> None:
    contract.answers.update({"GetOffice": dict(examples.OFFICE), "RedeemAccessCode": examples.REDEMPTION_PENDING,
                             "SettleAccessCodeRedemption": examples.REDEMPTION_MISMATCH})
    args = ("grants", "redeem", "JP", "PATENT", "JP 2024-012345", "--filing-date", "2024-03-15", "--code", "0000")
    result = run(*args, office="US")
    assert result.exit_code == 6
    assert result.stderr.startswith("Error: ACCESS_CODE_MISMATCH: ")
    assert "3 attempt(s) left" in result.stderr
    contract.answers["SettleAccessCodeRedemption"] = examples.REDEMPTION_MISMATCH
    as_json = run("--json", *args, office="US")
    assert as_json.exit_code == 6 and json.loads(as_json.stdout)["remainingAttempts"] == 3


@pytest.mark.parametrize(("failure", "exit_code"), [
    (chaincode_failure("NOT_FOUND: first filing JP:PATENT:9 does not exist", evaluate=True), 3),
    (chaincode_failure("UNKNOWN_OFFICE: office CN is not registered", evaluate=True), 3),
    (chaincode_failure("NOT_AUTHORIZED: not yours", evaluate=True), 4),
    (chaincode_failure("OFFICE_SUSPENDED: office JP is suspended", evaluate=True), 4),
    (chaincode_failure("INVALID_ARGUMENT: bookmark does not belong to this query", evaluate=True), 2),
    (chaincode_failure("INTERNAL: disk full", evaluate=True), 1),
    (chaincode_failure("SOMETHING_NEW: later chaincode", evaluate=True), 1),
    (unavailable(), 5),
])
def test_errors_map_to_stable_exit_codes(run: Run, contract: FakeContract, failure: Exception,
                                         exit_code: int) -> None:
    contract.answers["GetFirstFiling"] = failure
    result = run("filings", "show", "JP:PATENT:9")
    assert result.exit_code == exit_code, result.output
    assert result.stderr.startswith("Error: ")


@pytest.mark.parametrize("code", ["PRIORITY_PERIOD_EXPIRED", "ALREADY_EXISTS", "INCOMPATIBLE_IP_TYPE"])
def test_business_rule_refusals_exit_6(run: Run, contract: FakeContract, code: str) -> None:
    contract.answers["RecordPriorityClaim"] = chaincode_failure(f"{code}: refused")
    result = run("claims", "record", "--number", "18/123,456", "--ip-right", "PATENT", "--filing-date",
                 "2025-06-01", "--priority-office", "JP", "--priority-number", "JP 2024-012345",
                 "--priority-date", "2024-03-15", office="US")
    assert result.exit_code == 6
    assert f"Error: {code}: refused" in result.stderr


def test_claims_record_sends_the_claim_json(run: Run, contract: FakeContract) -> None:
    contract.answers["RecordPriorityClaim"] = examples.RECORDED_CLAIM
    result = run("claims", "record", "--number", "18/123,456", "--ip-right", "PATENT", "--filing-date",
                 "2025-03-17", "--priority-office", "JP", "--priority-number", "JP 2024-012345",
                 "--priority-date", "2024-03-15", "--sequence", "1", office="US")
    assert result.exit_code == 0, result.output
    sent = json.loads(contract.calls[0].arguments[0])
    assert sent["priority"]["ipRight"] == "PATENT"  # defaults to the later application's IP right
    assert "earliest priority date" in result.stdout


def test_claims_list_later_shows_the_earliest_date(run: Run, contract: FakeContract) -> None:
    contract.answers["GetLaterApplicationClaims"] = examples.LATER_APPLICATION_CLAIMS
    result = run("claims", "list", "--later", "US", "PATENT", "18/123,456", office="US")
    assert result.exit_code == 0
    assert "earliest priority date 2024-03-15" in result.stdout
    assert "US:PATENT:18123456:1" in result.stdout


def test_deadline_defaults_to_the_acting_office(run: Run, contract: FakeContract) -> None:
    contract.answers["ComputePriorityDeadline"] = examples.DEADLINE
    result = run("deadlines", "compute", "2024-03-15", "--ip-right", "PATENT", office="US")
    assert result.exit_code == 0
    assert contract.calls[0].arguments == ("US", "PATENT", "2024-03-15", "PATENT")
    assert "period end" in result.stdout and "2025-03-17" in result.stdout


def test_retrieval_hash_mismatch_exits_6(run: Run, contract: FakeContract, tmp_path: Path) -> None:
    received = tmp_path / "received.pdf"
    received.write_bytes(b"something else")
    digest = hashlib.sha256(b"something else").hexdigest()
    contract.answers["AcknowledgeRetrieval"] = dict(examples.RETRIEVAL, status="ERROR", receivedSha256=digest,
                                                    errorCode="HASH_MISMATCH", completedAt=examples.TIMESTAMP)
    result = run("retrievals", "complete", examples.RETRIEVAL["id"], "--document", str(received), office="US")
    assert result.exit_code == 6
    assert "HASH_MISMATCH" in result.stderr
    assert contract.calls[0].arguments == (examples.RETRIEVAL["id"], digest)


def test_retrieval_failure_is_recorded(run: Run, contract: FakeContract) -> None:
    contract.answers["FailRetrieval"] = dict(examples.RETRIEVAL, status="ERROR", errorCode="DOWNLOAD_FAILED")
    result = run("retrievals", "complete", examples.RETRIEVAL["id"], "--failed", "download-failed",
                 "--message", "timeout", office="US")
    assert result.exit_code == 0, result.output
    assert contract.calls[0].arguments == (examples.RETRIEVAL["id"], "DOWNLOAD_FAILED", "timeout")


def test_settings_update_merges_into_the_current_settings(run: Run, contract: FakeContract) -> None:
    captured: dict[str, Any] = {}

    def update(call: Recorded) -> dict[str, Any]:
        captured.update(json.loads(call.arguments[0]))
        return examples.OFFICE

    contract.answers.update({"GetCallerOffice": examples.OFFICE, "UpdateOfficeSettings": update})
    result = run("offices", "settings", "update", "--add-closed-date", "2025-12-29", "--restoration",
                 "TRADEMARK=DUE_CARE", "--pattern", "UTILITY_MODEL=^\\d{10}$")
    assert result.exit_code == 0, result.output
    assert captured["calendar"] == {"closedWeekdays": ["SATURDAY", "SUNDAY"],
                                    "closedDates": ["2025-01-01", "2025-01-02", "2025-12-29"]}
    assert [entry["ipRight"] for entry in captured["applicationNumberPatterns"]] == ["PATENT", "UTILITY_MODEL"]
    trademark = [rule for rule in captured["restorationPolicy"] if rule["ipRight"] == "TRADEMARK"]
    assert trademark == [{"ipRight": "TRADEMARK", "allowed": True, "criteria": ["DUE_CARE"]}]


def test_membership_propose_add_office(run: Run, contract: FakeContract) -> None:
    contract.answers["ProposeMembershipChange"] = dict(examples.PROPOSAL, status="APPLIED")
    result = run("offices", "membership", "propose", "add-office", "CN", "--msp-id", "CNMSP", "--name", "CNIPA",
                 "--depositing", "PATENT", "--accessing", "PATENT,UTILITY_MODEL")
    assert result.exit_code == 0, result.output
    assert json.loads(contract.calls[0].arguments[0])["roles"] == {"depositing": ["PATENT"],
                                                                   "accessing": ["PATENT", "UTILITY_MODEL"]}
    assert "was applied" in result.stderr


def test_history_lists_versions(run: Run, contract: FakeContract) -> None:
    contract.answers["GetRecordHistory"] = examples.page([examples.HISTORY_ENTRY], "")
    result = run("history", "filing", "JP:PATENT:2024012345")
    assert result.exit_code == 0
    assert contract.calls[0].arguments == ("filing", "JP:PATENT:2024012345", "", "")
    assert "AVAILABLE" in result.stdout


def test_offices_list_table(run: Run, contract: FakeContract) -> None:
    contract.answers["ListOffices"] = examples.page([examples.OFFICE, US_OFFICE])
    result = run("offices", "list")
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["office", "------", "JP", "US"]


def test_confidential_check_mismatch_exits_6(run: Run, contract: FakeContract) -> None:
    contract.answers["CheckConfidentialIntegrity"] = dict(examples.INTEGRITY, match=False)
    assert run("filings", "confidential", "check", "JP:PATENT:2024012345").exit_code == 6


def test_deposit_by_digest_needs_the_document_in_the_library(run: Run, contract: FakeContract,
                                                             libraries: FakeLibraries) -> None:
    contract.answers["DepositFirstFiling"] = examples.FIRST_FILING
    deposit = ("filings", "deposit", "--ip-right", "PATENT", "--number", "JP 2024-012345", "--filing-date",
               "2024-03-15", "--sha256", "ab" * 32)
    refused = run(*deposit)
    assert refused.exit_code == 2
    assert "library holds no document with SHA-256" in refused.output
    assert contract.named("DepositFirstFiling") == []  # nothing reached the ledger
    libraries.of("JP").documents["ab" * 32] = b"stored earlier"
    assert run(*deposit).exit_code == 0
    assert json.loads(contract.named("DepositFirstFiling")[0].arguments[0])["documentSha256"] == "ab" * 32


def _fetch_script(contract: FakeContract, libraries: FakeLibraries, document: bytes) -> str:
    digest = hashlib.sha256(document).hexdigest()
    libraries.of("JP").documents[digest] = document
    pending = dict(examples.RETRIEVAL, expectedSha256=digest)
    contract.answers.update({"RequestRetrieval": pending,
                             "AcknowledgeRetrieval": dict(pending, status="SUCCESS", receivedSha256=digest)})
    return digest


def test_fetch_writes_the_verified_document_and_prints_the_retrieval(run: Run, contract: FakeContract,
                                                                     libraries: FakeLibraries,
                                                                     tmp_path: Path) -> None:
    digest = _fetch_script(contract, libraries, b"%PDF-1.7 fetched")
    out = tmp_path / "received.pdf"
    result = run("retrievals", "fetch", "JP:PATENT:2024012345", "--out", str(out), "--json", office="US")
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == b"%PDF-1.7 fetched"
    assert json.loads(result.stdout)["status"] == "SUCCESS"
    assert contract.named("AcknowledgeRetrieval")[0].arguments == (examples.RETRIEVAL["id"], digest)
    text = run("retrievals", "fetch", "JP:PATENT:2024012345", "--out", str(tmp_path / "again.pdf"), office="US")
    assert re.search(r"^saved to +.*again\.pdf \(16 bytes\)$", text.stdout, re.MULTILINE), text.stdout


def test_fetch_on_a_full_disk_keeps_the_part_and_says_how_to_resume(run: Run, contract: FakeContract,
                                                                    libraries: FakeLibraries,
                                                                    tmp_path: Path) -> None:
    from ipledger.library import LocalStorageError

    _fetch_script(contract, libraries, b"%PDF-1.7 fetched")
    libraries.of("JP").failure = LocalStorageError("no space left to write received.pdf.part")
    result = run("retrievals", "fetch", "JP:PATENT:2024012345", "--out", str(tmp_path / "received.pdf"),
                 office="US")
    assert result.exit_code == 1
    assert "LOCAL_STORAGE_FAILED" not in result.stdout and "no space left" in result.stderr
    assert "received.pdf.part" in result.stderr and "to resume from" in result.stderr
    assert contract.named("AcknowledgeRetrieval") == [] and contract.named("FailRetrieval") == []


def _registry_file(tmp_path: Path) -> tuple[Path, str]:
    """A registry file (the founding example's offices) and the hash the chaincode gives it when
    ``offices init`` sends it (as OfficeDefinitions: a null part is left out)."""
    from ipledger.domain import OfficeDefinition, registry_hash
    path = tmp_path / "offices.json"
    path.write_text(json.dumps(examples.FOUNDING["registry"]))
    return path, registry_hash([OfficeDefinition.from_json(office) for office in examples.FOUNDING["registry"]])


def test_offices_init_proposes_and_says_who_confirms(run: Run, contract: FakeContract, tmp_path: Path) -> None:
    path, digest = _registry_file(tmp_path)
    contract.answers["InitConsortium"] = dict(examples.FOUNDING, registryHash=digest)
    result = run("offices", "init", str(path))
    assert result.exit_code == 0, result.output
    assert digest in result.stdout and "USPTO" in result.stdout  # the registry as a table
    assert "offices founding confirm --file" in result.stderr


def test_founding_hash_is_computed_locally(run_offline: Any, tmp_path: Path) -> None:
    path, digest = _registry_file(tmp_path)
    result = run_offline(["offices", "founding", "hash", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == digest


def test_founding_confirm_takes_a_file_or_a_hash(run: Run, contract: FakeContract, tmp_path: Path) -> None:
    path, digest = _registry_file(tmp_path)
    active = dict(examples.FOUNDING, registryHash=digest, status="ACTIVE", confirmations=["JP", "US"],
                  awaiting=[], activatedAt=examples.TIMESTAMP)
    contract.answers["ConfirmFounding"] = active
    result = run("offices", "founding", "confirm", "--file", str(path), office="US")
    assert result.exit_code == 0, result.output
    assert contract.calls[-1].arguments == (digest,)
    assert "founded: JP, US" in result.stderr
    assert run("offices", "founding", "confirm", digest.upper()).exit_code == 0
    assert contract.calls[-1].arguments == (digest,)
    assert run("offices", "founding", "confirm").exit_code == 2
    assert run("offices", "founding", "confirm", digest, "--file", str(path)).exit_code == 2


def test_founding_list_and_show(run: Run, contract: FakeContract) -> None:
    contract.answers.update({"ListFoundingProposals": examples.page([examples.FOUNDING]),
                             "GetFoundingProposal": examples.FOUNDING})
    listed = run("offices", "founding", "list", "--status", "open")
    assert listed.exit_code == 0, listed.output
    assert contract.calls[0].arguments == ("OPEN", "", "")
    assert examples.DIGEST in listed.stdout
    shown = run("offices", "founding", "show", examples.DIGEST, "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["awaiting"] == ["US"]
