"""fetch_document and store_document: which ledger steps run, in which order, for each outcome (sync and async)."""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

import _contract_examples as examples
from _domain_fakes import FakeAsyncContract, FakeContract, FakeLibraries

from ipledger.domain import AsyncPriorityLedger, PriorityLedger
from ipledger.domain.documents import part_path
from ipledger.domain.errors import HashMismatchError, InvalidArgumentError, InvalidTransitionError
from ipledger.library import LibraryRefusedError, LibraryUnavailableError, LocalStorageError

DOCUMENT = b"%PDF-1.7 the priority document"
FILING = "JP:PATENT:2024012345"


def retrieval(**changes: Any) -> dict[str, Any]:
    return dict(examples.RETRIEVAL, **changes)


def script(contract: FakeContract, digest: str) -> None:
    pending = retrieval(expectedSha256=digest)
    contract.answers.update({
        "RequestRetrieval": pending,
        "GetRetrieval": pending,
        "AcknowledgeRetrieval": lambda call: retrieval(
            expectedSha256=digest, receivedSha256=call.arguments[1],
            status="SUCCESS" if call.arguments[1] == digest else "ERROR",
            errorCode="" if call.arguments[1] == digest else "HASH_MISMATCH"),
        "FailRetrieval": lambda call: retrieval(status="ERROR", errorCode=call.arguments[1]),
    })


class Twin:
    """Runs the same scenario on PriorityLedger or AsyncPriorityLedger."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.contract = FakeContract()
        self.libraries = FakeLibraries("US")
        if kind == "sync":
            self.ledger: Any = PriorityLedger(self.contract, office_code="US", msp_id="USMSP")
        else:
            self.ledger = AsyncPriorityLedger(FakeAsyncContract(self.contract), office_code="US", msp_id="USMSP")
        self.ledger.libraries = self.libraries

    def __call__(self, method: str, *args: Any, **kwargs: Any) -> Any:
        result = getattr(self.ledger, method)(*args, **kwargs)
        if self.kind == "async":
            return asyncio.run(result)
        return result

    @property
    def jp(self) -> Any:
        return self.libraries.of("JP")

    def steps(self) -> list[str]:
        return [call.name for call in self.contract.calls]


@pytest.fixture(params=["sync", "async"])
def twin(request: pytest.FixtureRequest) -> Twin:
    return Twin(request.param)


def test_fetch_requests_downloads_verifies_and_acknowledges(twin: Twin, tmp_path: Path) -> None:
    digest = hashlib.sha256(DOCUMENT).hexdigest()
    twin.jp.documents[digest] = DOCUMENT
    script(twin.contract, digest)
    out = tmp_path / "received.pdf"
    fetched = twin("fetch_document", FILING, out)
    assert out.read_bytes() == DOCUMENT and not part_path(out).exists()
    assert fetched.sha256 == digest and fetched.retrieval.status.value == "SUCCESS"
    assert twin.steps() == ["RequestRetrieval", "AcknowledgeRetrieval"]
    assert twin.jp.downloads == [(FILING, 1, examples.RETRIEVAL["id"])]


def test_a_mismatching_document_is_recorded_and_never_placed(twin: Twin, tmp_path: Path) -> None:
    twin.jp.documents["3b" * 32] = b"tampered on the owner's disk"
    script(twin.contract, "3b" * 32)
    out = tmp_path / "received.pdf"
    with pytest.raises(HashMismatchError):
        twin("fetch_document", FILING, out)
    assert not out.exists() and not part_path(out).exists()
    assert twin.steps() == ["RequestRetrieval", "AcknowledgeRetrieval"]


@pytest.mark.parametrize(("failure", "reason"), [
    (LibraryRefusedError("refused", reason="NO_GRANT", status=403, office="JP"), "DELIVERY_FAILED"),
    (LibraryUnavailableError("down", office="JP", received=0), "DELIVERY_FAILED"),
    (LibraryUnavailableError("broke", office="JP", received=4096), "DOWNLOAD_FAILED"),
])
def test_a_failed_delivery_is_recorded(twin: Twin, tmp_path: Path, failure: Exception, reason: str) -> None:
    script(twin.contract, "3b" * 32)
    twin.jp.failure = failure
    with pytest.raises(type(failure)):
        twin("fetch_document", FILING, tmp_path / "received.pdf")
    assert twin.steps() == ["RequestRetrieval", "FailRetrieval"]
    assert twin.contract.named("FailRetrieval")[0].arguments[1] == reason


def test_a_full_local_disk_records_nothing(twin: Twin, tmp_path: Path) -> None:
    script(twin.contract, "3b" * 32)
    twin.jp.failure = LocalStorageError("no space left")
    with pytest.raises(LocalStorageError):
        twin("fetch_document", FILING, tmp_path / "received.pdf")
    assert twin.steps() == ["RequestRetrieval"]  # the retrieval stays PENDING, to resume


def test_an_existing_destination_is_refused_before_the_ledger(twin: Twin, tmp_path: Path) -> None:
    out = tmp_path / "received.pdf"
    out.write_bytes(b"mine")
    with pytest.raises(InvalidArgumentError, match="exists already"):
        twin("fetch_document", FILING, out)
    assert twin.steps() == [] and out.read_bytes() == b"mine"


def test_a_finished_retrieval_is_not_continued(twin: Twin, tmp_path: Path) -> None:
    twin.contract.answers["GetRetrieval"] = retrieval(status="SUCCESS")
    with pytest.raises(InvalidTransitionError, match="request a new retrieval"):
        twin("fetch_document", FILING, tmp_path / "received.pdf", retrieval_id=examples.RETRIEVAL["id"])
    assert twin.jp.downloads == []


def test_someone_elses_retrieval_is_not_continued(twin: Twin, tmp_path: Path) -> None:
    twin.contract.answers["GetRetrieval"] = retrieval(requestingOffice="KR")
    with pytest.raises(InvalidArgumentError, match="requested by KR"):
        twin("fetch_document", FILING, tmp_path / "received.pdf", retrieval_id=examples.RETRIEVAL["id"])


def test_store_document_puts_it_into_the_callers_own_library(twin: Twin, tmp_path: Path) -> None:
    path = tmp_path / "priority.pdf"
    path.write_bytes(DOCUMENT)
    digest = twin("store_document", path)
    assert twin.libraries.of("US").documents[digest] == DOCUMENT
    assert twin("holds_document", digest) is True and twin("holds_document", "00" * 32) is False
    assert json.dumps(digest)  # a plain string, ready for DepositFirstFiling
