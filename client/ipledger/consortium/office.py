"""An office's own directory: created by the office, kept by the office, and the bundle it exports.

``init_office`` writes everything private of one office into its directory (mode 0700; keys and secrets 0600):
its signing CA and TLS CA, node and user identities, the admin TLS CA of its orderer's admin endpoint, its CA
server's registrar secret and configuration, and the compose file of its own nodes. ``export_bundle`` reads the
public certificates back out of that directory into an :class:`~ipledger.consortium.bundle.OfficeBundle`; the
consortium is assembled from bundles only. On one machine (the developer path) every office's directory lies
under ``network/generated/offices/``, and ``network up`` takes each office through these same steps.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from ipledger._files import write_atomically
from ipledger.consortium import ca_config, compose, crypto, operations_tls
from ipledger.consortium.bundle import Endpoint, OfficeBundle
from ipledger.consortium.plan import ConsortiumPlan, OfficePlan


def registrar_secret_path(plan: ConsortiumPlan, office: OfficePlan) -> Path:
    return plan.crypto_dir(office) / "secrets" / "ca-registrar"


def registrar_secret(plan: ConsortiumPlan, office: OfficePlan) -> str:
    """The office CA's bootstrap registrar secret, made once with the office's keys and never exported."""
    path = registrar_secret_path(plan, office)
    if not path.exists():
        write_atomically(path, secrets.token_hex(16).encode())
    return path.read_text(encoding="utf-8").strip()


def init_office(plan: ConsortiumPlan, office: OfficePlan) -> bool:
    """Create (or complete) the office's own directory. Returns True when new root keys were made.

    Idempotent: existing keys are kept (regenerating them would orphan a running ledger); only what is missing
    is added, and the generated configuration (CA server config, compose file) is rewritten.
    """
    root = plan.crypto_dir(office)
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o700)
    created = crypto.generate_office(plan, office)
    crypto.generate_library(plan, office)
    crypto.generate_admin_tls(plan, office)
    operations_tls.generate_office(plan, office)
    text = ca_config.HEADER + ca_config.render(registrar_secret(plan, office))
    write_atomically(ca_config.config_path(plan, office), text.encode(), private=True)
    compose.write_office_compose(plan, office)
    return created


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def export_bundle(plan: ConsortiumPlan, office: OfficePlan) -> OfficeBundle:
    """The office's public bundle, read from the certificates in its directory (never from a key file)."""
    root = plan.crypto_dir(office)
    orderer_dir = root / "orderers" / office.orderer.host
    return OfficeBundle(
        office=office.code, msp_id=office.msp_id, name=office.spec.name, domain=office.domain,
        root_cert=_read(root / "msp" / "cacerts" / "ca-cert.pem"),
        tls_root_cert=_read(root / "msp" / "tlscacerts" / "tlsca-cert.pem"),
        orderer=Endpoint(office.orderer.host, office.orderer.port),
        orderer_identity=_read(orderer_dir / "msp" / "signcerts" / "cert.pem"),
        orderer_tls_cert=_read(orderer_dir / "tls" / "server.crt"),
        peers=tuple(Endpoint(p.host, p.port) for p in office.peers),
        library=Endpoint(office.library.host, office.library.port),
    )


def publish_bundle(plan: ConsortiumPlan, office: OfficePlan) -> Path:
    """Export the bundle to where the consortium's members collect them (``<generated>/bundles``)."""
    return export_bundle(plan, office).write(plan.bundle_path(office.code))
