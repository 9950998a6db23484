"""docs/cli.rst is what docs/_tools/cli_reference.py renders from the click commands (sqlite-utils/cog pattern)."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from _docs_site import DOCS


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cli_reference", DOCS / "_tools" / "cli_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("cli_reference", module)
    spec.loader.exec_module(module)
    return module


def test_committed_cli_reference_is_current() -> None:
    generator = load_generator()
    committed = (DOCS / "cli.rst").read_text(encoding="utf-8")
    assert committed == generator.render(), "docs/cli.rst is out of date: run ./scripts/docs --update-cli"


def test_cli_reference_has_every_command() -> None:
    from ipledger.cli.main import cli

    generator = load_generator()
    root = cli.make_context("ipledger", [], resilient_parsing=True)
    paths = [ctx.command_path for _, ctx in generator.walk(cli, root)]
    text = generator.render()
    assert "ipledger network up" in paths and "ipledger filings deposit" in paths
    for path in paths:
        assert f"\n{path}\n{'-' * len(path)}\n" in text, path


def test_the_reference_does_not_depend_on_what_ran_before() -> None:
    # click caches a command's help option from the first context that asks: a standalone `network` run (as
    # the operator's live tests do) must not change what the reference says about it.
    from click.testing import CliRunner

    from ipledger.cli.network import network

    assert CliRunner().invoke(network, ["logs", "--help"]).exit_code == 0
    assert load_generator().render() == (DOCS / "cli.rst").read_text(encoding="utf-8")
