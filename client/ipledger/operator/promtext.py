"""Prometheus text exposition format (version 0.0.4), parsed into samples; pure, no I/O.

Fabric's nodes serve this format on ``/metrics``. A sample line is ``name{label="value",...} value [timestamp]``;
``# HELP`` and ``# TYPE`` lines describe a metric family; histograms expose ``_bucket{le=...}``, ``_sum`` and
``_count`` samples under the family's name.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ipledger.errors import IpledgerError

Labels = tuple[tuple[str, str], ...]


class MetricsFormatError(IpledgerError):
    """A /metrics answer that is not in the Prometheus text format; the message names the line."""

    code = "METRICS_FORMAT"


@dataclass(frozen=True)
class Sample:
    name: str
    labels: Labels
    value: float

    def label(self, key: str) -> str | None:
        return dict(self.labels).get(key)

    def matches(self, wanted: Mapping[str, str]) -> bool:
        have = dict(self.labels)
        return all(have.get(k) == v for k, v in wanted.items())


@dataclass(frozen=True)
class Histogram:
    """A histogram's cumulative buckets (upper bound -> count), sum and count, over the selected label sets."""

    buckets: tuple[tuple[float, float], ...]
    sum: float
    count: float

    def minus(self, earlier: "Histogram") -> "Histogram":
        """The observations made between ``earlier`` and this one (a counter reset gives this one whole)."""
        if self.count < earlier.count:
            return self
        before = dict(earlier.buckets)
        return Histogram(tuple((le, n - before.get(le, 0.0)) for le, n in self.buckets),
                         self.sum - earlier.sum, self.count - earlier.count)

    @property
    def mean(self) -> float | None:
        return self.sum / self.count if self.count > 0 else None

    def quantile(self, q: float) -> float | None:
        """Estimate as Prometheus' histogram_quantile does: linear within the bucket that holds rank q*count."""
        if self.count <= 0 or not self.buckets:
            return None
        rank = q * self.count
        lower_bound, lower_count = 0.0, 0.0
        for le, cumulative in self.buckets:
            if cumulative >= rank:
                if math.isinf(le):
                    return lower_bound  # beyond the largest finite bucket: its bound is the best estimate
                if cumulative == lower_count:
                    return le
                return lower_bound + (le - lower_bound) * (rank - lower_count) / (cumulative - lower_count)
            lower_bound, lower_count = le, cumulative
        return lower_bound


@dataclass(frozen=True)
class Metrics:
    """Every sample of one scrape, with the declared type of each family."""

    samples: tuple[Sample, ...]
    types: Mapping[str, str] = field(default_factory=dict)

    def select(self, name: str, **labels: str) -> list[Sample]:
        return [s for s in self.samples if s.name == name and s.matches(labels)]

    def value(self, name: str, **labels: str) -> float | None:
        """The sum over every label set that matches (None when the node exposes no such sample)."""
        found = self.select(name, **labels)
        return sum(s.value for s in found) if found else None

    def max(self, name: str, **labels: str) -> float | None:
        found = self.select(name, **labels)
        return max(s.value for s in found) if found else None

    def histogram(self, name: str, **labels: str) -> Histogram | None:
        """The histogram ``name``, its label sets (e.g. per chaincode) added together."""
        counts = self.select(f"{name}_count", **labels)
        if not counts:
            return None
        buckets: dict[float, float] = {}
        for s in self.select(f"{name}_bucket", **labels):
            le = s.label("le")
            if le is not None:
                bound = parse_value(le)
                buckets[bound] = buckets.get(bound, 0.0) + s.value
        total = sum(s.value for s in self.select(f"{name}_sum", **labels))
        return Histogram(tuple(sorted(buckets.items())), total, sum(s.value for s in counts))

    def names(self) -> set[str]:
        return {s.name for s in self.samples}


def parse_value(text: str) -> float:
    special = {"+Inf": math.inf, "Inf": math.inf, "-Inf": -math.inf, "NaN": math.nan}
    if text in special:
        return special[text]
    return float(text)


_ESCAPES = {"\\": "\\", '"': '"', "n": "\n"}


def _parse_labels(text: str, start: int, line_no: int) -> tuple[Labels, int]:
    """Labels from just after '{' to the matching '}'; returns them and the index after '}'."""
    labels: list[tuple[str, str]] = []
    i = start
    while True:
        while i < len(text) and text[i] in " \t,":
            i += 1
        if i >= len(text):
            raise MetricsFormatError(f"line {line_no}: labels not closed with '}}': {text!r}")
        if text[i] == "}":
            return tuple(labels), i + 1
        eq = text.find("=", i)
        if eq < 0:
            raise MetricsFormatError(f"line {line_no}: label without '=': {text!r}")
        key = text[i:eq].strip()
        i = eq + 1
        if i >= len(text) or text[i] != '"':
            raise MetricsFormatError(f"line {line_no}: label {key} has an unquoted value: {text!r}")
        i += 1
        value: list[str] = []
        while True:
            if i >= len(text):
                raise MetricsFormatError(f"line {line_no}: unterminated value of label {key}: {text!r}")
            ch = text[i]
            if ch == "\\" and i + 1 < len(text):
                value.append(_ESCAPES.get(text[i + 1], "\\" + text[i + 1]))
                i += 2
            elif ch == '"':
                i += 1
                break
            else:
                value.append(ch)
                i += 1
        labels.append((key, "".join(value)))


def _parse_sample(line: str, line_no: int) -> Sample:
    brace = line.find("{")
    space = min((p for p in (line.find(" "), line.find("\t")) if p >= 0), default=-1)
    if brace >= 0 and (space < 0 or brace < space):
        name = line[:brace]
        labels, rest_at = _parse_labels(line, brace + 1, line_no)
        rest = line[rest_at:].split()
    else:
        parts = line.split()
        name, labels, rest = parts[0], (), parts[1:]
    if not name or not rest:
        raise MetricsFormatError(f"line {line_no}: not a sample: {line!r}")
    try:
        value = parse_value(rest[0])
    except ValueError:
        raise MetricsFormatError(f"line {line_no}: value {rest[0]!r} is not a number") from None
    return Sample(name, labels, value)


def parse(text: str) -> Metrics:
    """Parse one /metrics answer; raises :class:`MetricsFormatError` naming the first bad line."""
    samples: list[Sample] = []
    types: dict[str, str] = {}
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            parts = line.split(None, 3)
            if len(parts) >= 4 and parts[1] == "TYPE":
                types[parts[2]] = parts[3].strip()
            continue
        samples.append(_parse_sample(line, line_no))
    return Metrics(tuple(samples), types)


def labels_of(pairs: Iterable[tuple[str, str]]) -> Labels:
    return tuple(sorted(pairs))
