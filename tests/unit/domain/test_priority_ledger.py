# generated from tests/unit/domain/test_priority_ledger_aio.py by scripts/unasync.py - do not edit; run ./scripts/generate
"""PriorityLedger over a recording fake contract: endorsers, errors, soft failures, pages, deposits."""

from __future__ import annotations

import json
from typing import Any

import pytest

import _contract_examples as examples
from _domain_fakes import (
    FakeContract,
    FakeNetwork,
    Recorded,
    blocking,
    chaincode_failure,
    event,
    unavailable,
)
import ipledger.domain._base as retry_policy
from ipledger.domain import (
    AccessCodeMismatchError,
    Applicant,
    PriorityLedger,
    ConfidentialDetails,
    DepositIncompleteError,
    FirstFiling,
    HashMismatchError,
    InvalidArgumentError,
    IpRight,
    NotFoundError,
    RecordedClaim,
    UnexpectedResultError,
    UnknownOfficeError,
)
from ipledger.gateway.checkpointers import InMemoryCheckpointer
from ipledger.gateway.errors import CommitError, EndorseError, GatewayError

DETAILS = ConfidentialDetails("Folding widget", (Applicant("ACME K.K.", "JP"),))
US_OFFICE = dict(examples.OFFICE, officeCode="US", mspId="USMSP", name="USPTO")


def ledger_for(contract: FakeContract, *, office: str | None = "JP", msp: str | None = "JPMSP") -> PriorityLedger:
    return PriorityLedger(blocking(contract), office_code=office, msp_id=msp)


def test_queries_are_evaluated_with_no_endorsers() -> None:
    contract = FakeContract({"GetFirstFiling": examples.FIRST_FILING})
    filing = ledger_for(contract).get_first_filing("JP:PATENT:2024012345")
    assert isinstance(filing, FirstFiling) and filing.id == "JP:PATENT:2024012345"
    [call] = contract.calls
    assert (call.kind, call.arguments, call.endorsing_organizations) == (
        "evaluate", ("JP:PATENT:2024012345",), ())


def test_transactions_are_submitted_and_wait_for_the_commit() -> None:
    contract = FakeContract({"WithdrawFirstFiling": dict(examples.FIRST_FILING, status="WITHDRAWN")})
    ledger_for(contract).withdraw_first_filing("JP:PATENT:2024012345", "security review")
    assert contract.log[0] == "submit:WithdrawFirstFiling"
    assert contract.log[1].startswith("status:")
    assert contract.calls[0].endorsing_organizations == ()


ON_US = {"filingId": "US:PATENT:18123456", "officeCode": "JP"}


def redemption(attempt: dict[str, object], settlement: dict[str, object]) -> dict[str, object]:
    """Answers of the two phases of a redemption of US's filing by JP."""
    return {"RedeemAccessCode": dict(attempt, **ON_US), "SettleAccessCodeRedemption": dict(settlement, **ON_US)}


def test_redeem_is_endorsed_by_the_owner_msp_looked_up_once() -> None:
    contract = FakeContract({"GetOffice": [US_OFFICE],
                             **redemption(examples.REDEMPTION_PENDING, examples.REDEMPTION_GRANTED)})
    ledger = ledger_for(contract, office="JP", msp="JPMSP")
    for _ in range(2):
        result = ledger.redeem_access_code("US", "PATENT", "18/123,456", "2025-03-17", "7F3A")
    assert result.result.value == "ACCESS_GRANTED"
    assert [call.name for call in contract.calls] == ["GetOffice"] + ["RedeemAccessCode",
                                                                      "SettleAccessCodeRedemption"] * 2
    assert all(call.endorsing_organizations == ("USMSP",) for call in contract.calls[1:])
    assert contract.named("RedeemAccessCode")[0].transient_json("accessCode") == {"accessCode": "7F3A"}
    settle = contract.named("SettleAccessCodeRedemption")[0]
    assert settle.arguments == ("US:PATENT:18123456", "JP") and not settle.transient
    # The settlement is sent only once the attempt has committed.
    assert contract.log.index(next(entry for entry in contract.log if entry.startswith("status:"))) < \
        len(contract.log) - 2


def test_a_conflicting_settlement_is_retried_then_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry_policy, "SETTLE_RETRY_DELAY", 0.0)
    contract = FakeContract({"GetOffice": US_OFFICE,
                             **redemption(examples.REDEMPTION_PENDING, examples.REDEMPTION_GRANTED)},
                            invalid={"SettleAccessCodeRedemption"})
    with pytest.raises(CommitError):
        ledger_for(contract).redeem_access_code("US", "PATENT", "18/123,456", "2025-03-17", "7F3A")
    names = [call.name for call in contract.calls]
    assert names.count("SettleAccessCodeRedemption") == retry_policy.SETTLE_ATTEMPTS
    assert names.count("RedeemAccessCode") == 1


def test_a_settlement_on_a_lagging_owner_peer_is_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry_policy, "SETTLE_RETRY_DELAY", 0.0)
    lagging = chaincode_failure("INVALID_TRANSITION: office JP has no pending access-code attempt on US:PATENT:1")
    contract = FakeContract({"GetOffice": US_OFFICE, "RedeemAccessCode": dict(examples.REDEMPTION_PENDING, **ON_US),
                             "SettleAccessCodeRedemption": [lagging, dict(examples.REDEMPTION_GRANTED, **ON_US)]})
    result = ledger_for(contract).redeem_access_code("US", "PATENT", "18/123,456", "2025-03-17", "7F3A")
    assert result.result.value == "ACCESS_GRANTED"
    assert [call.name for call in contract.calls].count("SettleAccessCodeRedemption") == 2


def test_redeem_for_an_unregistered_office_fails_before_submitting() -> None:
    contract = FakeContract({"GetOffice": chaincode_failure("NOT_FOUND: office CN is not registered",
                                                            evaluate=True)})
    with pytest.raises(UnknownOfficeError, match="CN is not registered"):
        ledger_for(contract).redeem_access_code("CN", "PATENT", "2024012345", "2024-03-15", "7F3A")
    assert [call.name for call in contract.calls] == ["GetOffice"]


def test_private_writes_are_endorsed_by_the_callers_own_msp() -> None:
    contract = FakeContract({"SetAccessCode": examples.ACCESS_RECORD,
                             "SetFilingConfidential": examples.FIRST_FILING})
    ledger = ledger_for(contract, office="JP", msp="JPMSP")
    ledger.set_access_code("JP:PATENT:2024012345", "7f3a9c21")
    ledger.set_filing_confidential("JP:PATENT:2024012345", DETAILS)
    assert [call.endorsing_organizations for call in contract.calls] == [("JPMSP",), ("JPMSP",)]


def test_retrieval_outcomes_are_endorsed_as_the_gateway_plans_them() -> None:
    """The retrieval key needs the requester and the owner *or* a majority (CONTRACT.md §1): naming the owner
    would let it veto the record of its own failed delivery, so the client leaves the choice to the gateway."""
    retrieval_id = str(examples.RETRIEVAL["id"])
    contract = FakeContract({"AcknowledgeRetrieval": dict(examples.RETRIEVAL, status="SUCCESS",
                                                          receivedSha256=examples.DIGEST,
                                                          completedAt=examples.TIMESTAMP),
                             "FailRetrieval": dict(examples.RETRIEVAL, status="ERROR", errorCode="DELIVERY_FAILED",
                                                   completedAt=examples.TIMESTAMP)})
    ledger = ledger_for(contract, office="US", msp="USMSP")
    ledger.acknowledge_retrieval(retrieval_id, examples.DIGEST)
    ledger.fail_retrieval(retrieval_id, "DELIVERY_FAILED")
    assert [(call.name, call.endorsing_organizations) for call in contract.calls] == [
        ("AcknowledgeRetrieval", ()), ("FailRetrieval", ())]


def test_callers_msp_is_asked_from_the_ledger_when_unknown() -> None:
    contract = FakeContract({"GetCallerOffice": examples.OFFICE, "SetAccessCode": examples.ACCESS_RECORD})
    ledger = PriorityLedger(blocking(contract))
    ledger.set_access_code("JP:PATENT:2024012345", "7f3a9c21")
    assert [call.name for call in contract.calls] == ["GetCallerOffice", "SetAccessCode"]
    assert contract.calls[1].endorsing_organizations == ("JPMSP",)
    assert (ledger.office_code, ledger.msp_id) == ("JP", "JPMSP")


def test_coded_refusal_raises_its_class_and_keeps_the_gateway_error_as_cause() -> None:
    failure = chaincode_failure("NOT_FOUND: first filing JP:PATENT:1 does not exist", evaluate=True)
    contract = FakeContract({"GetFirstFiling": failure})
    with pytest.raises(NotFoundError) as raised:
        ledger_for(contract).get_first_filing("JP:PATENT:1")
    assert raised.value.__cause__ is failure


def test_gateway_errors_without_a_code_propagate_unchanged() -> None:
    contract = FakeContract({"GetFirstFiling": unavailable(),
                             "GrantAccess": chaincode_failure("Function X not found in contract SmartContract")})
    with pytest.raises(GatewayError) as raised:
        ledger_for(contract).get_first_filing("JP:PATENT:1")
    assert raised.value.grpc_code_name == "UNAVAILABLE"
    with pytest.raises(EndorseError):
        ledger_for(contract).grant_access("JP:PATENT:1", "US")


def test_invalid_commit_raises_commit_error() -> None:
    contract = FakeContract({"GrantAccess": examples.ACCESS_RECORD}, invalid={"GrantAccess"})
    with pytest.raises(CommitError) as raised:
        ledger_for(contract).grant_access("JP:PATENT:2024012345", "US")
    assert raised.value.code_name == "MVCC_READ_CONFLICT"


def test_wrong_access_code_is_committed_then_raised() -> None:
    contract = FakeContract({"GetOffice": US_OFFICE,
                             **redemption(examples.REDEMPTION_PENDING, examples.REDEMPTION_MISMATCH)})
    with pytest.raises(AccessCodeMismatchError) as raised:
        ledger_for(contract).redeem_access_code("US", IpRight.PATENT, "18/123,456", "2025-03-17", "0000")
    error = raised.value
    assert error.result is not None and error.result.remaining_attempts == 3
    assert error.transaction_id is not None and error.transaction_id.startswith("tx")
    assert "3 attempt(s) left" in str(error)
    assert contract.log[-1].startswith("status:")  # raised only after the commit


def test_locking_mismatch_says_so() -> None:
    locked = dict(examples.REDEMPTION_MISMATCH, failedAttempts=5, remainingAttempts=0, locked=True)
    contract = FakeContract({"GetOffice": US_OFFICE, **redemption(dict(examples.REDEMPTION_PENDING, failedAttempts=5,
                                                                      remainingAttempts=0, locked=True), locked)})
    with pytest.raises(AccessCodeMismatchError, match="locked"):
        ledger_for(contract).redeem_access_code("US", "PATENT", "18/123,456", "2025-03-17", "0000")


def test_hash_mismatch_is_committed_then_raised() -> None:
    recorded = dict(examples.RETRIEVAL, status="ERROR", receivedSha256="cd" * 32, errorCode="HASH_MISMATCH",
                    errorMessage="the received document does not match the deposited version",
                    completedAt=examples.TIMESTAMP)
    contract = FakeContract({"AcknowledgeRetrieval": recorded})
    with pytest.raises(HashMismatchError) as raised:
        ledger = ledger_for(contract, office="US", msp="USMSP")
        ledger.acknowledge_retrieval(examples.RETRIEVAL["id"], "cd" * 32)
    assert raised.value.retrieval is not None and raised.value.retrieval.error_code == "HASH_MISMATCH"


def test_matching_acknowledgement_returns_the_retrieval() -> None:
    done = dict(examples.RETRIEVAL, status="SUCCESS", receivedSha256=examples.DIGEST, completedAt=examples.TIMESTAMP)
    contract = FakeContract({"AcknowledgeRetrieval": done})
    retrieval = ledger_for(contract).acknowledge_retrieval(examples.RETRIEVAL["id"], examples.DIGEST)
    assert retrieval.status.value == "SUCCESS"


def test_unreadable_result_is_unexpected_result_error() -> None:
    contract = FakeContract({"GetFirstFiling": {"id": "JP:PATENT:1"}})
    with pytest.raises(UnexpectedResultError, match="GetFirstFiling"):
        ledger_for(contract).get_first_filing("JP:PATENT:1")


def _paged(*pages: dict[str, Any]) -> Any:
    remaining = list(pages)

    def answer(call: Recorded) -> dict[str, Any]:
        return remaining.pop(0)
    return answer


def test_iter_follows_bookmarks_across_pages_including_empty_filtered_ones() -> None:
    pages = [examples.page([examples.filing("1"), examples.filing("2")], "b1"),
             examples.page([], "b2", fetched=20),
             examples.page([examples.filing("3")], "")]
    contract = FakeContract({"ListFirstFilings": _paged(*pages)})
    ids = [filing.id for filing in ledger_for(contract).iter_first_filings(office_code="JP", page_size=2)]
    assert ids == ["JP:PATENT:1", "JP:PATENT:2", "JP:PATENT:3"]
    assert [call.arguments[-2:] for call in contract.calls] == [("2", ""), ("2", "b1"), ("2", "b2")]


def test_iter_checks_arguments_before_iterating() -> None:
    contract = FakeContract()
    with pytest.raises(InvalidArgumentError):
        ledger_for(contract).iter_first_filings(ip_right="COPYRIGHT")
    assert contract.calls == []


def test_iter_refuses_a_bookmark_that_does_not_move() -> None:
    contract = FakeContract({"ListOffices": _paged(examples.page([examples.OFFICE], "same"),
                                                   examples.page([], "same"))})
    with pytest.raises(UnexpectedResultError, match="same bookmark"):
        [office for office in ledger_for(contract).iter_offices()]


def test_list_returns_one_page() -> None:
    contract = FakeContract({"ListRetrievals": examples.page([examples.RETRIEVAL], "next")})
    page = ledger_for(contract).list_retrievals("JP:PATENT:2024012345", page_size=1)
    assert len(page.records) == 1 and page.bookmark == "next"


def test_deposit_runs_public_then_private_steps_one_after_the_other() -> None:
    confidential = dict(examples.FIRST_FILING, confidentialHash="ef" * 32)
    contract = FakeContract({"DepositFirstFiling": examples.FIRST_FILING,
                             "SetFilingConfidential": confidential,
                             "SetAccessCode": examples.ACCESS_RECORD})
    filing = ledger_for(contract).deposit_first_filing(
        ip_right="PATENT", application_number="JP 2024-012345", filing_date="2024-03-15",
        document_sha256=examples.DIGEST, confidential=DETAILS, access_code="7f3a9c21")
    assert filing.confidential_hash == "ef" * 32
    deposit, *private = contract.calls
    assert deposit.transient == {} and deposit.endorsing_organizations == ()
    assert [call.arguments for call in private] == [("JP:PATENT:2024012345",)] * 2
    assert all(call.endorsing_organizations == ("JPMSP",) for call in private)
    # Each step commits before the next: SetFilingConfidential writes the filing key SetAccessCode reads,
    # so sending both at once would invalidate one of them (MVCC_READ_CONFLICT).
    assert contract.log[0::2] == ["submit:DepositFirstFiling", "submit:SetFilingConfidential",
                                  "submit:SetAccessCode"]
    assert all(entry.startswith("status:") for entry in contract.log[1::2])


def test_deposit_without_extras_is_one_transaction() -> None:
    contract = FakeContract({"DepositFirstFiling": examples.FIRST_FILING})
    ledger_for(contract).deposit_first_filing(ip_right="PATENT", application_number="JP 2024-012345",
                                              filing_date="2024-03-15", document_sha256=examples.DIGEST)
    assert [call.name for call in contract.calls] == ["DepositFirstFiling"]


def test_bad_access_code_is_refused_before_the_deposit() -> None:
    contract = FakeContract()
    with pytest.raises(InvalidArgumentError, match="access code"):
        ledger_for(contract).deposit_first_filing(ip_right="PATENT", application_number="JP 2024-012345",
                                                  filing_date="2024-03-15", document_sha256=examples.DIGEST,
                                                  access_code="not hex")
    assert contract.calls == []


def test_failed_private_step_reports_an_incomplete_deposit() -> None:
    confidential = dict(examples.FIRST_FILING, confidentialHash="ef" * 32)
    contract = FakeContract({"DepositFirstFiling": examples.FIRST_FILING,
                             "SetFilingConfidential": confidential,
                             "SetAccessCode": chaincode_failure("INVALID_TRANSITION: withdrawn")})
    with pytest.raises(DepositIncompleteError) as raised:
        ledger_for(contract).deposit_first_filing(
            ip_right="PATENT", application_number="JP 2024-012345", filing_date="2024-03-15",
            document_sha256=examples.DIGEST, confidential=DETAILS, access_code="7f3a9c21")
    error = raised.value
    assert error.missing == ("access code",)
    assert error.filing.confidential_hash == "ef" * 32
    assert error.cause.code == "INVALID_TRANSITION"  # type: ignore[attr-defined]
    assert "JP:PATENT:2024012345 was deposited" in str(error)


def test_invalid_commit_of_a_private_step_also_reports_an_incomplete_deposit() -> None:
    contract = FakeContract({"DepositFirstFiling": examples.FIRST_FILING, "SetAccessCode": examples.ACCESS_RECORD},
                            invalid={"SetAccessCode"})
    with pytest.raises(DepositIncompleteError) as raised:
        ledger_for(contract).deposit_first_filing(
            ip_right="PATENT", application_number="JP 2024-012345", filing_date="2024-03-15",
            document_sha256=examples.DIGEST, access_code="7f3a9c21")
    assert isinstance(raised.value.cause, CommitError)
    assert raised.value.filing.id == "JP:PATENT:2024012345"


def test_record_priority_claim_returns_claim_and_earliest_date() -> None:
    contract = FakeContract({"RecordPriorityClaim": examples.RECORDED_CLAIM})
    recorded = ledger_for(contract, office="US", msp="USMSP").record_priority_claim(
        later_application_number="18/123,456", later_ip_right="PATENT", later_filing_date="2025-03-17",
        priority_office="JP", priority_application_number="JP 2024-012345", priority_ip_right="PATENT",
        priority_filing_date="2024-03-15")
    assert isinstance(recorded, RecordedClaim)
    assert recorded.claim.id == "US:PATENT:18123456:1"
    assert json.loads(contract.calls[0].arguments[0])["sequenceNumber"] == 1


def test_events_need_a_network() -> None:
    from ipledger.errors import ConfigurationError
    with pytest.raises(ConfigurationError):
        ledger_for(FakeContract()).events()




# -- first written for the asyncio twin ---------------------------------------------------------------------


def ledger_and_contract(script: dict[str, object]) -> tuple[PriorityLedger, FakeContract]:
    contract = FakeContract(script)  # type: ignore[arg-type]
    return ledger_for(contract), contract


def test_query_and_error_mapping() -> None:
    ledger, contract = ledger_and_contract({"GetFirstFiling": [examples.FIRST_FILING,
                                                      chaincode_failure("NOT_FOUND: gone", evaluate=True)]})
    filing = ledger.get_first_filing("JP:PATENT:2024012345")
    assert filing.id == "JP:PATENT:2024012345"
    with pytest.raises(NotFoundError):
        ledger.get_first_filing("JP:PATENT:2024012345")
    assert contract.calls[0].kind == "evaluate"


def test_redeem_endorsers_and_soft_failure() -> None:
    on_us = {"filingId": "US:PATENT:18123456", "officeCode": "JP"}
    ledger, contract = ledger_and_contract({"GetOffice": US_OFFICE,
                                   "RedeemAccessCode": dict(examples.REDEMPTION_PENDING, **on_us),
                                   "SettleAccessCodeRedemption": dict(examples.REDEMPTION_MISMATCH, **on_us)})
    with pytest.raises(AccessCodeMismatchError) as raised:
        ledger.redeem_access_code("US", "PATENT", "18/123,456", "2025-03-17", "0000")
    assert raised.value.result is not None and raised.value.result.failed_attempts == 2
    assert [call.name for call in contract.calls] == ["GetOffice", "RedeemAccessCode", "SettleAccessCodeRedemption"]
    assert [call.endorsing_organizations for call in contract.calls[1:]] == [("USMSP",), ("USMSP",)]
    assert contract.named("SettleAccessCodeRedemption")[0].arguments == ("US:PATENT:18123456", "JP")


def test_retrieval_outcomes_are_left_to_the_gateways_plan() -> None:
    retrieval_id = str(examples.RETRIEVAL["id"])
    ledger, contract = ledger_and_contract({"FailRetrieval": dict(examples.RETRIEVAL, status="ERROR", errorCode="OTHER",
                                                         completedAt=examples.TIMESTAMP)})
    ledger.fail_retrieval(retrieval_id, "OTHER")
    assert [(call.name, call.endorsing_organizations) for call in contract.calls] == [("FailRetrieval", ())]


def test_async_iteration_over_pages() -> None:
    pages = [examples.page([examples.filing("1")], "b1"), examples.page([examples.filing("2")], "")]
    ledger, contract = ledger_and_contract({"ListFirstFilings": pages})
    ids = [filing.id for filing in ledger.iter_first_filings()]
    assert ids == ["JP:PATENT:1", "JP:PATENT:2"]
    assert [call.arguments[-1] for call in contract.calls] == ["", "b1"]


def test_deposit_with_failed_private_step() -> None:
    ledger, contract = ledger_and_contract({"DepositFirstFiling": examples.FIRST_FILING,
                                   "SetFilingConfidential": chaincode_failure("INVALID_ARGUMENT: bad title"),
                                   "SetAccessCode": examples.ACCESS_RECORD})
    with pytest.raises(DepositIncompleteError) as raised:
        ledger.deposit_first_filing(
            ip_right="PATENT", application_number="JP 2024-012345", filing_date="2024-03-15",
            document_sha256=examples.DIGEST, access_code="7f3a9c21",
            confidential=ConfidentialDetails("Widget", (Applicant("ACME"),)))
    assert raised.value.missing == ("confidential data",)
    assert [call.name for call in contract.calls] == ["DepositFirstFiling", "SetFilingConfidential",
                                                      "SetAccessCode"]


def test_async_events_with_checkpoint() -> None:
    network = FakeNetwork([event("FirstFilingDeposited", 4, "a"), event("FirstFilingPublished", 5, "b")])
    ledger = PriorityLedger(blocking(FakeContract()), network=network)
    checkpointer = InMemoryCheckpointer()
    seen = []
    with ledger.events(checkpointer=checkpointer) as stream:
        for item in stream:
            seen.append(item.name)
    assert seen == ["FirstFilingDeposited", "FirstFilingPublished"]
    # Asking for the item after "b" (which ended the loop) confirmed that "b" was handled.
    assert (checkpointer.block_number, checkpointer.transaction_id) == (5, "b")
