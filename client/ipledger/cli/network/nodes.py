"""``ipledger network certs | renew | snapshot | add-peer | remove-peer``: certificates, snapshots, added peers.

Registered on the ``network`` group by :mod:`ipledger.cli.network`.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import click

from ipledger.cli.exit_codes import exit_code_for
from ipledger.cli.output import render_table
from ipledger.operator import certs as certs_mod
from . import _common
from ipledger.operator import peers as peers_mod
from ipledger.operator import renewal, snapshots
from ipledger.operator.admin import OfficeAdmin
from ipledger.operator.bringup import Context
from ipledger.operator.errors import OperatorError


class CertificateExpiredError(OperatorError):
    code = "CERTIFICATE_EXPIRED"


class SnapshotMismatchError(OperatorError):
    code = "SNAPSHOT_MISMATCH"


def _guard(fn: Callable[[], None]) -> None:
    """The network group's errors and exit codes, but the errors of the exit-code table (cli/exit_codes.py)
    get their code from it: an expired certificate, a renewal that needs a configuration update."""
    def tabled() -> None:
        try:
            fn()
        except (CertificateExpiredError, renewal.ConfigUpdateRequiredError, SnapshotMismatchError) as exc:
            click.echo(f"Error: {exc.code}: {exc}", err=True)
            sys.exit(exit_code_for(exc))
    _common._guard(tabled)


def _office_codes(ctx: Context, offices: tuple[str, ...]) -> list[str]:
    return [ctx.plan.office(code).code for code in offices] if offices else [o.code for o in ctx.plan.offices]


@click.command("certs")
@_common.definition_option
@click.option("--office", "offices", multiple=True, metavar="CODE",
              help="Office whose certificates to list (repeatable; default: every office).")
@click.option("--warn-days", default=certs_mod.DEFAULT_WARN_DAYS, show_default=True, type=click.IntRange(min=0),
              help="Mark certificates that expire within this many days.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def certs(definition: str | None, offices: tuple[str, ...], warn_days: int, as_json: bool) -> None:
    """List every certificate of an office with its expiry; exit 6 when one has expired.

    CA roots, TLS CA, admin TLS CA, every node's signing and TLS certificate, users, the library, the CA
    server, the chaincode server, and the identities enrolled in the office's wallet. Status is ``warn``
    within --warn-days of notAfter, ``expired`` after it.

    \b
    Example:
      ipledger network certs --office JP
      ipledger network certs --json | jq '.[] | select(.status != "ok")'
    """
    def act() -> None:
        ctx = _common._context(definition, quiet=True)
        chosen = [ctx.plan.office(code) for code in _office_codes(ctx, offices)]
        rows = certs_mod.inventory(ctx.plan, chosen, warn_days)
        if as_json:
            click.echo(json.dumps([r.as_dict() for r in rows], indent=2))
        else:
            columns = ("office", "kind", "owner", "subject", "issuer", "serial", "not after", "days left", "status")
            click.echo(render_table(columns, [
                [r.office, r.kind, r.owner, r.subject, r.issuer, r.serial, r.not_after.strftime("%Y-%m-%d %H:%M"),
                 r.days_left, r.status.value] for r in rows]))
        expired = [r for r in rows if r.status is certs_mod.Expiry.EXPIRED]
        warned = [r for r in rows if r.status is certs_mod.Expiry.WARN]
        if not as_json:
            click.echo(f"{len(rows)} certificate(s): {len(rows) - len(expired) - len(warned)} ok, "
                       f"{len(warned)} expiring within {warn_days} days, {len(expired)} expired")
        for r in warned:
            click.echo(f"Warning: {r.office} {r.kind} {r.owner} expires in {r.days_left} day(s) ({r.path})",
                       err=True)
        if expired:
            raise CertificateExpiredError(f"{len(expired)} certificate(s) expired: " + "; ".join(
                f"{r.office} {r.kind} {r.owner} ({r.path}, {r.not_after:%Y-%m-%d})" for r in expired))
    _guard(act)


@click.command("renew")
@_common.definition_option
@click.option("--office", required=True, metavar="CODE", help="The office whose certificates to renew.")
@click.option("--node", "nodes", multiple=True, metavar="NAME",
              help="A peer (peer0 or its container name) or `library`; repeatable, restarted one at a time.")
@click.option("--user", "users", multiple=True, metavar="NAME", help="A user of the office (Admin, User1); repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def renew(definition: str | None, office: str, nodes: tuple[str, ...], users: tuple[str, ...],
          as_json: bool) -> None:
    """Renew node and user certificates from the office's own CAs, without downtime.

    Each node gets a new signing and TLS certificate (same subject and host names, new key) and is restarted
    alone; the next one starts only once it is healthy again, so the office's other nodes keep serving.
    Users need no restart. An orderer's certificates are in the channel configuration (it is a BFT
    consenter): the members' admins sign the update that names its new certificates, then it restarts.

    \b
    Example:
      ipledger network renew --office JP --node peer0 --user User1
    """
    def act() -> None:
        if not nodes and not users:
            raise click.UsageError("name at least one --node or --user to renew")
        ctx = _common._context(definition, quiet=as_json)
        plan = ctx.plan
        chosen = plan.office(office)
        # Resolve every target first: a bad name refuses the whole command before any change. The orderer
        # (a BFT consenter) is renewed by a signed channel update, then restarted, after the others.
        orderer_names = (chosen.orderer.host, chosen.orderer.host.split(".")[0])
        consenter = any(n in orderer_names for n in nodes)
        targets = [renewal.node_target(plan, chosen, n) for n in nodes if n not in orderer_names]
        targets += [renewal.user_target(plan, chosen, u) for u in users]
        engine = ctx.need_engine(install=False) if nodes else None
        results = []
        for target in targets:
            with ctx.progress.step(f"renew {target.name}" + (" and restart it" if target.health else "")):
                results.append(renewal.renew(plan, target, engine, ctx.health_timeout))
        if consenter:
            from ipledger.operator.consenter_renewal import renew_consenter

            with ctx.progress.step(f"renew {chosen.orderer.host}: signed channel update, then restart"):
                results.append(renew_consenter(ctx, chosen))
        if as_json:
            click.echo(json.dumps([r.as_dict() for r in results], indent=2))
            return
        for result in results:
            click.echo(f"{result.target}: {len(result.certificates)} certificate(s) renewed"
                       + (f", restarted and healthy in {result.seconds:.1f}s" if result.restarted else ""))
            for cert in result.certificates:
                click.echo(f"  {cert.path}: serial {cert.old_serial} -> {cert.new_serial}, "
                           f"valid until {cert.not_after}")
    _guard(act)


@click.command("snapshot")
@_common.definition_option
@click.option("--office", "offices", multiple=True, metavar="CODE",
              help="Office whose peer takes the snapshot (repeatable; default: every office).")
@click.option("--peer", "peer_name", default="peer0", show_default=True, help="Which peer of each office.")
@click.option("--block", type=click.IntRange(min=0), default=None,
              help="Last block of the snapshot (height BLOCK+1); may lie ahead: the peers write it when they "
                   "commit it. Default: the highest block any of the chosen peers has committed.")
@click.option("--out", "out", type=click.Path(file_okay=False), default=None,
              help="Where to copy the snapshots (default: the generated folder's snapshots/).")
@click.option("--timeout", default=120.0, show_default=True, type=click.FloatRange(min=1),
              help="Seconds to wait for the peers to write it.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def snapshot(definition: str | None, offices: tuple[str, ...], peer_name: str, block: int | None,
             out: str | None, timeout: float, as_json: bool) -> None:
    """Take a ledger snapshot on peers, copy it out and compare it across offices.

    Every chosen peer is asked for a snapshot of the same block; once written, each is copied out of the
    peer's volume into OUT/<peer>/<block> and its metadata is shown (block, hashes). Peers of different
    offices holding the same state have the same snapshot hash; a difference fails the command (exit 6).

    \b
    Example:
      ipledger network snapshot --office JP
      ipledger network snapshot --block 120        # every office, compared
    """
    def act() -> None:
        ctx = _common._context(definition, quiet=as_json)
        plan, engine = ctx.plan, ctx.need_engine(install=False)
        admins = [OfficeAdmin(plan, plan.office(code), ctx.need_toolchain()) for code in _office_codes(ctx, offices)]
        chosen = [(admin, peers_mod.find_peer(admin.office, peer_name)) for admin in admins]
        started = time.monotonic()
        number = block
        if number is None and len(chosen) > 1:
            number = max(admin.peer_height(p) for admin, p in chosen) - 1
        numbers = [snapshots.request(engine, admin, p, number) for admin, p in chosen]
        dest = Path(out) if out else plan.generated / "snapshots"
        taken = []
        for (admin, p), n in zip(chosen, numbers):
            snapshots.wait_completed(engine, admin, p, n, timeout)
            taken.append(snapshots.read_metadata(snapshots.export(engine, p.host, plan.channel, n, dest / p.host),
                                                 p.host))
        seconds = time.monotonic() - started
        differences = snapshots.mismatches(taken)
        if as_json:
            click.echo(json.dumps({"snapshots": [t.as_dict() for t in taken], "equal": not differences,
                                   "seconds": round(seconds, 1)}, indent=2))
        else:
            click.echo(render_table(
                ("peer", "block", "height", "last block hash", "snapshot hash", "directory"),
                [[t.peer, t.block_number, t.height, t.last_block_hash, t.snapshot_hash, t.directory] for t in taken]))
            for t in taken[:1]:
                for name, digest in sorted(t.file_hashes.items()):
                    click.echo(f"  {name}: {digest}")
            if len(taken) > 1 and not differences:
                click.echo(f"{len(taken)} snapshots of block {taken[0].block_number} are identical "
                           f"({seconds:.1f}s)")
        if differences:
            raise SnapshotMismatchError("snapshots differ: " + "; ".join(differences))
    _guard(act)


@click.command("add-peer")
@_common.definition_option
@click.option("--office", required=True, metavar="CODE", help="The office the peer belongs to.")
@click.option("--peer", "peer_name", required=True, help="The new peer (peer1, ...), named by the definition's `peers:`.")
@click.option("--from-snapshot", "from_snapshot", type=click.Path(file_okay=False, exists=True), default=None,
              help="Join from this snapshot directory (from `network snapshot`) instead of the genesis block.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def add_peer(definition: str | None, office: str, peer_name: str, from_snapshot: str | None, as_json: bool) -> None:
    """Start a further peer of an office and join it to the channel, from a snapshot if given.

    Raise the office's `peers:` in the definition first. The peer gets its certificates from the office's
    CAs, is started alone (nothing else restarts), joins, gets the chaincode installed, and is waited for
    until it is as high as the office's first peer.

    \b
    Example:
      ipledger network snapshot --office JP
      ipledger network add-peer --office JP --peer peer1 \\
          --from-snapshot network/generated/snapshots/peer0.jp.ipledger.test/42
    """
    def act() -> None:
        ctx = _common._context(definition, quiet=as_json)
        result = peers_mod.add_peer(ctx, office, peer_name, Path(from_snapshot) if from_snapshot else None)
        if as_json:
            click.echo(json.dumps(result.as_dict(), indent=2))
        else:
            click.echo(f"{result.peer} joined from the {result.joined_from}; height {result.height} "
                       f"({sum(result.timings.values()):.1f}s)")
    _guard(act)


@click.command("remove-peer")
@_common.definition_option
@click.option("--office", required=True, metavar="CODE", help="The office the peer belongs to.")
@click.option("--peer", "peer_name", required=True, help="The added peer to remove (not peer0).")
def remove_peer(definition: str | None, office: str, peer_name: str) -> None:
    """Stop an added peer and remove its container and ledger volume.

    \b
    Example:
      ipledger network remove-peer --office JP --peer peer1
    """
    def act() -> None:
        host = peers_mod.remove_peer(_common._context(definition), office, peer_name)
        click.echo(f"removed {host} and its ledger")
    _guard(act)


COMMANDS = (certs, renew, snapshot, add_peer, remove_peer)
