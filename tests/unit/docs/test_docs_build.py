"""The site builds with warnings as errors and broken references as warnings, and documents every public name."""

from __future__ import annotations

import importlib

import pytest
from sphinx.util.inventory import InventoryFile

from _docs_site import Build

PACKAGES = ("ipledger.gateway", "ipledger.credentials", "ipledger.domain", "ipledger.library", "ipledger.errors")


def test_site_builds_without_warnings(docs_build: Build) -> None:
    assert docs_build.returncode == 0, docs_build.output
    for page in ("index", "api/gateway", "api/credentials", "api/domain", "api/library", "api/errors", "cli", "contract",
                 "guides/connect", "guides/submit", "guides/private-data", "guides/events", "guides/errors",
                 "guides/signing", "guides/asyncio", "guides/documents", "guides/operating"):
        assert (docs_build.html / f"{page}.html").is_file(), page


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_name_is_in_the_reference(docs_build: Build, package: str) -> None:
    assert docs_build.returncode == 0, docs_build.output
    with (docs_build.html / "objects.inv").open("rb") as stream:
        inventory = InventoryFile.load(stream, "", lambda base, uri: uri)
    documented = {name for objects in inventory.values() for name in objects}
    module = importlib.import_module(package)
    missing = [name for name in module.__all__ if f"{package}.{name}" not in documented]
    assert not missing, f"not in the API reference: {missing}"
