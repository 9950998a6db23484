"""Issue #3: a membership change proposed by one office is applied only once a majority of the ACTIVE offices
approved it.  The change used is CHANGE_ROLES of an office to the roles it already has, so the registry is left
as it was found (only the target's updatedAt moves) and other tests sharing the network are not disturbed."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from _chaincode_support import Office, Tx, read_events
from ipledger.gateway import GatewayError
from ipledger.operator.bringup import Context


def _active_offices(office: Office) -> list[str]:
    page = office.evaluate("ListOffices", "100", "")
    assert page["bookmark"] == ""
    return sorted(o["officeCode"] for o in page["records"] if o["status"] == "ACTIVE")


REGISTRY_FIELDS = ("officeCode", "mspId", "name", "status", "roles", "createdAt", "updatedAt")


def _registry(office: Office, code: str) -> dict[str, Any]:
    """The registry part of an office (its settings may be changed by that office meanwhile)."""
    view = office.office(code)
    return {name: view[name] for name in REGISTRY_FIELDS}


def _history_length(office: Office, code: str) -> int:
    """Number of writes of the office's registry entry (all pages: it grows with every run of this test)."""
    count, bookmark = 0, ""
    while True:
        page = office.evaluate("GetRecordHistory", "office", code, "100", bookmark)
        count += len(page["records"])
        bookmark = page["bookmark"]
        if not bookmark:
            return count


class _Proposals:
    """Withdraws, at teardown, any proposal of this test that is still OPEN (a failed run leaves none behind)."""

    def __init__(self) -> None:
        self.opened: list[tuple[Office, str]] = []

    def propose(self, proposer: Office, change: dict[str, Any]) -> Tx:
        tx = proposer.submit_tx_retrying("ProposeMembershipChange", json.dumps(change))
        self.opened.append((proposer, tx.result["id"]))
        return tx

    def withdraw_open(self) -> None:
        for proposer, proposal_id in self.opened:
            if proposer.evaluate("GetMembershipProposal", proposal_id)["status"] == "OPEN":
                proposer.submit_tx_retrying("WithdrawMembershipProposal", proposal_id)


@pytest.fixture
def proposals(network: Context) -> Iterator[_Proposals]:
    tracker = _Proposals()
    try:
        yield tracker
    finally:
        tracker.withdraw_open()


def _same_roles_change(target: dict[str, Any], reason: str) -> dict[str, Any]:
    return {"action": "CHANGE_ROLES", "officeCode": target["officeCode"], "roles": target["roles"],
            "reason": reason}


def _propose_on_some_target(proposer: Office, proposals: _Proposals, candidates: Sequence[str],
                            reason: str) -> tuple[dict[str, Any], Tx]:
    """Propose for the first candidate without an identical open proposal of somebody else (those collide)."""
    for code in candidates:
        target = _registry(proposer, code)
        try:
            return target, proposals.propose(proposer, _same_roles_change(target, reason))
        except GatewayError as error:
            if not (error.chaincode_message() or "").startswith("ALREADY_EXISTS: "):
                raise
    pytest.skip("every candidate office has an open proposal of another test")


def test_membership_change_applies_only_with_a_majority(
        network: Context, offices: dict[str, Office], jp: Office, proposals: _Proposals) -> None:
    active = _active_offices(jp)
    assert "JP" in active and len(active) >= 3, active
    majority = len(active) // 2 + 1
    approvers = [offices[code] for code in active if code != "JP"]
    candidates = [code for code in ("KR", "EP", "US") if code in active]

    start = jp.chain_height()
    target, proposed = _propose_on_some_target(jp, proposals, candidates, "roles confirmed (integration test)")
    proposal = proposed.result
    code = target["officeCode"]
    history_before = _history_length(jp, code)
    assert (proposal["status"], proposal["approvals"], proposal["proposedBy"]) == ("OPEN", ["JP"], "JP")
    assert proposal["closedAt"] == ""
    jp.refused_submit("ALREADY_EXISTS", "ApproveMembershipChange", proposal["id"])
    jp.refused_submit("ALREADY_EXISTS", "ProposeMembershipChange", json.dumps(_same_roles_change(target, "twice")))

    assert proposal["id"].endswith(f"_{proposed.transaction_id}")
    transactions = [proposed.transaction_id]
    votes = 1
    for approver in approvers:
        if votes == majority:
            break
        before = approver.evaluate("GetMembershipProposal", proposal["id"])
        assert before["status"] == "OPEN"
        assert _registry(approver, code) == target, "the registry changed before a majority approved"
        assert _history_length(approver, code) == history_before
        tx = approver.submit_tx_retrying("ApproveMembershipChange", proposal["id"])
        transactions.append(tx.transaction_id)
        votes += 1
        assert approver.code in tx.result["approvals"]
        assert tx.result["status"] == ("APPLIED" if votes == majority else "OPEN")

    applied = jp.evaluate("GetMembershipProposal", proposal["id"])
    assert applied["status"] == "APPLIED" and applied["closedAt"] != ""
    assert len(applied["approvals"]) == majority
    after = _registry(jp, code)
    assert (after["status"], after["roles"]) == (target["status"], target["roles"])  # left as found
    assert after["updatedAt"] >= target["updatedAt"]
    assert _history_length(jp, code) == history_before + 1  # written once, by the applying transaction

    # Closed proposals take no more approvals or withdrawals.
    late = [o for o in approvers if o.code not in applied["approvals"]]
    if late:
        late[0].refused_submit("INVALID_TRANSITION", "ApproveMembershipChange", proposal["id"])
    jp.refused_submit("INVALID_TRANSITION", "WithdrawMembershipProposal", proposal["id"])

    events, _ = read_events(jp, start, transactions)
    names = [e.event_name for e in events]
    assert names == ["MembershipChangeProposed"] + ["MembershipChangeApproved"] * (majority - 2) + [
        "OfficeRolesChanged"]
    for event in events:
        payload = json.loads(event.payload)
        assert (payload["recordType"], payload["recordId"], payload["subjectOffice"]) == (
            "proposal", proposal["id"], code)


def test_withdrawn_proposal_is_never_applied(
        network: Context, offices: dict[str, Office], us: Office, proposals: _Proposals) -> None:
    active = _active_offices(us)
    candidates = [code for code in ("EP", "KR", "JP") if code in active]
    target, proposed = _propose_on_some_target(us, proposals, candidates, "withdrawn (integration test)")
    proposal = proposed.result
    code = target["officeCode"]
    history_before = _history_length(us, code)

    other = offices[next(c for c in active if c != "US")]
    other.refused_submit("NOT_AUTHORIZED", "WithdrawMembershipProposal", proposal["id"])
    withdrawn = us.submit_tx_retrying("WithdrawMembershipProposal", proposal["id"]).result
    assert (withdrawn["status"], withdrawn["approvals"]) == ("WITHDRAWN", ["US"])
    for approver in offices.values():
        if approver.code != "US" and approver.code in active:
            approver.refused_submit("INVALID_TRANSITION", "ApproveMembershipChange", proposal["id"])
    assert _registry(us, code) == target
    assert _history_length(us, code) == history_before
    open_ids: list[str] = []
    bookmark = ""
    while True:
        page = us.evaluate("ListMembershipProposals", "OPEN", "100", bookmark)
        open_ids += [p["id"] for p in page["records"]]
        bookmark = page["bookmark"]
        if not bookmark:
            break
    assert proposal["id"] not in open_ids
