"""Issue #3: access to a priority document - access code redemption (DAS route) with its failure counter and
lock, direct grant and revocation by the depositing office, and audited retrievals."""

from __future__ import annotations

import json
from typing import Any

from _chaincode_support import (
    Office,
    attempt_redeem,
    code_transient,
    deposit,
    random_hex,
    redeem,
    redemption_args,
    set_access_code,
    settle_redemption,
    sha256_hex,
)
from ipledger.operator.bringup import Context

MAX_FAILED_ATTEMPTS = 5


def _entry(record: dict[str, Any], office: str) -> dict[str, Any]:
    matches = [e for e in record["offices"] if e["officeCode"] == office]
    assert len(matches) == 1, record
    entry: dict[str, Any] = matches[0]
    return entry


def test_redeem_access_code_counts_failures_locks_and_owner_resets(
        network: Context, jp: Office, us: Office) -> None:
    filing = deposit(jp)
    code = random_hex(16)
    wrong = random_hex(16)
    assert wrong != code

    us.refused_submit("ACCESS_CODE_NOT_SET", "RedeemAccessCode", "JP", "PATENT",
                      filing.record["applicationNumber"], filing.record["filingDate"],
                      transient={"accessCode": json.dumps({"accessCode": code})}, endorsing=[jp.msp_id])
    set_access_code(jp, filing.id, code)
    us.refused_submit("NO_GRANT", "RequestRetrieval", filing.id)

    # Wrong codes: successful transactions (attempt, then settlement) that record the failure; the 5th locks.
    for attempt in range(1, MAX_FAILED_ATTEMPTS + 1):
        result = redeem(us, jp, filing.record, wrong).result
        assert result == {"filingId": filing.id, "officeCode": "US", "result": "ACCESS_CODE_MISMATCH",
                          "failedAttempts": attempt, "remainingAttempts": MAX_FAILED_ATTEMPTS - attempt,
                          "locked": attempt == MAX_FAILED_ATTEMPTS}
        entry = _entry(jp.access(filing.id), "US")
        assert (entry["grant"], entry["failedAttempts"], entry["locked"]) == (
            "NONE", attempt, attempt == MAX_FAILED_ATTEMPTS)

    # Locked: even the right code is refused, and nothing more is counted.
    error = us.refused_submit("ACCESS_LOCKED", "RedeemAccessCode", "JP", "PATENT",
                              filing.record["applicationNumber"], filing.record["filingDate"],
                              transient={"accessCode": json.dumps({"accessCode": code})}, endorsing=[jp.msp_id])
    assert code not in str(error).lower()
    assert _entry(jp.access(filing.id), "US")["failedAttempts"] == MAX_FAILED_ATTEMPTS
    us.refused_submit("NOT_AUTHORIZED", "ResetAccessLock", filing.id, "US")  # only the owner resets

    reset = jp.submit("ResetAccessLock", filing.id, "US")
    entry = _entry(reset, "US")
    assert (entry["grant"], entry["failedAttempts"], entry["locked"], entry["lockedAt"]) == ("NONE", 0, False, "")

    # The right code (case-insensitive), endorsed by the owner's peer only -> grant.
    granted = redeem(us, jp, filing.record, code.upper()).result
    assert granted == {"filingId": filing.id, "officeCode": "US", "result": "ACCESS_GRANTED",
                       "failedAttempts": 0, "remainingAttempts": MAX_FAILED_ATTEMPTS, "locked": False}
    entry = _entry(us.access(filing.id), "US")
    assert (entry["grant"], entry["route"], entry["failedAttempts"], entry["pendingAttempt"]) == (
        "ACTIVE", "ACCESS_CODE", 0, False)
    us.refused_submit("ALREADY_EXISTS", "RedeemAccessCode", "JP", "PATENT",
                      filing.record["applicationNumber"], filing.record["filingDate"],
                      transient={"accessCode": json.dumps({"accessCode": code})}, endorsing=[jp.msp_id])


def test_redeem_checks_the_filing_date_and_the_endorsing_peer(network: Context, jp: Office, us: Office) -> None:
    filing = deposit(jp, filing_date="2025-03-03")
    code = random_hex(8)
    set_access_code(jp, filing.id, code)
    transient = {"accessCode": json.dumps({"accessCode": code})}
    error = us.refused_submit("DATE_MISMATCH", "RedeemAccessCode", "JP", "PATENT",
                              filing.record["applicationNumber"], "2025-03-04", transient=transient,
                              endorsing=[jp.msp_id])
    assert "2025-03-03" not in str(error)

    # Simulated on the caller's own peer, which cannot read the owner's code record (CONTRACT.md §3.3).
    # Needs the chaincode fix of contract/txn.go getPrivate (before it: INTERNAL from Fabric's read error).
    error = us.refused_submit("WRONG_ENDORSER", "RedeemAccessCode", "JP", "PATENT",
                              filing.record["applicationNumber"], filing.record["filingDate"],
                              transient=transient, endorsing=[us.msp_id])
    assert code not in str(error).lower()
    assert jp.access(filing.id)["offices"] == []


def test_simulating_an_attempt_reveals_nothing_and_only_a_committed_attempt_counts(
        network: Context, jp: Office, us: Office) -> None:
    """The fix of the brute-force hole: RedeemAccessCode no longer compares the code, so neither an Evaluate nor
    an Endorse of it (without submitting) tells a right code from a wrong one; the comparison happens in
    SettleAccessCodeRedemption, after the attempt is committed and counted."""
    filing = deposit(jp)
    code = random_hex(8)
    wrong = random_hex(8)
    assert wrong != code
    set_access_code(jp, filing.id, code)
    args = redemption_args(filing.record)

    right_eval = us.evaluate("RedeemAccessCode", *args, transient=code_transient(code), endorsing=[jp.msp_id])
    wrong_eval = us.evaluate("RedeemAccessCode", *args, transient=code_transient(wrong), endorsing=[jp.msp_id])
    assert right_eval == wrong_eval == {"filingId": filing.id, "officeCode": "US", "result": "ATTEMPT_PENDING",
                                        "failedAttempts": 1, "remainingAttempts": MAX_FAILED_ATTEMPTS - 1,
                                        "locked": False}
    # Endorsed on the owner's peer but never submitted: the same proposal result for both codes.
    endorsed = [us.contract.new_proposal("RedeemAccessCode", args, transient=code_transient(c),
                                         endorsing_organizations=[jp.msp_id]).endorse() for c in (code, wrong)]
    assert endorsed[0].result == endorsed[1].result
    # Nothing simulated was recorded, and nothing was learnt.
    assert jp.access(filing.id)["offices"] == []

    # A committed wrong attempt is counted at once, before anyone compared it.
    attempt = attempt_redeem(us, jp, filing.record, wrong).result
    assert attempt == right_eval
    entry = _entry(jp.access(filing.id), "US")
    assert (entry["grant"], entry["failedAttempts"], entry["pendingAttempt"]) == ("NONE", 1, True)
    assert entry["pendingAttemptAt"] != ""
    us.refused_submit("INVALID_TRANSITION", "RedeemAccessCode", *args, transient=code_transient(code),
                      endorsing=[jp.msp_id])  # one pending attempt at a time

    # Simulating the settlement only reveals the outcome of the attempt already counted.
    assert us.evaluate("SettleAccessCodeRedemption", filing.id, "US",
                       endorsing=[jp.msp_id])["result"] == "ACCESS_CODE_MISMATCH"
    us.refused_submit("WRONG_ENDORSER", "SettleAccessCodeRedemption", filing.id, "US", endorsing=[us.msp_id])
    settled = settle_redemption(us, jp, filing.id, "US").result
    assert settled == {"filingId": filing.id, "officeCode": "US", "result": "ACCESS_CODE_MISMATCH",
                       "failedAttempts": 1, "remainingAttempts": MAX_FAILED_ATTEMPTS - 1, "locked": False}
    entry = _entry(jp.access(filing.id), "US")
    assert (entry["grant"], entry["failedAttempts"], entry["pendingAttempt"]) == ("NONE", 1, False)
    us.refused_submit("INVALID_TRANSITION", "SettleAccessCodeRedemption", filing.id, "US", endorsing=[jp.msp_id])

    # The right code: the owner may settle too; the grant clears the counter.
    attempt_redeem(us, jp, filing.record, code)
    granted = settle_redemption(jp, jp, filing.id, "US").result
    assert (granted["result"], granted["failedAttempts"]) == ("ACCESS_GRANTED", 0)
    assert _entry(us.access(filing.id), "US")["grant"] == "ACTIVE"


def test_direct_grant_and_revoke_by_owner(network: Context, jp: Office, ep: Office, kr: Office) -> None:
    filing = deposit(jp)
    ep.refused_submit("NO_GRANT", "RequestRetrieval", filing.id)
    kr.refused_submit("NOT_AUTHORIZED", "GrantAccess", filing.id, "KR")
    jp.refused_submit("INVALID_ARGUMENT", "GrantAccess", filing.id, "JP")

    granted = jp.submit("GrantAccess", filing.id, "EP")
    entry = _entry(granted, "EP")
    assert (entry["grant"], entry["route"], entry["revokedAt"]) == ("ACTIVE", "DIRECT_GRANT", "")
    jp.refused_submit("ALREADY_EXISTS", "GrantAccess", filing.id, "EP")
    jp.refused_submit("NO_GRANT", "RevokeAccess", filing.id, "KR", "never granted")

    retrieval = ep.submit("RequestRetrieval", filing.id)
    assert (retrieval["status"], retrieval["grantRoute"]) == ("PENDING", "DIRECT_GRANT")

    revoked = jp.submit("RevokeAccess", filing.id, "EP", "applicant withdrew the instruction")
    entry = _entry(revoked, "EP")
    assert (entry["grant"], entry["revocationReason"]) == ("REVOKED", "applicant withdrew the instruction")
    assert entry["revokedAt"] != ""
    ep.refused_submit("NO_GRANT", "RequestRetrieval", filing.id)
    jp.refused_submit("NO_GRANT", "RevokeAccess", filing.id, "EP", "again")

    # A retrieval requested before the revocation can still be closed by the requester.
    done = ep.submit("AcknowledgeRetrieval", retrieval["id"], filing.sha256)
    assert done["status"] == "SUCCESS"


def test_retrieval_acknowledged_with_right_and_wrong_hash(
        network: Context, jp: Office, us: Office, kr: Office) -> None:
    filing = deposit(jp)
    us.refused_submit("NO_GRANT", "RequestRetrieval", filing.id)
    jp.submit("GrantAccess", filing.id, "US")

    first = us.submit("RequestRetrieval", filing.id)
    assert first["id"].startswith(f"{filing.id}:")
    assert (first["filingId"], first["ownerOffice"], first["requestingOffice"]) == (filing.id, "JP", "US")
    assert (first["status"], first["expectedSha256"], first["documentVersion"]) == ("PENDING", filing.sha256, 1)

    kr.refused_submit("NOT_AUTHORIZED", "AcknowledgeRetrieval", first["id"], filing.sha256)
    ok = us.submit("AcknowledgeRetrieval", first["id"], filing.sha256.upper())
    assert (ok["status"], ok["receivedSha256"], ok["errorCode"]) == ("SUCCESS", filing.sha256, "")
    assert ok["completedAt"] != ""
    us.refused_submit("INVALID_TRANSITION", "AcknowledgeRetrieval", first["id"], filing.sha256)

    second = us.submit("RequestRetrieval", filing.id)
    tampered = sha256_hex(filing.document + b"tampered")
    bad = us.submit("AcknowledgeRetrieval", second["id"], tampered)
    assert (bad["status"], bad["receivedSha256"], bad["errorCode"]) == ("ERROR", tampered, "HASH_MISMATCH")

    # The audit log holds both. Keys sort by request time at one-second precision, then by transaction id, so
    # two requests within the same second may be listed in either order (see the report).
    log = jp.evaluate("ListRetrievals", filing.id, "", "")
    assert log["bookmark"] == ""
    assert sorted((r["id"], r["status"]) for r in log["records"]) == sorted(
        [(first["id"], "SUCCESS"), (second["id"], "ERROR")])
    assert [r["requestedAt"] for r in log["records"]] == sorted(r["requestedAt"] for r in log["records"])
    assert jp.evaluate("GetRetrieval", second["id"]) == bad
