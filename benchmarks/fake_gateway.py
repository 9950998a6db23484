"""A fake Fabric Gateway peer that answers at once, for measuring what the *client* costs.

It serves the Gateway service (Endorse, Submit, CommitStatus, Evaluate) over TLS on 127.0.0.1 with an ephemeral
port, with throwaway credentials made by :func:`write_material`: a TLS CA, the server's certificate, and a
user's signing certificate and key, plus a connection profile in the format ``ipledger network generate``
writes, so our clients (``Gateway.from_profile``) and the Node client (benchmarks/node/common.js) connect to it
exactly as they connect to a real office.

The answers are well formed, shaped like a real peer's for a MAJORITY-endorsed transaction of four offices:

* Endorse: a transaction envelope whose header is the proposal's (so the transaction id and channel are the
  client's own), one action with three endorsements, and the chaincode result;
* Submit: an empty SubmitResponse;
* CommitStatus: VALID with a block number (one block per ten transactions);
* Evaluate: the chaincode result.

The chaincode result echoes the first argument of the call (the transaction name when there is none), so a
test can check what came back. Signatures are not verified (tests/unit/gateway's fake peer does that): the
point is to cost the client, not the server. Requests and responses go through gRPC as raw bytes and the parts
of a response that do not depend on the request are serialized once.

    python benchmarks/fake_gateway.py --dir /tmp/fake   # writes credentials + profile, serves, prints the port
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import ipaddress
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.msp import identities_pb2
from fabric_protos.peer import chaincode_pb2, proposal_pb2, proposal_response_pb2, transaction_pb2

OFFICE = "JP"
MSP_ID = "JPMSP"
CHANNEL = "priority"
CHAINCODE = "ipledger"
SERVER_NAME = "peer0.jp.fake.test"
USER = "User1"
PROFILE = "JP.json"
#: Endorsements in each endorsed envelope: MAJORITY of four offices.
ENDORSEMENTS = 3
#: Transactions per block, for the block numbers CommitStatus reports.
BLOCK_SIZE = 10
_VALID = 0


# -- throwaway credentials and the connection profile -------------------------------------------------------

def _certificate(subject: str, key: ec.EllipticCurvePrivateKey, issuer: tuple[str, ec.EllipticCurvePrivateKey],
                 *, ca: bool = False, server: bool = False) -> x509.Certificate:
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer[0])]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if server:
        builder = builder.add_extension(x509.SubjectAlternativeName([
            x509.DNSName(SERVER_NAME), x509.DNSName("localhost"),
            x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
    return builder.sign(issuer[1], hashes.SHA256())


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


@dataclass(frozen=True)
class Material:
    """Where :func:`write_material` put things (all under one directory)."""

    directory: Path
    tls_ca_cert: Path
    server_cert: Path
    server_key: Path
    peer_cert: Path  # the endorsing peers' signing certificate, embedded in endorsements

    @property
    def profile(self) -> Path:
        return self.directory / PROFILE


def write_material(directory: Path) -> Material:
    """A TLS CA and server pair, an MSP CA with a user and a peer, written as PEM files under ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    tls_ca_key = ec.generate_private_key(ec.SECP256R1())
    tls_ca = ("tlsca.jp.fake.test", tls_ca_key)
    server_key = ec.generate_private_key(ec.SECP256R1())
    msp_ca_key = ec.generate_private_key(ec.SECP256R1())
    msp_ca = ("ca.jp.fake.test", msp_ca_key)
    user_key = ec.generate_private_key(ec.SECP256R1())
    peer_key = ec.generate_private_key(ec.SECP256R1())
    files = {
        "tlsca-cert.pem": _pem(_certificate(tls_ca[0], tls_ca_key, tls_ca, ca=True)),
        "server.crt": _pem(_certificate(SERVER_NAME, server_key, tls_ca, server=True)),
        "server.key": _key_pem(server_key),
        "user-cert.pem": _pem(_certificate(f"{USER}@jp.fake.test", user_key, msp_ca)),
        "user-key.pem": _key_pem(user_key),
        "peer-cert.pem": _pem(_certificate(SERVER_NAME, peer_key, msp_ca)),
    }
    for name, data in files.items():
        (directory / name).write_bytes(data)
    return Material(directory, directory / "tlsca-cert.pem", directory / "server.crt", directory / "server.key",
                    directory / "peer-cert.pem")


def write_profile(material: Material, port: int) -> Path:
    """The office's connection profile for a fake gateway listening on ``port``."""
    document = {
        "office": OFFICE,
        "mspId": MSP_ID,
        "name": "Fake Patent Office",
        "channel": CHANNEL,
        "chaincode": CHAINCODE,
        "gateway": {"endpoint": f"127.0.0.1:{port}", "serverName": SERVER_NAME,
                    "tlsRootCertPath": material.tls_ca_cert.name},
        "users": {USER: {"certPath": "user-cert.pem", "keyPath": "user-key.pem"}},
        "mutualTls": False,
    }
    material.profile.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return material.profile


# -- the answers ---------------------------------------------------------------------------------------------

class Responder:
    """Builds each answer from the request bytes; what does not depend on the request is serialized once."""

    def __init__(self, peer_cert: bytes) -> None:
        endorser = identities_pb2.SerializedIdentity(mspid=MSP_ID, id_bytes=peer_cert).SerializeToString()
        # Three endorsements of the shape peers make (identity + DER ECDSA signature; not a valid one).
        self._endorsements = [proposal_response_pb2.Endorsement(endorser=endorser, signature=bytes(71))
                              for _ in range(ENDORSEMENTS)]
        self._submit = gateway_pb2.SubmitResponse().SerializeToString()
        self._committed = 0

    @staticmethod
    def _proposal(signed_proposal: Any) -> tuple[Any, bytes]:
        """(the proposal, the chaincode result): the first argument, else the transaction name."""
        proposal = proposal_pb2.Proposal.FromString(signed_proposal.proposal_bytes)
        payload = proposal_pb2.ChaincodeProposalPayload.FromString(proposal.payload)
        spec = chaincode_pb2.ChaincodeInvocationSpec.FromString(payload.input).chaincode_spec
        arguments = spec.input.args
        return proposal, bytes(arguments[1] if len(arguments) > 1 else arguments[0])

    def evaluate(self, request: bytes) -> bytes:
        parsed = gateway_pb2.EvaluateRequest.FromString(request)
        _, result = self._proposal(parsed.proposed_transaction)
        response = gateway_pb2.EvaluateResponse(result=proposal_response_pb2.Response(status=200, payload=result))
        data: bytes = response.SerializeToString()
        return data

    def endorse(self, request: bytes) -> bytes:
        parsed = gateway_pb2.EndorseRequest.FromString(request)
        proposal, result = self._proposal(parsed.proposed_transaction)
        action = proposal_pb2.ChaincodeAction(
            results=result,  # stands in for the read-write set, which is about as large as the value written
            response=proposal_response_pb2.Response(status=200, payload=result),
            chaincode_id=chaincode_pb2.ChaincodeID(name=CHAINCODE, version="1.0"),
        )
        response_payload = proposal_response_pb2.ProposalResponsePayload(
            proposal_hash=bytes(32), extension=action.SerializeToString())
        action_payload = transaction_pb2.ChaincodeActionPayload(
            chaincode_proposal_payload=proposal.payload,
            action=transaction_pb2.ChaincodeEndorsedAction(
                proposal_response_payload=response_payload.SerializeToString(), endorsements=self._endorsements),
        )
        header = common_pb2.Header.FromString(proposal.header)
        transaction = transaction_pb2.Transaction(actions=[transaction_pb2.TransactionAction(
            header=header.signature_header, payload=action_payload.SerializeToString())])
        payload = common_pb2.Payload(header=header, data=transaction.SerializeToString())
        envelope = common_pb2.Envelope(payload=payload.SerializeToString())
        data: bytes = gateway_pb2.EndorseResponse(prepared_transaction=envelope).SerializeToString()
        return data

    def submit(self, request: bytes) -> bytes:
        return self._submit

    def commit_status(self, request: bytes) -> bytes:
        self._committed += 1
        response = gateway_pb2.CommitStatusResponse(result=_VALID, block_number=1 + self._committed // BLOCK_SIZE)
        data: bytes = response.SerializeToString()
        return data


def _handler(answer: Any) -> Any:
    async def unary(request: bytes, context: Any) -> bytes:
        return answer(request)  # type: ignore[no-any-return]
    # No (de)serializers: the handler gets and returns the raw bytes.
    return grpc.unary_unary_rpc_method_handler(unary)


async def serve(material: Material, port_ready: Any = None) -> None:
    """Serve on 127.0.0.1 (ephemeral port) until cancelled; ``port_ready(port)`` is called once listening."""
    responder = Responder(material.peer_cert.read_bytes())
    server = grpc.aio.server(options=[("grpc.max_receive_message_length", 100 * 1024 * 1024)])
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler("gateway.Gateway", {
        "Evaluate": _handler(responder.evaluate),
        "Endorse": _handler(responder.endorse),
        "Submit": _handler(responder.submit),
        "CommitStatus": _handler(responder.commit_status),
    })])
    credentials = grpc.ssl_server_credentials([(material.server_key.read_bytes(), material.server_cert.read_bytes())])
    port = server.add_secure_port("127.0.0.1:0", credentials)
    await server.start()
    if port_ready is not None:
        port_ready(port)
    try:
        await server.wait_for_termination()
    finally:
        await server.stop(grace=None)


# -- a server in a process of its own -------------------------------------------------------------------------

class FakeGatewayProcess:
    """``python fake_gateway.py`` as a child process: its own CPU, apart from the client measured.

    ``with FakeGatewayProcess(directory) as fake:`` writes the credentials, starts the server, waits for its
    port and writes the profile (``fake.profile``); leaving the block stops it.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.material = write_material(directory)
        self.port = 0
        self._process: subprocess.Popen[str] | None = None

    @property
    def profile(self) -> Path:
        return self.material.profile

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def __enter__(self) -> FakeGatewayProcess:
        self._process = subprocess.Popen(
            [sys.executable, __file__, "--dir", str(self.directory), "--existing"],
            stdout=subprocess.PIPE, text=True)
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line.strip().isdigit():
            self.__exit__(None, None, None)
            raise RuntimeError(f"fake gateway did not start (said {line!r})")
        self.port = int(line)
        write_profile(self.material, self.port)
        return self

    def __exit__(self, *_: object) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server process has used so far, from /proc."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, required=True, help="where the credentials and the profile go")
    parser.add_argument("--existing", action="store_true", help="use the credentials already in --dir")
    args = parser.parse_args()
    material = (Material(args.dir, args.dir / "tlsca-cert.pem", args.dir / "server.crt", args.dir / "server.key",
                         args.dir / "peer-cert.pem") if args.existing else write_material(args.dir))

    def ready(port: int) -> None:
        if not args.existing:
            write_profile(material, port)
        print(port, flush=True)

    async def run() -> None:
        task = asyncio.ensure_future(serve(material, ready))
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
        loop.add_signal_handler(signal.SIGINT, task.cancel)
        try:
            await task
        except asyncio.CancelledError:
            pass

    asyncio.run(run())


if __name__ == "__main__":
    main()
