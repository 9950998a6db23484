"""``ipledger network office ...``: what one office does on its own machine, with its own directory."""

from __future__ import annotations

from pathlib import Path

import click

from ipledger.cli.params import CONTEXT_SETTINGS
from ipledger.consortium.bundle import OfficeBundle, load_bundle
from ._common import _context, _guard, definition_option


@click.group("office", context_settings=CONTEXT_SETTINGS)
def office() -> None:
    """An office's own keys, nodes and bundle (each office runs these for itself).

    \b
    Example:
      ipledger network office init JP       # keys in JP's own directory, bundle exported
      ipledger network office show cn.json  # check a bundle another office sent
    """


def _describe(bundle: OfficeBundle) -> list[str]:
    return [
        f"office       {bundle.office} ({bundle.msp_id}) - {bundle.name}",
        f"domain       {bundle.domain}",
        f"orderer      {bundle.orderer.address}",
        f"peers        {', '.join(p.address for p in bundle.peers)} (anchor: {bundle.anchor_peer.address})",
        f"library      {bundle.library.address}",
        f"fingerprint  {bundle.fingerprint}",
    ]


@office.command("init")
@definition_option
@click.argument("code")
def init(definition: str | None, code: str) -> None:
    """Create office CODE's own directory (CA, TLS CA, node and admin keys) and export its public bundle.

    Keys never leave the directory (mode 0700, key files 0600); the bundle holds certificates and endpoints
    only. Running it again keeps the keys and exports the bundle again.

    \b
    Example:
      ipledger network office init JP
    """
    def act() -> None:
        from ipledger.consortium.office import init_office, publish_bundle

        ctx = _context(definition, quiet=True)
        plan_office = ctx.plan.office(code)
        created = init_office(ctx.plan, plan_office)
        path = publish_bundle(ctx.plan, plan_office)
        click.echo(f"{'created' if created else 'kept'} {ctx.plan.crypto_dir(plan_office)}")
        click.echo(f"bundle       {path}")
        for line in _describe(load_bundle(path))[-1:]:
            click.echo(line)
    _guard(act)


@office.command("bundle")
@definition_option
@click.argument("code")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the bundle to this file instead of printing it.")
def bundle(definition: str | None, code: str, out: Path | None) -> None:
    """Print (or write) office CODE's public bundle, read from its own directory.

    \b
    Example:
      ipledger network office bundle JP --out jp-bundle.json
    """
    def act() -> None:
        from ipledger.consortium.office import export_bundle

        ctx = _context(definition, quiet=True)
        exported = export_bundle(ctx.plan, ctx.plan.office(code))
        if out is None:
            click.echo(exported.dumps(), nl=False)
        else:
            exported.write(out)
            click.echo(f"wrote {out} (fingerprint {exported.fingerprint})")
    _guard(act)


@office.command("show")
@click.argument("bundle_file", type=click.Path(dir_okay=False, path_type=Path))
def show(bundle_file: Path) -> None:
    """Check a bundle another office sent (certificates chain to its roots, no key in it) and describe it.

    Compare the fingerprint with the one the office gives you out of band before signing it in.

    \b
    Example:
      ipledger network office show cn-bundle.json
    """
    def act() -> None:
        for line in _describe(load_bundle(bundle_file)):
            click.echo(line)
    _guard(act)


def _report(change: object) -> None:
    from ipledger.operator.join import MembershipChange

    assert isinstance(change, MembershipChange)
    for name, seconds in change.steps:
        click.echo(f"  {seconds:6.1f}s  {name}")
    click.echo(f"{change.office}: done in {change.seconds:.1f}s; {change.consenters} BFT consenters")


@office.command("join")
@definition_option
@click.argument("code")
def join(definition: str | None, code: str) -> None:
    """Add office CODE (an office of the definition, `founding: false`) to the running channel.

    The members sign the update that adds its organisations; its orderer follows the channel, then becomes a
    BFT consenter by a second signed update; its peers join, it approves the committed chaincode, and the
    members register it on the ledger (ADD_OFFICE). Transactions keep committing throughout.

    \b
    Example:
      ipledger network office join CN
    """
    def act() -> None:
        from ipledger.operator.join import join as join_office

        _report(join_office(_context(definition), code))
    _guard(act)


@office.command("leave")
@definition_option
@click.argument("code")
@click.option("--keep-nodes", is_flag=True, help="Leave the office's containers running (they can no longer "
                                                  "order, endorse or read new blocks).")
def leave(definition: str | None, code: str, keep_nodes: bool) -> None:
    """Remove office CODE from the running channel: suspended on the ledger, its consenter and then its
    organisations removed by the other members' signed updates, its nodes stopped.

    \b
    Example:
      ipledger network office leave CN
    """
    def act() -> None:
        from ipledger.operator.join import leave as leave_office

        _report(leave_office(_context(definition), code, stop_nodes=not keep_nodes))
    _guard(act)
