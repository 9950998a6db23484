"""Errors from the live network: the chaincode's own words, per-peer details, and an MVCC conflict."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest

from _gateway_live import CONFLICT_ATTEMPTS, TX_ID, LiveNetwork, office_settings_json, unique_number
from ipledger.credentials import Identity, PrivateKeySigner, Signer
from ipledger.gateway import AsyncGateway, CommitError, Contract, EndorseError, Gateway, GatewayError, LedgerReader


def test_evaluate_chaincode_error_text_reaches_message_and_details(live: LiveNetwork, jp_contract: Contract) -> None:
    missing = f"JP:PATENT:{unique_number()}"
    with pytest.raises(GatewayError) as caught:
        jp_contract.evaluate_transaction("GetFirstFiling", missing)
    error = caught.value
    assert type(error) is GatewayError and error.code == "GATEWAY_FAILED"
    assert error.grpc_code is grpc.StatusCode.UNKNOWN
    assert error.chaincode_message() == f"NOT_FOUND: first filing {missing} does not exist"
    assert f"NOT_FOUND: first filing {missing} does not exist" in str(error)
    assert [(d.msp_id, d.address) for d in error.details] == [("JPMSP", live.peer_address("JP"))]
    assert "NOT_FOUND: " in error.details[0].message
    assert error.transaction_id is not None and TX_ID.fullmatch(error.transaction_id)


def test_endorse_chaincode_error_text_reaches_message_and_details(live: LiveNetwork, jp_contract: Contract) -> None:
    missing = f"JP:PATENT:{unique_number()}"
    with pytest.raises(EndorseError) as caught:
        jp_contract.submit("WithdrawFirstFiling", [missing, "live gateway test"])
    error = caught.value
    assert error.code == "ENDORSE_FAILED" and error.grpc_code is grpc.StatusCode.ABORTED
    assert error.chaincode_message() == f"NOT_FOUND: first filing {missing} does not exist"
    text = str(error)
    assert text.startswith("endorse error: ABORTED: ")
    assert f"{live.peer_address('JP')} (JPMSP): chaincode response 500, NOT_FOUND: first filing {missing}" in text
    assert error.transaction_id is not None and error.transaction_id in text
    assert all(detail.msp_id and detail.address for detail in error.details)


def test_endorse_contract_framework_error_is_reported_uncoded(jp_contract: Contract) -> None:
    with pytest.raises(EndorseError) as caught:
        jp_contract.submit("NoSuchTransaction", [])
    message = caught.value.chaincode_message()
    assert message is not None and "NoSuchTransaction" in message and "not found" in message


class _HoldEnvelopeSignatures:
    """Signs normally, but in each armed thread holds the second signature -- the transaction envelope,
    made right after endorsement -- until every armed thread has been endorsed.  So the transactions are
    endorsed against the same ledger state before any is submitted, whatever the timing."""

    def __init__(self, signer: Signer, parties: int) -> None:
        self._signer = signer
        self._barrier = threading.Barrier(parties, timeout=60)
        self._local = threading.local()

    def arm(self) -> None:
        """Count this thread's signatures from now on."""
        self._local.count = 0

    def __call__(self, digest: bytes) -> bytes:
        if getattr(self._local, "count", None) is not None:
            self._local.count += 1
            if self._local.count == 2:
                self._barrier.wait()
        return self._signer(digest)


def test_submit_concurrent_read_modify_write_one_valid_one_mvcc_conflict(live: LiveNetwork) -> None:
    profile = live.profile("EP")
    user = profile.users["User1"]
    signer = _HoldEnvelopeSignatures(PrivateKeySigner.from_pem(user.key_path.read_bytes()), parties=2)
    identity = Identity(profile.msp_id, user.cert_path.read_bytes())
    with Gateway.connect(profile.gateway.endpoint, identity, signer, tls_root_cert=profile.gateway.tls_root_cert(),
                         server_name=profile.gateway.server_name) as gateway:
        network = gateway.get_network(live.channel)
        contract = network.get_contract(live.chaincode)

        def race() -> list[bytes | CommitError]:
            settings = office_settings_json(contract.evaluate_transaction("GetOffice", "EP"))

            def update(_: int) -> bytes | CommitError:
                signer.arm()
                try:
                    return contract.submit("UpdateOfficeSettings", [settings])
                except CommitError as error:
                    return error

            with ThreadPoolExecutor(max_workers=2) as pool:
                return list(pool.map(update, range(2)))

        for _ in range(CONFLICT_ATTEMPTS):
            outcomes = race()
            if any(isinstance(outcome, bytes) for outcome in outcomes):
                break  # both conflict only when another writer's update came in between: race again

        results = [o for o in outcomes if isinstance(o, bytes)]
        conflicts = [o for o in outcomes if isinstance(o, CommitError)]
        assert len(results) == 1 and len(conflicts) == 1, outcomes
        conflict = conflicts[0]
        assert conflict.code == "COMMIT_FAILED"
        assert (conflict.validation_code, conflict.code_name) == (11, "MVCC_READ_CONFLICT")
        assert TX_ID.fullmatch(conflict.transaction_id) and "MVCC_READ_CONFLICT" in str(conflict)
        # The ledger agrees: the transaction is in a block, marked invalid.
        recorded = LedgerReader(network).get_transaction_by_id(conflict.transaction_id)
        assert recorded.validation_code_name == "MVCC_READ_CONFLICT" and recorded.valid is False


async def test_async_submit_async_both_endorsed_before_commit_one_mvcc_conflict(live: LiveNetwork) -> None:
    async with AsyncGateway.from_profile(live.profile_path("KR")) as gateway:
        contract = gateway.get_network(live.channel).get_contract(live.chaincode)
        for _ in range(CONFLICT_ATTEMPTS):
            settings = office_settings_json(await contract.evaluate_transaction("GetOffice", "KR"))
            proposals = [contract.new_proposal("UpdateOfficeSettings", [settings]) for _ in range(2)]
            endorsed = await asyncio.gather(*(proposal.endorse() for proposal in proposals))
            submitted = [await transaction.submit() for transaction in endorsed]
            statuses = await asyncio.gather(*(s.status() for s in submitted))
            if any(status.successful for status in statuses):
                break  # both conflict only when another writer's update came in between: try again

    assert sorted(status.code_name for status in statuses) == ["MVCC_READ_CONFLICT", "VALID"]
    assert {status.transaction_id for status in statuses} == {s.transaction_id for s in submitted}
    conflict = next(status for status in statuses if not status.successful)
    assert conflict.code == 11 and conflict.block_number > 0
