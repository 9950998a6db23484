"""The documentation site, built once per test session (Sphinx, warnings as errors, nitpicky)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from _docs_site import DOCS, Build


@pytest.fixture(scope="session")
def docs_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    out = tmp_path_factory.mktemp("docs")
    html = out / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-q", "-b", "html",
         "-d", str(out / "doctrees"), str(DOCS), str(html)],
        capture_output=True, text=True, timeout=300)
    return Build(result.returncode, result.stdout + result.stderr, html)
