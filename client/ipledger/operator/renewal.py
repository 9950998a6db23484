"""Renewing node and user certificates without downtime: ``ipledger network renew``.

A renewed certificate keeps its subject, organisational unit and host names and is issued by the same office
CA key (from the office's own directory) to a new key pair. Users need nothing restarted: every command reads
its files anew. A peer (or the library) is restarted alone and waited for before the next one, so the office's
other nodes keep serving and other offices' gateways keep committing meanwhile; if a node does not come back
healthy, its previous certificates are put back and it is restarted on them.

Orderers are refused: on Fabric 3.1.1 a BFT consenter's identity and TLS certificates are written in the
channel configuration (the consenter mapping), so a new one needs a signed channel configuration update.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ipledger._files import write_atomically
from ipledger.consortium import crypto
from ipledger.consortium.plan import ConsortiumPlan, OfficePlan
from ipledger.operator import containers, health
from ipledger.operator.certs import serial_hex
from ipledger.operator.engine import Engine
from ipledger.operator.engine_errors import engine_call
from ipledger.operator.errors import NodeNotFoundError, NodeUnhealthyError, OperatorError


class ConfigUpdateRequiredError(OperatorError):
    """The certificate is part of the channel configuration; renewing it needs a signed config update."""

    code = "CONFIG_UPDATE_REQUIRED"


@dataclass(frozen=True)
class CertificatePair:
    cert: Path
    key: Path


@dataclass(frozen=True)
class RenewalTarget:
    """What to renew: a node (restarted afterwards) or a user (nothing to restart)."""

    office: OfficePlan
    name: str  # container / user directory name
    role: str  # peer, library, user
    pairs: tuple[CertificatePair, ...]
    health: health.Endpoint | None = None  # the node's /healthz; None: not a running node to restart
    gossip_address: str | None = None  # a peer's host:port, as other peers' gossip names it


@dataclass(frozen=True)
class RenewedCertificate:
    path: str
    subject: str
    old_serial: str
    new_serial: str
    not_after: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "subject": self.subject, "old_serial": self.old_serial,
                "new_serial": self.new_serial, "not_after": self.not_after}


@dataclass
class RenewalResult:
    target: str
    role: str
    certificates: list[RenewedCertificate] = field(default_factory=list)
    restarted: bool = False
    seconds: float = 0.0
    # Peers that the restarted peer's gossip had not seen again when renew gave up waiting (normally none).
    gossip_missing: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"target": self.target, "role": self.role, "restarted": self.restarted,
                "seconds": round(self.seconds, 1), "gossip_missing": self.gossip_missing,
                "certificates": [c.as_dict() for c in self.certificates]}


def node_target(plan: ConsortiumPlan, office: OfficePlan, name: str) -> RenewalTarget:
    """A node of the office by container name or short name (``peer0``, ``library``); orderers are refused."""
    root = plan.crypto_dir(office)
    orderer = office.orderer
    if name in (orderer.host, orderer.host.split(".")[0]):
        raise ConfigUpdateRequiredError(
            f"{orderer.host} is a BFT consenter: its identity and TLS certificates are in the channel "
            f"configuration (consenter mapping), so they are renewed by a signed channel configuration update "
            f"(`renew --node orderer0` does that through operator.consenter_renewal)")
    for peer in office.peers:
        if name in (peer.host, peer.host.split(".")[0]):
            node = root / "peers" / peer.host
            return RenewalTarget(office, peer.host, "peer", (
                CertificatePair(node / "msp" / "signcerts" / "cert.pem", node / "msp" / "keystore" / "key.pem"),
                CertificatePair(node / "tls" / "server.crt", node / "tls" / "server.key"),
            ), health=health.node_endpoint(plan, office, peer.host), gossip_address=peer.address)
    if name in (office.library.host, "library"):
        lib = root / "library"
        return RenewalTarget(office, office.library.host, "library", (
            CertificatePair(lib / "identity" / "cert.pem", lib / "identity" / "key.pem"),
            CertificatePair(lib / "tls" / "server.crt", lib / "tls" / "server.key"),
        ), health=health.node_endpoint(plan, office, office.library.host))
    known = [p.host for p in office.peers] + [office.library.host]
    raise NodeNotFoundError(f"{office.code} has no node {name!r} to renew; renewable nodes: {', '.join(known)}")


def user_target(plan: ConsortiumPlan, office: OfficePlan, name: str) -> RenewalTarget:
    """A user of the office's directory, ``User1`` or ``User1@jp.<domain>``."""
    full = name if "@" in name else f"{name}@{office.domain}"
    user = plan.crypto_dir(office) / "users" / full
    if not (user / "msp" / "signcerts" / "cert.pem").is_file():
        users = sorted(p.name for p in (plan.crypto_dir(office) / "users").glob("*@*"))
        raise NodeNotFoundError(f"{office.code} has no user {name!r}; users: {', '.join(users) or 'none'}")
    pairs = [CertificatePair(user / "msp" / "signcerts" / "cert.pem", user / "msp" / "keystore" / "key.pem"),
             CertificatePair(user / "tls" / "client.crt", user / "tls" / "client.key"),
             CertificatePair(user / "admin-tls" / "client.crt", user / "admin-tls" / "client.key")]
    return RenewalTarget(office, full, "user", tuple(p for p in pairs if p.cert.is_file() and p.key.is_file()))


def reissue(old: x509.Certificate, authorities: list[crypto.Authority]) -> tuple[x509.Certificate,
                                                                                 ec.EllipticCurvePrivateKey]:
    """A new certificate and key with ``old``'s subject, unit and host names, from the CA that issued it."""
    issuer = next((a for a in authorities if a.cert.subject == old.issuer), None)
    if issuer is None:
        raise OperatorError(f"no CA of the office issued {old.subject.rfc4514_string()} "
                            f"(issuer {old.issuer.rfc4514_string()}): cannot renew it from this directory")

    def attr(oid: x509.ObjectIdentifier) -> str | None:
        values = old.subject.get_attributes_for_oid(oid)
        return str(values[0].value) if values else None

    common_name, org = attr(NameOID.COMMON_NAME), attr(NameOID.ORGANIZATION_NAME)
    if common_name is None or org is None:
        raise OperatorError(f"{old.subject.rfc4514_string()}: no CN or O to renew with")
    hosts: list[str] = []
    try:
        san = old.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        hosts = [str(v) for v in san.get_values_for_type(x509.DNSName)]
        hosts += [str(v) for v in san.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        pass
    try:
        old.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
        tls = True
    except x509.ExtensionNotFound:
        tls = False
    return crypto.issue(issuer, org, common_name, attr(NameOID.ORGANIZATIONAL_UNIT_NAME), tuple(hosts), tls=tls)


def swap(pairs: tuple[CertificatePair, ...], authorities: list[crypto.Authority],
          root: Path) -> tuple[list[RenewedCertificate], dict[Path, bytes]]:
    """Write the renewed certificates and keys; returns them and the previous bytes of every file written."""
    previous: dict[Path, bytes] = {}
    renewed = []
    issued = []
    for pair in pairs:  # issue everything before writing anything
        old = x509.load_pem_x509_certificate(pair.cert.read_bytes())
        issued.append((pair, old, *reissue(old, authorities)))
    for pair, old, cert, key in issued:
        previous[pair.key] = pair.key.read_bytes()
        previous[pair.cert] = pair.cert.read_bytes()
        write_atomically(pair.key, crypto.key_pem(key), private=True)
        write_atomically(pair.cert, crypto.cert_pem(cert), private=False)
        shown = pair.cert.relative_to(root) if pair.cert.is_relative_to(root) else pair.cert
        renewed.append(RenewedCertificate(str(shown), cert.subject.rfc4514_string(), serial_hex(old),
                                          serial_hex(cert), cert.not_valid_after_utc.isoformat()))
    return renewed, previous


def restore(previous: dict[Path, bytes]) -> None:
    for path, data in previous.items():
        write_atomically(path, data, private=path.suffix == ".key" or path.name == "key.pem")


def restart(engine: Engine, target: RenewalTarget, timeout: float) -> str | None:
    """Restart the node's container and wait for its /healthz; returns the failure reason, None when healthy."""
    with engine_call(target.name, "restart"):
        engine.client.containers.get(target.name).restart(timeout=10)
    assert target.health is not None
    failures = health.wait_healthy([target.health], timeout=timeout)
    return failures.get(target.name)


# "[priority] Membership view has changed. peers went online: [[peer0.kr...:20051 ]] , current view: [[...]]"
_ENDPOINT = re.compile(r"\[([A-Za-z0-9.-]+:\d+) ")


def _running_peer_addresses(engine: Engine, plan: ConsortiumPlan, exclude: str) -> set[str]:
    running = {c.name for c in containers.containers(engine, plan, "io.ipledger.role=peer") if c.status == "running"}
    return {p.address for o in plan.offices for p in o.peers if p.host in running and p.address != exclude}


def _wait_gossip(engine: Engine, plan: ConsortiumPlan, target: RenewalTarget, since: dt.datetime,
                 expected: set[str], timeout: float) -> list[str]:
    """Wait until the restarted peer's channel membership view (its log) holds every other running peer again:
    until then discovery cannot plan endorsements through it. Returns the peers still missing at the timeout."""
    marker = f"[{plan.channel}] Membership view has changed"
    deadline = time.monotonic() + timeout
    seen: set[str] = set()
    while True:
        with engine_call(target.name, "read logs"):
            text = engine.client.containers.get(target.name).logs(since=since).decode(errors="replace")
        views = [line for line in text.splitlines() if marker in line]
        if views:
            seen = set(_ENDPOINT.findall(views[-1].partition("current view:")[2]))
        missing = sorted(expected - seen)
        if not missing or time.monotonic() > deadline:
            return missing
        time.sleep(0.5)


def renew(plan: ConsortiumPlan, target: RenewalTarget, engine: Engine | None,
          health_timeout: float = 120.0) -> RenewalResult:
    """Renew the target's certificates and, for a node, restart it on them (rolled back if it stays unhealthy)."""
    started = time.monotonic()
    office = target.office
    authorities = crypto.office_authorities(plan, office)
    renewed, previous = swap(target.pairs, authorities, plan.root)
    result = RenewalResult(target=target.name, role=target.role, certificates=renewed)
    if target.health is not None:
        if engine is None:
            raise OperatorError(f"{target.name}: renewing a node needs the container engine")
        others = _running_peer_addresses(engine, plan, target.gossip_address or "")
        restarted_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
        try:
            reason = restart(engine, target, health_timeout)
        except BaseException:
            restore(previous)
            raise
        if reason is not None:
            restore(previous)
            back = restart(engine, target, health_timeout)
            raise NodeUnhealthyError(
                f"{target.name} did not become healthy on its renewed certificates ({reason}); the previous "
                f"certificates were put back" + ("" if back is None else f" but it is still unhealthy ({back})"))
        result.restarted = True
        if target.gossip_address is not None:
            result.gossip_missing = _wait_gossip(engine, plan, target, restarted_at, others, health_timeout)
    result.seconds = time.monotonic() - started
    return result
