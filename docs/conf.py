"""Sphinx configuration for the ipledger documentation (built by ./scripts/docs into docs/_build/)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent / "client"))

import ipledger  # noqa: E402

project = "ipledger"
author = "the ipledger offices"
release = version = ipledger.__version__

extensions = [
    "sphinx.ext.autodoc",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext"}
exclude_patterns = ["_build", "_tools"]
html_theme = "alabaster"
html_static_path: list[str] = []

autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
nitpicky = True

# Names outside the documented packages: the standard library and third-party packages (there is no
# intersphinx: the build must not need the network), private helpers (a leading underscore somewhere in the
# dotted path) and type variables.
nitpick_ignore_regex = [
    (r"py:.*", r"(datetime|collections\.abc|os|pathlib|enum|typing|http\.client|cryptography)\..+"),
    (r"py:.*", r"ipledger\.(\w+\.)*_\w+(\.\w+)*"),
    (r"py:.*", r"ipledger\.(\w+\.)*(T|E)"),
]
# Helper types that appear in public signatures but are not exported from a package's ``__all__``.
nitpick_ignore = [
    ("py:class", "ipledger.domain.models.Record"),
    ("py:class", "ipledger.domain.documents.Libraries"),
    ("py:class", "ipledger.domain.documents.FetchedDocument"),
    ("py:class", "ipledger.domain.protocols.ContractLike"),
    ("py:class", "ipledger.domain.aio_protocols.AsyncContractLike"),
    ("py:class", "ipledger.domain.protocols.ChaincodeEventSource"),
    ("py:class", "ipledger.domain.aio_protocols.AsyncChaincodeEventSource"),
    ("py:class", "ipledger.domain.protocols.EventIterator"),
    ("py:class", "ipledger.domain.aio_protocols.AsyncEventIterator"),
]

# CONTRACT.md sketches some JSON results with placeholders ({"officeCode", ...}), which the JSON lexer rejects.
suppress_warnings = ["misc.highlighting_failure"]
