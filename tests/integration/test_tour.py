"""The README's five-minute tour, run exactly as written: two offices work with each other by CLI only."""

from __future__ import annotations

from ipledger.operator.bringup import Context
from ipledger.operator.tour import run_tour


def test_readme_tour_runs_and_tells_the_story(network: Context) -> None:
    result = run_tour(network.plan.root, profiles=network.plan.profiles_dir)
    out = result.stdout
    assert result.returncode == 0, out[-3000:]
    # The period end of a 2025-06-27 patent falls on Saturday 2026-06-27: the USPTO's next working day counts.
    assert "2026-06-29" in out
    assert "IN_TIME" in out  # the claim filed on that Monday is in time
    assert "SUCCESS" in out  # the retrieval was acknowledged with the deposited document's hash
    assert "the USPTO holds JP's priority document" in out  # byte for byte, through JP's library
    assert "Folding widget" not in out.split("filings show")[1].split("deadlines compute")[0]  # private stays private
    for office in ("JP", "US", "EP", "KR"):
        assert f"{office}MSP" in out
