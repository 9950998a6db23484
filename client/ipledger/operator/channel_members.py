"""Edits of the channel configuration (configtxlator JSON) that add or remove an office: pure functions.

An office is two organisation groups (one in Application, one in Orderer, each with its MSP and its Admins,
Readers, Writers and Endorsement policies) plus, once its orderer has caught up as a follower, one BFT consenter.
Fabric's docs add a consenter only after the new orderer followed the channel, and remove a consenter before its
organisation, so the two are separate updates here.
"""

from __future__ import annotations

import base64
import copy
from typing import Any

from ipledger.consortium.bundle import OfficeBundle
from ipledger.operator.errors import OperatorError

JSON = dict[str, Any]


class MembershipConfigError(OperatorError):
    """The channel's configuration does not allow this membership edit (e.g. the office is already in)."""

    code = "MEMBERSHIP_CONFIG"


def _groups(config: JSON, section: str) -> JSON:
    groups: JSON = config["channel_group"]["groups"][section]["groups"]
    return groups


def member_msp_ids(config: JSON) -> list[str]:
    """The organisations of the Application group: who may endorse and read."""
    return sorted(_groups(config, "Application"))


def _mapping(config: JSON) -> list[JSON]:
    value: JSON = config["channel_group"]["groups"]["Orderer"]["values"]["Orderers"]["value"]
    mapping: list[JSON] = value.setdefault("consenter_mapping", [])
    return mapping


def consenters(config: JSON) -> list[JSON]:
    """The BFT consenters (``id``, ``host``, ``port``, ``msp_id``, base64 certificates)."""
    return list(_mapping(config))


def bft_quorum(n: int) -> int:
    """How many of ``n`` BFT consenters must agree: ceil((n + f + 1) / 2) with f = floor((n - 1) / 3)."""
    f = (n - 1) // 3
    return (n + f + 2) // 2


def with_block_validation(config: JSON) -> JSON:
    """``config`` with the orderer's BlockValidation policy that BFT requires for its consenter set: a block is
    valid when signed by a quorum of the consenters' identities. Fabric refuses a consenter change whose update
    does not carry this policy too."""
    mapping = _mapping(config)
    policy = config["channel_group"]["groups"]["Orderer"]["policies"]["BlockValidation"]
    policy["policy"] = {"type": 1, "value": {
        "identities": [{"principal": {"id_bytes": c["identity"], "mspid": c["msp_id"]},
                        "principal_classification": "IDENTITY"} for c in mapping],
        "rule": {"n_out_of": {"n": bft_quorum(len(mapping)), "rules": [{"signed_by": i} for i in range(len(mapping))]}},
        "version": 0,
    }}
    return config


def with_office(config: JSON, bundle: OfficeBundle, org_group: JSON) -> JSON:
    """The configuration with the office's organisation in Application (with its anchor peer) and Orderer
    (with its orderer endpoint). ``org_group`` is the organisation as ``configtxgen -printOrg`` prints it."""
    if bundle.msp_id in _groups(config, "Application") or bundle.msp_id in _groups(config, "Orderer"):
        raise MembershipConfigError(f"{bundle.msp_id} is already an organisation of the channel")
    updated = copy.deepcopy(config)
    application = copy.deepcopy(org_group)
    application["values"].pop("Endpoints", None)  # orderer endpoints belong to the orderer organisation
    application["values"]["AnchorPeers"] = {
        "mod_policy": "Admins", "version": "0",
        "value": {"anchor_peers": [{"host": bundle.anchor_peer.host, "port": bundle.anchor_peer.port}]},
    }
    orderer = copy.deepcopy(org_group)
    orderer["values"]["Endpoints"] = {"mod_policy": "Admins", "version": "0",
                                      "value": {"addresses": [bundle.orderer.address]}}
    _groups(updated, "Application")[bundle.msp_id] = application
    _groups(updated, "Orderer")[bundle.msp_id] = orderer
    return updated


def _b64(pem: str) -> str:
    return base64.b64encode(pem.encode()).decode()


def with_consenter(config: JSON, bundle: OfficeBundle) -> JSON:
    """The configuration with the office's orderer as the next BFT consenter (its ID one above the highest)."""
    if bundle.msp_id not in _groups(config, "Orderer"):
        raise MembershipConfigError(f"{bundle.msp_id} must be an orderer organisation before its orderer "
                                    "can be a consenter")
    if any(c.get("msp_id") == bundle.msp_id for c in _mapping(config)):
        raise MembershipConfigError(f"{bundle.msp_id}'s orderer is already a consenter")
    updated = copy.deepcopy(config)
    mapping = _mapping(updated)
    next_id = max((int(c.get("id", 0)) for c in mapping), default=0) + 1
    mapping.append({"id": next_id, "host": bundle.orderer.host, "port": bundle.orderer.port,
                    "msp_id": bundle.msp_id, "identity": _b64(bundle.orderer_identity),
                    "client_tls_cert": _b64(bundle.orderer_tls_cert), "server_tls_cert": _b64(bundle.orderer_tls_cert)})
    return with_block_validation(updated)


def without_consenter(config: JSON, msp_id: str) -> JSON:
    """The configuration without the office's consenter; refused when fewer than 4 would remain (BFT needs
    4 to tolerate one fault)."""
    mapping = _mapping(config)
    if not any(c.get("msp_id") == msp_id for c in mapping):
        raise MembershipConfigError(f"{msp_id} has no consenter in the channel")
    if len(mapping) - 1 < 4:
        raise MembershipConfigError(f"removing {msp_id}'s consenter would leave {len(mapping) - 1} consenters; "
                                    "BFT needs at least 4 to tolerate a faulty one")
    updated = copy.deepcopy(config)
    value = updated["channel_group"]["groups"]["Orderer"]["values"]["Orderers"]["value"]
    value["consenter_mapping"] = [c for c in _mapping(updated) if c.get("msp_id") != msp_id]
    return with_block_validation(updated)


def without_office(config: JSON, msp_id: str) -> JSON:
    """The configuration without the office's organisations (its consenter must be gone first)."""
    if any(c.get("msp_id") == msp_id for c in _mapping(config)):
        raise MembershipConfigError(f"remove {msp_id}'s consenter before its organisation")
    if msp_id not in _groups(config, "Application") and msp_id not in _groups(config, "Orderer"):
        raise MembershipConfigError(f"{msp_id} is not an organisation of the channel")
    updated = copy.deepcopy(config)
    _groups(updated, "Application").pop(msp_id, None)
    _groups(updated, "Orderer").pop(msp_id, None)
    return updated


def with_consenter_certificates(config: JSON, msp_id: str, identity_pem: str, tls_pem: str) -> JSON:
    """The configuration with the office's consenter known by renewed certificates (same ID, host, port)."""
    updated = copy.deepcopy(config)
    entries = [c for c in _mapping(updated) if c.get("msp_id") == msp_id]
    if not entries:
        raise MembershipConfigError(f"{msp_id} has no consenter in the channel")
    entries[0].update(identity=_b64(identity_pem), client_tls_cert=_b64(tls_pem), server_tls_cert=_b64(tls_pem))
    return with_block_validation(updated)
