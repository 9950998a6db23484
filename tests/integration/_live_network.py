"""Definitions of the test session's consortia, derived from the repository's own (one source per truth)."""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from ipledger.consortium.plan import project_name
from ipledger.operator.bringup import default_definition

TEST_NETWORK = os.environ.get("IPLEDGER_TEST_NETWORK", "ipledger-test")
TEST_PORT_BASE = int(os.environ.get("IPLEDGER_TEST_PORT_BASE", "27000"))


def derived_definition(name: str = TEST_NETWORK, port_base: int = TEST_PORT_BASE, **changes: object) -> dict:  # type: ignore[type-arg]
    """The repository's consortium under another name, domain and port block (plus ``changes``)."""
    raw = yaml.safe_load(default_definition().read_text(encoding="utf-8"))
    raw["consortium"] = name
    raw["domain"] = f"{project_name(name)}.test"
    raw["ports"]["base"] = port_base
    raw.update(changes)
    return raw  # type: ignore[no-any-return]


def write_definition(raw: dict, directory: Path) -> Path:  # type: ignore[type-arg]
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{raw['consortium']}.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def definition_of(ctx: object) -> str:
    """The definition file of a running context, for `ipledger network --definition`."""
    plan = ctx.plan  # type: ignore[attr-defined]
    return str(plan.root / plan.source)
