"""``ipledger network config ...`` and ``ipledger network revoke``: multi-party channel configuration updates."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ipledger.operator.bringup import Context
from ipledger.operator.channel_config import ChannelConfigs, admin_signatory
from ._common import _context, _guard, definition_option
from ipledger.operator.config_errors import ConfigUpdateError
from ipledger.operator.config_update import ConfigUpdate, Signatory
from ipledger.operator.configtxlator import Configtxlator

office_option = click.option("--office", "-o", "office", default=None,
                             help="Office code whose admin acts (default: the definition's first office).")


def _configs(ctx: Context, office: str | None) -> ChannelConfigs:
    code = office or ctx.plan.offices[0].code
    plan_office = ctx.plan.office(code)
    admin = next(a for a in ctx.admins() if a.office.code == plan_office.code)
    return ChannelConfigs(admin)


def _translator(ctx: Context) -> Configtxlator:
    return Configtxlator(ctx.need_toolchain().fabric("configtxlator"))


def _read_json(path: str) -> dict[str, object]:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigUpdateError(f"cannot read {path}: {exc}") from exc
    if not isinstance(document, dict):
        raise ConfigUpdateError(f"{path} is not a JSON object")
    return document


@click.group("config")
def config() -> None:
    """Prepare, inspect, sign offline and submit channel configuration updates.

    \b
    Example:
      ipledger network config fetch --output config.json
      cp config.json modified.json    # edit modified.json
      ipledger network config prepare --original config.json --modified modified.json --output update.json
      ipledger network config inspect update.json
      ipledger network config sign update.json --office JP     # each office admin, offline
      ipledger network config submit update.json
    """


@config.command("fetch")
@definition_option
@office_option
@click.option("--output", type=click.Path(dir_okay=False), help="Write the configuration JSON here (default: stdout).")
def fetch(definition: str | None, office: str | None, output: str | None) -> None:
    """Print the channel's current configuration (configtxlator JSON of the latest config block).

    \b
    Example:
      ipledger network config fetch --office JP --output config.json
    """
    def act() -> None:
        current = _configs(_context(definition, quiet=True), office).current()
        text = json.dumps(current.config, indent=1) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
            click.echo(f"configuration of {current.channel} (sequence {current.sequence}, block "
                       f"{current.block_number}) written to {output}")
        else:
            click.echo(text, nl=False)
    _guard(act)


@config.command("prepare")
@definition_option
@click.option("--original", required=True, type=click.Path(exists=True, dir_okay=False),
              help="The configuration as fetched (JSON).")
@click.option("--modified", required=True, type=click.Path(exists=True, dir_okay=False),
              help="The same configuration with the changes (JSON).")
@click.option("--output", required=True, type=click.Path(dir_okay=False), help="The update file to write.")
@click.option("--note", default="", help="A line saying what the update is for, shown to every signer.")
def prepare(definition: str | None, original: str, modified: str, output: str, note: str) -> None:
    """Compute the update from ORIGINAL to MODIFIED into an unsigned update file.

    \b
    Example:
      ipledger network config prepare --original config.json --modified modified.json --output update.json
    """
    def act() -> None:
        ctx = _context(definition, quiet=True)
        update = ConfigUpdate.prepare(ctx.plan.channel, _read_json(original), _read_json(modified),
                                      _translator(ctx), note)
        update.save(Path(output))
        click.echo(f"wrote {output}: {len(update.changes())} change(s), no signatures yet")
    _guard(act)


@config.command("inspect")
@definition_option
@click.argument("update_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--live", "office_live", default=None, metavar="OFFICE",
              help="Evaluate against the channel's current configuration, read through OFFICE's admin.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def inspect(definition: str | None, update_file: str, office_live: str | None, as_json: bool) -> None:
    """Show what an update changes, who signed it and which policies it still needs (offline by default).

    \b
    Example:
      ipledger network config inspect update.json
    """
    def act() -> None:
        ctx = _context(definition, quiet=True)
        update = ConfigUpdate.load(Path(update_file), _translator(ctx))
        against = _configs(ctx, office_live).current().config if office_live else None
        description = update.describe(against)
        click.echo(json.dumps(description.as_dict(), indent=2) if as_json else description.render())
    _guard(act)


@config.command("sign")
@definition_option
@click.argument("update_file", type=click.Path(exists=True, dir_okay=False))
@office_option
@click.option("--msp-dir", type=click.Path(exists=True, file_okay=False),
              help="The admin's MSP folder (default: the office admin's, from the definition).")
@click.option("--output", type=click.Path(dir_okay=False), help="Write the signed file here (default: in place).")
def sign(definition: str | None, update_file: str, office: str | None, msp_dir: str | None,
         output: str | None) -> None:
    """Sign an update as an office's admin, offline (only the admin's private key is used).

    \b
    Example:
      ipledger network config sign update.json --office US
    """
    def act() -> None:
        ctx = _context(definition, quiet=True)
        update = ConfigUpdate.load(Path(update_file), _translator(ctx))
        code = office or ctx.plan.offices[0].code
        plan_office = ctx.plan.office(code)
        folder = Path(msp_dir) if msp_dir else \
            ctx.plan.crypto_dir(plan_office) / "users" / f"Admin@{plan_office.domain}" / "msp"
        signed = update.sign(Signatory.from_msp_directory(plan_office.msp_id, folder))
        signed.save(Path(output or update_file))
        names = ", ".join(sorted({s.msp_id for s in signed.signers()}))
        click.echo(f"signed as {plan_office.msp_id} admin; signatures now: {names}")
    _guard(act)


@config.command("submit")
@definition_option
@click.argument("update_file", type=click.Path(exists=True, dir_okay=False))
@office_option
@click.option("--no-policy-check", is_flag=True, help="Send even if the local policy check fails (the orderer decides).")
@click.option("--wait", default=60.0, show_default=True, type=click.FloatRange(min=1),
              help="Seconds to wait for the new configuration block.")
def submit(definition: str | None, update_file: str, office: str | None, no_policy_check: bool, wait: float) -> None:
    """Submit a signed update through an office's orderer once its policies are met.

    \b
    Example:
      ipledger network config submit update.json --office KR
    """
    def act() -> None:
        configs = _configs(_context(definition, quiet=True), office)
        update = configs.load(Path(update_file))
        applied = configs.submit(update, submitter=admin_signatory(configs.admin),
                                 check_policies=not no_policy_check, wait=wait)
        click.echo(f"applied: channel {applied.channel} is at configuration sequence {applied.sequence} "
                   f"(block {applied.block_number})")
    _guard(act)


@click.command("revoke")
@definition_option
@office_option
@click.option("--user", required=True, help="Enrollment ID to revoke at the office's Fabric CA.")
@click.option("--reason", default="unspecified", show_default=True,
              help="RFC 5280 reason (e.g. keycompromise, superseded, cessationofoperation).")
def revoke(definition: str | None, office: str | None, user: str, reason: str) -> None:
    """Revoke a user at its office's CA and publish the CRL to the channel, signed by the office's admin.

    \b
    Example:
      ipledger network revoke --office JP --user alice
    """
    def act() -> None:
        from ipledger.operator.revocation import revoke_user

        configs = _configs(_context(definition, quiet=True), office)
        result = revoke_user(configs.admin, user, reason)
        click.echo(f"revoked {user} ({len(result.serials)} certificate(s)); CRL published at configuration "
                   f"sequence {result.config.sequence}")
    _guard(act)
