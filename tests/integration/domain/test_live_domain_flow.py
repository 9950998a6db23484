"""The main flow through the domain API, blocking and asyncio: deposit -> redeem -> retrieval -> claim.

An office of first filing deposits a document with confidential data and an access code; an office of second
filing redeems the code, retrieves and acknowledges the document and records a priority claim on it; the
depositing office then sees the grant, the retrieval log and the claim.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import timedelta

import pytest

from _live_domain import (
    PRIORITY_DATE,
    Peers,
    adeposit,
    aretry_conflicts,
    deposit,
    new_document,
    random_digits,
    retry_conflicts,
    sha256,
)
from ipledger.domain import (
    AccessCodeMismatchError,
    Applicant,
    AsyncPriorityLedger,
    ClaimStatus,
    ClaimTimeliness,
    ConfidentialDetails,
    Contact,
    FilingStatus,
    GrantRoute,
    GrantStatus,
    HashMismatchError,
    IpRight,
    PriorityLedger,
    RedemptionOutcome,
    RetrievalStatus,
)

TX_ID = re.compile(r"^[0-9a-f]{64}$")
CODE = "7f3a9c21"


def _details(marker: str) -> ConfidentialDetails:
    return ConfidentialDetails(f"Folding widget {marker}",
                               (Applicant("ACME K.K.", "JP"), Applicant(f"Inventor {marker}")),
                               Contact("Hanako Yamada", f"ip-{marker}@acme.example"))


def test_sync_deposit_redeem_retrieve_and_claim(ledgers: dict[str, PriorityLedger], peers: Peers) -> None:
    jp, us = ledgers["JP"], ledgers["US"]
    details = _details(random_digits(6))
    deposited = deposit(jp, "JP", confidential=details, access_code=CODE)
    filing = deposited.filing
    assert filing.status is FilingStatus.AVAILABLE and filing.version == 1 and filing.filing_date == PRIORITY_DATE
    assert filing.document_sha256 == sha256(deposited.document)
    assert re.fullmatch("[0-9a-f]{64}", filing.confidential_hash)
    assert jp.get_filing_confidential(filing.id).details == details
    assert jp.check_confidential_integrity(filing.id).match

    peers.settle()
    assert us.get_first_filing(filing.id) == filing
    assert us.find_first_filing("JP", IpRight.PATENT, deposited.number) == filing

    # A wrong code is committed, then raised with its counters; the right one grants access.
    with pytest.raises(AccessCodeMismatchError) as wrong:
        us.redeem_access_code("JP", "PATENT", deposited.number, "2024-06-03", "0000")
    assert wrong.value.result is not None and wrong.value.result.remaining_attempts == 4
    assert wrong.value.transaction_id is not None and TX_ID.match(wrong.value.transaction_id)
    peers.settle()  # JP's peer endorses the next attempt: it must have committed this one
    granted = retry_conflicts(lambda: us.redeem_access_code("JP", IpRight.PATENT, deposited.number, PRIORITY_DATE,
                                                            CODE.upper()))
    assert (granted.result, granted.failed_attempts, granted.remaining_attempts) == (
        RedemptionOutcome.ACCESS_GRANTED, 0, 5)
    peers.settle()  # the retrieval is endorsed by a majority: every peer must have committed the grant

    requested = retry_conflicts(lambda: us.request_retrieval(filing.id))
    assert requested.status is RetrievalStatus.PENDING and requested.expected_sha256 == filing.document_sha256
    assert requested.grant_route is GrantRoute.ACCESS_CODE
    acknowledged = us.acknowledge_retrieval(requested.id, sha256(deposited.document))
    assert acknowledged.status is RetrievalStatus.SUCCESS and acknowledged.completed_at is not None
    second = retry_conflicts(lambda: us.request_retrieval(filing.id))
    with pytest.raises(HashMismatchError) as mismatch:
        us.acknowledge_retrieval(second.id, sha256(new_document()))
    recorded_error = mismatch.value.retrieval
    assert recorded_error is not None and recorded_error.status is RetrievalStatus.ERROR
    assert recorded_error.error_code == "HASH_MISMATCH" and us.get_retrieval(second.id) == recorded_error

    deadline = us.compute_priority_deadline("US", IpRight.PATENT, PRIORITY_DATE, IpRight.PATENT)
    later = f"{random_digits(2)}/{random_digits(3)},{random_digits(3)}"
    recorded = retry_conflicts(lambda: us.record_priority_claim(
        later_application_number=later, later_ip_right=IpRight.PATENT, later_filing_date=deadline.period_end,
        priority_office="JP", priority_application_number=deposited.number, priority_ip_right=IpRight.PATENT,
        priority_filing_date=PRIORITY_DATE))
    claim = recorded.claim
    assert (claim.timeliness, claim.status, claim.first_filing_id, claim.warnings) == (
        ClaimTimeliness.IN_TIME, ClaimStatus.RECORDED, filing.id, ())
    assert recorded.earliest_priority_date == PRIORITY_DATE and claim.period_end == deadline.period_end
    assert us.get_priority_claim(claim.id) == claim
    assert us.get_later_application_claims("US", IpRight.PATENT, later).claims == (claim,)

    # The depositing office sees the grant, the retrieval log and the claim on its filing.
    peers.settle()
    access = jp.get_access_record(filing.id)
    entry = access.grant_for("US")
    assert entry is not None and entry.grant is GrantStatus.ACTIVE and entry.failed_attempts == 0
    # In key order: the request time to the second, then the transaction id.
    assert list(jp.iter_retrievals(filing.id)) == sorted([acknowledged, recorded_error], key=lambda r: r.id)
    assert list(jp.iter_claims_on_first_filing("JP", IpRight.PATENT, deposited.number)) == [claim]
    assert jp.get_retrieval(acknowledged.id) == acknowledged


async def test_async_deposit_redeem_retrieve_and_claim(
        async_ledger: Callable[[str], AbstractAsyncContextManager[AsyncPriorityLedger]], peers: Peers) -> None:
    async with async_ledger("KR") as kr, async_ledger("US") as us:
        details = _details(random_digits(6))
        deposited = await adeposit(kr, "KR", confidential=details, access_code=CODE)
        filing = deposited.filing
        confidential, integrity = await asyncio.gather(kr.get_filing_confidential(filing.id),
                                                       kr.check_confidential_integrity(filing.id))
        assert confidential.details == details and integrity.match
        peers.settle()
        seen, found = await asyncio.gather(us.get_first_filing(filing.id),
                                           us.find_first_filing("KR", "PATENT", deposited.number))
        assert seen == found == filing

        with pytest.raises(AccessCodeMismatchError) as wrong:
            await us.redeem_access_code("KR", IpRight.PATENT, deposited.number, PRIORITY_DATE, "ffff")
        assert wrong.value.result is not None and wrong.value.result.failed_attempts == 1
        peers.settle()  # KR's peer endorses the next attempt: it must have committed this one
        granted = await aretry_conflicts(lambda: us.redeem_access_code("KR", IpRight.PATENT, deposited.number,
                                                                       PRIORITY_DATE, CODE))
        assert granted.result is RedemptionOutcome.ACCESS_GRANTED
        peers.settle()  # the retrievals are endorsed by a majority: every peer must have committed the grant

        # Two retrievals in flight at once on one channel.
        first, second = await asyncio.gather(aretry_conflicts(lambda: us.request_retrieval(filing.id)),
                                             aretry_conflicts(lambda: us.request_retrieval(filing.id)))
        assert first.id != second.id and {first.status, second.status} == {RetrievalStatus.PENDING}
        done = await us.acknowledge_retrieval(first.id, sha256(deposited.document))
        assert done.status is RetrievalStatus.SUCCESS
        with pytest.raises(HashMismatchError):
            await us.acknowledge_retrieval(second.id, "00" * 32)

        deadline = await us.compute_priority_deadline("US", "PATENT", PRIORITY_DATE, "PATENT")
        later = f"{random_digits(2)}/{random_digits(3)},{random_digits(3)}"
        recorded = await aretry_conflicts(lambda: us.record_priority_claim(
            later_application_number=later, later_ip_right="PATENT",
            later_filing_date=deadline.period_end + timedelta(days=1), priority_office="KR",
            priority_application_number=deposited.number, priority_ip_right="PATENT",
            priority_filing_date=PRIORITY_DATE))
        claim = recorded.claim
        assert claim.timeliness is ClaimTimeliness.LATE_RESTORABLE and claim.first_filing_id == filing.id
        requested = await us.request_restoration(claim.id, "DUE_CARE", claim.later_application.filing_date)
        assert requested.status is ClaimStatus.RESTORATION_REQUESTED
        restored = await us.decide_restoration(claim.id, "GRANTED")
        assert restored.status is ClaimStatus.RESTORED

        peers.settle()
        log = [retrieval async for retrieval in kr.iter_retrievals(filing.id)]
        assert sorted(r.id for r in log) == sorted([first.id, second.id])
        assert {r.id: r.status for r in log} == {first.id: RetrievalStatus.SUCCESS, second.id: RetrievalStatus.ERROR}
        claims = [c async for c in kr.iter_claims_on_first_filing("KR", IpRight.PATENT, deposited.number)]
        assert claims == [restored]
        access = await kr.get_access_record(filing.id)
        entry = access.grant_for("US")
        assert entry is not None and entry.grant is GrantStatus.ACTIVE
