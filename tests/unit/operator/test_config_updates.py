"""Channel configuration updates, pure parts: delta sets and mod policies, policy evaluation over real
signatures, the human-readable diff, and the offline signature (verified against the admin's certificate)."""

from __future__ import annotations

import base64
import copy
import dataclasses
import datetime as dt
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ipledger.credentials.identity import Identity
from ipledger.credentials.signing import PrivateKeySigner
from ipledger.operator._config_protos import common_pb2, configtx_pb2, identities_pb2
from ipledger.operator.config_diff import describe_changes, diff_json
from ipledger.operator.config_policy import (
    PolicyRef,
    StaleUpdate,
    delta_set,
    evaluate_update,
    mod_policy_of,
    render_policy,
    elements,
    required_policies,
)
from ipledger.operator.config_update import ConfigSignature, ConfigUpdate, Signatory, signing_payload

NOW = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
OFFICES = ("JP", "US", "EP", "KR")


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class Org:
    """A throwaway office: its CA and an identity per OU, for signatures the evaluator must judge."""

    def __init__(self, code: str) -> None:
        self.msp_id = f"{code}MSP"
        self.key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"ca.{code.lower()}")])
        self.ca = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(self.key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(NOW)
                   .not_valid_after(NOW + dt.timedelta(days=1))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(self.key, hashes.SHA256()))
        self.revoked: list[int] = []

    def member(self, unit: str, name: str = "") -> tuple[Signatory, x509.Certificate]:
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit),
                             x509.NameAttribute(NameOID.COMMON_NAME, name or f"{unit}@{self.msp_id}")])
        cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(self.ca.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number()).not_valid_before(NOW)
                .not_valid_after(NOW + dt.timedelta(days=1)).sign(self.key, hashes.SHA256()))
        return Signatory(Identity(self.msp_id, _pem(cert)), PrivateKeySigner(key)), cert

    def crl(self) -> bytes:
        builder = (x509.CertificateRevocationListBuilder().issuer_name(self.ca.subject).last_update(NOW)
                   .next_update(NOW + dt.timedelta(days=1)))
        for serial in self.revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(NOW).build())
        return builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)

    def group(self) -> dict[str, Any]:
        def ou(unit: str) -> dict[str, str]:
            return {"certificate": _b64(_pem(self.ca)), "organizational_unit_identifier": unit}
        msp = {"name": self.msp_id, "root_certs": [_b64(_pem(self.ca))], "intermediate_certs": [], "admins": [],
               "revocation_list": [_b64(self.crl())] if self.revoked else [],
               "fabric_node_ous": {"enable": True, "admin_ou_identifier": ou("admin"),
                                   "client_ou_identifier": ou("client"), "peer_ou_identifier": ou("peer"),
                                   "orderer_ou_identifier": ou("orderer")}}
        admins = {"type": 1, "value": {"identities": [{"principal": {"msp_identifier": self.msp_id, "role": "ADMIN"},
                                                       "principal_classification": "ROLE"}],
                                       "rule": {"n_out_of": {"n": 1, "rules": [{"signed_by": 0}]}}, "version": 0}}
        return {"version": "0", "mod_policy": "Admins", "groups": {},
                "values": {"MSP": {"version": "0", "mod_policy": "Admins", "value": {"type": 0, "config": msp}},
                           "AnchorPeers": {"version": "0", "mod_policy": "Admins",
                                           "value": {"anchor_peers": [{"host": "peer0", "port": 7051}]}}},
                "policies": {"Admins": {"version": "0", "mod_policy": "Admins", "policy": admins}}}


def _implicit(rule: str, sub: str) -> dict[str, Any]:
    return {"version": "0", "mod_policy": "Admins", "policy": {"type": 3, "value": {"rule": rule, "sub_policy": sub}}}


@pytest.fixture(scope="module")
def orgs() -> dict[str, Org]:
    return {code: Org(code) for code in OFFICES}


def _config(orgs: dict[str, Org]) -> dict[str, Any]:
    def section(values: dict[str, Any]) -> dict[str, Any]:
        return {"version": "0", "mod_policy": "Admins", "values": values,
                "groups": {o.msp_id: o.group() for o in orgs.values()},
                "policies": {"Admins": _implicit("MAJORITY", "Admins")}}
    return {"sequence": "3", "channel_group": {
        "version": "0", "mod_policy": "Admins", "values": {},
        "policies": {"Admins": _implicit("MAJORITY", "Admins")},
        "groups": {"Application": section({}),
                   "Orderer": section({"BatchTimeout": {"version": "2", "mod_policy": "Admins",
                                                        "value": {"timeout": "500ms"}}})}}}


def _value_update(path: list[str], name: str, version: int, value: Any, mod_policy: str = "Admins"
                  ) -> dict[str, Any]:
    """A ConfigUpdate (JSON) that sets one value, shaped as configtxlator compute_update makes it."""
    def nest(names: list[str], leaf: dict[str, Any]) -> dict[str, Any]:
        group: dict[str, Any] = {"version": "0", "mod_policy": "", "groups": {}, "values": {}, "policies": {}}
        if names:
            group["groups"][names[0]] = nest(names[1:], leaf)
        else:
            group["values"] = leaf
        return group
    read = nest(path, {})
    write = nest(path, {name: {"version": str(version), "mod_policy": mod_policy, "value": value}})
    return {"channel_id": "priority", "read_set": read, "write_set": write}


def test_mod_policy_resolution_follows_fabric(orgs: dict[str, Org]) -> None:
    tree = elements(_config(orgs)["channel_group"])
    value = tree[("value", ("Channel", "Orderer", "BatchTimeout"))]
    group = tree[("group", ("Channel", "Application", "JPMSP"))]
    assert str(mod_policy_of(value)) == "/Channel/Orderer/Admins"  # a value: its parent group's policy
    assert str(mod_policy_of(group)) == "/Channel/Application/JPMSP/Admins"  # a group: its own
    absolute = dataclasses.replace(value, node=dict(value.node, mod_policy="/Channel/Admins"))
    assert mod_policy_of(absolute) == PolicyRef(("Channel",), "Admins")


def test_delta_set_and_stale_updates(orgs: dict[str, Org]) -> None:
    config = _config(orgs)
    update = _value_update(["Orderer"], "BatchTimeout", 3, {"timeout": "2s"})
    assert [e.label for e in delta_set(update)] == ["Orderer/BatchTimeout"]
    [(ref, guarded)] = required_policies(config, update)
    assert (str(ref), [e.label for e in guarded]) == ("/Channel/Orderer/Admins", ["Orderer/BatchTimeout"])
    with pytest.raises(StaleUpdate, match="version 5"):
        required_policies(config, _value_update(["Orderer"], "BatchTimeout", 5, {"timeout": "2s"}))
    moved = copy.deepcopy(config)
    moved["channel_group"]["groups"]["Orderer"]["version"] = "1"
    with pytest.raises(StaleUpdate, match="Orderer at version 0"):
        required_policies(moved, update)


def _signed(update: dict[str, Any], *signatories: Signatory) -> list[Any]:
    raw = repr(update).encode()  # any bytes: the evaluator checks the signatures over what it is given
    return [ConfigSignature.create(raw, s).signer(raw) for s in signatories]


def test_majority_of_office_admins_with_the_missing_ones_named(orgs: dict[str, Org]) -> None:
    config = _config(orgs)
    update = _value_update(["Orderer"], "BatchTimeout", 3, {"timeout": "2s"})
    jp, us, ep = (orgs[c].member("admin")[0] for c in ("JP", "US", "EP"))
    [result] = evaluate_update(config, update, _signed(update, jp, us))
    assert not result.satisfied
    assert result.shortfall() == ("/Channel/Orderer/Admins (MAJORITY Admins) for Orderer/BatchTimeout: "
                                  "needs 3 of 4; signed: JPMSP, USMSP; missing: one of EPMSP, KRMSP")
    [result] = evaluate_update(config, update, _signed(update, jp, us, ep))
    assert result.satisfied and result.met_by == ("EPMSP", "JPMSP", "USMSP")


def test_signatures_that_do_not_count(orgs: dict[str, Org]) -> None:
    config = _config(orgs)
    update = _value_update(["Orderer"], "BatchTimeout", 3, {"timeout": "2s"})
    jp, us = orgs["JP"].member("admin")[0], orgs["US"].member("admin")[0]
    client = orgs["EP"].member("client")[0]  # not an admin
    impostor = Signatory(Identity("KRMSP", orgs["EP"].member("admin")[0].identity.certificate),
                         orgs["EP"].member("admin")[0].signer)  # claims KR, certificate (and key) not KR's
    forged = _signed(update, orgs["KR"].member("admin")[0])[0]
    forged = type(forged)(forged.msp_id, forged.certificate, signature_valid=False)
    duplicate = _signed(update, jp)  # JP twice counts once
    [result] = evaluate_update(config, update, _signed(update, jp, us, client, impostor) + [forged] + duplicate)
    assert not result.satisfied and result.met_by == ("JPMSP", "USMSP")

    revoking = Org("KR")
    revoked_admin, revoked_cert = revoking.member("admin")
    revoking.revoked.append(revoked_cert.serial_number)
    orgs_with_crl = dict(orgs, KR=revoking)
    [result] = evaluate_update(_config(orgs_with_crl), update, _signed(update, jp, us, revoked_admin))
    assert not result.satisfied and "KRMSP" in result.unmet


def test_org_admins_policy_for_an_org_value(orgs: dict[str, Org]) -> None:
    config = _config(orgs)
    update = _value_update(["Application", "JPMSP"], "AnchorPeers", 1, {"anchor_peers": []})
    [result] = evaluate_update(config, update, _signed(update, orgs["US"].member("admin")[0]))
    assert str(result.ref) == "/Channel/Application/JPMSP/Admins" and not result.satisfied
    assert result.shortfall().endswith("needs 1 of 1; signed: none; missing: JPMSP.admin")
    [result] = evaluate_update(config, update, _signed(update, orgs["JP"].member("admin")[0]))
    assert result.satisfied


def test_render_policy() -> None:
    assert render_policy({"type": 3, "value": {"rule": "MAJORITY", "sub_policy": "Admins"}}) == "MAJORITY Admins"
    two = {"type": 1, "value": {"identities": [
        {"principal": {"msp_identifier": "JPMSP", "role": "ADMIN"}, "principal_classification": "ROLE"},
        {"principal": {"msp_identifier": "USMSP", "role": "PEER"}, "principal_classification": "ROLE"}],
        "rule": {"n_out_of": {"n": 2, "rules": [{"signed_by": 0}, {"signed_by": 1}]}}}}
    assert render_policy(two) == "AND('JPMSP.admin', 'USMSP.peer')"


def test_describe_changes(orgs: dict[str, Org]) -> None:
    config = _config(orgs)
    assert [str(c) for c in describe_changes(config, _value_update(["Orderer"], "BatchTimeout", 3,
                                                                    {"timeout": "2s"}))] == [
        "modified value Orderer/BatchTimeout: timeout: 500ms -> 2s"]

    revoking = Org("JP")
    revoking.revoked.append(12345)
    msp = copy.deepcopy(config["channel_group"]["groups"]["Application"]["groups"]["JPMSP"]["values"]["MSP"]["value"])
    msp["config"]["revocation_list"] = [_b64(revoking.crl())]
    [change] = describe_changes(config, _value_update(["Application", "JPMSP"], "MSP", 1, msp))
    assert str(change) == "modified value Application/JPMSP/MSP: config.revocation_list +1 (CRL by ca.jp, 1 revoked)"

    # KR leaves the application group: the group's version moves and it lists every child it keeps (groups,
    # values and policies alike, as compute_update does), so KR's absence is the removal.
    app = config["channel_group"]["groups"]["Application"]
    kept = {name: {"version": g["version"]} for name, g in app["groups"].items() if name != "KRMSP"}
    removal = {"channel_id": "priority",
               "read_set": {"version": "0", "groups": {"Application": {"version": "0", "groups": {
                   name: {"version": "0"} for name in app["groups"]}, "policies": {"Admins": {"version": "0"}}}}},
               "write_set": {"version": "0", "groups": {"Application": {"version": "1", "mod_policy": "Admins",
                                                                         "groups": kept,
                                                                         "policies": {"Admins": {"version": "0"}}}}}}
    assert [str(c) for c in describe_changes(config, removal)] == ["removed group Application/KRMSP"]
    [(ref, _)] = required_policies(config, removal)
    assert str(ref) == "/Channel/Application/Admins"


def test_diff_json_lists_as_multisets() -> None:
    before = {"anchor_peers": [{"host": "peer0.jp", "port": 7051}]}
    after = {"anchor_peers": [{"host": "peer1.jp", "port": 7061}, {"host": "peer0.jp", "port": 7051}]}
    assert diff_json(before, after) == ["anchor_peers +1 (peer1.jp:7061)"]
    assert diff_json({"a": 1}, {"b": 1}) == ["a removed (was 1)", "b added: 1"]


def test_offline_signature_verifies_against_the_admins_certificate(orgs: dict[str, Org]) -> None:
    signatory, cert = orgs["JP"].member("admin", "Admin@jp")
    config_update = b"\x0a\x08priority\x12\x00"  # any ConfigUpdate bytes
    signature = ConfigSignature.create(config_update, signatory, nonce=b"n" * 24)

    header = common_pb2.SignatureHeader.FromString(signature.signature_header)
    creator = identities_pb2.SerializedIdentity.FromString(header.creator)
    assert (creator.mspid, bytes(creator.id_bytes), bytes(header.nonce)) == ("JPMSP", _pem(cert), b"n" * 24)
    assert signing_payload(signature.signature_header, config_update) == signature.signature_header + config_update
    public_key = cert.public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    public_key.verify(signature.signature, signature.signature_header + config_update, ec.ECDSA(hashes.SHA256()))
    assert signature.signer(config_update).signature_valid
    assert not signature.signer(config_update + b"x").signature_valid

    update = ConfigUpdate("priority", config_update, {}, {}, ())
    twice = update.sign(signatory).sign(signatory)
    assert len(twice.signatures) == 1  # one admin, one signature
    envelope = configtx_pb2.ConfigUpdateEnvelope.FromString(twice.envelope())
    assert bytes(envelope.config_update) == config_update and len(envelope.signatures) == 1
