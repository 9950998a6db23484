"""Pure protobuf construction of every request the client sends (no I/O).

Mirrors the official client's proposal, transaction, commit and events
builders: the bytes produced here are what gets hashed and signed, so field
choices follow the peer's validation rules (see the notes on each function).
"""

from __future__ import annotations

import functools
import hashlib
import os
import time
from collections.abc import Iterable, Mapping, Sequence

from ._protos import (
    Message,
    ab_pb2,
    chaincode_pb2,
    common_pb2,
    gateway_pb2,
    identities_pb2,
    proposal_pb2,
    timestamp_pb2,
)
from ipledger.credentials.identity import Identity

__all__ = [
    "MAX_BLOCK_NUMBER",
    "NONCE_LENGTH",
    "build_chaincode_events_request",
    "build_commit_status_request",
    "build_proposed_transaction",
    "build_seek_envelope",
    "compute_transaction_id",
    "endorse_request",
    "evaluate_request",
    "new_nonce",
    "seek_next_commit",
    "seek_specified",
    "serialize_identity",
    "start_position",
    "submit_request",
]

NONCE_LENGTH = 24
MAX_BLOCK_NUMBER = 2**64 - 1


def serialize_identity(identity: Identity) -> bytes:
    """The *creator*: ``msp.SerializedIdentity{mspid, id_bytes=certificate PEM}``."""
    message = identities_pb2.SerializedIdentity(mspid=identity.msp_id, id_bytes=identity.certificate)
    result: bytes = message.SerializeToString()
    return result


def new_nonce() -> bytes:
    return os.urandom(NONCE_LENGTH)


def compute_transaction_id(nonce: bytes, creator: bytes) -> str:
    """hex(SHA-256(nonce || creator)).

    Always SHA-256, whatever hash the signer uses: the peer recomputes it that
    way (protoutil.ComputeTxID) and rejects a mismatch.
    """
    return hashlib.sha256(nonce + creator).hexdigest()


def _timestamp(timestamp_ns: int | None) -> Message:
    nanos = time.time_ns() if timestamp_ns is None else timestamp_ns
    stamp = timestamp_pb2.Timestamp()
    stamp.FromNanoseconds(nanos)
    return stamp


def seek_specified(block_number: int) -> Message:
    return ab_pb2.SeekPosition(specified=ab_pb2.SeekSpecified(number=block_number))


def seek_next_commit() -> Message:
    return ab_pb2.SeekPosition(next_commit=ab_pb2.SeekNextCommit())


def start_position(
    start_block: int | None, checkpoint_block: int | None, checkpoint_transaction_id: str | None
) -> tuple[Message, str]:
    """The (SeekPosition, after_transaction_id) for an events request.

    A checkpoint wins over ``start_block`` unless it is still empty (0, ""),
    which is how a fresh checkpointer looks; then the start block applies and,
    failing that, the next block to commit.
    """
    transaction_id = checkpoint_transaction_id or ""
    if checkpoint_block is not None and (checkpoint_block != 0 or transaction_id):
        return seek_specified(checkpoint_block), transaction_id
    if start_block is not None:
        return seek_specified(start_block), ""
    return seek_next_commit(), ""


@functools.lru_cache(maxsize=64)
def _chaincode_header_extension(chaincode: str) -> bytes:
    """The serialized ``ChaincodeHeaderExtension``: the same bytes for every proposal to one chaincode."""
    extension = proposal_pb2.ChaincodeHeaderExtension(chaincode_id=chaincode_pb2.ChaincodeID(name=chaincode))
    result: bytes = extension.SerializeToString()
    return result


def build_proposed_transaction(
    *,
    creator: bytes,
    channel: str,
    chaincode: str,
    transaction_name: str,
    arguments: Sequence[bytes] = (),
    transient: Mapping[str, bytes] | None = None,
    endorsing_organizations: Iterable[str] = (),
    nonce: bytes | None = None,
    timestamp_ns: int | None = None,
) -> Message:
    """An unsigned ``gateway.ProposedTransaction`` wrapping a chaincode proposal.

    ``nonce`` and ``timestamp_ns`` are parameters only so tests can pin the
    output; callers leave them to the defaults.
    """
    nonce = new_nonce() if nonce is None else nonce
    transaction_id = compute_transaction_id(nonce, creator)
    channel_header = common_pb2.ChannelHeader(
        type=common_pb2.ENDORSER_TRANSACTION,
        timestamp=_timestamp(timestamp_ns),
        channel_id=channel,
        tx_id=transaction_id,
        epoch=0,  # the endorser rejects any other epoch
        extension=_chaincode_header_extension(chaincode),
        # tls_cert_hash stays empty: the gateway binds proposals itself.
    )
    header = common_pb2.Header(
        channel_header=channel_header.SerializeToString(),
        signature_header=common_pb2.SignatureHeader(creator=creator, nonce=nonce).SerializeToString(),
    )
    invocation = chaincode_pb2.ChaincodeInvocationSpec(
        chaincode_spec=chaincode_pb2.ChaincodeSpec(
            chaincode_id=chaincode_pb2.ChaincodeID(name=chaincode),
            input=chaincode_pb2.ChaincodeInput(args=[transaction_name.encode(), *arguments]),
        )
    )
    payload = proposal_pb2.ChaincodeProposalPayload(
        input=invocation.SerializeToString(), TransientMap=dict(transient or {})
    )
    proposal = proposal_pb2.Proposal(header=header.SerializeToString(), payload=payload.SerializeToString())
    return gateway_pb2.ProposedTransaction(
        transaction_id=transaction_id,
        proposal=proposal_pb2.SignedProposal(proposal_bytes=proposal.SerializeToString()),
        endorsing_organizations=list(endorsing_organizations),
    )


def evaluate_request(channel: str, proposed: Message) -> Message:
    return gateway_pb2.EvaluateRequest(
        transaction_id=proposed.transaction_id,
        channel_id=channel,
        proposed_transaction=proposed.proposal,
        target_organizations=list(proposed.endorsing_organizations),
    )


def endorse_request(channel: str, proposed: Message) -> Message:
    return gateway_pb2.EndorseRequest(
        transaction_id=proposed.transaction_id,
        channel_id=channel,
        proposed_transaction=proposed.proposal,
        endorsing_organizations=list(proposed.endorsing_organizations),
    )


def submit_request(channel: str, prepared: Message) -> Message:
    return gateway_pb2.SubmitRequest(
        transaction_id=prepared.transaction_id,
        channel_id=channel,
        prepared_transaction=prepared.envelope,
    )


def build_commit_status_request(*, creator: bytes, channel: str, transaction_id: str) -> Message:
    """An unsigned ``gateway.SignedCommitStatusRequest``; the peer ACL-checks the identity."""
    request = gateway_pb2.CommitStatusRequest(
        transaction_id=transaction_id, channel_id=channel, identity=creator
    )
    return gateway_pb2.SignedCommitStatusRequest(request=request.SerializeToString())


def build_chaincode_events_request(
    *, creator: bytes, channel: str, chaincode: str, start: Message, after_transaction_id: str = ""
) -> Message:
    """An unsigned ``gateway.SignedChaincodeEventsRequest``."""
    request = gateway_pb2.ChaincodeEventsRequest(
        channel_id=channel,
        chaincode_id=chaincode,
        identity=creator,
        start_position=start,
        after_transaction_id=after_transaction_id,
    )
    return gateway_pb2.SignedChaincodeEventsRequest(request=request.SerializeToString())


def build_seek_envelope(
    *,
    creator: bytes,
    channel: str,
    start: Message,
    tls_certificate_hash: bytes | None = None,
    timestamp_ns: int | None = None,
) -> Message:
    """An unsigned Deliver request: ``common.Envelope`` carrying a ``SeekInfo``.

    The stop position is the largest block number, so the stream follows the
    chain forever; BLOCK_UNTIL_READY makes the peer wait for new blocks.  With
    mutual TLS the peer insists that the channel header carries the SHA-256 of
    the client's TLS certificate (deliver ``binding.go``).  No tx id and no
    nonce, as in the official clients.
    """
    channel_header = common_pb2.ChannelHeader(
        type=common_pb2.DELIVER_SEEK_INFO,
        timestamp=_timestamp(timestamp_ns),
        channel_id=channel,
        epoch=0,
        tls_cert_hash=tls_certificate_hash or b"",
    )
    seek_info = ab_pb2.SeekInfo(
        start=start,
        stop=seek_specified(MAX_BLOCK_NUMBER),
        behavior=ab_pb2.SeekInfo.BLOCK_UNTIL_READY,
        content_type=ab_pb2.SeekInfo.BLOCK,
    )
    payload = common_pb2.Payload(
        header=common_pb2.Header(
            channel_header=channel_header.SerializeToString(),
            signature_header=common_pb2.SignatureHeader(creator=creator).SerializeToString(),
        ),
        data=seek_info.SerializeToString(),
    )
    return common_pb2.Envelope(payload=payload.SerializeToString())
