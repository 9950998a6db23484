"""Issue #3: every state change emits exactly one chaincode event, in commit order, whose payload names the
record (type + key) and never carries private data."""

from __future__ import annotations

import json

from _chaincode_support import (
    Office,
    Tx,
    confidential_input,
    deposit,
    random_digits,
    random_hex,
    attempt_redeem,
    read_events,
    set_access_code,
    set_confidential,
    settle_redemption,
)
from ipledger.operator.bringup import Context


def test_each_change_emits_one_event_in_order_without_private_data(
        network: Context, jp: Office, us: Office) -> None:
    marker = f"Q{random_digits(12)}"
    secret = confidential_input(marker)
    code = random_hex(16)
    start = jp.chain_height()  # the next block to be cut; every transaction below lands at or after it

    filing = deposit(jp, filing_date="2025-04-07")
    fid = filing.id
    steps: list[tuple[str, Tx, dict[str, str]]] = [
        ("FirstFilingDeposited", filing.tx,
         {"recordType": "filing", "recordId": fid, "officeCode": "JP", "subjectOffice": "", "status": "AVAILABLE"}),
    ]

    def step(event: str, tx: Tx, record_type: str, record_id: str, office: str, subject: str, status: str) -> None:
        steps.append((event, tx, {"recordType": record_type, "recordId": record_id, "officeCode": office,
                                  "subjectOffice": subject, "status": status}))

    step("FirstFilingConfidentialUpdated", set_confidential(jp, fid, secret), "filing", fid, "JP", "", "AVAILABLE")
    step("AccessCodeChanged", set_access_code(jp, fid, code), "access", fid, "JP", "", "AVAILABLE")
    step("AccessCodeAttempted", attempt_redeem(us, jp, filing.record, random_hex(16)),
         "access", fid, "US", "US", "PENDING")
    step("AccessCodeRejected", settle_redemption(us, jp, fid, "US"), "access", fid, "US", "US", "REJECTED")
    step("AccessCodeAttempted", attempt_redeem(us, jp, filing.record, code), "access", fid, "US", "US", "PENDING")
    step("AccessGranted", settle_redemption(jp, jp, fid, "US"), "access", fid, "JP", "US", "ACTIVE")
    requested = us.submit_tx("RequestRetrieval", fid)
    retrieval_id = requested.result["id"]
    step("RetrievalRequested", requested, "retrieval", retrieval_id, "US", "JP", "PENDING")
    step("RetrievalCompleted", us.submit_tx("AcknowledgeRetrieval", retrieval_id, filing.sha256),
         "retrieval", retrieval_id, "US", "JP", "SUCCESS")
    step("AccessRevoked", jp.submit_tx("RevokeAccess", fid, "US", "end of examination"),
         "access", fid, "JP", "US", "REVOKED")
    step("AccessGranted", jp.submit_tx("GrantAccess", fid, "KR"), "access", fid, "JP", "KR", "ACTIVE")
    claim = us.submit_tx("RecordPriorityClaim", json.dumps({
        "laterApplication": {"applicationNumber": f"18/{random_digits(3)},{random_digits(3)}", "ipRight": "PATENT",
                             "filingDate": "2026-03-02"},
        "sequenceNumber": 1,
        "priority": {"officeCode": "JP", "applicationNumber": filing.record["applicationNumber"],
                     "ipRight": "PATENT", "filingDate": "2025-04-07"},
    }))
    assert claim.result["claim"]["firstFilingId"] == fid
    step("PriorityClaimRecorded", claim, "claim", claim.result["claim"]["id"], "US", "JP", "RECORDED")

    transaction_ids = [tx.transaction_id for _, tx, _ in steps]
    assert len(set(transaction_ids)) == len(steps)
    mine, seen = read_events(jp, start, transaction_ids)

    # Exactly one event per transaction, in commit order, with the expected names and payloads.
    assert [e.transaction_id for e in mine] == transaction_ids, "missing, repeated or reordered events"
    for event, (name, tx, payload) in zip(mine, steps):
        assert event.chaincode_name == "ipledger"
        assert event.event_name == name
        assert event.block_number == tx.block_number
        assert json.loads(event.payload) == {**payload, "txId": tx.transaction_id}
        assert list(json.loads(event.payload)) == ["recordType", "recordId", "officeCode", "subjectOffice",
                                                   "status", "txId"]
    assert [e.block_number for e in mine] == sorted(e.block_number for e in mine)

    # No payload on the stream (ours or anybody else's) carries the private part or the access code.
    secrets_ = [marker, secret["salt"], secret["contact"]["email"], code, code.upper()]
    for event in seen:
        text = event.payload.decode("utf-8", "replace")
        assert not any(s in text for s in secrets_), (event.event_name, text)


def test_events_resume_exactly_after_a_transaction(network: Context, jp: Office) -> None:
    """Starting from a block number delivers that block's events too - not only later ones."""
    first = deposit(jp)
    second = deposit(jp)
    mine, _ = read_events(jp, first.tx.block_number, [first.tx.transaction_id, second.tx.transaction_id])
    assert [(e.event_name, e.transaction_id) for e in mine] == [
        ("FirstFilingDeposited", first.tx.transaction_id), ("FirstFilingDeposited", second.tx.transaction_id)]
