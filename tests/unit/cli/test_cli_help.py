"""Every command documents itself with an example (walks the whole click tree)."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from ipledger.cli.main import LAZY_GROUPS, IpledgerGroup, cli

# The operator group is written and documented elsewhere (ipledger.cli.network).
NOT_OURS = set(LAZY_GROUPS)


def _walk(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            if not path and name in NOT_OURS:
                continue
            sub = command.get_command(ctx, name)
            assert sub is not None
            yield from _walk(sub, (*path, name))


COMMAND_PATHS = list(_walk(cli))


def test_the_tree_has_every_group() -> None:
    groups = {path[0] for path in COMMAND_PATHS if path}
    assert groups == {"offices", "filings", "grants", "retrievals", "claims", "deadlines", "history", "events",
                      "ledger", "identities"}
    assert len(COMMAND_PATHS) > 40


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda path: " ".join(path) or "ipledger")
def test_help_has_text_and_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    example = result.output.split("Example:", 1)[1]
    assert "ipledger" in example.splitlines()[1], "the example block must show a command line"
    usage_and_text = result.output.split("Options:", 1)[0]
    assert len(usage_and_text.strip().splitlines()) >= 3, "missing help text"


def test_short_flag_for_help() -> None:
    assert CliRunner().invoke(cli, ["filings", "-h"]).exit_code == 0


def test_root_help_documents_exit_codes_completion_and_environment() -> None:
    output = CliRunner().invoke(cli, ["--help"]).output
    for text in ("Exit codes:", "_IPLEDGER_COMPLETE=bash_source ipledger", "IPLEDGER_PROFILES",
                 "6  conflict", "5  network", "4  not authorised", "3  not found", "2  usage"):
        assert text in output


def test_network_group_is_mounted_lazily_when_available(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = click.Context(cli)
    monkeypatch.setitem(LAZY_GROUPS, "network", ("ipledger.no_such_module", "network"))
    assert "network" not in cli.list_commands(ctx)
    assert cli.get_command(ctx, "network") is None
    assert CliRunner().invoke(cli, ["--help"]).exit_code == 0  # still works without it


def test_lazy_group_must_be_a_click_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(LAZY_GROUPS, "network", ("json", "dumps"))
    assert IpledgerGroup._lazy("network") is None


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and "ipledger" in result.output


def test_shell_completion_of_enum_values() -> None:
    from ipledger.cli.params import EnumType
    from ipledger.domain import IpRight
    items = EnumType(IpRight).shell_complete(click.Context(cli), click.Option(["--x"]), "util")
    assert [item.value for item in items] == ["UTILITY_MODEL"]
