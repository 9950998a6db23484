"""Fakes at the I/O seam of the domain API: a contract and a network that record calls.

``FakeContract`` answers by transaction name from a script (bytes, a
callable taking the recorded call, or an exception to raise); every call is
recorded with its arguments, transient data and endorsing organisations.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc

from ipledger.gateway.chaincode_events import ChaincodeEvent
from ipledger.gateway.checkpointers import Checkpoint
from ipledger.gateway.commit import Status
from ipledger.gateway.errors import EndorseError, ErrorDetail, GatewayError

TIMESTAMP = "2025-03-17T09:12:44Z"
TX_ID = "9f3c" + "0" * 60
STAMPED = "20250317T091244Z_" + TX_ID


@dataclass
class Recorded:
    """One call as the contract saw it."""

    kind: str  # "evaluate" or "submit"
    name: str
    arguments: tuple[str, ...]
    transient: dict[str, bytes]
    endorsing_organizations: tuple[str, ...]

    def transient_json(self, key: str) -> Any:
        return json.loads(self.transient[key])


Answer = bytes | str | dict[str, Any] | list[Any] | BaseException | Callable[[Recorded], Any]


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    return json.dumps(value).encode()


@dataclass
class FakeSubmitted:
    result: bytes
    transaction_id: str
    code: int = 0
    log: list[str] | None = None

    def status(self) -> Status:
        if self.log is not None:
            self.log.append(f"status:{self.transaction_id}")
        return Status(code=self.code, successful=self.code == 0, block_number=7, transaction_id=self.transaction_id)


@dataclass
class FakeContract:
    """Records every call; answers from ``answers[name]`` (a list is consumed in order)."""

    answers: dict[str, Answer | list[Answer]] = field(default_factory=dict)
    chaincode_name: str = "ipledger"
    calls: list[Recorded] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    invalid: set[str] = field(default_factory=set)  # names that commit with MVCC_READ_CONFLICT

    def _answer(self, call: Recorded) -> bytes:
        script = self.answers.get(call.name)
        if script is None:
            raise AssertionError(f"unexpected call {call.name}{call.arguments}")
        if isinstance(script, list):
            if not script:
                raise AssertionError(f"no more answers for {call.name}")
            answer = script.pop(0)
        else:
            answer = script
        if isinstance(answer, BaseException):
            raise answer
        if callable(answer):
            answer = answer(call)
            if isinstance(answer, BaseException):
                raise answer
        return _as_bytes(answer)

    def _record(self, kind: str, name: str, arguments: Sequence[str], transient: Mapping[str, bytes] | None,
                endorsing_organizations: Iterable[str]) -> Recorded:
        call = Recorded(kind, name, tuple(arguments), dict(transient or {}), tuple(endorsing_organizations))
        self.calls.append(call)
        self.log.append(f"{kind}:{name}")
        return call

    def evaluate(self, name: str, arguments: Sequence[str] = (), transient: Mapping[str, bytes] | None = None,
                 endorsing_organizations: Iterable[str] = ()) -> bytes:
        return self._answer(self._record("evaluate", name, arguments, transient, endorsing_organizations))

    def submit_async(self, name: str, arguments: Sequence[str] = (), transient: Mapping[str, bytes] | None = None,
                     endorsing_organizations: Iterable[str] = ()) -> FakeSubmitted:
        call = self._record("submit", name, arguments, transient, endorsing_organizations)
        result = self._answer(call)
        code = 11 if name in self.invalid else 0  # 11 = MVCC_READ_CONFLICT
        return FakeSubmitted(result, f"tx{len(self.calls):02d}" + "a" * 60, code, self.log)

    def submit(self, name: str, arguments: Sequence[str] = (), transient: Mapping[str, bytes] | None = None,
               endorsing_organizations: Iterable[str] = ()) -> bytes:
        return self.submit_async(name, arguments, transient, endorsing_organizations).result

    def named(self, name: str) -> list[Recorded]:
        return [call for call in self.calls if call.name == name]


@dataclass
class FakeAsyncSubmitted:
    inner: FakeSubmitted

    @property
    def result(self) -> bytes:
        return self.inner.result

    @property
    def transaction_id(self) -> str:
        return self.inner.transaction_id

    async def status(self) -> Status:
        return self.inner.status()


@dataclass
class FakeAsyncContract:
    """The async twin: same script, awaited."""

    sync: FakeContract = field(default_factory=FakeContract)
    chaincode_name: str = "ipledger"

    @property
    def calls(self) -> list[Recorded]:
        return self.sync.calls

    async def evaluate(self, name: str, arguments: Sequence[str] = (), transient: Mapping[str, bytes] | None = None,
                       endorsing_organizations: Iterable[str] = ()) -> bytes:
        return self.sync.evaluate(name, arguments, transient, endorsing_organizations)

    async def submit_async(self, name: str, arguments: Sequence[str] = (),
                           transient: Mapping[str, bytes] | None = None,
                           endorsing_organizations: Iterable[str] = ()) -> FakeAsyncSubmitted:
        return FakeAsyncSubmitted(self.sync.submit_async(name, arguments, transient, endorsing_organizations))


def awaitable(contract: FakeContract) -> FakeAsyncContract:
    """The contract for AsyncPriorityLedger (tests are written once, for the asyncio twin)."""
    return FakeAsyncContract(contract)


def blocking(contract: FakeContract) -> FakeContract:
    """The blocking twin of :func:`awaitable`: the contract itself."""
    return contract


class FakeEventStream:
    def __init__(self, events: list[ChaincodeEvent]) -> None:
        self._events = list(events)
        self.closed = False

    def __iter__(self) -> Iterator[ChaincodeEvent]:
        return self

    def __next__(self) -> ChaincodeEvent:
        if self.closed or not self._events:
            raise StopIteration
        return self._events.pop(0)

    def __aiter__(self) -> FakeEventStream:
        return self

    async def __anext__(self) -> ChaincodeEvent:
        if self.closed or not self._events:
            raise StopAsyncIteration
        return self._events.pop(0)

    def close(self) -> None:
        self.closed = True


@dataclass
class FakeNetwork:
    """Streams the given events from the requested position; records the requests."""

    events: list[ChaincodeEvent] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    streams: list[FakeEventStream] = field(default_factory=list)

    def chaincode_events(self, chaincode_name: str, start_block: int | None = None,
                         checkpoint: Checkpoint | None = None, *, reconnect: Any = None) -> FakeEventStream:
        position = (checkpoint.block_number, checkpoint.transaction_id) if checkpoint else None
        self.requests.append({"chaincode": chaincode_name, "start_block": start_block, "checkpoint": position})
        selected = self.events
        if position is not None:
            block, transaction = position
            assert block is not None
            # The gateway skips everything up to and including the checkpointed transaction.
            after = [e for e in self.events if (e.block_number, e.transaction_id) == (block, transaction)]
            index = self.events.index(after[0]) + 1 if after else 0
            selected = [e for e in self.events[index:] if e.block_number >= block]
        elif start_block is not None:
            selected = [e for e in self.events if e.block_number >= start_block]
        stream = FakeEventStream(selected)
        self.streams.append(stream)
        return stream


def event(name: str, block: int, tx: str, record_type: str = "filing", record_id: str = "JP:PATENT:2024012345",
          office: str = "JP", subject: str = "", status: str = "AVAILABLE") -> ChaincodeEvent:
    payload = {"recordType": record_type, "recordId": record_id, "officeCode": office, "subjectOffice": subject,
               "status": status, "txId": tx}
    return ChaincodeEvent(block, tx, "ipledger", name, json.dumps(payload).encode())


def chaincode_failure(text: str, *, evaluate: bool = False) -> GatewayError:
    """What the gateway raises when the chaincode refused: the text is in a detail (endorse) or the message."""
    if evaluate:
        return GatewayError(grpc.StatusCode.UNKNOWN, f"evaluate call to endorser returned error: "
                                                     f"chaincode response 500, {text}", transaction_id=TX_ID)
    return EndorseError(grpc.StatusCode.ABORTED, "failed to endorse transaction, see attached details for more info",
                        [ErrorDetail("peer0.jp.ipledger.test:7051", "JPMSP", f"chaincode response 500, {text}")],
                        transaction_id=TX_ID)


def unavailable() -> GatewayError:
    return GatewayError(grpc.StatusCode.UNAVAILABLE, "failed to connect to all addresses")


class FakeLibraryClient:
    """An office's digital library at the client seam: documents by SHA-256, in memory."""

    def __init__(self, office: str) -> None:
        self.office = office
        self.documents: dict[str, bytes] = {}
        self.downloads: list[tuple[str, int, str]] = []
        self.failure: Exception | None = None

    def store(self, path: Any, sha256: str | None = None, progress: Any = None) -> str:
        data = path.read_bytes()
        digest = sha256 or hashlib.sha256(data).hexdigest()
        self.documents[digest] = data
        if progress:
            progress(len(data), len(data))
        return digest

    def stored_size(self, sha256: str) -> int | None:
        data = self.documents.get(sha256)
        return None if data is None else len(data)

    def download(self, filing_id: str, version: int, retrieval_id: str, part: Any, expected_sha256: str, *,
                 progress: Any = None, retry_window: float = 60.0) -> Any:
        """Serves ``documents[expected_sha256]`` (or raises ``failure``), like a library that trusts its disk."""
        from ipledger.library import Download

        self.downloads.append((filing_id, version, retrieval_id))
        if self.failure is not None:
            raise self.failure
        data = self.documents[expected_sha256]
        part.write_bytes(data)
        return Download(path=part, sha256=hashlib.sha256(data).hexdigest(), size=len(data), attempts=1,
                        resumed_from=())


class FakeLibraries:
    """Stands in for :class:`ipledger.domain.documents.Libraries` (one fake library per office)."""

    def __init__(self, office: str = "JP") -> None:
        self.office = office
        self.clients: dict[str, FakeLibraryClient] = {}

    def of(self, office: str) -> FakeLibraryClient:
        return self.clients.setdefault(office, FakeLibraryClient(office))

    def own(self) -> FakeLibraryClient:
        return self.of(self.office)
