"""Fabric CA end to end: registrar enrollment, register, enroll, wallet, transact, re-enroll, revoke.

Revocation note: a Fabric peer checks certificates against the CRLs in the *channel configuration* (the
MSP's revocation list), not against the CA's database, so a freshly revoked client can still transact
until an administrator adds the CA's CRL to the channel config.  The test therefore checks what the CA
guarantees: revoke returns the serial, the CRL lists it, and the CA refuses the revoked certificate.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
from pathlib import Path

import pytest
from cryptography import x509

from _gateway_live import LiveNetwork, filing_id, filing_json, retry_conflicts, unique_number
from ipledger.credentials import CAClient, CAError, ConnectionProfile, FileWallet, WalletEntry
from ipledger.gateway import Gateway


def _serial(certificate_pem: bytes) -> str:
    return format(x509.load_pem_x509_certificate(certificate_pem).serial_number, "x")


def _transact_as(profile: ConnectionProfile, label: str, channel: str, chaincode: str) -> dict[str, object]:
    """Evaluate and submit as wallet identity ``label``; returns the deposited filing."""
    with Gateway.from_profile(profile, user=label) as gateway:
        contract = gateway.get_network(channel).get_contract(chaincode)
        caller = json.loads(contract.evaluate_transaction("GetCallerOffice"))
        assert caller["officeCode"] == profile.office
        number = unique_number()
        deposited: dict[str, object] = json.loads(retry_conflicts(
            lambda: contract.submit_transaction("DepositFirstFiling", filing_json(number))))
        assert deposited["id"] == filing_id(profile.office, number)
        return deposited


def test_ca_registered_user_transacts_reenrolls_and_is_revoked(live: LiveNetwork, tmp_path: Path) -> None:
    base = live.profile("JP")
    assert base.ca is not None and base.ca.registrar is None  # profiles carry no secret
    # The CA's bootstrap registrar secret is in the office's own directory (network/generated/offices/jp).
    registrar_secret = (live.profile_path("JP").parent.parent / "offices" / "jp" / "secrets" / "ca-registrar"
                        ).read_text().strip()
    wallet = FileWallet(tmp_path / "wallet")
    profile = dataclasses.replace(base, users={}, wallet_path=wallet.directory)  # identities only from the wallet
    ca = CAClient.from_profile(base.ca)
    assert ca.cainfo().ca_name == base.ca.name

    registrar = ca.enroll("admin", registrar_secret).store(
        wallet, "registrar", base.msp_id)

    name = f"gateway-live-{secrets.token_hex(6)}"
    secret = ca.register(registrar, name, type="client")
    enrolled = ca.enroll(name, secret).store(wallet, name, base.msp_id)
    certificate = x509.load_pem_x509_certificate(enrolled.certificate)
    assert certificate.subject.rfc4514_string() == f"CN={name},OU=client"
    assert wallet.list() == sorted(["registrar", name])

    deposited = _transact_as(profile, name, live.channel, live.chaincode)
    with Gateway.from_profile(live.profile_path("JP")) as gateway:
        history = json.loads(gateway.get_network(live.channel).get_contract(live.chaincode).evaluate_transaction(
            "GetRecordHistory", "filing", str(deposited["id"]), "", ""))
    assert len(history["records"]) == 1

    current = wallet.get(name)
    assert current is not None
    renewed = ca.reenroll(current)
    assert _serial(renewed.certificate) != _serial(enrolled.certificate)
    assert renewed.private_key != enrolled.private_key
    wallet.put(name, WalletEntry(base.msp_id, renewed.certificate, renewed.private_key))
    _transact_as(profile, name, live.channel, live.chaincode)

    revocation = ca.revoke(registrar, enrollment_id=name, reason="keycompromise", gencrl=True)
    revoked_serials = {serial for serial, _ in revocation.revoked}
    assert {_serial(enrolled.certificate), _serial(renewed.certificate)} <= revoked_serials
    assert revocation.crl is not None
    crl = x509.load_pem_x509_crl(revocation.crl)
    for serial in revoked_serials:
        assert crl.get_revoked_certificate_by_serial_number(int(serial, 16)) is not None

    # The CA itself no longer accepts the revoked identity.
    revoked_entry = wallet.get(name)
    assert revoked_entry is not None
    with pytest.raises(CAError) as caught:
        ca.reenroll(revoked_entry)
    assert caught.value.http_status is not None and caught.value.http_status >= 400
