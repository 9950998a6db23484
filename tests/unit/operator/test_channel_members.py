"""The channel-configuration edits that add and remove an office (pure functions on configtxlator JSON)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from ipledger.consortium.definition import load_definition
from ipledger.consortium.office import export_bundle, init_office
from ipledger.consortium.plan import build_plan
from ipledger.operator.channel_members import (
    MembershipConfigError,
    bft_quorum,
    consenters,
    member_msp_ids,
    with_consenter,
    with_office,
    without_consenter,
    without_office,
)

REPO = Path(__file__).resolve().parents[3]


def _config(msps: list[str]) -> dict[str, Any]:
    def org(msp: str) -> dict[str, Any]:
        return {"groups": {}, "mod_policy": "Admins", "policies": {}, "values": {"MSP": {"value": {"msp": msp}}}}
    mapping = [{"id": i + 1, "host": f"orderer0.{m.lower()}", "port": 7050, "msp_id": m} for i, m in enumerate(msps)]
    for c in mapping:
        c["identity"] = base64.b64encode(f"cert of {c['msp_id']}".encode()).decode()
    return {"sequence": "3", "channel_group": {"groups": {
        "Application": {"groups": {m: org(m) for m in msps}},
        "Orderer": {"groups": {m: org(m) for m in msps},
                    "policies": {"BlockValidation": {"mod_policy": "Admins", "policy": {}, "version": "0"}},
                    "values": {"Orderers": {"value": {"consenter_mapping": mapping}}}},
    }}}


def _block_validation(config: dict[str, Any]) -> dict[str, Any]:
    policy: dict[str, Any] = config["channel_group"]["groups"]["Orderer"]["policies"]["BlockValidation"]["policy"]
    return policy


@pytest.fixture()
def cn_bundle(tmp_path: Path) -> Any:
    plan = build_plan(load_definition(REPO / "network" / "consortium.yaml"), tmp_path)
    office = plan.office("KR")  # any office's real certificates will do
    init_office(plan, office)
    return export_bundle(plan, office)


@pytest.mark.parametrize(("n", "quorum"), [(4, 3), (5, 4), (6, 4), (7, 5), (10, 7)])
def test_bft_quorum(n: int, quorum: int) -> None:
    assert bft_quorum(n) == quorum


def test_an_office_is_added_as_two_organisations_then_as_a_consenter(cn_bundle: Any) -> None:
    base = _config(["JPMSP", "USMSP", "EPMSP", "DEMSP"])
    group = {"groups": {}, "mod_policy": "Admins", "policies": {"Admins": {}},
             "values": {"MSP": {"value": {}}, "Endpoints": {"value": {"addresses": ["x:1"]}}}}
    added = with_office(base, cn_bundle, group)
    assert base == _config(["JPMSP", "USMSP", "EPMSP", "DEMSP"])  # the input is left alone
    application = added["channel_group"]["groups"]["Application"]["groups"]["KRMSP"]
    orderer = added["channel_group"]["groups"]["Orderer"]["groups"]["KRMSP"]
    assert "Endpoints" not in application["values"]
    assert application["values"]["AnchorPeers"]["value"]["anchor_peers"] == [
        {"host": cn_bundle.anchor_peer.host, "port": cn_bundle.anchor_peer.port}]
    assert orderer["values"]["Endpoints"]["value"]["addresses"] == [cn_bundle.orderer.address]
    assert "KRMSP" in member_msp_ids(added) and len(consenters(added)) == 4
    with pytest.raises(MembershipConfigError, match="already an organisation"):
        with_office(added, cn_bundle, group)

    grown = with_consenter(added, cn_bundle)
    newest = consenters(grown)[-1]
    assert newest["id"] == 5 and newest["msp_id"] == "KRMSP" and newest["port"] == cn_bundle.orderer.port
    assert base64.b64decode(newest["identity"]).decode() == cn_bundle.orderer_identity
    assert base64.b64decode(newest["server_tls_cert"]).decode() == cn_bundle.orderer_tls_cert
    with pytest.raises(MembershipConfigError, match="already a consenter"):
        with_consenter(grown, cn_bundle)
    # BFT validates blocks by a quorum of the consenters' signatures: 4 of 5 now, every consenter an identity.
    policy = _block_validation(grown)["value"]
    assert policy["rule"]["n_out_of"]["n"] == 4 and len(policy["rule"]["n_out_of"]["rules"]) == 5
    assert [i["principal"]["mspid"] for i in policy["identities"]] == ["JPMSP", "USMSP", "EPMSP", "DEMSP", "KRMSP"]
    assert policy["identities"][-1]["principal"]["id_bytes"] == newest["identity"]
    assert {i["principal_classification"] for i in policy["identities"]} == {"IDENTITY"}


def test_a_consenter_needs_its_organisation_first(cn_bundle: Any) -> None:
    with pytest.raises(MembershipConfigError, match="must be an orderer organisation"):
        with_consenter(_config(["JPMSP", "USMSP", "EPMSP", "DEMSP"]), cn_bundle)


def test_an_office_leaves_consenter_first_and_never_below_four() -> None:
    five = _config(["JPMSP", "USMSP", "EPMSP", "DEMSP", "CNMSP"])
    with pytest.raises(MembershipConfigError, match="consenter before its organisation"):
        without_office(five, "CNMSP")
    four = without_consenter(five, "CNMSP")
    assert [c["msp_id"] for c in consenters(four)] == ["JPMSP", "USMSP", "EPMSP", "DEMSP"]
    assert _block_validation(four)["value"]["rule"]["n_out_of"]["n"] == 3
    assert len(_block_validation(four)["value"]["identities"]) == 4
    gone = without_office(four, "CNMSP")
    assert member_msp_ids(gone) == ["DEMSP", "EPMSP", "JPMSP", "USMSP"]
    with pytest.raises(MembershipConfigError, match="not an organisation"):
        without_office(gone, "CNMSP")
    with pytest.raises(MembershipConfigError, match="no consenter"):
        without_consenter(four, "CNMSP")
    with pytest.raises(MembershipConfigError, match="would leave 3 consenters"):
        without_consenter(four, "JPMSP")
