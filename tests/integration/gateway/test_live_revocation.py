"""Revocation that bites: a user revoked at JP's CA, with JP's CRL published into JPMSP in the channel
configuration (signed by JP's admin alone, as JPMSP's Admins policy asks), is refused by peers and by orderers."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import secrets
from pathlib import Path

import pytest
from cryptography import x509

from _gateway_live import LiveNetwork, filing_json, retry_conflicts, unique_number
from ipledger.credentials import CAClient, FileWallet
from ipledger.gateway import Gateway, GatewayError, SubmitError
from ipledger.gateway._protos import gateway_pb2
from ipledger.credentials.signing import PrivateKeySigner
from ipledger.operator.bringup import Context
from ipledger.operator.channel_config import ChannelConfigs, broadcast
from ipledger.operator.revocation import REGISTRAR_LABEL, revoke_user


def test_revoked_user_is_refused_by_peers_and_orderers(network: Context, live: LiveNetwork, tmp_path: Path) -> None:
    base = live.profile("JP")
    assert base.ca is not None
    jp_wallet = base.wallet()
    registrar = jp_wallet.get(REGISTRAR_LABEL) if jp_wallet else None
    assert registrar is not None
    ca = CAClient.from_profile(base.ca)
    name = f"revoked-{secrets.token_hex(5)}"
    wallet = FileWallet(tmp_path / "wallet")
    enrolled = ca.enroll(name, ca.register(registrar, name, type="client")).store(wallet, name, base.msp_id)
    profile = dataclasses.replace(base, users={}, wallet_path=wallet.directory)

    with Gateway.from_profile(profile, user=name) as gateway:
        contract = gateway.get_network(live.channel).get_contract(live.chaincode)
        assert json.loads(contract.evaluate_transaction("GetCallerOffice"))["officeCode"] == "JP"
        retry_conflicts(lambda: contract.submit_transaction("DepositFirstFiling", filing_json(unique_number())))
        # Endorsed now, sent to the orderer only after the revocation.
        pending = contract.new_proposal("DepositFirstFiling", [filing_json(unique_number())]).endorse()

        jp_admin = next(a for a in network.admins() if a.office.code == "JP")
        result = revoke_user(jp_admin, name, reason="keycompromise")
        serial = x509.load_pem_x509_certificate(enrolled.certificate).serial_number
        assert format(serial, "x") in {s.lower() for s in result.serials}
        assert [s.msp_id for s in result.update.signers()] == ["JPMSP"]
        published = ChannelConfigs(jp_admin).current().config["channel_group"]["groups"]
        for section in ("Application", "Orderer"):
            crls = published[section]["groups"]["JPMSP"]["values"]["MSP"]["value"]["config"]["revocation_list"]
            assert len(crls) == 1

        with pytest.raises(GatewayError) as evaluated:
            contract.evaluate_transaction("GetCallerOffice")
        assert "revoked" in str(evaluated.value) or "access denied" in str(evaluated.value).lower()
        with pytest.raises(GatewayError):
            contract.submit_transaction("DepositFirstFiling", filing_json(unique_number()))
        with pytest.raises(SubmitError):
            pending.submit()

    # Straight to another office's orderer, signed by the revoked user: refused at the door.
    envelope = gateway_pb2.PreparedTransaction.FromString(pending.bytes).envelope
    signer = PrivateKeySigner.from_pem(enrolled.private_key)
    envelope.signature = signer(hashlib.sha256(envelope.payload).digest())
    answer = broadcast(network.plan, network.plan.office("US"), envelope.SerializeToString())
    assert answer.status == "FORBIDDEN", answer
