"""Submits refused only by other offices' peers (behind the caller's own) are tried again, briefly."""

from __future__ import annotations

import asyncio

import grpc
import pytest

import _contract_examples as examples
from _domain_fakes import TX_ID, FakeAsyncContract, FakeContract

from ipledger.domain import AsyncPriorityLedger, PriorityLedger
from ipledger.domain._base import BEHIND_RETRY_DELAYS, behind_retry_delay
from ipledger.domain.errors import NotFoundError
from ipledger.gateway.errors import EndorseError, ErrorDetail


def refused_by(*msps: str) -> EndorseError:
    return EndorseError(grpc.StatusCode.ABORTED, "failed to collect enough transaction endorsements",
                        [ErrorDetail(f"peer0.{m[:2].lower()}.test:7051", m,
                                     "chaincode response 500, NOT_FOUND: first filing US:PATENT:1 does not exist")
                         for m in msps], transaction_id=TX_ID)


@pytest.mark.parametrize(("error", "named", "own", "attempt", "delay"), [
    (refused_by("EPMSP", "JPMSP"), (), "USMSP", 1, BEHIND_RETRY_DELAYS[0]),  # others behind the caller's peer
    (refused_by("EPMSP", "JPMSP"), (), "USMSP", len(BEHIND_RETRY_DELAYS), BEHIND_RETRY_DELAYS[-1]),
    (refused_by("EPMSP", "JPMSP"), (), "USMSP", len(BEHIND_RETRY_DELAYS) + 1, None),  # then it is raised
    (refused_by("USMSP", "JPMSP"), (), "USMSP", 1, None),  # the caller's own peer refused too: a real answer
    (refused_by("JPMSP"), ("JPMSP",), "USMSP", 1, None),  # endorsers named by the contract: their answer stands
    (refused_by("JPMSP"), (), None, 1, None),
])
def test_behind_retry_delay(error: EndorseError, named: tuple[str, ...], own: str | None, attempt: int,
                            delay: float | None) -> None:
    assert behind_retry_delay(error, named, own, attempt) == delay


def test_a_withdrawal_right_after_a_deposit_waits_for_the_other_peers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ipledger.domain.priority_ledger.time.sleep", lambda _: None)
    contract = FakeContract()
    contract.answers["WithdrawFirstFiling"] = [refused_by("EPMSP", "JPMSP"), examples.FIRST_FILING]
    ledger = PriorityLedger(contract, office_code="JP", msp_id="USMSP")
    assert ledger.withdraw_first_filing("JP:PATENT:2024012345", "withdrawn").id == examples.FIRST_FILING["id"]
    assert [c.name for c in contract.calls] == ["WithdrawFirstFiling", "WithdrawFirstFiling"]


def test_a_refusal_of_every_peer_is_raised_at_once() -> None:
    contract = FakeContract()
    contract.answers["WithdrawFirstFiling"] = [refused_by("USMSP", "EPMSP")]
    ledger = PriorityLedger(contract, office_code="US", msp_id="USMSP")
    with pytest.raises(NotFoundError):
        ledger.withdraw_first_filing("US:PATENT:1", "withdrawn")
    assert len(contract.calls) == 1


def test_the_async_twin_waits_too(monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_sleep(_: float) -> None:
        return None

    monkeypatch.setattr("ipledger.domain.aio_priority_ledger.asyncio.sleep", no_sleep)
    contract = FakeContract()
    contract.answers["WithdrawFirstFiling"] = [refused_by("EPMSP"), refused_by("JPMSP"), examples.FIRST_FILING]
    ledger = AsyncPriorityLedger(FakeAsyncContract(contract), office_code="JP", msp_id="USMSP")
    filing = asyncio.run(ledger.withdraw_first_filing("JP:PATENT:2024012345", "withdrawn"))
    assert filing.id == examples.FIRST_FILING["id"] and len(contract.calls) == 3
