"""Options shared by many commands (sqlite-utils style stacked decorators)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any, TypeVar

import click

from ipledger.domain.models import Page

from .output import Column, rows_table
from .session import Session

__all__ = ["ListingOptions", "current_listing", "emit_listing", "json_option", "listing_options"]

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def _set_json(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(Session).json_output = True


def json_option(function: F) -> F:
    """``--json`` after the command name too (``ipledger filings list --json``)."""
    return click.option("--json", "json_output", is_flag=True, expose_value=False, callback=_set_json,
                        is_eager=True, help="Print one JSON document (the records' chaincode JSON).")(function)


class ListingOptions:
    """How much of a paginated listing to show."""

    def __init__(self, page_size: int | None, limit: int | None, bookmark: str | None, single_page: bool) -> None:
        self.page_size = page_size
        self.limit = limit
        self.bookmark = bookmark or ""
        self.single_page = single_page or bookmark is not None


_LISTING_KEY = "ipledger.listing"


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    ctx.meta.setdefault(_LISTING_KEY, {})[param.name] = value


def listing_options(function: F) -> F:
    """``--page-size``, ``--limit``, ``--page`` and ``--bookmark``; read them with :func:`current_listing`."""
    options = [
        click.option("--page-size", type=click.IntRange(1, 100), default=None, expose_value=False,
                     callback=_remember, help="Records per ledger query (1-100; default 20)."),
        click.option("--limit", type=click.IntRange(min=1), default=None, expose_value=False,
                     callback=_remember, help="Show at most this many records."),
        click.option("--page", "single_page", is_flag=True, expose_value=False, callback=_remember,
                     help="Fetch one page only and show its bookmark (for scripts paging themselves)."),
        click.option("--bookmark", default=None, metavar="BOOKMARK", expose_value=False, callback=_remember,
                     help="Continue from this bookmark (implies --page)."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def current_listing() -> ListingOptions:
    """The listing options of the running command."""
    values = click.get_current_context().meta.get(_LISTING_KEY, {})
    return ListingOptions(values.get("page_size"), values.get("limit"), values.get("bookmark"),
                          bool(values.get("single_page")))


def emit_listing(session: Session, columns: list[Column], page: Callable[[str, int | None], Page[T]],
                 records: Callable[[int | None], Iterator[T]]) -> None:
    """Show a listing: every record (following bookmarks, up to ``--limit``) or one page.

    ``page(bookmark, page_size)`` fetches one page, ``records(page_size)`` iterates over all.
    """
    listing = current_listing()
    if listing.single_page:
        with session.busy("querying the ledger"):
            one = page(listing.bookmark, listing.page_size)
        shown = one.records[: listing.limit] if listing.limit else one.records
        session.emit(one, lambda: rows_table(columns, shown))
        if not session.json_output and one.bookmark:
            session.note(f"more records: repeat with --bookmark {one.bookmark}")
        return
    with session.busy("querying the ledger"):
        found = list(islice(records(listing.page_size), listing.limit))
    session.emit(found, lambda: rows_table(columns, found))
    if not session.json_output:
        session.note(f"{len(found)} record(s)")
