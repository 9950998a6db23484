"""``ipledger network office ...``: what one office does on its own machine, with its own directory."""

from __future__ import annotations

from pathlib import Path

import click

from ipledger.cli.main import CONTEXT_SETTINGS
from ipledger.consortium.bundle import OfficeBundle, load_bundle
from ipledger.operator.commands import _context, _guard, definition_option


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
