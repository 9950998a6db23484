"""The load report's arithmetic: reconciliation of client records with what each peer holds."""

from __future__ import annotations

import pytest

from ipledger.gateway.connection import failover_target
from ipledger.loadgen import LedgerView, TxRecord, summarize
from ipledger.loadgen.report import longest_gap, longest_stall, percentile, recovery_after, render_table


def record(index: int, *, acked: bool = True, status: str | None = "VALID", error: str | None = None,
           committed: float | None = None) -> TxRecord:
    r = TxRecord(index=index, office="JP", scheduled=float(index), transaction_id=f"tx{index}")
    r.acked_at = float(index) + 0.1 if acked else None
    r.status, r.error = status, error
    r.committed_at = committed if committed is not None else (float(index) + 0.5 if status else None)
    return r


@pytest.mark.parametrize(("values", "q", "expected"), [
    ([], 50, None), ([3.0], 99, 3.0), ([1.0, 2.0, 3.0, 4.0], 50, 2.0), ([float(i) for i in range(1, 101)], 99, 99.0),
])
def test_percentile_by_nearest_rank(values: list[float], q: float, expected: float | None) -> None:
    assert percentile(values, q) == expected


def test_gaps_count_the_edges_of_the_window() -> None:
    assert longest_gap([1.0, 2.0, 9.0], 0.0, 10.0) == 7.0
    assert longest_gap([], 0.0, 4.0) == 4.0
    assert longest_stall([1.0, 2.0, 9.0], 0.0, 10.0) == (7.0, 9.0)
    # Commits stopped at 2 and came back at 9: 4 s after the fault ended at 5.
    assert recovery_after([1.0, 2.0, 9.0], 1.5, 5.0, 10.0) == 4.0
    assert recovery_after([1.0, 2.0, 3.0, 4.0], 0.0, 10.0, 12.0) == 2.0


def test_a_clean_run_has_nothing_lost_or_duplicated() -> None:
    records = [record(i) for i in range(4)]
    view = LedgerView(start=5, end=9, peers={p: {f"tx{i}": ["VALID"] for i in range(4)} for p in ("a", "b")})
    report = summarize(records, view, rate=1.0, duration=4.0)
    assert (report.offered, report.acked, report.committed, report.lost, report.duplicated) == (4, 4, 4, 0, 0)
    assert report.failed == {} and report.unexpected == 0


def test_an_acked_transaction_missing_on_one_peer_is_lost() -> None:
    records = [record(0), record(1, status=None, error="COMMIT_STATUS_ERROR/UNAVAILABLE")]
    view = LedgerView(start=0, end=2, peers={"a": {"tx0": ["VALID"], "tx1": ["VALID"]}, "b": {"tx0": ["VALID"]}})
    report = summarize(records, view, rate=1.0, duration=2.0)
    assert report.lost == 1 and report.lost_ids == ["tx1"]
    assert report.committed == 1
    assert report.committed_despite_error == 1  # the client never learnt tx1's status, peer a holds it


def test_twice_valid_is_duplicated_a_rejected_second_copy_is_only_repeated() -> None:
    records = [record(0), record(1)]
    view = LedgerView(start=0, end=3, peers={"a": {"tx0": ["VALID", "VALID"], "tx1": ["VALID", "DUPLICATE_TXID"]}})
    report = summarize(records, view, rate=1.0, duration=2.0)
    assert report.duplicated == 1 and report.repeated_entries == 2


def test_failures_are_counted_by_code_and_foreign_transactions_are_reported() -> None:
    records = [record(0), record(1, acked=False, status=None, error="SUBMIT_ERROR/UNAVAILABLE"),
               record(2, acked=False, status=None, error="SUBMIT_ERROR/UNAVAILABLE")]
    view = LedgerView(start=0, end=2, peers={"a": {"tx0": ["VALID"], "other": ["VALID"]}})
    report = summarize(records, view, rate=1.0, duration=3.0)
    assert report.failed == {"SUBMIT_ERROR/UNAVAILABLE": 2}
    assert report.unexpected == 1 and report.lost == 0


def test_an_earlier_runs_transaction_proposed_again_is_repeated_and_valid_again_duplicated() -> None:
    # After a view change an orderer may propose requests of an earlier run once more: DUPLICATE_TXID is
    # harmless (repeated, not foreign); VALID a second time would be a duplicate.
    records = [record(0)]
    view = LedgerView(start=0, end=2, peers={"a": {"tx0": ["VALID"], "old1": ["DUPLICATE_TXID"],
                                                   "old2": ["VALID"], "other": ["VALID"]}})
    report = summarize(records, view, rate=1.0, duration=1.0, earlier={"old1", "old2"})
    assert (report.unexpected, report.repeated_entries, report.duplicated) == (1, 2, 1)


def test_an_unreadable_peer_makes_every_client_commit_count_as_lost() -> None:
    records = [record(0)]
    view = LedgerView(start=0, end=1, peers={"a": {"tx0": ["VALID"]}}, unreadable={"b": "TimeoutError"})
    assert summarize(records, view, rate=1.0, duration=1.0).lost == 1


def test_the_fault_window_reports_latency_and_recovery() -> None:
    records = [record(i) for i in range(10)]
    for r in records[3:6]:
        r.committed_at = 8.0  # stalled until 8
    view = LedgerView(start=0, end=1, peers={"a": {r.transaction_id: ["VALID"] for r in records}})
    report = summarize(records, view, rate=1.0, duration=10.0, marks={"fault": 3.0, "healed": 6.0},
                       window=("fault", "healed"))
    assert report.window["p99"] == 5.0  # sent at 3, committed at 8
    assert report.window["recovery"] == 0.5  # commits came back at 6.5 (sent at 6), 0.5 s after the fault ended
    table = render_table([{"fault": "x", **report.as_dict()}])
    assert table.splitlines()[2].startswith("| x | 1.0 | 10 | 10 | 0 | 0 | 0 |")


@pytest.mark.parametrize(("endpoints", "expected"), [
    (["127.0.0.1:7051"], None),
    (["127.0.0.1:7051", "127.0.0.1:7061"], "ipv4:127.0.0.1:7051,127.0.0.1:7061"),
    (["peer0.jp:7051", "peer1.jp:7051"], None),
    (["[::1]:7051", "[::1]:7061"], None),
])
def test_an_offices_peers_make_one_failover_target(endpoints: list[str], expected: str | None) -> None:
    assert failover_target(endpoints) == expected
