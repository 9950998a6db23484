"""Figures of one load run: client-side outcomes checked against what every peer holds."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field

from .driver import TxRecord
from .reconcile import LedgerView

__all__ = ["LoadReport", "longest_gap", "longest_stall", "percentile", "recovery_after", "render_table", "summarize"]


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) by nearest rank; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def longest_gap(commit_times: Iterable[float], start: float, end: float) -> float:
    """The longest stretch of [start, end] without a commit (both ends count as edges of a gap)."""
    points = sorted(t for t in commit_times if start <= t <= end)
    edges = [start, *points, end]
    return max((b - a for a, b in zip(edges, edges[1:])), default=end - start)


@dataclass
class LoadReport:
    """What a run offered, what the clients saw and what the ledger holds. Times in seconds."""

    rate: float
    offered: int
    acked: int
    committed: int  # VALID on every readable peer
    failed: dict[str, int]  # by error code, transactions that did not commit
    #: Accepted by the orderers (or reported VALID to the client) but missing from at least one peer.
    lost: int
    #: Committed VALID more than once on a peer.
    duplicated: int
    #: Ids that appear more than once on a peer at all (a second copy is marked DUPLICATE_TXID: harmless).
    repeated_entries: int
    #: Endorser transactions in the range the driver did not send.
    unexpected: int
    #: The client saw an error (or no status) but the ledger holds the transaction VALID.
    committed_despite_error: int
    longest_without_commits: float
    latency: dict[str, float | None]
    window: dict[str, float | None] = field(default_factory=dict)
    marks: dict[str, float] = field(default_factory=dict)
    heights: tuple[int, int] = (0, 0)
    unreadable_peers: dict[str, str] = field(default_factory=dict)
    lost_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def lines(self) -> list[str]:
        """A human summary, one figure per line."""
        lat = ", ".join(f"{k} {_s(v)}" for k, v in self.latency.items())
        out = [
            f"offered {self.offered} at {self.rate:g}/s, acked {self.acked}, committed {self.committed}, "
            f"failed {sum(self.failed.values())} {dict(self.failed) or ''}".rstrip(),
            f"lost {self.lost}, duplicated {self.duplicated} (repeated entries {self.repeated_entries}), "
            f"unexpected {self.unexpected}, committed despite an error {self.committed_despite_error}",
            f"longest time without commits {self.longest_without_commits:.1f} s; latency {lat}",
            f"blocks {self.heights[0]}..{self.heights[1] - 1}; marks "
            + ", ".join(f"{k} @{v:.1f}s" for k, v in self.marks.items()),
        ]
        if self.window:
            out.append("during the fault: " + ", ".join(f"{k} {_s(v)}" for k, v in self.window.items()))
        if self.unreadable_peers:
            out.append(f"unreadable peers: {self.unreadable_peers}")
        return out


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}s" if value < 100 else f"{value:.0f}s"


def _latencies(records: Iterable[TxRecord]) -> dict[str, float | None]:
    values = [r.latency for r in records if r.valid and r.latency is not None]
    return {"p50": percentile(values, 50), "p95": percentile(values, 95), "p99": percentile(values, 99)}


def longest_stall(commit_times: Iterable[float], start: float, end: float) -> tuple[float, float]:
    """The longest stretch of [start, end] without a commit, as (its length, the moment it ended)."""
    points = sorted(t for t in commit_times if start <= t <= end)
    edges = [start, *points, end]
    return max(((b - a, b) for a, b in zip(edges, edges[1:])), default=(end - start, end))


def recovery_after(commit_times: Sequence[float], begin: float, moment: float, end: float) -> float:
    """Seconds from ``moment`` until commits came back after the longest stall that began after ``begin``
    (0 when they never stopped after ``moment``): how long the network needed to recover."""
    _, ended = longest_stall(commit_times, begin, end)
    return max(0.0, ended - moment)


def summarize(records: Sequence[TxRecord], view: LedgerView, *, rate: float, duration: float,
              marks: Mapping[str, float] | None = None, window: tuple[str, str] | None = None,
              recovery_from: str | None = None, earlier: Collection[str] = ()) -> LoadReport:
    """Reconcile ``records`` with ``view``; ``window`` names two marks bounding the fault, ``recovery_from``
    the mark recovery is counted from (default: the window's end). ``earlier``: transactions an earlier run
    on the same channel sent; an orderer may propose one again after a view change (a repeated entry, marked
    DUPLICATE_TXID), which is not foreign - but VALID again it is a duplicate."""
    marks = dict(marks or {})
    sent = {r.transaction_id: r for r in records if r.transaction_id}
    valid_everywhere: set[str] = set(sent)
    lost: set[str] = set()
    duplicated: set[str] = set()
    repeated: set[str] = set()
    unexpected: set[str] = set()
    valid_somewhere: set[str] = set()
    for peer, seen in view.peers.items():
        for tx_id, codes in seen.items():
            if tx_id not in sent and tx_id in earlier:
                repeated.add(tx_id)
                if "VALID" in codes:
                    duplicated.add(tx_id)
            elif tx_id not in sent:
                unexpected.add(tx_id)
            if codes.count("VALID") > 1:
                duplicated.add(tx_id)
            if len(codes) > 1:
                repeated.add(tx_id)
            if "VALID" in codes:
                valid_somewhere.add(tx_id)
        for tx_id, record in sent.items():
            codes = seen.get(tx_id, [])
            if "VALID" not in codes:
                valid_everywhere.discard(tx_id)
            # Accepted by the orderers or reported VALID to the client, yet this peer has no trace of it.
            if (record.acked or record.valid) and not codes:
                lost.add(tx_id)
    for peer in view.unreadable:
        valid_everywhere.clear()  # nothing is known to be on a peer that could not be read
        lost.update(tx_id for tx_id, r in sent.items() if r.valid)
    failed = Counter(r.error or "NO_STATUS" for r in records
                     if r.transaction_id not in valid_somewhere and not r.valid)
    despite = sum(1 for tx_id in valid_somewhere & set(sent) if not sent[tx_id].valid)
    commit_times = [r.committed_at for r in records if r.valid and r.committed_at is not None]
    end = max([duration, *commit_times]) if commit_times else duration
    report = LoadReport(
        rate=rate, offered=len(records), acked=sum(1 for r in records if r.acked),
        committed=len(valid_everywhere), failed=dict(failed), lost=len(lost), duplicated=len(duplicated),
        repeated_entries=len(repeated), unexpected=len(unexpected), committed_despite_error=despite,
        longest_without_commits=longest_gap(commit_times, 0.0, end), latency=_latencies(records),
        marks=marks, heights=(view.start, view.end), unreadable_peers=dict(view.unreadable),
        lost_ids=sorted(lost)[:20],
    )
    if window is not None:
        begin, finish = marks[window[0]], marks[window[1]]
        inside = [r for r in records if begin <= r.scheduled <= finish]
        stall, _ = longest_stall(commit_times, begin, end)
        reference = marks[recovery_from] if recovery_from else finish
        report.window = {**_latencies(inside), "without_commits": stall,
                         "recovery": recovery_after(commit_times, begin, reference, end)}
    return report


def render_table(rows: Iterable[Mapping[str, object]]) -> str:
    """A Markdown table of fault results (one JSON object per fault run, as the suite writes them)."""
    head = ("fault", "rate/s", "offered", "committed", "failed", "lost", "duplicated", "without commits s",
            "recovery s", "p99 during fault s", "when")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        window = row.get("window") or {}
        assert isinstance(window, Mapping)
        failed = row.get("failed") or {}
        assert isinstance(failed, Mapping)
        cells = [row.get("fault"), row.get("rate"), row.get("offered"), row.get("committed"),
                 sum(int(v) for v in failed.values()), row.get("lost"), row.get("duplicated"),
                 _num(row.get("longest_without_commits")), _num(window.get("recovery")),
                 _num(window.get("p99")), row.get("when")]
        lines.append("| " + " | ".join("-" if c is None else str(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _num(value: object) -> str:
    return f"{value:.1f}" if isinstance(value, (int, float)) else "-"
