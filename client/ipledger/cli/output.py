"""Rendering: aligned text tables for people, one JSON document for scripts.

No third-party table library: a table is a header row, a rule and rows of
left-aligned cells, columns separated by two spaces.  A single record is
shown as ``field  value`` lines; tuples of nested records (an access
record's offices, an office's restoration policy) follow as tables of
their own.  ``--json`` prints exactly what the records' ``to_json()`` give,
i.e. the chaincode's camelCase JSON.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any


from ipledger.domain._codec import format_timestamp

__all__ = [
    "Column",
    "format_value",
    "json_text",
    "render_record",
    "render_table",
    "to_jsonable",
]


@dataclasses.dataclass(frozen=True)
class Column:
    """A table column: its header and how to get the cell from a row object."""

    header: str
    value: Callable[[Any], object]


def format_value(value: object) -> str:
    """One cell's text: enums by value, dates ISO, timestamps RFC 3339, tuples comma-joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return ", ".join(format_value(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def render_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """An aligned table; cells are formatted with :func:`format_value`."""
    cells = [[format_value(cell).replace("\n", " ") for cell in row] for row in rows]
    widths = [len(header) for header in headers]
    for row in cells:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], len(cell))

    def line(values: Sequence[str]) -> str:
        return "  ".join(value.ljust(width) for value, width in zip(values, widths)).rstrip()

    lines = [line(headers), line(["-" * width for width in widths])]
    lines.extend(line(row) for row in cells)
    return "\n".join(lines)


def rows_table(columns: Sequence[Column], records: Iterable[object]) -> str:
    return render_table([column.header for column in columns],
                        ([column.value(record) for column in columns] for record in records))


def _label(name: str) -> str:
    return name.replace("_", " ")


def _is_record(value: object) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def _flatten(record: object, prefix: str, scalars: list[tuple[str, object]],
             nested: list[tuple[str, tuple[object, ...]]]) -> None:
    for field in dataclasses.fields(record):  # type: ignore[arg-type]
        if not field.repr:
            continue  # e.g. salts: not secret, but noise for a reader
        value = getattr(record, field.name)
        label = prefix + _label(field.name)
        if _is_record(value):
            _flatten(value, label + ": ", scalars, nested)
        elif isinstance(value, tuple) and value and all(_is_record(item) for item in value):
            nested.append((label, value))
        else:
            scalars.append((label, value))


def _nested_table(items: tuple[object, ...]) -> str:
    first = items[0]
    names = [field.name for field in dataclasses.fields(first)  # type: ignore[arg-type]
             if not _is_record(getattr(first, field.name))]
    return render_table([_label(name) for name in names],
                        ([getattr(item, name) for name in names] for item in items))


def render_record(record: object, *, extra: Sequence[tuple[str, object]] = ()) -> str:
    """``field  value`` lines for a record, then a table per tuple of nested records."""
    scalars: list[tuple[str, object]] = []
    nested: list[tuple[str, tuple[object, ...]]] = []
    _flatten(record, "", scalars, nested)
    scalars.extend(extra)
    width = max((len(label) for label, _ in scalars), default=0)
    blocks = ["\n".join(f"{label.ljust(width)}  {format_value(value)}".rstrip() for label, value in scalars)]
    for label, items in nested:
        blocks.append(f"{label}:\n{_nested_table(items)}")
    return "\n\n".join(block for block in blocks if block)


def to_jsonable(value: object) -> Any:
    """What ``--json`` prints: records via ``to_json()``, sequences element-wise."""
    to_json = getattr(value, "to_json", None)
    if callable(to_json):
        return to_json()
    if isinstance(value, (list, tuple)):
        return [to_jsonable(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: to_jsonable(item) for key, item in value.items()}
    return value


def json_text(value: object, *, indent: int | None = 2) -> str:
    return json.dumps(to_jsonable(value), ensure_ascii=False, indent=indent)
