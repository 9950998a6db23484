"""Chaincode refusals come out of the domain API as the exception class of their code (CONTRACT.md §7).

Client-side checks raise the same classes before any network call: a ledger whose gateway is a closed port
raises them too, while a call that gets past them fails to connect.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

import pytest

from _live_domain import PRIORITY_DATE, Deposited, Peers, deposit, random_digits, retry_conflicts, sha256
from ipledger.domain import (
    AccessCodeMismatchError,
    AccessCodeNotSetError,
    AccessLockedError,
    AlreadyExistsError,
    ApplicationCategory,
    DateMismatchError,
    DocumentUnavailableError,
    FutureDateError,
    IncompatibleIpTypeError,
    InvalidApplicationNumberError,
    InvalidArgumentError,
    InvalidDateError,
    InvalidOfficeCodeError,
    InvalidTransitionError,
    IpRight,
    LedgerError,
    NoGrantError,
    NotAuthorizedError,
    NotFoundError,
    PriorityDateNotEarlierError,
    PriorityLedger,
    PriorityPeriodExpiredError,
    RestorationNotAvailableError,
    UnknownOfficeError,
)
from ipledger.errors import ConnectionError as GatewayConnectionError
from ipledger.gateway import GatewayError

E = TypeVar("E", bound=LedgerError)
CODE = "c0de1234"


def refused(cls: type[E], call: Callable[[], Any]) -> E:
    """``call`` must raise exactly ``cls``, carrying its chaincode code as ``<CODE>: message``."""
    with pytest.raises(LedgerError) as caught:
        call()
    error = caught.value
    assert type(error) is cls, f"expected {cls.__name__}, got {type(error).__name__}: {error}"
    assert error.chaincode_code == cls.code == error.code
    assert str(error).startswith(f"{cls.code}: ")
    return error


def _later() -> str:
    return f"{random_digits(2)}/{random_digits(3)},{random_digits(3)}"


def test_refusals_about_filings_and_access(ledgers: dict[str, PriorityLedger], peers: Peers) -> None:
    jp, us, kr = ledgers["JP"], ledgers["US"], ledgers["KR"]
    coded = deposit(jp, "JP", access_code=CODE)
    plain = deposit(jp, "JP")
    peers.settle()

    missing = random_digits(12)
    refused(NotFoundError, lambda: us.get_first_filing(f"JP:PATENT:9{missing}"))
    refused(NotFoundError, lambda: us.get_access_record(f"JP:PATENT:9{missing}"))
    refused(NotFoundError, lambda: us.get_retrieval(f"JP:PATENT:9{missing}:20250317T091244Z_{missing}"))
    refused(NotFoundError, lambda: us.get_membership_proposal(f"20250317T091244Z_{missing}"))
    refused(NotFoundError, lambda: us.get_office("CN"))
    refused(NotFoundError, lambda: jp.get_filing_confidential(plain.id))  # no confidential data set
    refused(UnknownOfficeError, lambda: us.find_first_filing("QQ", IpRight.PATENT, "2024-012345"))
    # An unregistered owner is refused by the client: it needs the owner's MSP to pick the endorser.
    refused(UnknownOfficeError, lambda: us.redeem_access_code("CN", IpRight.PATENT, "2024-012345", PRIORITY_DATE,
                                                              CODE))

    refused(AlreadyExistsError, lambda: jp.deposit_first_filing(
        ip_right="PATENT", application_number=coded.number, filing_date=PRIORITY_DATE,
        document_sha256=sha256(b"another document")))
    refused(NotAuthorizedError, lambda: us.withdraw_first_filing(coded.id, "not mine"))
    refused(NotAuthorizedError, lambda: us.get_filing_confidential(coded.id))
    refused(NotAuthorizedError, lambda: us.grant_access(coded.id, "KR"))
    refused(InvalidArgumentError, lambda: jp.request_retrieval(coded.id))  # the owner does not retrieve
    refused(InvalidArgumentError, lambda: jp.get_record_history("filing", coded.id, bookmark="not-an-offset"))
    refused(InvalidDateError, lambda: jp.mark_first_filing_published(coded.id, PRIORITY_DATE - timedelta(days=1)))
    tomorrow_but_one = datetime.now(timezone.utc).date() + timedelta(days=3)
    refused(FutureDateError, lambda: jp.deposit_first_filing(
        ip_right="PATENT", application_number=f"JP {random_digits(10)}", filing_date=tomorrow_but_one,
        document_sha256=sha256(b"from the future")))
    # The PCT form is checked by the client, the receiving office's code by the chaincode.
    refused(InvalidApplicationNumberError, lambda: jp.deposit_first_filing(
        ip_right="PATENT", application_number=f"PCT/US2024/{random_digits(6)}", filing_date=PRIORITY_DATE,
        document_sha256=sha256(b"pct"), application_category=ApplicationCategory.INTERNATIONAL))

    refused(DateMismatchError, lambda: us.redeem_access_code("JP", IpRight.PATENT, coded.number,
                                                             PRIORITY_DATE + timedelta(days=1), CODE))
    refused(AccessCodeNotSetError, lambda: us.redeem_access_code("JP", IpRight.PATENT, plain.number, PRIORITY_DATE,
                                                                 CODE))
    refused(NoGrantError, lambda: us.request_retrieval(coded.id))
    refused(InvalidTransitionError, lambda: jp.reset_access_lock(coded.id, "US"))  # nothing to reset

    # Five wrong codes: each committed and raised with its counters; then the lock, even for the right code.
    # JP's peer endorses each attempt, and must have committed the previous one (else MVCC_READ_CONFLICT).
    for attempt in range(1, 6):
        peers.settle()
        error = refused(AccessCodeMismatchError, lambda: us.redeem_access_code(
            "JP", IpRight.PATENT, coded.number, PRIORITY_DATE, "0000"))
        assert error.result is not None and error.transaction_id is not None
        assert (error.result.failed_attempts, error.result.remaining_attempts, error.result.locked) == (
            attempt, 5 - attempt, attempt == 5)
    peers.settle()
    refused(AccessLockedError, lambda: us.redeem_access_code("JP", IpRight.PATENT, coded.number, PRIORITY_DATE,
                                                             CODE))
    assert CODE not in str(error) and CODE.upper() not in str(error)

    retry_conflicts(lambda: jp.withdraw_first_filing(plain.id, "withdrawn for the error test"))
    refused(InvalidTransitionError, lambda: jp.withdraw_first_filing(plain.id, "twice"))
    refused(DocumentUnavailableError, lambda: jp.grant_access(plain.id, "KR"))
    peers.settle()
    refused(DocumentUnavailableError, lambda: kr.redeem_access_code("JP", IpRight.PATENT, plain.number,
                                                                    PRIORITY_DATE, CODE))


def test_refusals_about_priority_claims(ledgers: dict[str, PriorityLedger], peers: Peers) -> None:
    jp, us = ledgers["JP"], ledgers["US"]
    first = deposit(jp, "JP")
    design = deposit(jp, "JP", ip_right=IpRight.INDUSTRIAL_DESIGN)
    peers.settle()

    def claim(later_date: date, *, later_right: IpRight = IpRight.PATENT, priority: Deposited = first,
              priority_right: IpRight = IpRight.PATENT, priority_date: date = PRIORITY_DATE) -> Any:
        return us.record_priority_claim(
            later_application_number=_later(), later_ip_right=later_right, later_filing_date=later_date,
            priority_office="JP", priority_application_number=priority.number, priority_ip_right=priority_right,
            priority_filing_date=priority_date)

    patent = us.compute_priority_deadline("US", IpRight.PATENT, PRIORITY_DATE, IpRight.PATENT)
    restoration_end = patent.restoration_end
    assert restoration_end is not None
    refused(PriorityDateNotEarlierError, lambda: claim(PRIORITY_DATE))
    refused(IncompatibleIpTypeError, lambda: claim(patent.period_end, later_right=IpRight.TRADEMARK))
    refused(PriorityPeriodExpiredError, lambda: claim(restoration_end + timedelta(days=1)))
    refused(DateMismatchError, lambda: claim(patent.period_end, priority_date=PRIORITY_DATE - timedelta(days=1)))
    # A late design: within two months, but the USPTO does not restore designs.
    designs = us.compute_priority_deadline("US", IpRight.INDUSTRIAL_DESIGN, PRIORITY_DATE,
                                           IpRight.INDUSTRIAL_DESIGN)
    assert not designs.restoration_available
    refused(RestorationNotAvailableError, lambda: claim(designs.period_end + timedelta(days=1),
                                                        later_right=IpRight.INDUSTRIAL_DESIGN, priority=design,
                                                        priority_right=IpRight.INDUSTRIAL_DESIGN))
    refused(UnknownOfficeError, lambda: us.get_later_application_claims("CN", IpRight.PATENT, "123456"))
    refused(UnknownOfficeError, lambda: us.compute_priority_deadline("CN", IpRight.PATENT, PRIORITY_DATE,
                                                                     IpRight.PATENT))
    refused(NotFoundError, lambda: us.get_priority_claim(f"US:PATENT:9{random_digits(10)}:1"))

    recorded = retry_conflicts(lambda: claim(patent.period_end)).claim
    refused(InvalidTransitionError, lambda: us.request_restoration(recorded.id, "DUE_CARE", patent.period_end))
    refused(InvalidTransitionError, lambda: us.decide_restoration(recorded.id, "GRANTED"))
    peers.settle()
    refused(NotAuthorizedError, lambda: jp.withdraw_priority_claim(recorded.id))
    retry_conflicts(lambda: us.withdraw_priority_claim(recorded.id))
    refused(InvalidTransitionError, lambda: us.withdraw_priority_claim(recorded.id))


@pytest.fixture
def unreachable(live_profiles: Path, tmp_path: Path) -> Iterator[PriorityLedger]:
    """JP's domain API with a gateway at a closed port; it connects lazily, so opening it succeeds."""
    document = json.loads((live_profiles / "JP.json").read_text())
    base = live_profiles.resolve()
    document["gateway"]["endpoint"] = "127.0.0.1:1"
    document["gateway"]["tlsRootCertPath"] = str(base / document["gateway"]["tlsRootCertPath"])
    document["peers"] = []
    for user in document["users"].values():
        for key, value in list(user.items()):
            user[key] = str(base / value)
    document.pop("walletPath", None)
    profile = tmp_path / "JP.json"
    profile.write_text(json.dumps(document))
    with PriorityLedger.connect(profile, connect_timeout=None) as ledger:
        yield ledger


def test_client_side_checks_raise_the_same_classes_before_any_network_call(unreachable: PriorityLedger) -> None:
    refused(InvalidDateError, lambda: unreachable.compute_priority_deadline("US", "PATENT", "2024-02-30", "PATENT"))
    refused(InvalidOfficeCodeError, lambda: unreachable.find_first_filing("J1", "PATENT", "2024-012345"))
    refused(InvalidOfficeCodeError, lambda: unreachable.grant_access("JP:PATENT:2024012345", "XX"))
    refused(InvalidApplicationNumberError, lambda: unreachable.find_first_filing("JP", "PATENT", "JP#2024-012345"))
    refused(InvalidArgumentError, lambda: unreachable.find_first_filing("JP", "PATENTS", "2024-012345"))
    refused(InvalidArgumentError, lambda: unreachable.list_first_filings(page_size=0))
    refused(InvalidArgumentError, lambda: unreachable.get_first_filing("JP-PATENT-2024012345"))
    refused(InvalidArgumentError, lambda: unreachable.deposit_first_filing(
        ip_right="PATENT", application_number="JP 2024-012345", filing_date=PRIORITY_DATE, document_sha256="ab"))
    refused(InvalidArgumentError, lambda: unreachable.deposit_first_filing(
        ip_right="PATENT", application_number="JP 2024-012345", filing_date=PRIORITY_DATE,
        document_sha256="ab" * 32, access_code="not hex"))
    # The same ledger does reach for the network once the input is fine.
    with pytest.raises((GatewayError, GatewayConnectionError)) as caught:
        unreachable.get_first_filing("JP:PATENT:2024012345")
    assert re.search("UNAVAILABLE|CONNECTION", str(caught.value)), str(caught.value)
