"""A Python client for the Hyperledger Fabric Gateway (Fabric v2.4+/v3).

Shaped after the official fabric-gateway clients::

    with Gateway.from_profile("network/generated/profiles/JP.json", user="User1") as gateway:
        contract = gateway.get_network("priority").get_contract("ipledger")
        contract.submit_transaction("DepositFirstFiling", "JP:PATENT:2024012345", payload)
        record = contract.evaluate_transaction("ReadFirstFiling", "JP:PATENT:2024012345")

``AsyncGateway`` offers the same names over ``grpc.aio``: awaited calls and
``async for`` event streams.  A transaction runs in three signed steps --
proposal (endorse), transaction (submit), commit (status) -- and each step
object exposes ``bytes``, ``digest`` and ``transaction_id`` so it can be
signed elsewhere (offline signing) and rebuilt with ``gateway.new_signed_*``.

This package is the protocol layer only: it takes an identity and a signer.  Identities, signers, wallets,
connection profiles and the Fabric CA client are :mod:`ipledger.credentials`.

Errors (every class has a stable ``code``)::

    ipledger.errors.IpledgerError
    ├── GatewayError            GATEWAY_FAILED        evaluate and event streams
    │   ├── EndorseError        ENDORSE_FAILED
    │   ├── SubmitError         SUBMIT_FAILED
    │   └── CommitStatusError   COMMIT_STATUS_FAILED
    ├── CommitError             COMMIT_FAILED         committed, but not VALID
    ├── ConnectionError         CONNECTION_FAILED     peer or CA unreachable (ipledger.errors)
    ├── ConfigurationError      CONFIGURATION_INVALID (ipledger.errors)
    │   └── NoSignerError       SIGNER_MISSING        offline-signing mode
    └── CheckpointError         CHECKPOINT_INVALID

``GatewayError`` carries ``grpc_code``, ``message``, ``details``
(:class:`ErrorDetail` per peer/orderer), ``transaction_id``; ``str()`` lists
every detail and ``chaincode_message()`` returns the chaincode's own text.
"""

from __future__ import annotations

from ._async.block_events import AsyncBlockEventsRequest
from ._async.chaincode_events import AsyncChaincodeEventsRequest
from ._async.commit import AsyncCommit, AsyncSubmittedTransaction
from ._async.contract import AsyncContract
from ._async.event_stream import AsyncEventStream
from ._async.gateway import AsyncGateway
from ._async.ledger_reader import AsyncLedgerReader
from ._async.network import AsyncNetwork
from ._async.proposal import AsyncProposal
from ._async.transaction import AsyncTransaction
from ._sync.block_events import BlockEventsRequest
from ._sync.chaincode_events import ChaincodeEventsRequest
from ._sync.commit import Commit, SubmittedTransaction
from ._sync.contract import Contract
from ._sync.event_stream import EventStream
from ._sync.gateway import Gateway
from ._sync.ledger_reader import LedgerReader
from ._sync.network import Network
from ._sync.proposal import Proposal
from ._sync.transaction import Transaction
from .blocks import (
    BlockInfo,
    ChainInfo,
    TransactionInfo,
    decode_block,
    decode_chain_info,
    decode_processed_transaction,
)
from .chaincode_events import ChaincodeEvent
from .checkpointers import Checkpoint, Checkpointer, FileCheckpointer, InMemoryCheckpointer
from .commit import Status
from .connection import channel_options, create_async_channel, create_channel, tls_certificate_hash
from .errors import (
    CheckpointError,
    CommitError,
    CommitStatusError,
    EndorseError,
    ErrorDetail,
    GatewayError,
    NoSignerError,
    SubmitError,
)
from .reconnect import ReconnectPolicy
from .timeouts import USE_DEFAULT, Timeouts, UseDefault

__all__ = [
    "AsyncBlockEventsRequest",
    "AsyncChaincodeEventsRequest",
    "AsyncCommit",
    "AsyncContract",
    "AsyncEventStream",
    "AsyncGateway",
    "AsyncLedgerReader",
    "AsyncNetwork",
    "AsyncProposal",
    "AsyncSubmittedTransaction",
    "AsyncTransaction",
    "BlockEventsRequest",
    "BlockInfo",
    "ChainInfo",
    "ChaincodeEvent",
    "ChaincodeEventsRequest",
    "Checkpoint",
    "CheckpointError",
    "Checkpointer",
    "Commit",
    "CommitError",
    "CommitStatusError",
    "Contract",
    "EndorseError",
    "ErrorDetail",
    "EventStream",
    "FileCheckpointer",
    "Gateway",
    "GatewayError",
    "InMemoryCheckpointer",
    "LedgerReader",
    "Network",
    "NoSignerError",
    "Proposal",
    "ReconnectPolicy",
    "Status",
    "SubmitError",
    "SubmittedTransaction",
    "Timeouts",
    "Transaction",
    "TransactionInfo",
    "USE_DEFAULT",
    "UseDefault",
    "channel_options",
    "create_async_channel",
    "create_channel",
    "decode_block",
    "decode_chain_info",
    "decode_processed_transaction",
    "tls_certificate_hash",
]
