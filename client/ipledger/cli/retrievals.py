"""``ipledger retrievals``: the retrieval audit of priority documents."""

from __future__ import annotations

from pathlib import Path

import click

from ipledger.domain.enums import RetrievalFailureReason
from ipledger.domain import documents
from ipledger.domain.errors import HashMismatchError
from ipledger.library import LocalStorageError

from .options import emit_listing, json_option, listing_options
from .output import json_text, render_record
from .progress import transfer_progress
from .params import DOCUMENT, FILING_ID, RETRIEVAL_ID, SHA256, Document, EnumType, InvalidInput, TextType
from .session import Session, pass_session
from .views import RETRIEVAL_COLUMNS

__all__ = ["retrievals"]


@click.group()
def retrievals() -> None:
    """Fetch, request, complete and audit retrievals of first filings.

    An accessing office with an active grant fetches the document from the
    owner's digital library in one step (`fetch`): the retrieval is
    requested on the ledger, the document downloaded and checked against
    the deposited SHA-256, and the outcome recorded. `request` and
    `complete` do the ledger steps alone, for documents received otherwise.

    \b
    Example:
      ipledger --office US retrievals fetch JP:PATENT:2024012345 --out priority.pdf
      ipledger --office JP retrievals log JP:PATENT:2024012345
    """


@retrievals.command("fetch")
@click.argument("filing_id", type=FILING_ID)
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True,
              help="Where to write the document (must not exist yet).")
@click.option("--retrieval", "retrieval_id", type=RETRIEVAL_ID, default=None,
              help="Continue this PENDING retrieval (resumes an interrupted download) instead of requesting one.")
@json_option
@pass_session
def fetch(session: Session, filing_id: str, out: Path, retrieval_id: str | None) -> None:
    """Fetch another office's first filing from its library, verified against the ledger.

    Requests the retrieval, downloads from the owner's library over mutual
    TLS (resuming if the transfer breaks), compares the SHA-256 with the
    deposited one and records the outcome: SUCCESS, or ERROR with
    HASH_MISMATCH (exit 6), DELIVERY_FAILED or DOWNLOAD_FAILED. If the file
    cannot be written here (disk full), nothing is recorded: free space and
    run again with --retrieval to resume.

    \b
    Example:
      ipledger --office US retrievals fetch JP:PATENT:2024012345 --out priority.pdf
    """
    ledger = session.ledger()
    try:
        with transfer_progress(f"fetching {filing_id}") as progress:
            fetched = ledger.fetch_document(filing_id, out, retrieval_id=retrieval_id, progress=progress)
    except HashMismatchError as error:
        if error.retrieval is not None and session.json_output:
            click.echo(json_text(error.retrieval))  # the recorded ERROR, for scripts
        raise
    except LocalStorageError:
        part = documents.part_path(out)
        session.note(f"kept {part} ({part.stat().st_size if part.exists() else 0} bytes) to resume from")
        raise
    session.emit(fetched.retrieval, lambda: render_record(fetched.retrieval) +
                 f"\nsaved to           {fetched.path} ({fetched.size} bytes)")


@retrievals.command("request")
@click.argument("filing_id", type=FILING_ID)
@json_option
@pass_session
def request(session: Session, filing_id: str) -> None:
    """Record a retrieval request (needs an active grant); prints the retrieval id.

    \b
    Example:
      ipledger --office US retrievals request JP:PATENT:2024012345
    """
    with session.busy("submitting RequestRetrieval"):
        retrieval = session.ledger().request_retrieval(filing_id)
    session.emit(retrieval, lambda: render_record(retrieval))


@retrievals.command("complete")
@click.argument("retrieval_id", type=RETRIEVAL_ID)
@click.option("--document", type=DOCUMENT, default=None, help="The received document (hashed locally).")
@click.option("--sha256", type=SHA256, default=None, help="SHA-256 of the received document.")
@click.option("--failed", "failure", type=EnumType(RetrievalFailureReason), default=None,
              help="Record a failed retrieval with this reason instead.")
@click.option("--message", type=TextType(0, 500), default="", help="Details of a failure (with --failed).")
@json_option
@pass_session
def complete(session: Session, retrieval_id: str, document: Document | None, sha256: str | None,
             failure: RetrievalFailureReason | None, message: str) -> None:
    """Acknowledge a retrieval with the received document's hash, or record its failure.

    A hash that differs from the deposited document's is recorded as an
    ERROR (HASH_MISMATCH) and exits with 6.

    \b
    Example:
      ipledger --office US retrievals complete JP:PATENT:2024012345:20250317T091244Z_9f3c... --document received.pdf
      ipledger --office US retrievals complete JP:PATENT:2024012345:20250317T091244Z_9f3c... \\
          --failed DOWNLOAD_FAILED --message "timeout after 3 attempts"
    """
    given = [name for name, value in (("--document", document), ("--sha256", sha256), ("--failed", failure))
             if value is not None]
    if len(given) != 1:
        raise InvalidInput("give exactly one of --document, --sha256 or --failed", param_hint="'--document'")
    if message and failure is None:
        raise InvalidInput("--message goes with --failed", param_hint="'--message'")
    ledger = session.ledger()
    if failure is not None:
        with session.busy("submitting FailRetrieval"):
            retrieval = ledger.fail_retrieval(retrieval_id, failure, message)
    else:
        digest = document.sha256 if document is not None else sha256
        assert digest is not None
        with session.busy("submitting AcknowledgeRetrieval"):
            try:
                retrieval = ledger.acknowledge_retrieval(retrieval_id, digest)
            except HashMismatchError as error:
                if error.retrieval is not None and session.json_output:
                    click.echo(json_text(error.retrieval))  # the recorded ERROR, for scripts
                raise
    session.emit(retrieval, lambda: render_record(retrieval))


@retrievals.command("show")
@click.argument("retrieval_id", type=RETRIEVAL_ID)
@json_option
@pass_session
def show(session: Session, retrieval_id: str) -> None:
    """Show one retrieval.

    \b
    Example:
      ipledger --office JP retrievals show JP:PATENT:2024012345:20250317T091244Z_9f3c...
    """
    with session.busy("querying the ledger"):
        retrieval = session.ledger().get_retrieval(retrieval_id)
    session.emit(retrieval, lambda: render_record(retrieval))


@retrievals.command("log")
@click.argument("filing_id", type=FILING_ID)
@json_option
@listing_options
@pass_session
def log(session: Session, filing_id: str) -> None:
    """The retrieval log of a first filing (every request and its outcome).

    \b
    Example:
      ipledger --office JP retrievals log JP:PATENT:2024012345
    """
    ledger = session.ledger()
    emit_listing(session, RETRIEVAL_COLUMNS,
                 lambda bookmark, size: ledger.list_retrievals(filing_id, page_size=size, bookmark=bookmark),
                 lambda size: ledger.iter_retrievals(filing_id, page_size=size))
