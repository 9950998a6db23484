"""The operations endpoints' client authentication: a TLS CA of each office's own for its monitoring clients.

Fabric's peer and orderer serve ``/metrics`` and ``/logspec`` on the operations endpoint only to a client that
presented a certificate the endpoint verified (core/middleware RequireCert; the TLS layer verifies a given
certificate against ``operations.tls.clientRootCAs`` and answers 401 to a request without one). ``/healthz``
and ``/version`` stay open, so the containers' health probe needs no certificate.

Trusting the office TLS CA there would let any enrolled user read metrics and change log levels, so a CA of
its own issues one certificate, the office operator's monitoring client (``ipledger network top/doctor``,
Prometheus). Generated once, like the rest of the crypto material, and added to material that predates it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from ipledger._files import write_atomically
from ipledger.consortium.crypto import issue, new_authority
from ipledger.consortium.plan import ConsortiumPlan, OfficePlan

# Where the nodes find the CA certificate (a read-only bind mount of the file below).
CONTAINER_CA_FILE = "/etc/ipledger/operations-tlsca.pem"


@dataclass(frozen=True)
class OperationsClient:
    """The files a monitoring client of one office needs: its certificate and key, and the office's TLS root
    (which issued the nodes' server certificates)."""

    cert_file: Path
    key_file: Path
    server_ca_file: Path


def ca_dir(plan: ConsortiumPlan, office: OfficePlan) -> Path:
    return plan.crypto_dir(office) / "operations-tlsca"


def ca_cert_file(plan: ConsortiumPlan, office: OfficePlan) -> Path:
    return ca_dir(plan, office) / "operations-tlsca-cert.pem"


def client(plan: ConsortiumPlan, office: OfficePlan) -> OperationsClient:
    directory = plan.crypto_dir(office) / "users" / f"Operator@{office.domain}" / "operations-tls"
    return OperationsClient(cert_file=directory / "client.crt", key_file=directory / "client.key",
                            server_ca_file=plan.crypto_dir(office) / "tlsca" / "tlsca-cert.pem")


def generate_office(plan: ConsortiumPlan, office: OfficePlan) -> bool:
    """Write the office's operations client CA and its monitoring client certificate unless present."""
    if ca_cert_file(plan, office).exists():
        return False
    org = office.domain
    authority = new_authority(org, f"operations-tlsca.{org}")
    cert, key = issue(authority, org, f"Operator@{org}", None, tls=True)
    pem = serialization.Encoding.PEM
    key_pem = key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    authority_key = authority.key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption())
    files = client(plan, office)
    write_atomically(files.cert_file, cert.public_bytes(pem), private=False)
    write_atomically(files.key_file, key_pem, private=True)
    write_atomically(ca_dir(plan, office) / "operations-tlsca-key.pem", authority_key, private=True)
    # The CA certificate last: its presence is what marks the office's material as complete.
    write_atomically(ca_cert_file(plan, office), authority.cert.public_bytes(pem), private=False)
    return True

