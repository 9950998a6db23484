"""Renewing a BFT consenter's certificates: a signed channel update, then a restart, one consenter at a time.

A consenter is known to the others by its identity and TLS certificates in the channel configuration (the
consenter mapping, and the BlockValidation policy built from it). So the renewed certificates go into the
configuration first, signed by the members' admins and submitted through another office's orderer; then the
orderer restarts on them and rejoins as a consenter. The other consenters keep a quorum throughout.
"""

from __future__ import annotations

import time

from ipledger.consortium import crypto
from ipledger.consortium.office import publish_bundle
from ipledger.consortium.plan import OfficePlan
from ipledger.operator import channel_members, health, renewal
from ipledger.operator.bringup import Context
from ipledger.operator.errors import NodeUnhealthyError, OperatorError
from ipledger.operator.join import apply_signed_update, wait_orderer


def consenter_target(ctx: Context, office: OfficePlan) -> renewal.RenewalTarget:
    node = ctx.plan.crypto_dir(office) / "orderers" / office.orderer.host
    return renewal.RenewalTarget(office, office.orderer.host, "orderer", (
        renewal.CertificatePair(node / "msp" / "signcerts" / "cert.pem", node / "msp" / "keystore" / "key.pem"),
        renewal.CertificatePair(node / "tls" / "server.crt", node / "tls" / "server.key"),
    ), health=health.node_endpoint(ctx.plan, office, office.orderer.host))


def renew_consenter(ctx: Context, office: OfficePlan) -> renewal.RenewalResult:
    """Renew the office's orderer certificates and put them into the channel, then restart the orderer."""
    plan, started = ctx.plan, time.monotonic()
    admins = ctx.admins()
    own = next(a for a in admins if a.office.code == office.code)
    others = [a for a in admins if a.office.code != office.code]
    if not others:
        raise OperatorError("a consenter's certificates are renewed through another office's orderer")
    target = consenter_target(ctx, office)
    renewed, previous = renewal.swap(target.pairs, crypto.office_authorities(plan, office), plan.root)
    identity, tls = (pair.cert.read_text(encoding="utf-8") for pair in target.pairs)
    try:
        apply_signed_update(ctx, [*others, own],
                            lambda c: channel_members.with_consenter_certificates(c, office.msp_id, identity, tls),
                            f"renew the certificates of consenter {office.orderer.host}")
    except BaseException:
        renewal.restore(previous)  # nothing was applied: the orderer keeps its certificates
        raise
    publish_bundle(plan, office)  # the bundle names the consenter by its certificates
    reason = renewal.restart(ctx.need_engine(install=False), target, ctx.health_timeout)
    if reason is not None:
        raise NodeUnhealthyError(f"{office.orderer.host} did not become healthy on its renewed certificates "
                                 f"({reason}); the channel already names them, so fix the node rather than roll back")
    wait_orderer(own, "consenter", others[0], ctx.health_timeout)
    return renewal.RenewalResult(target=target.name, role="orderer", certificates=renewed, restarted=True,
                                 seconds=time.monotonic() - started)
