"""The public surface: sorted, complete and importable ``__all__`` lists (httpx's guard)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest


@pytest.mark.parametrize("module_name", ["ipledger", "ipledger.domain", "ipledger.cli", "ipledger.credentials", "ipledger.errors"])
def test_all_is_sorted_and_resolves(module_name: str) -> None:
    module = importlib.import_module(module_name)
    names = list(module.__all__)
    assert names == sorted(names)
    for name in names:
        assert getattr(module, name) is not None


def test_domain_all_lists_every_public_class() -> None:
    import ipledger.domain as domain
    from ipledger.domain import enums, errors, events, models
    expected = {name for module in (enums, errors, events, models) for name in module.__all__
                if isinstance(getattr(module, name), type)} - {"Record"}
    assert expected - set(domain.__all__) == set()


def test_top_level_names_are_the_domain_objects() -> None:
    import ipledger
    import ipledger.domain as domain
    assert ipledger.PriorityLedger is domain.PriorityLedger
    assert ipledger.IpRight is domain.IpRight
    with pytest.raises(AttributeError):
        ipledger.NoSuchThing  # noqa: B018


def test_importing_the_package_does_not_load_grpc() -> None:
    # The network tooling imports ipledger.* without needing the Fabric client stack.
    code = "import sys, ipledger, ipledger.errors; print('grpc' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": ":".join(p for p in sys.path if p)}).stdout
    assert output.strip() == "False"
