"""Frozen dataclasses <-> the chaincode's JSON, driven by the type hints.

Every record type in :mod:`ipledger.domain.models` is a plain dataclass; this
module is the one place that knows how Python types map onto JSON:

* field names are snake_case in Python and camelCase on the wire
  (``application_number_normalised`` <-> ``applicationNumberNormalised``);
  ``field(metadata={"json": ...})`` overrides the derived name;
* ``date`` is ``YYYY-MM-DD``, ``datetime`` is RFC 3339 UTC (``...Z``);
* ``X | None`` for an enum, date or timestamp is the chaincode's ``""``
  ("not set"); for anything else it is JSON ``null``;
* ``tuple[X, ...]`` is a JSON array; ``dict[str, Any]`` is passed through.

Decoding is strict about types (a chaincode bug should not turn into a
silently wrong record) but ignores unknown keys, so a newer chaincode that
adds fields does not break older clients.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from datetime import date, datetime, timedelta, timezone
from enum import Enum
from typing import Any, TypeVar, Union

__all__ = [
    "RecordFormatError",
    "camel_case",
    "decode_record",
    "encode_record",
    "format_date",
    "format_timestamp",
    "parse_date",
    "parse_timestamp",
]

T = TypeVar("T")

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_TIMESTAMP = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})$"
)


class RecordFormatError(ValueError):
    """A JSON value does not have the shape of the record it should be.

    ``path`` names the offending place, e.g. ``FirstFiling.filingDate``.
    """

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def parse_date(text: str) -> date:
    """Exactly ``YYYY-MM-DD`` naming a real Gregorian day (ValueError otherwise).

    ``date.fromisoformat`` is not used because Python 3.11 also accepts
    forms like ``20240315`` that the chaincode refuses.
    """
    match = _DATE.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a date in YYYY-MM-DD form")
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{text} is not a real calendar day") from None


def format_date(value: date) -> str:
    return value.isoformat()


def parse_timestamp(text: str) -> datetime:
    """An RFC 3339 timestamp; nanoseconds are cut to microseconds."""
    match = _TIMESTAMP.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not an RFC 3339 timestamp")
    day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    offset = timezone.utc
    if zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        offset = timezone(sign * timedelta(hours=hours, minutes=minutes))
    calendar_day = parse_date(day)
    stamp = datetime(calendar_day.year, calendar_day.month, calendar_day.day,
                     int(hour), int(minute), int(second), micro, offset)
    return stamp.astimezone(timezone.utc)


def format_timestamp(value: datetime) -> str:
    """The chaincode's form: UTC, seconds precision unless there is a fraction, ``Z``."""
    utc = value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        text += f".{utc.microsecond:06d}".rstrip("0")
    return text + "Z"


# -- type introspection ------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _FieldSpec:
    name: str
    json_name: str
    type: Any
    required: bool


_FIELDS: dict[type, tuple[_FieldSpec, ...]] = {}


def _fields(cls: type) -> tuple[_FieldSpec, ...]:
    """The fields of dataclass ``cls`` with resolved type hints (cached: hints are costly)."""
    cached = _FIELDS.get(cls)
    if cached is not None:
        return cached
    hints = typing.get_type_hints(cls)
    specs = []
    for field in dataclasses.fields(cls):
        if not field.init:
            continue
        required = field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
        json_name = field.metadata.get("json", camel_case(field.name))
        specs.append(_FieldSpec(field.name, json_name, hints[field.name], required))
    _FIELDS[cls] = tuple(specs)
    return _FIELDS[cls]


def _optional_inner(tp: Any) -> Any | None:
    """``X`` for ``X | None`` (either spelling), else None."""
    if typing.get_origin(tp) in (Union, types.UnionType):
        args = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return args[0]
    return None


def _empty_string_means_none(tp: Any) -> bool:
    return isinstance(tp, type) and (issubclass(tp, (Enum, date)))


# -- decoding ------------------------------------------------------------------


def decode_record(cls: type[T], data: Any, path: str | None = None) -> T:
    """Build dataclass ``cls`` from decoded JSON ``data``; RecordFormatError if it does not fit."""
    where = path or cls.__name__
    if not isinstance(data, dict):
        raise RecordFormatError(where, f"expected a JSON object, got {_kind(data)}")
    values: dict[str, Any] = {}
    for spec in _fields(cls):
        if spec.json_name not in data:
            if spec.required:
                raise RecordFormatError(f"{where}.{spec.json_name}", "is missing")
            continue
        values[spec.name] = _decode(spec.type, data[spec.json_name], f"{where}.{spec.json_name}")
    return cls(**values)


def _decode(tp: Any, value: Any, path: str) -> Any:
    inner = _optional_inner(tp)
    if inner is not None:
        if value is None or (value == "" and _empty_string_means_none(inner)):
            return None
        return _decode(inner, value, path)
    if tp is Any:
        return value
    origin = typing.get_origin(tp)
    if origin is tuple:
        item_type = typing.get_args(tp)[0]
        if not isinstance(value, list):
            raise RecordFormatError(path, f"expected a JSON array, got {_kind(value)}")
        return tuple(_decode(item_type, item, f"{path}[{index}]") for index, item in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise RecordFormatError(path, f"expected a JSON object, got {_kind(value)}")
        return dict(value)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return decode_record(tp, value, path)
    return _decode_scalar(tp, value, path)


def _decode_scalar(tp: Any, value: Any, path: str) -> Any:
    if tp is bool:
        if not isinstance(value, bool):
            raise RecordFormatError(path, f"expected true or false, got {_kind(value)}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise RecordFormatError(path, f"expected an integer, got {_kind(value)}")
        return value
    if not isinstance(value, str):
        raise RecordFormatError(path, f"expected a string, got {_kind(value)}")
    if tp is str:
        return value
    try:
        if isinstance(tp, type) and issubclass(tp, Enum):
            return tp(value)
        if tp is datetime:
            return parse_timestamp(value)
        if tp is date:
            return parse_date(value)
    except ValueError as error:
        raise RecordFormatError(path, str(error)) from None
    raise TypeError(f"{path}: the codec does not support {tp!r}")  # a bug in a model, not in data


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "an array", dict: "an object"}.get(type(value), type(value).__name__)


# -- encoding ------------------------------------------------------------------


def encode_record(record: Any) -> dict[str, Any]:
    """The JSON object (as Python data) of dataclass ``record``, fields in declaration order."""
    return {spec.json_name: _encode(spec.type, getattr(record, spec.name)) for spec in _fields(type(record))}


def _encode(tp: Any, value: Any) -> Any:
    inner = _optional_inner(tp)
    if inner is not None:
        if value is None:
            return "" if _empty_string_means_none(inner) else None
        return _encode(inner, value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, tuple):
        args = typing.get_args(tp)
        item_type = args[0] if args else Any
        return [_encode(item_type, item) for item in value]
    if isinstance(value, dict):
        return dict(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return encode_record(value)
    return value
