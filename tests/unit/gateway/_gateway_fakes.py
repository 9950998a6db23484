"""Test doubles for the gateway unit tests: credentials and an in-process fake peer.

The fake peer is a real ``grpc.server`` on 127.0.0.1 implementing the Gateway
and Deliver services.  It verifies every signature it receives against the
client's certificate, so the end-to-end tests prove the bytes are signed the
way a peer checks them, not just that calls go through.
"""

from __future__ import annotations

import datetime
import hashlib
import threading
from collections.abc import Iterator
from concurrent import futures
from dataclasses import dataclass, field
from typing import Any

import grpc
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.x509.oid import NameOID
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2, gateway_pb2_grpc
from fabric_protos.msp import identities_pb2
from fabric_protos.orderer import ab_pb2
from fabric_protos.peer import (
    chaincode_event_pb2,
    chaincode_pb2,
    events_pb2,
    events_pb2_grpc,
    proposal_pb2,
    proposal_response_pb2,
    transaction_pb2,
)

from ipledger.credentials import Identity, PrivateKeySigner

MSP_ID = "JPMSP"


# --------------------------------------------------------------------------- credentials


def make_certificate(
    common_name: str,
    key: Any,
    *,
    issuer_key: Any = None,
    issuer_name: str | None = None,
    ca: bool = False,
    dns_names: tuple[str, ...] = (),
) -> bytes:
    now = datetime.datetime.now(datetime.timezone.utc)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name or common_name)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if dns_names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(name) for name in dns_names]), critical=False
        )
    algorithm = None if _is_ed25519(issuer_key or key) else hashes.SHA256()
    return builder.sign(issuer_key or key, algorithm).public_bytes(serialization.Encoding.PEM)


def _is_ed25519(key: Any) -> bool:
    return isinstance(key, ed25519.Ed25519PrivateKey)


def key_pem(key: Any) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@dataclass
class Credentials:
    key: Any
    certificate: bytes

    @property
    def identity(self) -> Identity:
        return Identity(MSP_ID, self.certificate)

    @property
    def signer(self) -> PrivateKeySigner:
        return PrivateKeySigner(self.key)



@dataclass
class TLSMaterial:
    ca_cert: bytes
    server_key: bytes
    server_cert: bytes
    client_key: bytes
    client_cert: bytes



# --------------------------------------------------------------------------- wire helpers


def encode_status_details(code: int, message: str, details: list[tuple[str, str, str]]) -> bytes:
    """A google.rpc.Status with gateway.ErrorDetail Anys, encoded by hand for the fake server."""

    def length_delimited(number: int, payload: bytes) -> bytes:
        return _varint(number << 3 | 2) + _varint(len(payload)) + payload

    out = _varint(1 << 3) + _varint(code) + length_delimited(2, message.encode())
    for address, msp_id, text in details:
        detail = gateway_pb2.ErrorDetail(address=address, msp_id=msp_id, message=text).SerializeToString()
        packed = length_delimited(1, b"type.googleapis.com/gateway.ErrorDetail") + length_delimited(2, detail)
        out += length_delimited(3, packed)
    return out


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def prepared_envelope(proposal_bytes: bytes, result: bytes) -> common_pb2.Envelope:
    """What a gateway returns from Endorse: an unsigned envelope holding the result."""
    proposal = proposal_pb2.Proposal.FromString(proposal_bytes)
    header = common_pb2.Header.FromString(proposal.header)
    chaincode_action = proposal_pb2.ChaincodeAction(
        response=proposal_response_pb2.Response(status=200, payload=result)
    )
    response_payload = proposal_response_pb2.ProposalResponsePayload(
        proposal_hash=hashlib.sha256(proposal_bytes).digest(), extension=chaincode_action.SerializeToString()
    )
    action_payload = transaction_pb2.ChaincodeActionPayload(
        chaincode_proposal_payload=proposal.payload,
        action=transaction_pb2.ChaincodeEndorsedAction(
            proposal_response_payload=response_payload.SerializeToString()
        ),
    )
    transaction = transaction_pb2.Transaction(
        actions=[transaction_pb2.TransactionAction(header=header.signature_header,
                                                   payload=action_payload.SerializeToString())]
    )
    payload = common_pb2.Payload(header=header, data=transaction.SerializeToString())
    return common_pb2.Envelope(payload=payload.SerializeToString())


def verify(creator: bytes, message: bytes, signature: bytes) -> bool:
    """Check a signature as a peer's MSP would (SHA-256 for ECDSA, full message for Ed25519)."""
    identity = identities_pb2.SerializedIdentity.FromString(creator)
    public_key = x509.load_pem_x509_certificate(identity.id_bytes).public_key()
    try:
        if isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, hashlib.sha256(message).digest(), ec.ECDSA(Prehashed(hashes.SHA256())))
        else:
            public_key.verify(signature, message)  # type: ignore[call-arg]
    except InvalidSignature:
        return False
    return True


# --------------------------------------------------------------------------- fake peer


@dataclass
class Failure:
    code: grpc.StatusCode
    message: str
    details: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class FakePeer:
    """Scriptable behaviour plus a record of every request, shared with the servicers."""

    results: dict[str, bytes] = field(default_factory=dict)
    failures: dict[str, Failure] = field(default_factory=dict)
    commit_code: int = 0
    commit_block: int = 7
    commit_delay: float = 0.0
    requests: dict[str, list[Any]] = field(default_factory=dict)
    # chaincode events: list of responses; after `fail_events_after` responses the
    # first stream fails with UNAVAILABLE (reconnection tests).
    event_blocks: list[tuple[int, list[tuple[str, str, bytes]]]] = field(default_factory=list)
    fail_events_after: int | None = None
    blocks: list[int] = field(default_factory=list)
    fail_blocks_after: int | None = None
    deliver_status: int | None = None
    client_tls_hashes: list[bytes] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    streams_started: int = 0

    def record(self, method: str, request: Any) -> None:
        with self.lock:
            self.requests.setdefault(method, []).append(request)

    def fail_if_scripted(self, method: str, context: Any) -> None:
        failure = self.failures.get(method)
        if failure is None:
            return
        if failure.details:
            blob = encode_status_details(failure.code.value[0], failure.message, failure.details)
            context.set_trailing_metadata((("grpc-status-details-bin", blob),))
        context.abort(failure.code, failure.message)


def _check_signature(creator: bytes, message: bytes, signature: bytes, context: Any) -> None:
    if not signature:
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, "request must be signed")
    if not verify(creator, message, signature):
        context.abort(grpc.StatusCode.PERMISSION_DENIED, "signature verification failed")


def _proposal_parts(signed_proposal: Any) -> tuple[bytes, Any, Any]:
    proposal = proposal_pb2.Proposal.FromString(signed_proposal.proposal_bytes)
    header = common_pb2.Header.FromString(proposal.header)
    signature_header = common_pb2.SignatureHeader.FromString(header.signature_header)
    channel_header = common_pb2.ChannelHeader.FromString(header.channel_header)
    return signature_header.creator, channel_header, proposal


class FakeGateway(gateway_pb2_grpc.GatewayServicer):
    def __init__(self, peer: FakePeer) -> None:
        self.peer = peer

    def _function(self, proposal: Any) -> str:
        payload = proposal_pb2.ChaincodeProposalPayload.FromString(proposal.payload)
        spec = chaincode_pb2.ChaincodeInvocationSpec.FromString(payload.input)
        return spec.chaincode_spec.input.args[0].decode()

    def Evaluate(self, request: Any, context: Any) -> Any:
        self.peer.record("Evaluate", request)
        creator, _, proposal = _proposal_parts(request.proposed_transaction)
        _check_signature(creator, request.proposed_transaction.proposal_bytes,
                         request.proposed_transaction.signature, context)
        self.peer.fail_if_scripted("Evaluate", context)
        result = self.peer.results.get(self._function(proposal), b"evaluated")
        return gateway_pb2.EvaluateResponse(result=proposal_response_pb2.Response(status=200, payload=result))

    def Endorse(self, request: Any, context: Any) -> Any:
        self.peer.record("Endorse", request)
        creator, _, proposal = _proposal_parts(request.proposed_transaction)
        _check_signature(creator, request.proposed_transaction.proposal_bytes,
                         request.proposed_transaction.signature, context)
        self.peer.fail_if_scripted("Endorse", context)
        result = self.peer.results.get(self._function(proposal), b"endorsed")
        envelope = prepared_envelope(request.proposed_transaction.proposal_bytes, result)
        return gateway_pb2.EndorseResponse(prepared_transaction=envelope)

    def Submit(self, request: Any, context: Any) -> Any:
        self.peer.record("Submit", request)
        payload = common_pb2.Payload.FromString(request.prepared_transaction.payload)
        creator = common_pb2.SignatureHeader.FromString(payload.header.signature_header).creator
        _check_signature(creator, request.prepared_transaction.payload,
                         request.prepared_transaction.signature, context)
        self.peer.fail_if_scripted("Submit", context)
        return gateway_pb2.SubmitResponse()

    def CommitStatus(self, request: Any, context: Any) -> Any:
        self.peer.record("CommitStatus", request)
        inner = gateway_pb2.CommitStatusRequest.FromString(request.request)
        _check_signature(inner.identity, request.request, request.signature, context)
        self.peer.fail_if_scripted("CommitStatus", context)
        if self.peer.commit_delay:
            threading.Event().wait(self.peer.commit_delay)
        return gateway_pb2.CommitStatusResponse(result=self.peer.commit_code, block_number=self.peer.commit_block)

    def ChaincodeEvents(self, request: Any, context: Any) -> Iterator[Any]:
        self.peer.record("ChaincodeEvents", request)
        inner = gateway_pb2.ChaincodeEventsRequest.FromString(request.request)
        _check_signature(inner.identity, request.request, request.signature, context)
        self.peer.fail_if_scripted("ChaincodeEvents", context)
        with self.peer.lock:
            self.peer.streams_started += 1
            first_stream = self.peer.streams_started == 1
        # Emulate the real gateway: start at the requested block, skip up to
        # and including after_transaction_id.
        start = inner.start_position.specified.number if inner.start_position.HasField("specified") else 0
        skipping = bool(inner.after_transaction_id)
        sent = 0
        for block, events in self.peer.event_blocks:
            if block < start:
                continue
            out = []
            for tx_id, name, payload in events:
                if skipping:
                    if tx_id == inner.after_transaction_id:
                        skipping = False
                    continue
                out.append(chaincode_event_pb2.ChaincodeEvent(
                    chaincode_id=inner.chaincode_id, tx_id=tx_id, event_name=name, payload=payload))
            if not out:
                continue
            if first_stream and self.peer.fail_events_after is not None and sent >= self.peer.fail_events_after:
                context.abort(grpc.StatusCode.UNAVAILABLE, "peer restarting")
            yield gateway_pb2.ChaincodeEventsResponse(events=out, block_number=block)
            sent += 1
        # Then behave like a live stream: wait until the client goes away.
        while context.is_active():
            threading.Event().wait(0.02)


class FakeDeliver(events_pb2_grpc.DeliverServicer):
    def __init__(self, peer: FakePeer) -> None:
        self.peer = peer

    def _serve(self, flavour: str, request_iterator: Iterator[Any], context: Any) -> Iterator[Any]:
        envelope = next(request_iterator)
        self.peer.record(flavour, envelope)
        payload = common_pb2.Payload.FromString(envelope.payload)
        creator = common_pb2.SignatureHeader.FromString(payload.header.signature_header).creator
        _check_signature(creator, envelope.payload, envelope.signature, context)
        for key, value in context.auth_context().items():
            if key == "x509_pem_cert":
                cert = x509.load_pem_x509_certificate(value[0])
                self.peer.client_tls_hashes.append(
                    hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).digest())
        if self.peer.deliver_status is not None:
            yield events_pb2.DeliverResponse(status=self.peer.deliver_status)
            return
        with self.peer.lock:
            self.peer.streams_started += 1
            first_stream = self.peer.streams_started == 1
        seek = ab_pb2.SeekInfo.FromString(payload.data)
        start = seek.start.specified.number if seek.start.HasField("specified") else 0
        sent = 0
        for number in self.peer.blocks:
            if number < start:
                continue
            if first_stream and self.peer.fail_blocks_after is not None and sent >= self.peer.fail_blocks_after:
                context.abort(grpc.StatusCode.UNAVAILABLE, "peer restarting")
            block = common_pb2.Block(header=common_pb2.BlockHeader(number=number))
            if flavour == "Deliver":
                yield events_pb2.DeliverResponse(block=block)
            elif flavour == "DeliverFiltered":
                yield events_pb2.DeliverResponse(filtered_block=events_pb2.FilteredBlock(channel_id="priority",
                                                                                        number=number))
            else:
                yield events_pb2.DeliverResponse(block_and_private_data=events_pb2.BlockAndPrivateData(block=block))
            sent += 1
        while context.is_active():
            threading.Event().wait(0.02)

    def Deliver(self, request_iterator: Iterator[Any], context: Any) -> Iterator[Any]:
        return self._serve("Deliver", request_iterator, context)

    def DeliverFiltered(self, request_iterator: Iterator[Any], context: Any) -> Iterator[Any]:
        return self._serve("DeliverFiltered", request_iterator, context)

    def DeliverWithPrivateData(self, request_iterator: Iterator[Any], context: Any) -> Iterator[Any]:
        return self._serve("DeliverWithPrivateData", request_iterator, context)


@dataclass
class RunningPeer:
    peer: FakePeer
    address: str
    server: Any


def start_fake_peer(server_credentials: Any = None) -> RunningPeer:
    peer = FakePeer()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=64))
    gateway_pb2_grpc.add_GatewayServicer_to_server(FakeGateway(peer), server)
    events_pb2_grpc.add_DeliverServicer_to_server(FakeDeliver(peer), server)
    if server_credentials is None:
        port = server.add_insecure_port("127.0.0.1:0")
    else:
        port = server.add_secure_port("127.0.0.1:0", server_credentials)
    server.start()
    return RunningPeer(peer, f"127.0.0.1:{port}", server)


def aio_channel(address: str) -> Any:
    """A plaintext ``grpc.aio`` channel to the fake peer (tests are written once, for the asyncio client)."""
    return grpc.aio.insecure_channel(address)


def sync_channel(address: str) -> Any:
    """The blocking twin of :func:`aio_channel`."""
    return grpc.insecure_channel(address)
