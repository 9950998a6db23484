"""Every example of the guides that needs a network runs, as its own process, against the session's network.

The examples live in docs/examples (the guides include them); each gets an empty working directory,
``IPLEDGER_PROFILES`` (the test network's connection profiles) and ``IPLEDGER_DEFINITION`` (its definition).
What each must print is listed below, so an example that runs but no longer does what its guide says fails.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ipledger.operator.bringup import Context

EXAMPLES_DIR = Path(__file__).resolve().parents[3] / "docs" / "examples"


def _load_runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_examples_runner", EXAMPLES_DIR / "_runner.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("docs_examples_runner", module)
    spec.loader.exec_module(module)
    return module


runner = _load_runner()
LIVE = [example for example in runner.examples() if example.kind == "live"]

#: Lines (or parts of lines) each live example must print.
EXPECTED: dict[str, list[str]] = {
    "connect_domain.py": ["JP JPMSP ACTIVE", "US USMSP"],
    "connect_gateway.py": ["JPMSP"],
    "submit_evaluate.py": ["evaluated: JP ACTIVE", "submitted: JP:PATENT:", "committed: VALID in block",
                           "step by step: VALID True"],
    "submit_evaluate_domain.py": [" AVAILABLE 1\n", "True\n", "listed JP:PATENT:"],
    "transient_gateway.py": ["confidentialHash set: True", "title: Folding widget"],
    "transient_domain.py": ["deposited: JP:PATENT:", "title: Folding widget", "redeemed: ACCESS_GRANTED",
                            "US grant: ACTIVE"],
    "events_checkpoint.py": ["crashed: died while handling JP:PATENT:",
                             "resumed with the event being handled at the crash: True",
                             "what was handled before the crash came again: False"],
    "signing_offline.py": ["without a signature: SIGNER_MISSING", "committed: VALID JP:PATENT:", "evaluated: JP"],
    "signing_custom_signer.py": ["JP answered; signatures made by the HSM: 1"],
    "asyncio_domain.py": ["JP deposited 10 first filings concurrently", "every deposit seen as an event"],
    "asyncio_gateway.py": ["20 transactions: ['VALID']"],
    "documents_store_deposit.py": [" True\n", "held by JP's library: True"],
    "documents_fetch.py": ["SUCCESS ", "same bytes: True"],
    "documents_resume.py": ["True SUCCESS"],
    "errors_no_grant.py": ["redeem the applicant's access code first", "NO_GRANT NO_GRANT"],
    "operate_watch.sh": ["peer0.jp", "nodes in top", "doctor: "],
    "operate_config_update.sh": ["BatchTimeout"],
}


def test_every_live_example_has_expectations() -> None:
    assert LIVE, "no live examples found in docs/examples"
    assert sorted(EXPECTED) == sorted(example.name for example in LIVE)


@pytest.mark.parametrize("example", LIVE, ids=[example.name for example in LIVE])
def test_live_example_runs(example: Any, network: Context, tmp_path: Path) -> None:
    env = {"IPLEDGER_PROFILES": str(network.plan.profiles_dir),
           "IPLEDGER_DEFINITION": str(network.plan.root / network.plan.source)}
    result = runner.run(example, tmp_path, env)
    output = result.stdout
    assert result.returncode == 0, f"{example.name} failed:\n{output}\n{result.stderr}"
    for expected in EXPECTED[example.name]:
        assert expected in output, f"{example.name} did not print {expected!r}:\n{output}"
