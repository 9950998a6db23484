"""Evaluate, submit and their options against the live network, with the sync and the asyncio client."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import grpc
import pytest

from _gateway_live import (
    TINY_TIMEOUT,
    TX_ID,
    LiveNetwork,
    aretry_conflicts,
    committed,
    confidential_json,
    deposit,
    endorser_msp_ids,
    filing_id,
    filing_json,
    retry_conflicts,
    unique_number,
)
from ipledger.gateway import (
    AsyncGateway,
    AsyncSubmittedTransaction,
    CommitStatusError,
    Contract,
    EndorseError,
    Gateway,
    GatewayError,
    Network,
    Status,
    SubmitError,
    SubmittedTransaction,
    Timeouts,
)


def test_gateway_from_profile_evaluates_and_submits(live: LiveNetwork) -> None:
    with Gateway.from_profile(live.profile_path("JP"), user="User1", connect_timeout=30) as gateway:
        contract = gateway.get_network(live.channel).get_contract(live.chaincode)
        office = json.loads(contract.evaluate_transaction("GetOffice", "JP"))
        assert (office["officeCode"], office["mspId"]) == ("JP", "JPMSP")

        number = unique_number()
        deposited = json.loads(retry_conflicts(
            lambda: contract.submit_transaction("DepositFirstFiling", filing_json(number))))
        assert deposited["id"] == filing_id("JP", number)
        assert json.loads(contract.evaluate_transaction("GetFirstFiling", deposited["id"])) == deposited


async def test_async_gateway_from_profile_evaluates_and_submits(live: LiveNetwork) -> None:
    async with AsyncGateway.from_profile(live.profile_path("US"), user="User1") as gateway:
        await gateway.wait_ready(30)
        contract = gateway.get_network(live.channel).get_contract(live.chaincode)
        caller = json.loads(await contract.evaluate_transaction("GetCallerOffice"))
        assert caller["officeCode"] == "US"

        number = unique_number()
        deposited = json.loads(await aretry_conflicts(
            lambda: contract.submit_transaction("DepositFirstFiling", filing_json(number))))
        assert deposited["id"] == filing_id("US", number)
        assert json.loads(await contract.evaluate_transaction("GetFirstFiling", deposited["id"])) == deposited


def test_contract_submit_async_gives_result_now_and_status_later(live: LiveNetwork, jp_contract: Contract) -> None:
    def scenario() -> tuple[SubmittedTransaction, Status]:
        number = unique_number()
        submitted = jp_contract.submit_async("DepositFirstFiling", [filing_json(number)])
        assert TX_ID.fullmatch(submitted.transaction_id)
        assert json.loads(submitted.result)["id"] == filing_id("JP", number)
        return submitted, committed(submitted.status())

    submitted, status = retry_conflicts(scenario)
    assert status.successful and status.code_name == "VALID"
    assert status.transaction_id == submitted.transaction_id and status.block_number > 0
    assert submitted.status() == status  # CommitStatus is idempotent

    # Later still, from another connection: the signed commit status request is all it takes.
    with Gateway.from_profile(live.profile_path("JP")) as other:
        assert other.new_commit(submitted.bytes).status() == status


async def test_async_contract_submit_async_gives_result_now_and_status_later(live: LiveNetwork) -> None:
    async with AsyncGateway.from_profile(live.profile_path("EP")) as gateway:
        contract = gateway.get_network(live.channel).get_contract(live.chaincode)

        async def scenario() -> tuple[AsyncSubmittedTransaction, Status]:
            number = unique_number()
            submitted = await contract.submit_async("DepositFirstFiling", [filing_json(number)])
            assert json.loads(submitted.result)["id"] == filing_id("EP", number)
            return submitted, committed(await submitted.status())

        submitted, status = await aretry_conflicts(scenario)
        assert status.successful and status.transaction_id == submitted.transaction_id
        assert await gateway.new_commit(submitted.bytes).status() == status


@pytest.mark.parametrize(
    ("stage", "error_type"),
    [("endorse", EndorseError), ("submit", SubmitError), ("commit_status", CommitStatusError)],
)
def test_timeouts_tiny_stage_deadline_raises_typed_error_with_transaction_id(
    live: LiveNetwork, stage: str, error_type: type[GatewayError]
) -> None:
    timeouts = dataclasses.replace(Timeouts(), **{stage: TINY_TIMEOUT})
    with Gateway.from_profile(live.profile_path("JP"), timeouts=timeouts) as gateway:
        contract = gateway.get_network(live.channel).get_contract(live.chaincode)
        with pytest.raises(GatewayError) as caught:
            contract.submit("DepositFirstFiling", [filing_json(unique_number())])
    error = caught.value
    assert type(error) is error_type
    assert error.grpc_code is grpc.StatusCode.DEADLINE_EXCEEDED
    assert error.transaction_id is not None and TX_ID.fullmatch(error.transaction_id)
    assert "DEADLINE_EXCEEDED" in str(error) and error.transaction_id in str(error)


def test_timeouts_tiny_evaluate_deadline_raises_gateway_error(jp_contract: Contract) -> None:
    with pytest.raises(GatewayError) as caught:
        jp_contract.evaluate("GetOffice", ["JP"], timeout=TINY_TIMEOUT)
    assert caught.value.grpc_code is grpc.StatusCode.DEADLINE_EXCEEDED
    assert caught.value.transaction_id is not None and TX_ID.fullmatch(caught.value.transaction_id)


def test_timeouts_commit_status_deadline_leaves_transaction_to_commit(jp_contract: Contract) -> None:
    def scenario() -> Status:
        submitted = jp_contract.submit_async("DepositFirstFiling", [filing_json(unique_number())])
        with pytest.raises(CommitStatusError) as caught:
            submitted.status(timeout=TINY_TIMEOUT)
        assert caught.value.grpc_code is grpc.StatusCode.DEADLINE_EXCEEDED
        assert caught.value.transaction_id == submitted.transaction_id
        return committed(submitted.status())

    assert retry_conflicts(scenario).successful


async def test_async_timeouts_per_call_deadlines_raise_typed_errors(live: LiveNetwork) -> None:
    async with AsyncGateway.from_profile(live.profile_path("KR")) as gateway:
        contract = gateway.get_network(live.channel).get_contract(live.chaincode)

        with pytest.raises(GatewayError) as evaluate_error:
            await contract.evaluate("GetOffice", ["KR"], timeout=TINY_TIMEOUT)
        assert evaluate_error.value.grpc_code is grpc.StatusCode.DEADLINE_EXCEEDED

        with pytest.raises(EndorseError) as endorse_error:
            await contract.submit("DepositFirstFiling", [filing_json(unique_number())],
                                  timeouts=Timeouts(endorse=TINY_TIMEOUT))
        assert endorse_error.value.grpc_code is grpc.StatusCode.DEADLINE_EXCEEDED
        assert endorse_error.value.transaction_id is not None and TX_ID.fullmatch(endorse_error.value.transaction_id)

        async def scenario() -> Status:
            submitted = await contract.submit_async("DepositFirstFiling", [filing_json(unique_number())])
            with pytest.raises(CommitStatusError) as status_error:
                await submitted.status(timeout=TINY_TIMEOUT)
            assert status_error.value.grpc_code is grpc.StatusCode.DEADLINE_EXCEEDED
            assert status_error.value.transaction_id == submitted.transaction_id
            return committed(await submitted.status())

        assert (await aretry_conflicts(scenario)).successful


def test_contract_transient_data_reaches_chaincode_endorsed_by_own_org(
    live: LiveNetwork, jp_network: Network, jp_contract: Contract
) -> None:
    filing = deposit(jp_contract, "JP")
    confidential = confidential_json(f"live gateway test {filing.filing_id}")

    def scenario() -> SubmittedTransaction:
        submitted = jp_contract.submit_async(
            "SetFilingConfidential", [filing.filing_id],
            transient={"confidential": confidential}, endorsing_organizations=["JPMSP"],
        )
        committed(submitted.status())
        return submitted

    submitted = retry_conflicts(scenario)
    updated = json.loads(submitted.result)

    stored_bytes = jp_contract.evaluate("GetFilingConfidential", [filing.filing_id],
                                        endorsing_organizations=["JPMSP"])
    stored = json.loads(stored_bytes)
    sent = json.loads(confidential)
    assert stored["filingId"] == filing.filing_id
    assert (stored["title"], stored["salt"], stored["applicants"]) == (sent["title"], sent["salt"], sent["applicants"])
    # The public hash is over exactly the bytes the chaincode stored privately from the transient map.
    assert updated["confidentialHash"] == hashlib.sha256(stored_bytes).hexdigest()
    integrity = json.loads(jp_contract.evaluate_transaction("CheckConfidentialIntegrity", filing.filing_id))
    assert integrity["match"] is True

    raw = jp_network.get_contract("qscc").evaluate("GetTransactionByID", [live.channel, submitted.transaction_id])
    assert endorser_msp_ids(raw) == ["JPMSP"]
    assert sent["title"].encode() not in raw  # transient data never reaches the ledger


@pytest.mark.parametrize("chosen", [["EPMSP", "JPMSP", "USMSP"], ["EPMSP", "JPMSP", "KRMSP"]])
def test_contract_endorsing_organizations_choose_the_endorsers(
    live: LiveNetwork, jp_network: Network, jp_contract: Contract, chosen: list[str]
) -> None:
    def scenario() -> str:
        submitted = jp_contract.submit_async("DepositFirstFiling", [filing_json(unique_number())],
                                             endorsing_organizations=chosen)
        committed(submitted.status())
        return submitted.transaction_id

    transaction_id = retry_conflicts(scenario)
    raw = jp_network.get_contract("qscc").evaluate("GetTransactionByID", [live.channel, transaction_id])
    assert endorser_msp_ids(raw) == chosen


def test_contract_evaluate_endorsing_organizations_choose_the_peer(live: LiveNetwork, jp_contract: Contract) -> None:
    filing = deposit(jp_contract, "JP")
    retry_conflicts(lambda: jp_contract.submit(
        "SetFilingConfidential", [filing.filing_id],
        transient={"confidential": confidential_json("endorsing organisations test")},
        endorsing_organizations=["JPMSP"]))

    own = json.loads(jp_contract.evaluate("GetFilingConfidential", [filing.filing_id],
                                          endorsing_organizations=["JPMSP"]))
    assert own["filingId"] == filing.filing_id

    # US's peer is not a member of JP's implicit collection, so there the private record does not exist.
    with pytest.raises(GatewayError) as caught:
        jp_contract.evaluate("GetFilingConfidential", [filing.filing_id], endorsing_organizations=["USMSP"])
    assert [detail.msp_id for detail in caught.value.details] == ["USMSP"]
    assert caught.value.details[0].address == live.peer_address("US")
    message = caught.value.chaincode_message()
    assert message is not None and message.startswith("NOT_FOUND: ") and filing.filing_id in message
