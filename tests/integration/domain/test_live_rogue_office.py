"""One member office turns rogue: KR runs modified chaincode on its own peer and crafts its own proposals.

The modified chaincode is the honest contract plus transactions that write any state without any rule
(chaincode/contract/rogue_chaincode.go, built with ``-tags rogue``), swapped in for KR's chaincode server only.
Every attack must fail at endorsement by the honest offices' peers or be invalidated at commit; the other
offices' chaincode keeps running and the records they rely on stay as they were.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from _live_domain import PRIORITY_DATE, Peers, random_digits, retry_conflicts, sha256
from ipledger.domain import FirstFiling, IpRight, PriorityLedger
from ipledger.domain.errors import LedgerError, NotAuthorizedError
from ipledger.errors import IpledgerError
from ipledger.gateway import CommitError, GatewayError
from ipledger.gateway._builder import build_proposed_transaction, serialize_identity
from ipledger.credentials.connection_profile import profile_user
from ipledger.credentials.connection_profile import ConnectionProfile
from ipledger.operator import containers
from ipledger.operator.bringup import Context, load_state
from ipledger.operator.images import chaincode_image, ensure_image
from ipledger.operator.progress import Progress
from ipledger.operator.toolchain import CHAINCODE_BINARY, build_chaincode

ROGUE = "KR"
YEAR_9999_NS = 253_402_300_799 * 10**9  # 9999-12-31T23:59:59Z, the latest time a proposal can carry


@pytest.fixture(scope="module")
def rogue(network: Context) -> Iterator[str]:
    """KR's chaincode server replaced by the rogue build for this module; the honest one is restored after."""
    plan, engine = network.plan, network.need_engine(install=False)
    state = load_state(plan)
    label, package_id, honest = str(state["label"]), str(state["packageId"]), str(state["chaincodeImage"])
    office = plan.office(ROGUE)
    with tempfile.TemporaryDirectory(prefix="ipledger-rogue-") as build:
        binary = Path(build) / CHAINCODE_BINARY
        build_chaincode(plan.root, binary, tags=("rogue",))
        spec = chaincode_image(binary, "rogue-" + hashlib.sha256(binary.read_bytes()).hexdigest()[:12])
        ensure_image(engine, spec, Progress(quiet=True))
    containers.start_chaincode(engine, plan, office, label, package_id, spec.tag)
    try:
        _wait_answers(network)
        yield spec.tag
    finally:
        containers.start_chaincode(engine, plan, office, label, package_id, honest)
        _wait_answers(network)


def _wait_answers(network: Context, timeout: float = 90.0) -> None:
    """A replaced chaincode server takes a moment to listen; until then KR's peer cannot launch it."""
    deadline = time.monotonic() + timeout
    with PriorityLedger.connect(network.plan.profiles_dir / f"{ROGUE}.json", "User1") as ledger:
        while True:
            try:
                ledger.get_caller_office()  # evaluated by KR's own peer, so by KR's chaincode server
                return
            except IpledgerError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1.0)


def rogue_submit(ledgers: dict[str, PriorityLedger], name: str, *args: str) -> None:
    """A transaction endorsed by the rogue office's own peer alone (the only peer that runs its code)."""
    contract = ledgers[ROGUE].contract
    contract.submit(name, list(args), endorsing_organizations=[f"{ROGUE}MSP"])  # type: ignore[attr-defined]


def rogue_read(ledgers: dict[str, PriorityLedger], object_type: str, attrs: list[str]) -> bytes:
    contract = ledgers[ROGUE].contract
    return contract.evaluate("RogueGetState", [object_type, json.dumps(attrs)])  # type: ignore[attr-defined,no-any-return]


def invalidated(error: pytest.ExceptionInfo[BaseException]) -> None:
    assert isinstance(error.value, CommitError), error.value
    assert error.value.code_name == "ENDORSEMENT_POLICY_FAILURE", error.value


def chaincode_running(network: Context) -> dict[str, str]:
    engine = network.need_engine(install=False)
    return {c.labels.get("io.ipledger.office", "?"): c.status for c in containers.containers(engine, network.plan)
            if c.labels.get("io.ipledger.role") == "chaincode"}


def jp_filing_retrieved_by_kr(ledgers: dict[str, PriorityLedger], peers: Peers) -> tuple[FirstFiling, str]:
    jp = ledgers["JP"]
    filing = retry_conflicts(lambda: jp.deposit_first_filing(
        ip_right=IpRight.PATENT, application_number=f"JP 2024-{random_digits(10)}", filing_date=PRIORITY_DATE,
        document_sha256=sha256(random_digits(20).encode())))
    retry_conflicts(lambda: jp.grant_access(filing.id, ROGUE))
    peers.settle()
    retrieval = retry_conflicts(lambda: ledgers[ROGUE].request_retrieval(filing.id))
    failed = retry_conflicts(lambda: ledgers[ROGUE].fail_retrieval(retrieval.id, "DOWNLOAD_FAILED", "timeout"))
    assert failed.status.value == "ERROR"
    peers.settle()
    return filing, retrieval.id


def retrieval_attrs(retrieval_id: str) -> list[str]:
    office, right, number, stamped = retrieval_id.split(":")
    return [office, right, number, stamped]


def test_a_rogue_requester_cannot_turn_a_failed_retrieval_into_a_success(
        rogue: str, ledgers: dict[str, PriorityLedger], peers: Peers) -> None:
    filing, retrieval_id = jp_filing_retrieved_by_kr(ledgers, peers)
    attrs = retrieval_attrs(retrieval_id)
    record = json.loads(rogue_read(ledgers, "ipl.retrieval", attrs))
    forged = dict(record, status="SUCCESS", errorCode="", errorMessage="", receivedSha256=record["expectedSha256"])
    with pytest.raises(CommitError) as rewrite:
        rogue_submit(ledgers, "RoguePutState", "ipl.retrieval", json.dumps(attrs), json.dumps(forged))
    invalidated(rewrite)
    with pytest.raises(CommitError) as delete:  # nor erase it from the owner's audit log
        rogue_submit(ledgers, "RogueDeleteState", "ipl.retrieval", json.dumps(attrs))
    invalidated(delete)
    peers.settle()
    seen = ledgers["JP"].get_retrieval(retrieval_id)
    assert (seen.status.value, seen.error_code) == ("ERROR", "DOWNLOAD_FAILED")
    assert [r.id for r in ledgers["JP"].iter_retrievals(filing.id)] == [retrieval_id]


def test_a_rogue_office_cannot_mark_its_late_claim_in_time(
        rogue: str, ledgers: dict[str, PriorityLedger], peers: Peers) -> None:
    jp = ledgers["JP"]
    filing = retry_conflicts(lambda: jp.deposit_first_filing(
        ip_right=IpRight.PATENT, application_number=f"JP 2022-{random_digits(10)}",
        filing_date=date(2022, 3, 1), document_sha256=sha256(random_digits(20).encode())))
    peers.settle()
    number = random_digits(10)
    recorded = retry_conflicts(lambda: ledgers[ROGUE].record_priority_claim(
        later_application_number=f"KR {number}", later_ip_right=IpRight.PATENT,
        later_filing_date=date(2023, 4, 3), priority_office="JP",
        priority_application_number=filing.application_number, priority_ip_right=IpRight.PATENT,
        priority_filing_date=date(2022, 3, 1)))
    claim = recorded.claim
    assert claim.timeliness.value == "LATE_RESTORABLE"  # a month after the priority period ended
    office, right, normalised, seq = claim.id.split(":")
    attrs = [office, right, normalised, f"{int(seq):03d}"]
    record = json.loads(rogue_read(ledgers, "ipl.claim", attrs))
    with pytest.raises(CommitError) as rewrite:
        rogue_submit(ledgers, "RoguePutState", "ipl.claim", json.dumps(attrs),
                     json.dumps(dict(record, timeliness="IN_TIME")))
    invalidated(rewrite)
    peers.settle()
    assert ledgers["US"].get_priority_claim(claim.id).timeliness == claim.timeliness


def _crafted(ledgers: dict[str, PriorityLedger], network: Context, gateway_office: str, name: str,
             args: list[str], timestamp_ns: int) -> GatewayError:
    """A proposal signed by the rogue office's user with a timestamp of its choosing, sent to another gateway."""
    plan = network.plan
    profile = ConnectionProfile.load(plan.profiles_dir / f"{ROGUE}.json")
    identity, signer = profile_user(profile, "User1")
    proposed = build_proposed_transaction(
        creator=serialize_identity(identity), channel=plan.channel, chaincode=plan.spec.chaincode.name,
        transaction_name=name, arguments=[a.encode() for a in args], timestamp_ns=timestamp_ns)
    gateway = ledgers[gateway_office].gateway
    assert gateway is not None
    unsigned = gateway.new_proposal(proposed.SerializeToString())
    signed = gateway.new_signed_proposal(unsigned.bytes, signer(unsigned.digest))
    with pytest.raises(GatewayError) as refused:
        signed.evaluate(timeout=30)
    return refused.value


MINUTE_NS = 60 * 10**9


@pytest.mark.parametrize(("timestamp", "refusal"), [
    (lambda: YEAR_9999_NS, "request unauthorized due to incorrect timestamp"),  # Fabric's own 15-minute window
    (lambda: 0, "request unauthorized due to incorrect timestamp"),
    (lambda: time.time_ns() - 12 * MINUTE_NS, "CLOCK_SKEW"),  # inside Fabric's window, outside the contract's
    (lambda: time.time_ns() + 12 * MINUTE_NS, "CLOCK_SKEW"),
], ids=["year-9999", "epoch", "12-minutes-ago", "in-12-minutes"])
def test_a_crafted_timestamp_is_refused_by_the_endorsing_peer(
        network: Context, ledgers: dict[str, PriorityLedger], timestamp: Callable[[], int], refusal: str) -> None:
    refused = _crafted(ledgers, network, "JP", "GetOffice", ["JP"], timestamp())
    answers = [detail.message for detail in refused.details] or [str(refused)]
    assert answers and all(refusal in answer for answer in answers), answers


def test_an_oversized_argument_is_refused_and_the_chaincode_survives(
        network: Context, ledgers: dict[str, PriorityLedger]) -> None:
    contract = ledgers[ROGUE].contract
    with pytest.raises(GatewayError) as refused:
        contract.evaluate("GetFirstFiling", ["J" * (5 << 20)], endorsing_organizations=["JPMSP"])  # type: ignore
    assert "INVALID_ARGUMENT" in (refused.value.chaincode_message() or str(refused.value))
    assert chaincode_running(network).get("JP") == "running"
    assert ledgers["JP"].get_office("JP").office_code == "JP"  # and still answers


def test_a_poisoned_record_is_refused_not_a_crash(
        rogue: str, network: Context, ledgers: dict[str, PriorityLedger], peers: Peers) -> None:
    # The rogue office writes garbage under a key of a filing it does not own and asks the honest peers
    # to read it: the write never becomes valid, and nothing an honest peer reads can stop its chaincode.
    filing, _ = jp_filing_retrieved_by_kr(ledgers, peers)
    office, right, number = filing.id.split(":")
    with pytest.raises(CommitError) as poison:
        rogue_submit(ledgers, "RoguePutState", "ipl.access", json.dumps([office, right, number]), "{\"x\": [")
    invalidated(poison)
    assert ledgers["US"].get_access_record(filing.id).filing_id == filing.id
    before = chaincode_running(network)
    assert all(status == "running" for status in before.values()), before


def test_a_poisoned_record_of_the_rogues_own_makes_honest_chaincode_answer_internal_not_crash(
        rogue: str, network: Context, ledgers: dict[str, PriorityLedger], peers: Peers) -> None:
    # A key the rogue office may write alone (the access record of its own filing) holds garbage after its
    # own peer endorsed the write; honest peers that read it refuse the request and keep serving.
    kr = ledgers[ROGUE]
    filing = retry_conflicts(lambda: kr.deposit_first_filing(
        ip_right=IpRight.PATENT, application_number=f"KR {random_digits(10)}", filing_date=PRIORITY_DATE,
        document_sha256=sha256(random_digits(20).encode())))
    office, right, number = filing.id.split(":")
    poison = json.dumps({"filingId": filing.id, "offices": "not a list", "ownerOffice": 7})
    rogue_submit(ledgers, "RoguePutState", "ipl.access", json.dumps([office, right, number]), poison)
    peers.settle()
    for reader in ("JP", "US", "EP"):
        with pytest.raises(LedgerError) as refused:
            ledgers[reader].get_access_record(filing.id)
        assert refused.value.chaincode_code == "INTERNAL", refused.value
        with pytest.raises(LedgerError):
            ledgers[reader].request_retrieval(filing.id)  # a write path that reads it too
    running = chaincode_running(network)
    assert all(status == "running" for status in running.values()), running
    assert all(ledgers[o].get_office(o).office_code == o for o in ("JP", "US", "EP"))  # and they still answer


def test_a_revoked_grant_is_not_granted_again_by_the_same_code(
        ledgers: dict[str, PriorityLedger], peers: Peers) -> None:
    jp = ledgers["JP"]
    number = f"JP 2024-{random_digits(10)}"
    filing = retry_conflicts(lambda: jp.deposit_first_filing(
        ip_right=IpRight.PATENT, application_number=number, filing_date=PRIORITY_DATE,
        document_sha256=sha256(number.encode()), access_code="7F3A9C21"))
    peers.settle()
    granted = ledgers["US"].redeem_access_code("JP", IpRight.PATENT, number, PRIORITY_DATE, "7F3A9C21")
    assert granted.result.value == "ACCESS_GRANTED"
    peers.settle()  # JP's peer must have committed the grant before JP revokes it
    retry_conflicts(lambda: jp.revoke_access(filing.id, "US", "the applicant withdrew the code"))
    peers.settle()
    with pytest.raises(NotAuthorizedError):
        ledgers["US"].redeem_access_code("JP", IpRight.PATENT, number, PRIORITY_DATE, "7F3A9C21")
    peers.settle()
    assert {g.office_code: g.grant.value for g in jp.get_access_record(filing.id).offices}["US"] == "REVOKED"
