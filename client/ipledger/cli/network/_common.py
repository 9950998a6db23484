"""What every ``ipledger network`` command shares: the definition option, loading the context, and turning
operator errors into a message and an exit code of the one table (:mod:`ipledger.cli.exit_codes`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable, TypeVar

import click

from ipledger.cli.exit_codes import ExitCode
from ipledger.consortium.definition import DefinitionError
from ipledger.errors import IpledgerError
from ipledger.operator.bringup import Context
from ipledger.operator.errors import NodeNotFoundError, OutOfDateError
from ipledger.operator.progress import Progress

F = TypeVar("F", bound=Callable[..., Any])


def _context(definition: str | None, quiet: bool = False) -> Context:
    return Context.load(Path(definition) if definition else None, Progress(quiet=quiet))


def _guard(fn: Callable[[], None]) -> None:
    """Turn ipledger errors into one clear message and a stable exit code."""
    try:
        fn()
    except DefinitionError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(ExitCode.USAGE)
    except NodeNotFoundError as exc:
        click.echo(f"Error: {exc.code}: {exc}", err=True)
        sys.exit(ExitCode.NOT_FOUND)
    except OutOfDateError as exc:
        click.echo(f"Error: {exc.code}: {exc}", err=True)
        sys.exit(ExitCode.FAILURE)
    except IpledgerError as exc:
        # An operation on the network failed (a node, the CA, a channel update): the table's network code.
        click.echo(f"Error: {exc.code}: {exc}", err=True)
        sys.exit(ExitCode.NETWORK)


def definition_option(fn: F) -> F:
    return click.option("--definition", "-d", "definition", type=click.Path(dir_okay=False),
                        help="Consortium definition (default: network/consortium.yaml).")(fn)
