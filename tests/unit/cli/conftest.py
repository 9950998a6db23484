"""CLI test fixtures: run ``ipledger`` in-process against a fake contract (no network)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

# The fakes at the I/O seam are shared with the domain tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "domain"))

from _cli_support import Run  # noqa: E402
from _domain_fakes import FakeContract, FakeLibraries, FakeNetwork  # noqa: E402

from ipledger.cli.main import cli  # noqa: E402
from ipledger.cli.session import Session  # noqa: E402
from ipledger.domain import PriorityLedger  # noqa: E402


@pytest.fixture
def contract() -> FakeContract:
    return FakeContract()


@pytest.fixture
def network() -> FakeNetwork:
    return FakeNetwork()


@pytest.fixture
def libraries() -> FakeLibraries:
    return FakeLibraries("JP")


@pytest.fixture
def run(contract: FakeContract, network: FakeNetwork, libraries: FakeLibraries) -> Run:
    """``run("filings", "show", ...)``: invoke as office JP against the fakes."""

    def connect(office: str) -> PriorityLedger:
        ledger = PriorityLedger(contract, network=network, office_code=office, msp_id=f"{office}MSP")
        libraries.office = office
        ledger.libraries = libraries  # type: ignore[assignment]
        return ledger

    def invoke(*args: str, office: str = "JP", input: str | None = None) -> Result:
        session = Session(ledger_factory=lambda s: connect(office))
        return CliRunner().invoke(cli, ["--office", office, *args], obj=session, input=input)

    return invoke


@pytest.fixture
def run_offline() -> Callable[[Sequence[str]], Result]:
    """Invoke with a session whose network use fails the test: for validation errors."""

    def refuse(_: Session) -> PriorityLedger:
        raise AssertionError("the command reached for the network")

    def invoke(args: Sequence[str]) -> Result:
        return CliRunner().invoke(cli, list(args), obj=Session(ledger_factory=refuse))

    return invoke
