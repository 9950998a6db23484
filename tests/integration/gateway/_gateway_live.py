"""Helpers for the live gateway tests: unique ledger data, offline signing, bounded event reading.

Everything written to the ledger uses random numbers, so these tests can run while other engineers use
the same network, and again and again against the same ledger.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import secrets
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, decode_dss_signature, encode_dss_signature
from fabric_protos.common import common_pb2 as _common_pb2
from fabric_protos.msp import identities_pb2 as _identities_pb2
from fabric_protos.peer import transaction_pb2 as _transaction_pb2

from ipledger.credentials import ConnectionProfile
from ipledger.gateway import (
    AsyncContract,
    AsyncLedgerReader,
    AsyncNetwork,
    CommitError,
    Contract,
    LedgerReader,
    Network,
    Status,
)

T = TypeVar("T")

# The generated protobuf modules have no static types (as in ipledger.gateway._protos).
common_pb2: Any = _common_pb2
identities_pb2: Any = _identities_pb2
transaction_pb2: Any = _transaction_pb2

TX_ID = re.compile(r"[0-9a-f]{64}")
#: A deadline no Fabric call can meet (100 microseconds), for the per-stage timeout tests.
TINY_TIMEOUT = 0.0001
#: How often a scenario is tried when other writers on the shared network invalidate it (MVCC).
CONFLICT_ATTEMPTS = 3
#: Upper bound for reading expected events, so a missing event fails the test instead of hanging it.
EVENT_WAIT_SECONDS = 90.0

_P256_ORDER = int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)


@dataclass(frozen=True)
class LiveNetwork:
    """Where the running network's connection profiles are, and its channel and chaincode names."""

    profiles_dir: Path
    channel: str
    chaincode: str

    def profile_path(self, office: str) -> Path:
        return self.profiles_dir / f"{office}.json"

    def profile(self, office: str) -> ConnectionProfile:
        return ConnectionProfile.load(self.profile_path(office))

    def peer_address(self, office: str) -> str:
        """How the gateway names the office's peer in error details: host name and published port."""
        peer = self.profile(office).peers[0]
        return f"{peer.name}:{peer.endpoint.rsplit(':', 1)[1]}"


@dataclass(frozen=True)
class Deposit:
    """A first filing this test deposited, and the transaction that did it."""

    filing_id: str
    transaction_id: str
    block_number: int


def unique_number() -> str:
    """A random 16-digit application number; normalises to itself for offices without patterns."""
    return str(10**15 + secrets.randbelow(9 * 10**15))


def filing_json(number: str, ip_right: str = "PATENT") -> str:
    return json.dumps({
        "ipRight": ip_right,
        "applicationNumber": number,
        "filingDate": "2024-03-15",
        "documentSha256": secrets.token_hex(32),
        "documentFormat": "PDF",
    })


def filing_id(office: str, number: str, ip_right: str = "PATENT") -> str:
    return f"{office}:{ip_right}:{number}"


def committed(status: Status) -> Status:
    """``status`` if VALID, else the CommitError that ``Contract.submit`` would raise."""
    if not status.successful:
        raise CommitError(status.transaction_id, status.code, status.code_name)
    return status


def retry_conflicts(scenario: Callable[[], T]) -> T:
    """Run ``scenario`` again when a transaction in it was invalidated by an MVCC read conflict.

    Deposits read the caller's office entry and settings, which other engineers' tests on the shared
    network update now and then (UpdateOfficeSettings); a transaction endorsed just before such an update
    commits is invalidated through no fault of the client.  Re-endorsing after a definite invalid status is
    safe (nothing was written), and a scenario that conflicts every time still fails.
    """
    for attempt in range(1, CONFLICT_ATTEMPTS + 1):
        try:
            return scenario()
        except CommitError as error:
            if error.code_name != "MVCC_READ_CONFLICT" or attempt == CONFLICT_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


async def aretry_conflicts(scenario: Callable[[], Awaitable[T]]) -> T:
    """The asyncio twin of :func:`retry_conflicts`."""
    for attempt in range(1, CONFLICT_ATTEMPTS + 1):
        try:
            return await scenario()
        except CommitError as error:
            if error.code_name != "MVCC_READ_CONFLICT" or attempt == CONFLICT_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def deposit(contract: Contract, office: str) -> Deposit:
    """Deposit a new first filing of ``office`` (the caller's office) and wait for a VALID commit."""
    def attempt() -> Deposit:
        number = unique_number()
        submitted = contract.submit_async("DepositFirstFiling", [filing_json(number)])
        status = committed(submitted.status())
        return Deposit(filing_id(office, number), submitted.transaction_id, status.block_number)

    return retry_conflicts(attempt)


async def adeposit(contract: AsyncContract, office: str) -> Deposit:
    """The asyncio twin of :func:`deposit`."""
    async def attempt() -> Deposit:
        number = unique_number()
        submitted = await contract.submit_async("DepositFirstFiling", [filing_json(number)])
        status = committed(await submitted.status())
        return Deposit(filing_id(office, number), submitted.transaction_id, status.block_number)

    return await aretry_conflicts(attempt)


def confidential_json(title: str) -> str:
    return json.dumps({
        "salt": secrets.token_hex(16),
        "title": title,
        "applicants": [{"name": "ipledger live test", "countryCode": "JP"}],
        "contact": {"name": "", "email": ""},
    })


def office_settings_json(office_record: bytes) -> str:
    """The ``settingsJSON`` of UpdateOfficeSettings that leaves an office's settings as they are."""
    office = json.loads(office_record)
    return json.dumps({key: office[key] for key in ("calendar", "applicationNumberPatterns", "restorationPolicy")})


def chain_height(network: Network) -> int:
    return LedgerReader(network).get_chain_info().height


async def achain_height(network: AsyncNetwork) -> int:
    """The asyncio twin of :func:`chain_height`."""
    return (await AsyncLedgerReader(network).get_chain_info()).height


def sign_elsewhere(private_key_pem: bytes, digest: bytes) -> bytes:
    """What an offline signer (HSM, another machine) does with a digest: ECDSA P-256, DER, low S.

    Deliberately independent of ipledger.gateway.signing, so the client's digests are checked against
    a signature made without its help.
    """
    key = serialization.load_pem_private_key(private_key_pem, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    r, s = decode_dss_signature(key.sign(digest, ec.ECDSA(Prehashed(hashes.SHA256()))))
    return encode_dss_signature(r, min(s, _P256_ORDER - s))


def endorser_msp_ids(processed_transaction: bytes) -> list[str]:
    """MSP IDs of the endorsements in qscc GetTransactionByID output (a ``protos.ProcessedTransaction``)."""
    processed = transaction_pb2.ProcessedTransaction.FromString(processed_transaction)
    payload = common_pb2.Payload.FromString(processed.transactionEnvelope.payload)
    transaction = transaction_pb2.Transaction.FromString(payload.data)
    action = transaction_pb2.ChaincodeActionPayload.FromString(transaction.actions[0].payload)
    return sorted(
        identities_pb2.SerializedIdentity.FromString(endorsement.endorser).mspid
        for endorsement in action.action.endorsements
    )


def envelope_tls_cert_hash(envelope_bytes: bytes) -> bytes:
    """The ``tls_cert_hash`` in the channel header of a serialized Deliver request envelope."""
    envelope = common_pb2.Envelope.FromString(envelope_bytes)
    payload = common_pb2.Payload.FromString(envelope.payload)
    header: bytes = common_pb2.ChannelHeader.FromString(payload.header.channel_header).tls_cert_hash
    return header


def certificate_der_sha256(certificate_pem: bytes) -> bytes:
    der = x509.load_pem_x509_certificate(certificate_pem).public_bytes(serialization.Encoding.DER)
    return hashlib.sha256(der).digest()


def read_until(stream: Any, done: Callable[[list[T]], bool], *, each: Callable[[T], None] | None = None,
               timeout: float = EVENT_WAIT_SECONDS) -> list[T]:
    """Read a blocking event stream until ``done(items so far)``; a watchdog closes it after ``timeout``.

    ``each`` is called with every item as it arrives (to checkpoint it, say).  On timeout the stream ends
    and the (incomplete) list is returned, so the caller's assertion fails with what was seen instead of
    the test hanging.
    """
    items: list[T] = []
    watchdog = threading.Timer(timeout, stream.close)
    watchdog.daemon = True
    watchdog.start()
    try:
        for item in stream:
            items.append(item)
            if each is not None:
                each(item)
            if done(items):
                break
    finally:
        watchdog.cancel()
    return items


async def aread_until(stream: AsyncIterator[T], done: Callable[[list[T]], bool], *,
                      each: Callable[[T], None] | None = None, timeout: float = EVENT_WAIT_SECONDS) -> list[T]:
    """The asyncio twin of :func:`read_until`."""
    items: list[T] = []

    async def consume() -> None:
        async for item in stream:
            items.append(item)
            if each is not None:
                each(item)
            if done(items):
                return

    try:
        await asyncio.wait_for(consume(), timeout)
    except asyncio.TimeoutError:
        pass
    return items


def deposit_concurrently(contract: Contract, office: str, count: int) -> list[str]:
    """Deposit ``count`` filings at once (so several may share a block); their tx ids once all are VALID."""
    with ThreadPoolExecutor(max_workers=count) as pool:
        return [made.transaction_id for made in pool.map(lambda _: deposit(contract, office), range(count))]


async def adeposit_concurrently(contract: AsyncContract, office: str, count: int) -> list[str]:
    """The asyncio twin of :func:`deposit_concurrently`."""
    made = await asyncio.gather(*(adeposit(contract, office) for _ in range(count)))
    return [deposit.transaction_id for deposit in made]


def ledger_order(network: Network, transaction_ids: list[str]) -> list[str]:
    """The transaction ids in the order the ledger holds them: by block, then position in the block."""
    reader = LedgerReader(network)
    position: dict[str, tuple[int, int]] = {}
    for transaction_id in transaction_ids:
        block = reader.get_block_by_tx_id(transaction_id)
        position[transaction_id] = (block.number, block.transaction_ids.index(transaction_id))
    return sorted(transaction_ids, key=position.__getitem__)
