"""How each transaction is shaped: arguments, transient data, endorsers (pure, no I/O)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from ipledger.domain import transactions as tx
from ipledger.domain.enums import (
    ApplicationCategory,
    DocumentFormat,
    IpRight,
    MembershipAction,
    RecordType,
    RetrievalFailureReason,
)
from ipledger.domain.errors import (
    InvalidApplicationNumberError,
    InvalidArgumentError,
    InvalidDateError,
    InvalidOfficeCodeError,
)
from ipledger.domain.models import (
    Applicant,
    ConfidentialDetails,
    Contact,
    OfficeCalendar,
    OfficeDefinition,
    OfficeSettings,
    Roles,
)
from ipledger.domain.transactions import CALLER, GATEWAY, Call, Endorsement, owner_of

DIGEST = "ab" * 32
STAMPED = "20250317T091244Z_" + "9f3c" * 16
DETAILS = ConfidentialDetails("Folding widget", (Applicant("ACME K.K.", "JP"),), Contact("Taro", "ip@acme.example"))


def _json(argument: str) -> Any:
    return json.loads(argument)


def test_deposit_sends_public_json_only() -> None:
    call = tx.deposit_first_filing(ip_right="patent", application_number=" JP 2024-012345 ",
                                   filing_date=date(2024, 3, 15), document_sha256=DIGEST.upper())
    assert call.name == "DepositFirstFiling" and call.submit
    assert _json(call.arguments[0]) == {"ipRight": "PATENT", "applicationNumber": "JP 2024-012345",
                                        "filingDate": "2024-03-15", "documentSha256": DIGEST,
                                        "documentFormat": "PDF"}
    assert call.transient == {} and call.endorsement == GATEWAY


def test_deposit_with_category() -> None:
    call = tx.deposit_first_filing(ip_right=IpRight.PATENT, application_number="PCT/JP2024/012345",
                                   filing_date="2024-03-15", document_sha256=DIGEST,
                                   document_format=DocumentFormat.ST92_PACKAGE,
                                   application_category=ApplicationCategory.INTERNATIONAL)
    document = _json(call.arguments[0])
    assert document["applicationCategory"] == "INTERNATIONAL" and document["documentFormat"] == "ST92_PACKAGE"


@pytest.mark.parametrize(("changes", "error"), [
    ({"filing_date": "2024-02-30"}, InvalidDateError),
    ({"application_number": "JP#1"}, InvalidApplicationNumberError),
    ({"document_sha256": "abc"}, InvalidArgumentError),
    ({"ip_right": "COPYRIGHT"}, InvalidArgumentError),
    ({"application_category": "INTERNATIONAL"}, InvalidApplicationNumberError),
])
def test_deposit_refuses_bad_input_with_the_chaincode_error_class(changes: dict[str, Any],
                                                                 error: type[Exception]) -> None:
    arguments: dict[str, Any] = {"ip_right": "PATENT", "application_number": "JP 2024-012345",
                                 "filing_date": "2024-03-15", "document_sha256": DIGEST, **changes}
    with pytest.raises(error):
        tx.deposit_first_filing(**arguments)


def test_set_filing_confidential_transient_has_fresh_salt_and_no_filing_id() -> None:
    first = tx.set_filing_confidential("JP:PATENT:2024012345", DETAILS)
    second = tx.set_filing_confidential("JP:PATENT:2024012345", DETAILS)
    assert first.arguments == ("JP:PATENT:2024012345",)
    assert first.endorsement == CALLER
    document = json.loads(first.transient["confidential"])
    assert set(document) == {"salt", "title", "applicants", "contact"}
    assert len(document["salt"]) == 64 and int(document["salt"], 16) >= 0
    assert document["applicants"] == [{"name": "ACME K.K.", "countryCode": "JP"}]
    assert document["contact"] == {"name": "Taro", "email": "ip@acme.example"}
    assert json.loads(second.transient["confidential"])["salt"] != document["salt"]


@pytest.mark.parametrize("details", [
    ConfidentialDetails("", (Applicant("A"),)),
    ConfidentialDetails("T", ()),
    ConfidentialDetails("T", (Applicant("A", "jp"),)),
    ConfidentialDetails("T", (Applicant("A"),), Contact(email="nope")),
    ConfidentialDetails("T\nT", (Applicant("A"),)),
])
def test_confidential_details_are_checked(details: ConfidentialDetails) -> None:
    with pytest.raises((InvalidArgumentError, InvalidOfficeCodeError)):
        tx.set_filing_confidential("JP:PATENT:2024012345", details)


def test_set_access_code_transient() -> None:
    call = tx.set_access_code("JP:PATENT:2024012345", "7f3a9c21")
    document = json.loads(call.transient["accessCode"])
    assert document["accessCode"] == "7f3a9c21" and len(document["salt"]) == 64
    assert call.endorsement == CALLER
    with pytest.raises(InvalidArgumentError):
        tx.set_access_code("JP:PATENT:2024012345", "xyz")


def test_redeem_is_endorsed_by_the_owner_and_sends_only_the_code() -> None:
    call = tx.redeem_access_code("JP", IpRight.PATENT, "JP 2024-012345", "2024-03-15", "7F3A")
    assert call.arguments == ("JP", "PATENT", "JP 2024-012345", "2024-03-15")
    assert call.endorsement == owner_of("JP")
    assert json.loads(call.transient["accessCode"]) == {"accessCode": "7F3A"}
    assert call.check is not None


def test_settlement_is_endorsed_by_the_filings_owner_and_carries_no_code() -> None:
    call = tx.settle_access_code_redemption("JP:PATENT:2024012345", "US")
    assert call.name == "SettleAccessCodeRedemption" and call.submit
    assert call.arguments == ("JP:PATENT:2024012345", "US")
    assert call.endorsement == owner_of("JP") and not call.transient
    assert call.check is not None
    with pytest.raises(InvalidArgumentError):
        tx.settle_access_code_redemption("JP-2024", "US")


def test_transient_data_is_not_in_the_call_repr() -> None:
    call = tx.redeem_access_code("JP", IpRight.PATENT, "JP 2024-012345", "2024-03-15", "7F3A")
    assert "7F3A" not in repr(call)


def test_correction_sends_only_changed_fields() -> None:
    call = tx.correct_first_filing("JP:PATENT:2024012345", reason="typo", filing_date="2024-03-14")
    assert _json(call.arguments[1]) == {"filingDate": "2024-03-14", "reason": "typo"}
    with pytest.raises(InvalidArgumentError, match="must change"):
        tx.correct_first_filing("JP:PATENT:2024012345", reason="nothing")
    with pytest.raises(InvalidArgumentError):
        tx.correct_first_filing("JP:PATENT:2024012345", reason="", document_format="PDF")


def test_propose_membership_change_sends_only_fields_of_the_action() -> None:
    add = tx.propose_membership_change(MembershipAction.ADD_OFFICE, "CN", msp_id="CNMSP", name="CNIPA",
                                       roles=Roles((IpRight.PATENT,), (IpRight.PATENT,)))
    assert _json(add.arguments[0]) == {"action": "ADD_OFFICE", "officeCode": "CN", "mspId": "CNMSP",
                                       "name": "CNIPA", "roles": {"depositing": ["PATENT"], "accessing": ["PATENT"]}}
    suspend = tx.propose_membership_change("suspend_office", "KR", reason="maintenance")
    assert _json(suspend.arguments[0]) == {"action": "SUSPEND_OFFICE", "officeCode": "KR", "reason": "maintenance"}


def test_proposal_ids_are_checked() -> None:
    assert tx.approve_membership_change(STAMPED).arguments == (STAMPED,)
    with pytest.raises(InvalidArgumentError):
        tx.approve_membership_change("9f3c")


def test_list_queries_pass_empty_strings_for_unset_filters() -> None:
    call = tx.list_first_filings(office_code="JP", filing_date_to=date(2024, 12, 31), page_size=50,
                                 bookmark="abc")
    assert call.arguments == ("JP", "", "", "", "2024-12-31", "50", "abc")
    assert not call.submit
    assert tx.list_offices().arguments == ("", "")
    assert tx.list_membership_proposals("open").arguments == ("OPEN", "", "")


@pytest.mark.parametrize("size", [0, 101])
def test_page_size_is_checked(size: int) -> None:
    with pytest.raises(InvalidArgumentError, match="page size"):
        tx.list_offices(size)


def test_record_priority_claim_json() -> None:
    call = tx.record_priority_claim(later_application_number="18/123,456", later_ip_right="PATENT",
                                    later_filing_date="2025-03-17", priority_office="JP",
                                    priority_application_number="JP 2024-012345", priority_ip_right="PATENT",
                                    priority_filing_date="2024-03-15", sequence_number=2)
    assert _json(call.arguments[0]) == {
        "laterApplication": {"applicationNumber": "18/123,456", "ipRight": "PATENT", "filingDate": "2025-03-17"},
        "sequenceNumber": 2,
        "priority": {"officeCode": "JP", "applicationNumber": "JP 2024-012345", "ipRight": "PATENT",
                     "filingDate": "2024-03-15"},
    }


def test_retrieval_transactions() -> None:
    retrieval_id = f"JP:PATENT:2024012345:{STAMPED}"
    assert tx.acknowledge_retrieval(retrieval_id, DIGEST.upper()).arguments == (retrieval_id, DIGEST)
    assert tx.fail_retrieval(retrieval_id, RetrievalFailureReason.DOWNLOAD_FAILED).arguments == (
        retrieval_id, "DOWNLOAD_FAILED", "")
    with pytest.raises(InvalidArgumentError):
        tx.get_retrieval("JP:PATENT:2024012345:9f3c")


def test_queries_are_evaluated_and_confidential_read_goes_to_own_peer() -> None:
    assert not tx.get_first_filing("JP:PATENT:2024012345").submit
    assert tx.get_filing_confidential("JP:PATENT:2024012345").endorsement == CALLER
    assert tx.compute_priority_deadline("US", "PATENT", "2024-03-15", "PATENT").arguments == (
        "US", "PATENT", "2024-03-15", "PATENT")
    assert tx.get_record_history(RecordType.OFFICE_SETTINGS, "JP").arguments == ("officeSettings", "JP", "", "")


def test_every_transaction_of_the_contract_has_a_builder() -> None:
    contract_names = {
        "InitConsortium", "ConfirmFounding", "GetFoundingProposal", "ListFoundingProposals", "UpdateOfficeSettings", "ProposeMembershipChange", "ApproveMembershipChange",
        "WithdrawMembershipProposal", "DepositFirstFiling", "SetFilingConfidential", "SetAccessCode",
        "CorrectFirstFiling", "WithdrawFirstFiling", "MarkFirstFilingPublished", "RedeemAccessCode",
        "SettleAccessCodeRedemption", "GrantAccess",
        "RevokeAccess", "ResetAccessLock", "RequestRetrieval", "AcknowledgeRetrieval", "FailRetrieval",
        "RecordPriorityClaim", "RequestRestoration", "DecideRestoration", "WithdrawPriorityClaim",
        "GetCallerOffice", "GetOffice", "ListOffices", "GetMembershipProposal", "ListMembershipProposals",
        "GetFirstFiling", "FindFirstFiling", "ListFirstFilings", "GetFilingConfidential",
        "CheckConfidentialIntegrity", "GetAccessRecord", "GetRetrieval", "ListRetrievals", "GetPriorityClaim",
        "ListClaimsOnFirstFiling", "GetLaterApplicationClaims", "ComputePriorityDeadline", "GetRecordHistory",
    }
    builders = {"".join(part.title() for part in name.split("_")) for name in dir(tx)
                if not name.startswith("_") and callable(getattr(tx, name))}
    assert contract_names <= builders


FILING = "JP:PATENT:2024012345"
RETRIEVAL = f"{FILING}:{STAMPED}"
CLAIM = "US:PATENT:18123456:1"

#: Who endorses each submit transaction (CONTRACT.md §1).  A named list replaces the gateway's plan and must
#: satisfy every key policy written, so only the transactions on an owner's private data name one - the owner's
#: MSP - and they write nothing but owner-only keys (access record, confidential commitment) and its collection.
#: Everything other offices rely on needs the owner and other offices (a majority; for a retrieval the owner or a
#: majority), which the gateway plans from the keys' policies, trying other offices when one refuses.
SUBMITS: list[tuple[Call[Any], Endorsement]] = [
    (tx.init_consortium([OfficeDefinition("JP", "JPMSP", "JPO", Roles())]), GATEWAY),
    (tx.update_office_settings(OfficeSettings(OfficeCalendar())), GATEWAY),
    (tx.propose_membership_change(MembershipAction.SUSPEND_OFFICE, "KR"), GATEWAY),
    (tx.approve_membership_change(STAMPED), GATEWAY),
    (tx.withdraw_membership_proposal(STAMPED), GATEWAY),
    (tx.deposit_first_filing(ip_right="PATENT", application_number="JP 2024-012345", filing_date="2024-03-15",
                             document_sha256=DIGEST), GATEWAY),
    (tx.set_filing_confidential(FILING, DETAILS), CALLER),
    (tx.set_access_code(FILING, "7f3a9c21"), CALLER),
    (tx.correct_first_filing(FILING, reason="typo", filing_date="2024-03-14"), GATEWAY),
    (tx.withdraw_first_filing(FILING, "applicant request"), GATEWAY),
    (tx.mark_first_filing_published(FILING, "2025-03-17"), GATEWAY),
    (tx.redeem_access_code("JP", "PATENT", "JP 2024-012345", "2024-03-15", "7F3A"), owner_of("JP")),
    (tx.settle_access_code_redemption(FILING, "US"), owner_of("JP")),
    (tx.grant_access(FILING, "US"), GATEWAY),
    (tx.revoke_access(FILING, "US", "applicant instruction"), GATEWAY),
    (tx.reset_access_lock(FILING, "US"), GATEWAY),
    (tx.request_retrieval(FILING), GATEWAY),
    (tx.acknowledge_retrieval(RETRIEVAL, DIGEST), GATEWAY),
    (tx.fail_retrieval(RETRIEVAL, RetrievalFailureReason.DELIVERY_FAILED), GATEWAY),
    (tx.record_priority_claim(later_application_number="18/123,456", later_ip_right="PATENT",
                              later_filing_date="2025-03-17", priority_office="JP",
                              priority_application_number="JP 2024-012345", priority_ip_right="PATENT",
                              priority_filing_date="2024-03-15"), GATEWAY),
    (tx.request_restoration(CLAIM, "DUE_CARE", "2025-04-01"), GATEWAY),
    (tx.decide_restoration(CLAIM, "GRANTED"), GATEWAY),
    (tx.withdraw_priority_claim(CLAIM), GATEWAY),
]


def test_every_submit_transaction_has_a_documented_endorsement() -> None:
    names = [call.name for call, _ in SUBMITS]
    assert len(names) == len(set(names)) == 23
    assert all(call.submit for call, _ in SUBMITS)


@pytest.mark.parametrize(("call", "endorsement"), SUBMITS, ids=[call.name for call, _ in SUBMITS])
def test_only_transactions_on_private_data_name_their_endorsers(call: Call[Any], endorsement: Endorsement) -> None:
    assert call.endorsement == endorsement
    # Naming an organisation is only ever for private data, and then transient data travels or is read there.
    assert (endorsement == GATEWAY) == (call.name not in {
        "SetFilingConfidential", "SetAccessCode", "RedeemAccessCode", "SettleAccessCodeRedemption"})


def test_the_confidential_commitment_has_a_history() -> None:
    assert RecordType.parse("confidential-hash") is RecordType.CONFIDENTIAL_HASH
    assert tx.get_record_history(RecordType.CONFIDENTIAL_HASH, FILING).arguments == (
        "confidentialHash", FILING, "", "")
