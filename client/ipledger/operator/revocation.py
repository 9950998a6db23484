"""Revocation that bites: revoke a user at the office's Fabric CA, then publish the CA's CRL into the office's MSP
in the channel configuration, signed by the office's own admin (the MSP value's mod_policy is the org's Admins).

Peers and orderers check identities against the channel MSPs' revocation lists, not against the CA, so the CRL
must reach the configuration. An office is one MSP in both the application and the orderer groups, and Fabric
requires the two definitions to be identical, so both get the CRL.
"""

from __future__ import annotations

import base64
import copy
from dataclasses import dataclass

from cryptography import x509

from ipledger.credentials import CAClient, ConnectionProfile
from ipledger.credentials.errors import CAError
from ipledger.operator.admin import OfficeAdmin
from ipledger.operator.channel_config import ChannelConfig, ChannelConfigs, admin_signatory
from ipledger.operator.config_errors import ConfigUpdateError
from ipledger.operator.config_policy import JSON, channel_group
from ipledger.operator.config_update import ConfigUpdate
from ipledger.operator.errors import OperatorError

REGISTRAR_LABEL = "registrar"  # the CA's bootstrap registrar, enrolled into each office wallet by `up`
ORG_SECTIONS = ("Application", "Orderer")


def with_crl(config: JSON, msp_id: str, crl_pem: bytes) -> JSON:
    """A copy of ``config`` whose ``msp_id`` MSP carries ``crl_pem`` in place of earlier CRLs of the same issuer."""
    issuer = x509.load_pem_x509_crl(crl_pem).issuer
    updated = copy.deepcopy(config)
    found = False
    for section in ORG_SECTIONS:
        org = ((channel_group(updated).get("groups") or {}).get(section) or {}).get("groups", {}).get(msp_id)
        if org is None:
            continue
        msp = org["values"]["MSP"]["value"]["config"]
        kept = [c for c in msp.get("revocation_list") or []
                if x509.load_pem_x509_crl(base64.b64decode(c)).issuer != issuer]
        msp["revocation_list"] = [*kept, base64.b64encode(crl_pem).decode("ascii")]
        found = True
    if not found:
        raise ConfigUpdateError(f"{msp_id} is not an organisation of the channel")
    return updated


@dataclass(frozen=True)
class RevocationResult:
    """What was revoked (hex serials), the CRL published, the signed update and the resulting configuration."""

    user: str
    serials: tuple[str, ...]
    crl: bytes
    update: ConfigUpdate
    config: ChannelConfig


def ca_client(admin: OfficeAdmin) -> tuple[CAClient, ConnectionProfile]:
    profile = ConnectionProfile.load(admin.plan.profiles_dir / f"{admin.office.code}.json")
    if profile.ca is None:
        raise OperatorError(f"{admin.office.code}'s connection profile names no Fabric CA")
    return CAClient.from_profile(profile.ca), profile


def revoke_at_ca(admin: OfficeAdmin, user: str, reason: str = "unspecified") -> tuple[tuple[str, ...], bytes]:
    """Revoke every certificate of ``user`` at the office's CA and return the serials and a fresh CRL (PEM)."""
    client, profile = ca_client(admin)
    wallet = profile.wallet()
    registrar = wallet.get(REGISTRAR_LABEL) if wallet else None
    if registrar is None:
        raise OperatorError(f"{admin.office.code}'s wallet has no {REGISTRAR_LABEL!r} identity to revoke with "
                            "(run `ipledger network up`, which enrolls it)")
    try:
        revocation = client.revoke(registrar, enrollment_id=user, reason=reason, gencrl=True)
    except CAError as exc:
        raise OperatorError(f"{admin.office.ca.host} would not revoke {user!r}: {exc}") from exc
    if revocation.crl is None:
        raise OperatorError(f"{admin.office.ca.host} revoked {user!r} but returned no CRL")
    return tuple(serial for serial, _ in revocation.revoked), revocation.crl


def publish_crl(admin: OfficeAdmin, crl_pem: bytes, *, note: str = "") -> tuple[ConfigUpdate, ChannelConfig]:
    """Put the CRL into the office's MSP in the channel configuration: prepare, sign as the office's admin,
    submit through the office's orderer. Returns the signed update and the new configuration."""
    configs = ChannelConfigs(admin)
    current = configs.current()
    update = configs.prepare(with_crl(current.config, admin.office.msp_id, crl_pem), base=current,
                             note=note or f"publish {admin.office.code}'s CRL")
    update = update.sign(admin_signatory(admin))
    return update, configs.submit(update)


def revoke_user(admin: OfficeAdmin, user: str, reason: str = "unspecified") -> RevocationResult:
    """Revoke ``user`` at the office's CA and publish the CRL to the channel: peers and orderers refuse it after."""
    serials, crl = revoke_at_ca(admin, user, reason)
    update, config = publish_crl(admin, crl, note=f"revoke {user} at {admin.office.code} ({reason})")
    return RevocationResult(user, serials, crl, update, config)
