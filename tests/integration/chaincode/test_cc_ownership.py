"""Issue #3: an office cannot change another office's record - neither through the chaincode's checks nor by
collecting endorsements that leave out the owner's peer (key-level endorsement policy enforced at validation)."""

from __future__ import annotations

import json

import pytest

from _chaincode_support import Office, deposit
from ipledger.gateway import CommitError
from ipledger.operator.bringup import Context


def test_other_office_cannot_withdraw_or_correct_even_on_its_own_peer(
        network: Context, jp: Office, us: Office) -> None:
    filing = deposit(jp)
    correction = json.dumps({"documentFormat": "TIFF_ZIP", "reason": "hijack attempt"})

    for endorsing in ([us.msp_id], []):  # only its own peer, and the gateway's own plan
        us.refused_submit("NOT_AUTHORIZED", "WithdrawFirstFiling", filing.id, "not yours", endorsing=endorsing)
        us.refused_submit("NOT_AUTHORIZED", "CorrectFirstFiling", filing.id, correction, endorsing=endorsing)
        us.refused_submit("NOT_AUTHORIZED", "GrantAccess", filing.id, "EP", endorsing=endorsing)
        us.refused_submit("NOT_AUTHORIZED", "MarkFirstFilingPublished", filing.id, "2025-09-01",
                          endorsing=endorsing)

    assert jp.filing(filing.id) == filing.record
    assert jp.access(filing.id)["offices"] == []


@pytest.mark.parametrize("change", ["GrantAccess", "WithdrawFirstFiling"])
def test_owner_change_endorsed_without_owner_peer_fails_validation(
        network: Context, jp: Office, us: Office, ep: Office, kr: Office, change: str) -> None:
    filing = deposit(jp)
    access_before = jp.access(filing.id)
    args = (filing.id, "US") if change == "GrantAccess" else (filing.id, "withdrawn by the wrong peers")
    others = [us.msp_id, ep.msp_id, kr.msp_id]  # a chaincode-level MAJORITY, but not the owner's peer

    with pytest.raises(CommitError) as caught:
        jp.submit_tx(change, *args, endorsing=others)
    assert caught.value.code_name == "ENDORSEMENT_POLICY_FAILURE", str(caught.value)

    # Ordered into a block, marked invalid, and nothing changed - as seen from every peer.
    for office in (jp, us, ep, kr):
        assert office.filing(filing.id) == filing.record
        assert office.access(filing.id) == access_before
    history = jp.evaluate("GetRecordHistory", "filing", filing.id, "", "")
    assert [entry["txId"] for entry in history["records"]] == [filing.tx.transaction_id]

    # The same change endorsed as the gateway plans it (owner's peer included) is VALID.
    jp.submit(change, *args)
    if change == "GrantAccess":
        assert [(e["officeCode"], e["grant"]) for e in jp.access(filing.id)["offices"]] == [("US", "ACTIVE")]
    else:
        assert jp.filing(filing.id)["status"] == "WITHDRAWN"
