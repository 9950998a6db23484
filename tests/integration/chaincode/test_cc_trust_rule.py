"""Issue 9, finding 3: a record other offices rely on is never endorsed by its beneficiary alone.

An office running modified chaincode gets anything endorsed by its own peer, so these tests endorse honest
transactions by that peer alone (``endorsing=[own MSP]``): the key-level policies of CONTRACT.md §1 must make
every such transaction invalid at commit (ENDORSEMENT_POLICY_FAILURE), while the endorsers the policy names - or
the gateway's own plan - get the same change committed.  The counts of offices are not assumed: other tests may
add or suspend offices, and the policies follow the ACTIVE offices.
"""

from __future__ import annotations

import json

import pytest

from _chaincode_support import Office, confidential_input, deposit, random_digits, set_confidential, settings_of
from ipledger.gateway import CommitError
from ipledger.operator.bringup import Context


def _invalid(office: Office, name: str, *args: str, endorsing: list[str]) -> None:
    with pytest.raises(CommitError) as caught:
        office.submit_tx(name, *args, endorsing=endorsing)
    assert caught.value.code_name == "ENDORSEMENT_POLICY_FAILURE", str(caught.value)


def test_a_retrieval_needs_the_requester_and_the_owner_or_the_others(
        network: Context, jp: Office, us: Office, ep: Office, kr: Office) -> None:
    filing = deposit(jp)
    jp.submit("GrantAccess", filing.id, "US")
    retrieval = us.submit("RequestRetrieval", filing.id)

    # Neither party's peer alone can close (or rewrite) the entry.
    _invalid(us, "AcknowledgeRetrieval", retrieval["id"], filing.sha256, endorsing=[us.msp_id])
    _invalid(us, "FailRetrieval", retrieval["id"], "OTHER", "", endorsing=[jp.msp_id])
    assert jp.evaluate("GetRetrieval", retrieval["id"]) == retrieval

    # Without the owner's peer: the requester and the other offices, so the owner cannot veto its failure.
    failed = us.submit("FailRetrieval", retrieval["id"], "DELIVERY_FAILED", "the owner's peer did not answer",
                       endorsing=[us.msp_id, ep.msp_id, kr.msp_id])
    assert (failed["status"], failed["errorCode"]) == ("ERROR", "DELIVERY_FAILED")

    # The two parties together, and the gateway's own plan.
    second = us.submit("RequestRetrieval", filing.id)
    assert us.submit("AcknowledgeRetrieval", second["id"], filing.sha256,
                     endorsing=[us.msp_id, jp.msp_id])["status"] == "SUCCESS"
    third = us.submit("RequestRetrieval", filing.id)
    assert us.submit("AcknowledgeRetrieval", third["id"], filing.sha256)["status"] == "SUCCESS"


def test_an_owners_peer_alone_changes_only_what_concerns_its_own_document(
        network: Context, jp: Office) -> None:
    filing = deposit(jp)
    _invalid(jp, "WithdrawFirstFiling", filing.id, "endorsed by the owner alone", endorsing=[jp.msp_id])
    _invalid(jp, "CorrectFirstFiling", filing.id, json.dumps({"filingDate": "2025-03-01", "reason": "alone"}),
             endorsing=[jp.msp_id])
    assert jp.filing(filing.id) == filing.record

    # Owner-only by design: its grants and its confidential commitment (the confidential data must reach no
    # other peer).
    jp.submit("GrantAccess", filing.id, "US", endorsing=[jp.msp_id])
    set_confidential(jp, filing.id, confidential_input(f"Q{random_digits(12)}"))
    assert jp.evaluate("CheckConfidentialIntegrity", filing.id)["match"] is True

    withdrawn = jp.submit("WithdrawFirstFiling", filing.id, "applicant request")  # the gateway adds a majority
    assert withdrawn["status"] == "WITHDRAWN"


def test_an_office_cannot_change_its_settings_alone(network: Context, us: Office) -> None:
    before = us.office()
    _invalid(us, "UpdateOfficeSettings", json.dumps(settings_of(before)), endorsing=[us.msp_id])
    assert us.office()["settingsVersion"] == before["settingsVersion"]


def test_an_osf_cannot_change_its_claim_alone(network: Context, us: Office) -> None:
    claim = us.submit("RecordPriorityClaim", json.dumps({
        "laterApplication": {"applicationNumber": f"US 25{random_digits(8)}", "ipRight": "PATENT",
                             "filingDate": "2025-10-21"},
        "sequenceNumber": 1,
        "priority": {"officeCode": "JP", "applicationNumber": f"JP 2024-{random_digits(10)}", "ipRight": "PATENT",
                     "filingDate": "2024-10-18"},
    }))["claim"]
    assert claim["timeliness"] == "LATE_RESTORABLE"
    _invalid(us, "RequestRestoration", claim["id"], "DUE_CARE", "2025-10-22", endorsing=[us.msp_id])
    _invalid(us, "WithdrawPriorityClaim", claim["id"], endorsing=[us.msp_id])
    assert us.evaluate("GetPriorityClaim", claim["id"]) == claim
    assert us.submit("WithdrawPriorityClaim", claim["id"])["status"] == "WITHDRAWN"
