"""Pure protobuf parsing of what the client receives or is handed back (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass

from ._protos import (
    DecodeError,
    Message,
    ab_pb2,
    common_pb2,
    empty_pb2,
    gateway_pb2,
    proposal_pb2,
    proposal_response_pb2,
    transaction_pb2,
    unknown_fields,
)
from ipledger.errors import ConfigurationError
from .errors import ErrorDetail

__all__ = [
    "ParsedSeekEnvelope",
    "parse_chaincode_events_request",
    "parse_commit_status_request",
    "parse_error_details",
    "parse_prepared_transaction",
    "parse_proposed_transaction",
    "parse_seek_envelope",
    "parse_transaction_envelope",
    "transaction_id_of_commit_request",
    "validation_code_name",
]

_ERROR_DETAIL_TYPE = "gateway.ErrorDetail"
_WIRE_LENGTH_DELIMITED = 2


def _parse(message_type: Message, data: bytes, what: str) -> Message:
    try:
        return message_type.FromString(data)
    except DecodeError as error:
        raise ConfigurationError(f"cannot deserialize {what}: {error}") from error


def _channel_header(header: Message, what: str) -> Message:
    return _parse(common_pb2.ChannelHeader, header.channel_header, f"{what} channel header")


def parse_proposed_transaction(data: bytes) -> tuple[Message, str]:
    """``gateway.ProposedTransaction`` bytes -> (message, channel name)."""
    proposed = _parse(gateway_pb2.ProposedTransaction, data, "proposed transaction")
    proposal = _parse(proposal_pb2.Proposal, proposed.proposal.proposal_bytes, "proposal")
    header = _parse(common_pb2.Header, proposal.header, "proposal header")
    channel: str = _channel_header(header, "proposal").channel_id
    return proposed, channel


def parse_transaction_envelope(envelope: Message) -> tuple[str, bytes]:
    """An endorsed transaction envelope -> (channel name, chaincode result).

    Walks Payload -> Transaction -> action payload -> proposal response
    payload -> ChaincodeAction.response.payload, using the first action that
    parses, as the official clients do.
    """
    payload = _parse(common_pb2.Payload, envelope.payload, "transaction payload")
    channel: str = _channel_header(payload.header, "transaction").channel_id
    transaction = _parse(transaction_pb2.Transaction, payload.data, "transaction")
    problems: list[str] = []
    for action in transaction.actions:
        try:
            action_payload = _parse(transaction_pb2.ChaincodeActionPayload, action.payload, "action payload")
            response_payload = _parse(
                proposal_response_pb2.ProposalResponsePayload,
                action_payload.action.proposal_response_payload,
                "proposal response payload",
            )
            chaincode_action = _parse(proposal_pb2.ChaincodeAction, response_payload.extension, "chaincode action")
        except ConfigurationError as error:
            problems.append(str(error))
            continue
        result: bytes = chaincode_action.response.payload
        return channel, result
    raise ConfigurationError(f"no proposal response found in transaction: {problems or 'no actions'}")


def parse_prepared_transaction(data: bytes) -> tuple[Message, str, bytes]:
    """``gateway.PreparedTransaction`` bytes -> (message, channel, result)."""
    prepared = _parse(gateway_pb2.PreparedTransaction, data, "prepared transaction")
    channel, result = parse_transaction_envelope(prepared.envelope)
    return prepared, channel, result


def parse_commit_status_request(data: bytes) -> tuple[Message, str, str]:
    """``gateway.SignedCommitStatusRequest`` bytes -> (message, transaction id, channel)."""
    signed = _parse(gateway_pb2.SignedCommitStatusRequest, data, "signed commit status request")
    request = _parse(gateway_pb2.CommitStatusRequest, signed.request, "commit status request")
    return signed, request.transaction_id, request.channel_id


def transaction_id_of_commit_request(signed: Message) -> str:
    """Best-effort tx id of a commit status request, for error reports."""
    try:
        transaction_id: str = gateway_pb2.CommitStatusRequest.FromString(signed.request).transaction_id
    except DecodeError:
        return "?"
    return transaction_id


def parse_chaincode_events_request(data: bytes) -> tuple[Message, Message]:
    """``gateway.SignedChaincodeEventsRequest`` bytes -> (signed, inner request)."""
    signed = _parse(gateway_pb2.SignedChaincodeEventsRequest, data, "signed chaincode events request")
    request = _parse(gateway_pb2.ChaincodeEventsRequest, signed.request, "chaincode events request")
    return signed, request


@dataclass(frozen=True)
class ParsedSeekEnvelope:
    envelope: Message
    channel: str
    tls_certificate_hash: bytes
    start: Message


def parse_seek_envelope(data: bytes) -> ParsedSeekEnvelope:
    """A Deliver request envelope -> its channel, TLS binding and start position."""
    envelope = _parse(common_pb2.Envelope, data, "block events request envelope")
    payload = _parse(common_pb2.Payload, envelope.payload, "block events request payload")
    channel_header = _channel_header(payload.header, "block events request")
    seek_info = _parse(ab_pb2.SeekInfo, payload.data, "seek info")
    return ParsedSeekEnvelope(
        envelope=envelope,
        channel=channel_header.channel_id,
        tls_certificate_hash=channel_header.tls_cert_hash,
        start=seek_info.start,
    )


def validation_code_name(code: int) -> str:
    """``TxValidationCode`` number -> name (``"UNKNOWN(<n>)"`` if not defined)."""
    try:
        name: str = transaction_pb2.TxValidationCode.Name(code)
    except ValueError:
        return f"UNKNOWN({code})"
    return name


def _fields(data: bytes) -> list[tuple[int, int, object]]:
    """Decode raw protobuf wire data without a schema: (number, wire type, value).

    Parsing into ``Empty`` leaves every field unknown, and protobuf's own
    ``UnknownFieldSet`` then exposes them; no hand-rolled varint reader needed.
    """
    holder = _parse(empty_pb2.Empty, data, "status details")
    return [(field.field_number, field.wire_type, field.data) for field in unknown_fields.UnknownFieldSet(holder)]


def parse_error_details(status_details: bytes | None) -> list[ErrorDetail]:
    """Decode the ``grpc-status-details-bin`` trailer into gateway ErrorDetails.

    The trailer is a ``google.rpc.Status`` {1 code, 2 message, 3 repeated
    Any details}; each Any is {1 type_url, 2 value}.  Only Anys whose type is
    ``gateway.ErrorDetail`` are kept; anything undecodable is skipped, because a
    broken detail must not hide the error it belongs to.
    """
    if not status_details:
        return []
    try:
        status_fields = _fields(status_details)
    except ConfigurationError:
        return []
    results: list[ErrorDetail] = []
    for number, wire_type, value in status_fields:
        if number != 3 or wire_type != _WIRE_LENGTH_DELIMITED or not isinstance(value, bytes):
            continue
        try:
            any_fields = _fields(value)
        except ConfigurationError:
            continue
        type_url = b""
        packed = b""
        for any_number, any_wire_type, any_value in any_fields:
            if any_wire_type != _WIRE_LENGTH_DELIMITED or not isinstance(any_value, bytes):
                continue
            if any_number == 1:
                type_url = any_value
            elif any_number == 2:
                packed = any_value
        if type_url.decode("utf-8", "replace").rsplit("/", 1)[-1] != _ERROR_DETAIL_TYPE:
            continue
        try:
            detail = gateway_pb2.ErrorDetail.FromString(packed)
        except DecodeError:
            continue
        results.append(ErrorDetail(address=detail.address, msp_id=detail.msp_id, message=detail.message))
    return results
