"""AsyncPriorityLedger: the same behaviour as the blocking twin, awaited."""

from __future__ import annotations

import pytest

import _contract_examples as examples
from _domain_fakes import FakeAsyncContract, FakeContract, FakeNetwork, chaincode_failure, event
from ipledger.domain import (
    AccessCodeMismatchError,
    Applicant,
    AsyncPriorityLedger,
    ConfidentialDetails,
    DepositIncompleteError,
    NotFoundError,
)
from ipledger.gateway.checkpointers import InMemoryCheckpointer

US_OFFICE = dict(examples.OFFICE, officeCode="US", mspId="USMSP")


def ledger_for(script: dict[str, object]) -> tuple[AsyncPriorityLedger, FakeContract]:
    sync = FakeContract(script)  # type: ignore[arg-type]
    return AsyncPriorityLedger(FakeAsyncContract(sync), office_code="JP", msp_id="JPMSP"), sync


async def test_query_and_error_mapping() -> None:
    ledger, contract = ledger_for({"GetFirstFiling": [examples.FIRST_FILING,
                                                      chaincode_failure("NOT_FOUND: gone", evaluate=True)]})
    filing = await ledger.get_first_filing("JP:PATENT:2024012345")
    assert filing.id == "JP:PATENT:2024012345"
    with pytest.raises(NotFoundError):
        await ledger.get_first_filing("JP:PATENT:2024012345")
    assert contract.calls[0].kind == "evaluate"


async def test_redeem_endorsers_and_soft_failure() -> None:
    on_us = {"filingId": "US:PATENT:18123456", "officeCode": "JP"}
    ledger, contract = ledger_for({"GetOffice": US_OFFICE,
                                   "RedeemAccessCode": dict(examples.REDEMPTION_PENDING, **on_us),
                                   "SettleAccessCodeRedemption": dict(examples.REDEMPTION_MISMATCH, **on_us)})
    with pytest.raises(AccessCodeMismatchError) as raised:
        await ledger.redeem_access_code("US", "PATENT", "18/123,456", "2025-03-17", "0000")
    assert raised.value.result is not None and raised.value.result.failed_attempts == 2
    assert [call.name for call in contract.calls] == ["GetOffice", "RedeemAccessCode", "SettleAccessCodeRedemption"]
    assert [call.endorsing_organizations for call in contract.calls[1:]] == [("USMSP",), ("USMSP",)]
    assert contract.named("SettleAccessCodeRedemption")[0].arguments == ("US:PATENT:18123456", "JP")


async def test_retrieval_outcomes_are_left_to_the_gateways_plan() -> None:
    retrieval_id = str(examples.RETRIEVAL["id"])
    ledger, contract = ledger_for({"FailRetrieval": dict(examples.RETRIEVAL, status="ERROR", errorCode="OTHER",
                                                         completedAt=examples.TIMESTAMP)})
    await ledger.fail_retrieval(retrieval_id, "OTHER")
    assert [(call.name, call.endorsing_organizations) for call in contract.calls] == [("FailRetrieval", ())]


async def test_async_iteration_over_pages() -> None:
    pages = [examples.page([examples.filing("1")], "b1"), examples.page([examples.filing("2")], "")]
    ledger, contract = ledger_for({"ListFirstFilings": pages})
    ids = [filing.id async for filing in ledger.iter_first_filings()]
    assert ids == ["JP:PATENT:1", "JP:PATENT:2"]
    assert [call.arguments[-1] for call in contract.calls] == ["", "b1"]


async def test_deposit_with_failed_private_step() -> None:
    ledger, contract = ledger_for({"DepositFirstFiling": examples.FIRST_FILING,
                                   "SetFilingConfidential": chaincode_failure("INVALID_ARGUMENT: bad title"),
                                   "SetAccessCode": examples.ACCESS_RECORD})
    with pytest.raises(DepositIncompleteError) as raised:
        await ledger.deposit_first_filing(
            ip_right="PATENT", application_number="JP 2024-012345", filing_date="2024-03-15",
            document_sha256=examples.DIGEST, access_code="7f3a9c21",
            confidential=ConfidentialDetails("Widget", (Applicant("ACME"),)))
    assert raised.value.missing == ("confidential data",)
    assert [call.name for call in contract.calls] == ["DepositFirstFiling", "SetFilingConfidential",
                                                      "SetAccessCode"]


async def test_async_events_with_checkpoint() -> None:
    network = FakeNetwork([event("FirstFilingDeposited", 4, "a"), event("FirstFilingPublished", 5, "b")])
    sync = FakeContract()
    ledger = AsyncPriorityLedger(FakeAsyncContract(sync), network=network)
    checkpointer = InMemoryCheckpointer()
    seen = []
    async with ledger.events(checkpointer=checkpointer) as stream:
        async for item in stream:
            seen.append(item.name)
    assert seen == ["FirstFilingDeposited", "FirstFilingPublished"]
    # Asking for the item after "b" (which ended the loop) confirmed that "b" was handled.
    assert (checkpointer.block_number, checkpointer.transaction_id) == (5, "b")
