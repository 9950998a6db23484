"""Click parameter types that refuse bad input before anything touches the network.

Each type applies the chaincode's own syntax rule (via
:mod:`ipledger.domain.validation`) and fails with one line naming the option
and the rule, e.g.::

    Error: Invalid value for '--filing-date': 2024-02-30 is not a real calendar day
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Callable, Generic, TypeVar

import click
from click.shell_completion import CompletionItem

from ipledger.domain.enums import IpRight, LedgerEnum, RestorationCriterion
from ipledger.domain.models import Applicant, RestorationRule
from ipledger.domain.validation import (
    check_access_code,
    check_application_number,
    check_claim_id,
    check_date,
    check_email,
    check_filing_id,
    check_office_code,
    check_proposal_id,
    check_retrieval_id,
    check_sha256,
    check_text,
    check_transaction_id,
)

__all__ = [
    "ACCESS_CODE",
    "APPLICANT",
    "APPLICATION_NUMBER",
    "CLAIM_ID",
    "CONTEXT_SETTINGS",
    "DOCUMENT",
    "Document",
    "DocumentFile",
    "EMAIL",
    "EnumType",
    "FILING_ID",
    "ISO_DATE",
    "InvalidInput",
    "IP_RIGHTS",
    "EnumList",
    "NumberPattern",
    "OFFICE_CODE",
    "PROPOSAL_ID",
    "RESTORATION_RULE",
    "RETRIEVAL_ID",
    "SHA256",
    "TRANSACTION_ID",
    "TextType",
    "ValidatedText",
]

#: Help options and width of every command, the root and the operator's ``network`` group alike.
CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

E = TypeVar("E", bound=LedgerEnum)
V = TypeVar("V")

# click >= 8.4 makes ParamType generic; older releases (still allowed by setup.cfg) cannot be subscripted.
if TYPE_CHECKING:
    _ParamType = click.ParamType[Any]
else:
    _ParamType = click.ParamType


class InvalidInput(click.BadParameter):
    """A refused value, reported on one line (without the usage block click adds by default)."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"Error: {self.format_message()}", file=file, err=file is None)


class _Checked(_ParamType, Generic[V]):
    """A type defined by a check function that raises ValueError stating the rule."""

    def _check(self, text: str) -> V:
        raise NotImplementedError

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> V:
        if not isinstance(value, str):
            return value  # type: ignore[no-any-return]  # already converted (a default)
        try:
            return self._check(value)
        except ValueError as problem:
            raise InvalidInput(str(problem), ctx=ctx, param=param) from None


class ValidatedText(_Checked[str]):
    """Text checked by a ``validation.check_*`` function (office codes, ids, hashes ...)."""

    def __init__(self, name: str, check: Callable[[str], str], *, upper: bool = False) -> None:
        self.name = name
        self._check_function = check
        self._upper = upper

    def _check(self, text: str) -> str:
        return self._check_function(text.strip().upper() if self._upper else text.strip())


class TextType(_Checked[str]):
    """Free text of ``minimum``..``maximum`` characters without control characters."""

    def __init__(self, minimum: int, maximum: int) -> None:
        self.name = f"TEXT({minimum}-{maximum})"
        self._minimum, self._maximum = minimum, maximum

    def _check(self, text: str) -> str:
        return check_text(text, self._minimum, self._maximum)


class IsoDate(_Checked[date]):
    """A real ``YYYY-MM-DD`` day (2024-02-30 is refused)."""

    name = "YYYY-MM-DD"

    def _check(self, text: str) -> date:
        return check_date(text.strip())


class EnumType(_ParamType, Generic[E]):
    """A ledger enum, case-insensitive, ``-`` for ``_``; completes its values."""

    def __init__(self, enum: type[E]) -> None:
        self.enum = enum
        self.name = enum.__name__

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> E:
        if isinstance(value, self.enum):
            return value
        try:
            return self.enum.parse(str(value))
        except ValueError as problem:
            raise InvalidInput(str(problem), ctx=ctx, param=param) from None

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str | None:
        # Options show their choices; arguments keep their name, which error messages then cite.
        if isinstance(param, click.Argument):
            return None
        return "[" + "|".join(self.enum.values()) + "]"

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        return [CompletionItem(value) for value in self.enum.values() if value.lower().startswith(incomplete.lower())]


class EnumList(_Checked[tuple[E, ...]]):
    """Comma-separated enum values in canonical order (``PATENT,UTILITY_MODEL``); ``none`` for none."""

    def __init__(self, enum: type[E]) -> None:
        self.enum = enum
        self.name = f"{enum.__name__.upper()}S"

    def _check(self, text: str) -> tuple[E, ...]:
        if text.strip().lower() in ("", "-", "none"):
            return ()
        values = [self.enum.parse(part) for part in text.split(",") if part.strip()]
        if len(set(values)) != len(values):
            raise ValueError("a value is listed twice")
        order = list(self.enum)
        return tuple(sorted(values, key=order.index))


class ApplicantType(_Checked[Applicant]):
    """``NAME`` or ``CC:NAME`` with the applicant's ST.3 country code, e.g. ``JP:ACME K.K.``."""

    name = "[CC:]NAME"
    _WITH_COUNTRY = re.compile(r"^([A-Za-z]{2}):(.+)$")

    def _check(self, text: str) -> Applicant:
        match = self._WITH_COUNTRY.match(text.strip())
        country, name = (match.group(1).upper(), match.group(2).strip()) if match else ("", text.strip())
        if country:
            check_office_code(country)
        return Applicant(check_text(name, 1, 300), country)


@dataclass(frozen=True)
class Document:
    """A document file and its SHA-256, computed locally (the file itself never goes on the ledger)."""

    path: Path
    sha256: str


class DocumentFile(_Checked[Document]):
    """An existing, readable file; converted to its SHA-256 digest."""

    name = "FILE"

    def _check(self, text: str) -> Document:
        path = Path(text).expanduser()
        if not path.is_file():
            raise ValueError(f"file {text!r} does not exist")
        digest = hashlib.sha256()
        try:
            with path.open("rb") as file:
                for chunk in iter(lambda: file.read(1 << 20), b""):
                    digest.update(chunk)
        except OSError as error:
            raise ValueError(f"file {text!r} cannot be read: {error.strerror}") from None
        return Document(path, digest.hexdigest())

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        return [CompletionItem(incomplete, type="file")]


class NumberPattern(_Checked[tuple[IpRight, str]]):
    """``IP_RIGHT=REGEX``: one application-number pattern of an office."""

    name = "IP_RIGHT=REGEX"

    def _check(self, text: str) -> tuple[IpRight, str]:
        right, equals, pattern = text.partition("=")
        if not equals or not pattern:
            raise ValueError("write IP_RIGHT=REGEX, e.g. PATENT=^(?P<num>\\d{10})$")
        # Patterns are RE2 (Go); the chaincode compiles them, Python's re would judge them wrongly.
        return IpRight.parse(right), check_text(pattern, 1, 200)


class RestorationRuleType(_Checked[RestorationRule]):
    """``IP_RIGHT=CRITERIA``: ``PATENT=DUE_CARE,UNINTENTIONAL`` or ``TRADEMARK=none``."""

    name = "IP_RIGHT=CRITERIA"

    def _check(self, text: str) -> RestorationRule:
        right, equals, criteria = text.partition("=")
        if not equals:
            raise ValueError("write IP_RIGHT=CRITERIA, e.g. PATENT=DUE_CARE,UNINTENTIONAL or TRADEMARK=none")
        ip_right = IpRight.parse(right)
        if criteria.strip().lower() in ("none", "-", ""):
            return RestorationRule(ip_right, False, ())
        return RestorationRule(ip_right, True, EnumList(RestorationCriterion)._check(criteria))


OFFICE_CODE = ValidatedText("OFFICE", check_office_code, upper=True)
FILING_ID = ValidatedText("FILING_ID", check_filing_id, upper=True)
RETRIEVAL_ID = ValidatedText("RETRIEVAL_ID", check_retrieval_id)
CLAIM_ID = ValidatedText("CLAIM_ID", check_claim_id, upper=True)
TRANSACTION_ID = ValidatedText("TXID", check_transaction_id)
PROPOSAL_ID = ValidatedText("PROPOSAL_ID", check_proposal_id)
SHA256 = ValidatedText("SHA256", check_sha256)
ACCESS_CODE = ValidatedText("CODE", check_access_code)
EMAIL = ValidatedText("EMAIL", check_email)
APPLICATION_NUMBER = ValidatedText("NUMBER", check_application_number)
ISO_DATE = IsoDate()
IP_RIGHTS = EnumList(IpRight)
APPLICANT = ApplicantType()
DOCUMENT = DocumentFile()
RESTORATION_RULE = RestorationRuleType()
