"""The ``ipledger`` command: root group, global options, error -> exit code translation.

Command groups live in one module each; the operator group ``network``
(written in :mod:`ipledger.cli.network` over :mod:`ipledger.operator`) is imported only when asked
for, and left out if that module is missing, so the office-facing commands
never depend on the operator tooling.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import IO, Any

import click

from ipledger import __version__
from ipledger.errors import IpledgerError

from . import claims, deadlines, events, filings, grants, history, identities, ledger, offices, retrievals
from .exit_codes import EXIT_CODES_HELP, ExitCode, exit_code_for
from .params import CONTEXT_SETTINGS, OFFICE_CODE
from .session import Session

__all__ = ["CONTEXT_SETTINGS", "IpledgerGroup", "cli", "main"]


#: (module, attribute) of lazily mounted groups written outside this package.
LAZY_GROUPS: dict[str, tuple[str, str]] = {"network": ("ipledger.cli.network", "network")}


class CommandFailed(click.ClickException):
    """An ipledger error at the CLI boundary: printed as ``Error: <CODE>: <message>``."""

    def __init__(self, error: IpledgerError) -> None:
        text = str(error)
        # Ledger errors already start with their code; say it for the others too (CONNECTION_FAILED: ...).
        super().__init__(text if text.startswith(f"{getattr(error, 'chaincode_code', None) or error.code}:")
                         else f"{error.code}: {text}")
        self.error = error

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"Error: {self.format_message()}", file=file, err=file is None)


def _failure_class(code: ExitCode) -> type[CommandFailed]:
    # ClickException.exit_code is a class attribute, so one subclass per exit code.
    return type(f"CommandFailed{code.name.title().replace('_', '')}", (CommandFailed,), {"exit_code": int(code)})


_FAILURES: dict[ExitCode, type[CommandFailed]] = {
    code: _failure_class(code) for code in ExitCode if code is not ExitCode.OK
}


class IpledgerGroup(click.Group):
    """Root group: mounts lazy groups and turns ipledger errors into stable exit codes."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = set(super().list_commands(ctx))
        names.update(name for name in LAZY_GROUPS if self._lazy(name) is not None)
        return sorted(names)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, cmd_name) or self._lazy(cmd_name)

    @staticmethod
    def _lazy(name: str) -> click.Command | None:
        target = LAZY_GROUPS.get(name)
        if target is None:
            return None
        module_name, attribute = target
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            return None
        command = getattr(module, attribute, None)
        return command if isinstance(command, click.Command) else None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except IpledgerError as error:
            raise _FAILURES[exit_code_for(error)](error) from error


ROOT_HELP = """Exchange priority data between IP offices on the ipledger Fabric network.

Every command acts as one office (--office JP, or --profile PATH to a
connection profile) and one of its users (--user, default User1; use
Admin for administrative tasks).  Profiles are read from
$IPLEDGER_PROFILES or network/generated/profiles above the working
directory.  Output is an aligned table (or field list); --json prints
one JSON document with the chaincode's field names instead.

\b
Example:
  ipledger --office JP filings list --owner JP
  ipledger --office US grants redeem JP PATENT "JP 2024-012345" --filing-date 2024-03-15
  ipledger --office US --json claims show US:PATENT:18123456:1
"""

ROOT_EPILOG = f"""\b
Environment:
  IPLEDGER_OFFICE, IPLEDGER_PROFILE, IPLEDGER_USER
                     defaults for --office, --profile and --user
  IPLEDGER_PROFILES  directory of the generated connection profiles

\b
Shell completion (bash; use zsh_source / fish_source for other shells):
  eval "$(_IPLEDGER_COMPLETE=bash_source ipledger)"

{EXIT_CODES_HELP}
"""


@click.group(cls=IpledgerGroup, context_settings=CONTEXT_SETTINGS, help=ROOT_HELP, epilog=ROOT_EPILOG)
@click.option("--office", type=OFFICE_CODE, envvar="IPLEDGER_OFFICE", metavar="CODE",
              help="Act as this office (WIPO ST.3 code); uses profiles/<CODE>.json.")
@click.option("--profile", "profile_path", type=click.Path(dir_okay=False, path_type=Path),
              envvar="IPLEDGER_PROFILE", help="Act with this connection profile instead of --office.")
@click.option("--user", default="User1", show_default=True, envvar="IPLEDGER_USER",
              help="Identity of the office to use: a profile user or a wallet label.")
@click.option("--json", "json_output", is_flag=True, help="Print one JSON document instead of tables.")
@click.version_option(__version__, "--version", prog_name="ipledger")
@click.pass_context
def cli(ctx: click.Context, office: str | None, profile_path: Path | None, user: str, json_output: bool) -> None:
    if office and profile_path:
        raise click.UsageError("give either --office or --profile, not both")
    session = ctx.ensure_object(Session)  # tests pass a Session with fakes as obj
    session.office = office or session.office
    session.profile_path = profile_path or session.profile_path
    session.user = user
    session.json_output = session.json_output or json_output
    ctx.call_on_close(session.close)


for _group in (offices.offices, filings.filings, grants.grants, retrievals.retrievals, claims.claims,
               deadlines.deadlines, history.history, events.events, ledger.ledger, identities.identities):
    cli.add_command(_group)


def main() -> None:
    """Console-script entry point (``ipledger``)."""
    cli.main(prog_name="ipledger")
