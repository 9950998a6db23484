"""Readable views of blocks and transactions (pure decoding, no I/O).

Used for qscc answers and for blocks from block events.  Decoding is
forgiving: a part that does not parse is left empty rather than hiding the
rest of the block.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from ._parser import validation_code_name
from ._protos import (
    DecodeError,
    Message,
    chaincode_pb2,
    common_pb2,
    identities_pb2,
    ledger_pb2,
    proposal_pb2,
    transaction_pb2,
)

__all__ = [
    "BlockInfo",
    "ChainInfo",
    "TransactionInfo",
    "decode_block",
    "decode_chain_info",
    "decode_processed_transaction",
    "decode_transaction_envelope",
]

_TRANSACTIONS_FILTER = 2  # common.BlockMetadataIndex.TRANSACTIONS_FILTER
_ENDORSER_TRANSACTION = 3


@dataclass(frozen=True)
class ChainInfo:
    """Ledger height (number of blocks) and the hashes at its tip (hex)."""

    height: int
    current_block_hash: str
    previous_block_hash: str


@dataclass(frozen=True)
class TransactionInfo:
    """One transaction of a block, as far as it can be read without private data."""

    transaction_id: str
    type: str
    channel_id: str
    creator_msp_id: str | None
    timestamp: datetime | None
    chaincode: str | None
    function: str | None
    arguments: tuple[bytes, ...]
    validation_code: int | None
    validation_code_name: str | None

    @property
    def valid(self) -> bool | None:
        return None if self.validation_code is None else self.validation_code == 0

    def text_arguments(self) -> tuple[str, ...]:
        """Arguments decoded as UTF-8 (undecodable bytes replaced), for display."""
        return tuple(argument.decode("utf-8", "replace") for argument in self.arguments)


@dataclass(frozen=True)
class BlockInfo:
    number: int
    data_hash: str
    previous_hash: str
    transactions: tuple[TransactionInfo, ...]

    @property
    def transaction_ids(self) -> tuple[str, ...]:
        return tuple(tx.transaction_id for tx in self.transactions if tx.transaction_id)


def _try_parse(message_type: Message, data: bytes) -> Message | None:
    try:
        return message_type.FromString(data)
    except DecodeError:
        return None


def _header_type_name(value: int) -> str:
    try:
        name: str = common_pb2.HeaderType.Name(value)
    except ValueError:
        return f"UNKNOWN({value})"
    return name


def _invocation(payload_data: bytes) -> tuple[str | None, str | None, tuple[bytes, ...]]:
    """(chaincode, function, args) of an endorser transaction's first action."""
    transaction = _try_parse(transaction_pb2.Transaction, payload_data)
    if transaction is None or not transaction.actions:
        return None, None, ()
    action_payload = _try_parse(transaction_pb2.ChaincodeActionPayload, transaction.actions[0].payload)
    if action_payload is None:
        return None, None, ()
    proposal_payload = _try_parse(proposal_pb2.ChaincodeProposalPayload, action_payload.chaincode_proposal_payload)
    spec = None
    if proposal_payload is not None:
        invocation = _try_parse(chaincode_pb2.ChaincodeInvocationSpec, proposal_payload.input)
        spec = invocation.chaincode_spec if invocation is not None else None
    if spec is None:
        return None, None, ()
    chaincode = spec.chaincode_id.name or None
    args = tuple(bytes(arg) for arg in spec.input.args)
    if not args:
        return chaincode, None, ()
    return chaincode, args[0].decode("utf-8", "replace"), args[1:]


def decode_transaction_envelope(envelope_bytes: bytes, validation_code: int | None = None) -> TransactionInfo:
    """Decode one ``common.Envelope`` of a block."""
    envelope = _try_parse(common_pb2.Envelope, envelope_bytes)
    payload = _try_parse(common_pb2.Payload, envelope.payload) if envelope is not None else None
    channel_header = signature_header = None
    if payload is not None:
        channel_header = _try_parse(common_pb2.ChannelHeader, payload.header.channel_header)
        signature_header = _try_parse(common_pb2.SignatureHeader, payload.header.signature_header)
    creator = None
    if signature_header is not None and signature_header.creator:
        identity = _try_parse(identities_pb2.SerializedIdentity, signature_header.creator)
        creator = identity.mspid if identity is not None else None
    timestamp = None
    header_type = -1
    if channel_header is not None:
        header_type = int(channel_header.type)
        if channel_header.HasField("timestamp"):
            timestamp = channel_header.timestamp.ToDatetime(tzinfo=timezone.utc)
    chaincode = function = None
    arguments: tuple[bytes, ...] = ()
    if payload is not None and header_type == _ENDORSER_TRANSACTION:
        chaincode, function, arguments = _invocation(payload.data)
    return TransactionInfo(
        transaction_id=channel_header.tx_id if channel_header is not None else "",
        type=_header_type_name(header_type) if channel_header is not None else "UNREADABLE",
        channel_id=channel_header.channel_id if channel_header is not None else "",
        creator_msp_id=creator,
        timestamp=timestamp,
        chaincode=chaincode,
        function=function,
        arguments=arguments,
        validation_code=validation_code,
        validation_code_name=None if validation_code is None else validation_code_name(validation_code),
    )


def decode_block(block: Message | bytes) -> BlockInfo:
    """Decode a ``common.Block`` (message or bytes) into a :class:`BlockInfo`.

    Validation codes come from the TRANSACTIONS_FILTER metadata, one byte per
    transaction; a block delivered before validation has none.
    """
    if isinstance(block, (bytes, bytearray)):
        block = common_pb2.Block.FromString(bytes(block))
    metadata = list(block.metadata.metadata)
    flags = bytes(metadata[_TRANSACTIONS_FILTER]) if len(metadata) > _TRANSACTIONS_FILTER else b""
    transactions = tuple(
        decode_transaction_envelope(data, flags[index] if index < len(flags) else None)
        for index, data in enumerate(block.data.data)
    )
    return BlockInfo(
        number=int(block.header.number),
        data_hash=bytes(block.header.data_hash).hex(),
        previous_hash=bytes(block.header.previous_hash).hex(),
        transactions=transactions,
    )


def decode_processed_transaction(data: bytes) -> TransactionInfo:
    """Decode qscc ``GetTransactionByID`` output (``protos.ProcessedTransaction``)."""
    processed = transaction_pb2.ProcessedTransaction.FromString(data)
    return decode_transaction_envelope(
        processed.transactionEnvelope.SerializeToString(), int(processed.validationCode)
    )


def decode_chain_info(data: bytes) -> ChainInfo:
    """Decode qscc ``GetChainInfo`` output (``common.BlockchainInfo``)."""
    info = ledger_pb2.BlockchainInfo.FromString(data)
    return ChainInfo(
        height=int(info.height),
        current_block_hash=bytes(info.currentBlockHash).hex(),
        previous_block_hash=bytes(info.previousBlockHash).hex(),
    )
