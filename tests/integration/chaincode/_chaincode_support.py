"""Helpers for the live chaincode tests: one raw Gateway client per office, JSON in and out.

Everything here talks to the running network through ``ipledger.gateway`` only (not the domain API), with the
arguments of chaincode/CONTRACT.md.  Every record a test writes gets a fresh random application number, so the
tests can run again and again on the same ledger, next to other people's tests.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from _live_blocks import wait_for_block
from ipledger.gateway import (
    ChaincodeEvent,
    CommitError,
    Contract,
    Gateway,
    GatewayError,
    LedgerReader,
    Network,
    Status,
    SubmitError,
)

CHANNEL = "priority"
CHAINCODE = "ipledger"
OFFICE_CODES = ("JP", "US", "EP", "KR")

#: Safety net for reading event streams: a stream that never delivers is closed after this many seconds so
#: the test fails with a message instead of hanging.  It is not a timing assertion.
EVENT_STREAM_SAFETY_SECONDS = 120.0


def random_digits(count: int) -> str:
    return "".join(str(secrets.randbelow(10)) for _ in range(count))


def random_hex(length: int) -> str:
    return secrets.token_hex((length + 1) // 2)[:length]


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(raw: bytes) -> Any:
    """A chaincode result: JSON text, or ``None`` when empty."""
    return json.loads(raw) if raw else None


@dataclass(frozen=True)
class Tx:
    """A committed (VALID) transaction: its decoded result, id and block."""

    result: Any
    transaction_id: str
    block_number: int


@dataclass(repr=False)
class Office:
    """One office's client: its own gateway peer, its own identity (User1 of its MSP).

    ``consortium`` holds every office's client; after each commit ``submit_tx`` waits until every office's peer
    has committed that block, so the next step may be endorsed or evaluated on any peer.  (The gateway's
    commit status only says that the gateway's own peer committed it.)
    """

    code: str
    msp_id: str
    gateway: Gateway
    network: Network
    consortium: dict[str, Office]
    contract: Contract = field(init=False)

    def __post_init__(self) -> None:
        self.contract = self.network.get_contract(CHAINCODE)

    def __repr__(self) -> str:
        return f"Office({self.code})"

    # -- plain calls -------------------------------------------------------------------------------------------
    def evaluate(self, name: str, *args: str, transient: Mapping[str, str] | None = None,
                 endorsing: Iterable[str] = ()) -> Any:
        return decode(self.contract.evaluate(name, list(args), transient=transient,
                                             endorsing_organizations=list(endorsing)))

    def submit(self, name: str, *args: str, transient: Mapping[str, str] | None = None,
               endorsing: Iterable[str] = ()) -> Any:
        return self.submit_tx(name, *args, transient=transient, endorsing=endorsing).result

    def submit_tx(self, name: str, *args: str, transient: Mapping[str, str] | None = None,
                  endorsing: Iterable[str] = ()) -> Tx:
        """Endorse, order and wait for the commit; CommitError unless VALID."""
        proposal = self.contract.new_proposal(name, list(args), transient=transient,
                                              endorsing_organizations=list(endorsing))
        transaction = proposal.endorse()
        start = self.chain_height()  # the transaction can only land in this block or a later one
        try:
            submitted = transaction.submit()
        except SubmitError as error:
            # Fabric's BFT gateway may answer UNAVAILABLE ("insufficient number of orderers ... request already
            # processed") although the orderers took the transaction (hyperledger/fabric#4415): look for it.
            if error.grpc_code_name != "UNAVAILABLE":
                raise
            status = self.find_transaction(start, transaction.transaction_id, error)
        else:
            status = submitted.status()
        for office in self.consortium.values():
            office.wait_for_block(status.block_number)
        if not status.successful:
            raise CommitError(status.transaction_id, status.code, status.code_name)
        return Tx(decode(transaction.result), transaction.transaction_id, status.block_number)

    def submit_tx_retrying(self, name: str, *args: str, attempts: int = 5) -> Tx:
        """``submit_tx`` again after an MVCC_READ_CONFLICT: transactions that read the whole office registry
        (governance) conflict with any concurrent registry change of other tests - CONTRACT.md §3.1: retry."""
        for attempt in range(1, attempts + 1):
            try:
                return self.submit_tx(name, *args)
            except CommitError as error:
                if error.code_name != "MVCC_READ_CONFLICT" or attempt == attempts:
                    raise
        raise AssertionError("unreachable")

    # -- refusals ----------------------------------------------------------------------------------------------
    def refused_submit(self, code: str, name: str, *args: str, transient: Mapping[str, str] | None = None,
                       endorsing: Iterable[str] = ()) -> GatewayError:
        return expect_refusal(code, lambda: self.submit(name, *args, transient=transient, endorsing=endorsing))

    def refused_evaluate(self, code: str, name: str, *args: str, transient: Mapping[str, str] | None = None,
                         endorsing: Iterable[str] = ()) -> GatewayError:
        return expect_refusal(code, lambda: self.evaluate(name, *args, transient=transient, endorsing=endorsing))

    # -- domain shortcuts --------------------------------------------------------------------------------------
    def chain_height(self) -> int:
        return LedgerReader(self.network).get_chain_info().height

    def wait_for_block(self, number: int) -> None:
        """Return once this office's peer has committed block ``number``."""
        wait_for_block(self.network, number, self.code)

    def office(self, code: str | None = None) -> dict[str, Any]:
        result: dict[str, Any] = self.evaluate("GetOffice", code or self.code)
        return result

    def filing(self, filing_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self.evaluate("GetFirstFiling", filing_id)
        return result

    def access(self, filing_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self.evaluate("GetAccessRecord", filing_id)
        return result

    def find_transaction(self, start_block: int, transaction_id: str, error: Exception,
                         max_blocks: int = 50) -> Status:
        """The commit status of a transaction committed at or after ``start_block``;
        re-raises ``error`` if it is not among the next ``max_blocks`` blocks."""
        stream = self.network.filtered_block_events(start_block=start_block)
        guard = threading.Timer(EVENT_STREAM_SAFETY_SECONDS, stream.close)
        guard.daemon = True
        guard.start()
        try:
            for count, block in enumerate(stream, 1):
                for tx in block.filtered_transactions:
                    if tx.txid == transaction_id:
                        code = int(tx.tx_validation_code)
                        return Status(code, code == 0, int(block.number), transaction_id)
                if count >= max_blocks:
                    break
        finally:
            guard.cancel()
            stream.close()
        raise error


def expect_refusal(code: str, call: Callable[[], Any]) -> GatewayError:
    """``call`` must fail in the chaincode with ``<code>: ...`` (CONTRACT.md §7); returns the error."""
    with pytest.raises(GatewayError) as caught:
        call()
    error = caught.value
    message = error.chaincode_message()
    assert message is not None, f"expected chaincode error {code}, got: {error}"
    assert message.startswith(f"{code}: "), f"expected chaincode error {code}, got: {error}"
    assert code in str(error)
    return error


def open_offices(profiles_dir: Path) -> dict[str, Office]:
    offices: dict[str, Office] = {}
    try:
        for code in OFFICE_CODES:
            profile = profiles_dir / f"{code}.json"
            msp_id = json.loads(profile.read_text())["mspId"]
            gateway = Gateway.from_profile(profile, user="User1")
            offices[code] = Office(code, msp_id, gateway, gateway.get_network(CHANNEL), offices)
    except BaseException:
        close_offices(offices)
        raise
    return offices


def close_offices(offices: Mapping[str, Office]) -> None:
    for office in offices.values():
        office.gateway.close()


# -- first filings ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Deposit:
    """A first filing this test deposited: its public record and the document bytes it stands for."""

    record: dict[str, Any]
    document: bytes
    tx: Tx

    @property
    def id(self) -> str:
        return str(self.record["id"])

    @property
    def sha256(self) -> str:
        return sha256_hex(self.document)


def deposit(office: Office, *, ip_right: str = "PATENT", filing_date: str = "2025-03-03",
            number: str | None = None) -> Deposit:
    """``DepositFirstFiling`` of a fresh random application number (public data only, default endorsers)."""
    document = b"%PDF-1.7 ipledger integration test " + secrets.token_bytes(32)
    filing = {
        "ipRight": ip_right,
        "applicationNumber": number or f"{office.code} 2025-{random_digits(10)}",
        "filingDate": filing_date,
        "documentSha256": sha256_hex(document),
        "documentFormat": "PDF",
    }
    tx = office.submit_tx("DepositFirstFiling", json.dumps(filing))
    return Deposit(tx.result, document, tx)


def confidential_input(marker: str) -> dict[str, Any]:
    """Confidential data whose every text contains ``marker``, so it can be searched for in public places."""
    return {
        "salt": random_hex(64),
        "title": f"Secret invention {marker}",
        "applicants": [{"name": f"Applicant {marker} KK", "countryCode": "JP"},
                       {"name": f"Inventor {marker}", "countryCode": ""}],
        "contact": {"name": f"Attorney {marker}", "email": f"attorney.{marker.lower()}@example.test"},
    }


def set_confidential(office: Office, filing_id: str, data: Mapping[str, Any]) -> Tx:
    return office.submit_tx("SetFilingConfidential", filing_id,
                            transient={"confidential": json.dumps(data)}, endorsing=[office.msp_id])


def set_access_code(office: Office, filing_id: str, code: str) -> Tx:
    payload = {"accessCode": code, "salt": random_hex(64)}
    return office.submit_tx("SetAccessCode", filing_id,
                            transient={"accessCode": json.dumps(payload)}, endorsing=[office.msp_id])


def redemption_args(filing: Mapping[str, Any]) -> list[str]:
    return [str(filing["officeCode"]), str(filing["ipRight"]), str(filing["applicationNumber"]),
            str(filing["filingDate"])]


def code_transient(code: str) -> dict[str, str]:
    return {"accessCode": json.dumps({"accessCode": code})}


def attempt_redeem(office: Office, owner: Office, filing: Mapping[str, Any], code: str) -> Tx:
    """Phase one: ``RedeemAccessCode`` by ``office``, endorsed by the owner's peer only (CONTRACT.md §1).
    It records and counts the attempt without comparing it (result ATTEMPT_PENDING)."""
    return office.submit_tx("RedeemAccessCode", *redemption_args(filing), transient=code_transient(code),
                            endorsing=[owner.msp_id])


def settle_redemption(office: Office, owner: Office, filing_id: str, accessing_office: str) -> Tx:
    """Phase two: ``SettleAccessCodeRedemption``, endorsed by the owner's peer only (it reads the attempt)."""
    return office.submit_tx("SettleAccessCodeRedemption", filing_id, accessing_office, endorsing=[owner.msp_id])


def redeem(office: Office, owner: Office, filing: Mapping[str, Any], code: str) -> Tx:
    """Both phases by ``office``; returns the settlement (ACCESS_GRANTED or ACCESS_CODE_MISMATCH)."""
    attempt = attempt_redeem(office, owner, filing, code)
    assert attempt.result["result"] == "ATTEMPT_PENDING", attempt.result
    return settle_redemption(office, owner, str(filing["id"]), office.code)


# -- events ----------------------------------------------------------------------------------------------------
def read_events(office: Office, start_block: int, transaction_ids: Iterable[str]
                ) -> tuple[list[ChaincodeEvent], list[ChaincodeEvent]]:
    """Read chaincode events from ``start_block`` until one event of each given transaction arrived.

    Returns (events of those transactions in stream order, every event seen on the way).  Other engineers'
    transactions share the channel, so foreign events are skipped, not counted.
    """
    wanted = set(transaction_ids)
    stream = office.network.chaincode_events(CHAINCODE, start_block=start_block)
    guard = threading.Timer(EVENT_STREAM_SAFETY_SECONDS, stream.close)
    guard.daemon = True
    guard.start()
    mine: list[ChaincodeEvent] = []
    seen: list[ChaincodeEvent] = []
    try:
        for event in stream:
            seen.append(event)
            if event.transaction_id in wanted:
                mine.append(event)
                if {e.transaction_id for e in mine} >= wanted:
                    break
    finally:
        guard.cancel()
        stream.close()
    return mine, seen


# -- office settings -------------------------------------------------------------------------------------------
SETTINGS_PARTS = ("calendar", "applicationNumberPatterns", "restorationPolicy")


def settings_of(office_view: Mapping[str, Any]) -> dict[str, Any]:
    return {part: office_view[part] for part in SETTINGS_PARTS}


def _update_settings(office: Office, change: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
    """Read-modify-write of the office's own settings, again after an MVCC conflict with a concurrent update."""
    for attempt in range(1, 6):
        settings = change(settings_of(office.office()))
        try:
            result: dict[str, Any] = office.submit("UpdateOfficeSettings", json.dumps(settings))
            return result
        except CommitError as error:
            if error.code_name != "MVCC_READ_CONFLICT" or attempt == 5:
                raise
    raise AssertionError("unreachable")


@contextmanager
def closed_dates_added(office: Office, dates: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Temporarily add closure dates to ``office``'s calendar; on exit remove exactly those it added.

    The restore re-reads the current settings, so a concurrent change by someone else is kept.
    """
    extra = sorted(set(dates))
    before = settings_of(office.office())
    added = [d for d in extra if d not in before["calendar"]["closedDates"]]

    def add(settings: dict[str, Any]) -> dict[str, Any]:
        settings["calendar"]["closedDates"] = sorted(set(settings["calendar"]["closedDates"]) | set(added))
        return settings

    def remove(settings: dict[str, Any]) -> dict[str, Any]:
        settings["calendar"]["closedDates"] = [d for d in settings["calendar"]["closedDates"] if d not in added]
        return settings

    updated = _update_settings(office, add) if added else office.office()
    try:
        yield updated
    finally:
        if added:
            _update_settings(office, remove)
