"""The channel's configuration, live: read the latest config block, prepare an update, submit one to an orderer.

Reading goes through an office admin's ``peer channel fetch config`` (the orderer's Deliver service); submitting
broadcasts a ``CONFIG_UPDATE`` envelope straight to the office's orderer over gRPC, signed by the submitter but
carrying only the signatures collected in the update file (``peer channel update`` would add the submitter's own
admin signature, which would make the local policy check meaningless).
"""

from __future__ import annotations

import copy
import tempfile
from dataclasses import dataclass
from pathlib import Path

import grpc

from ipledger.consortium.plan import ConsortiumPlan, OfficePlan
from ipledger.operator._config_protos import ab_pb2_grpc, common_pb2
from ipledger.operator.admin import OfficeAdmin
from ipledger.operator.config_errors import ConfigUpdateError, ConfigUpdateRefusedError, PolicyNotSatisfiedError
from ipledger.operator.config_policy import JSON
from ipledger.operator.config_update import ConfigUpdate, Signatory, new_signature_header
from ipledger.operator.deadline import Deadline
from ipledger.operator.configtxlator import Configtxlator
from ipledger.operator.errors import OperatorError
from ipledger.operator.leader import leader_other_than_own

CONFIG_UPDATE = 2  # common.HeaderType.CONFIG_UPDATE
LEADER_WAIT = 30.0  # seconds the BFT leader has to order an update before the office's own orderer gets it


@dataclass(frozen=True)
class ChannelConfig:
    """The channel's configuration as of its latest config block (``config`` is ``common.Config`` JSON)."""

    channel: str
    block_number: int
    config: JSON

    @property
    def sequence(self) -> int:
        return int(self.config.get("sequence") or 0)

    def editable(self) -> JSON:
        """A deep copy to modify and pass to :meth:`ChannelConfigs.prepare`."""
        return copy.deepcopy(self.config)


@dataclass(frozen=True)
class BroadcastResult:
    status: str
    info: str

    @property
    def accepted(self) -> bool:
        return self.status == "SUCCESS"


def admin_signatory(admin: OfficeAdmin) -> Signatory:
    """The office's admin, from its own MSP folder."""
    return Signatory.from_msp_directory(admin.office.msp_id, admin.admin_dir / "msp")


def broadcast(plan: ConsortiumPlan, office: OfficePlan, envelope: bytes, *, timeout: float = 30.0,
              client_tls: tuple[bytes, bytes] | None = None, tls_root_file: Path | None = None) -> BroadcastResult:
    """Send one signed ``common.Envelope`` to ``office``'s orderer (AtomicBroadcast.Broadcast) and return its answer.

    ``client_tls`` (key PEM, certificate PEM) is needed when the consortium requires mutual TLS;
    ``tls_root_file`` when ``office`` is another office (default: ``office``'s own TLS root).
    """
    tls_root = (tls_root_file or plan.crypto_dir(office) / "tlsca" / "tlsca-cert.pem").read_bytes()
    key, cert = client_tls if client_tls else (None, None)
    credentials = grpc.ssl_channel_credentials(root_certificates=tls_root, private_key=key, certificate_chain=cert)
    target = f"{office.host_ip}:{office.orderer.port}"
    with grpc.secure_channel(target, credentials,
                             options=[("grpc.ssl_target_name_override", office.orderer.host)]) as channel:
        stub = ab_pb2_grpc.AtomicBroadcastStub(channel)
        try:
            responses = stub.Broadcast(iter([common_pb2.Envelope.FromString(envelope)]), timeout=timeout)
            response = next(iter(responses))
        except grpc.RpcError as exc:
            raise OperatorError(f"cannot broadcast to {office.orderer.host} ({target}): {exc}") from exc
        except StopIteration:
            raise OperatorError(f"{office.orderer.host} closed the broadcast stream without an answer") from None
    return BroadcastResult(common_pb2.Status.Name(response.status), str(response.info))


def config_update_envelope(update: ConfigUpdate, submitter: Signatory) -> bytes:
    """The ``CONFIG_UPDATE`` envelope for the orderer: the update envelope, signed by whoever submits it."""
    channel_header = common_pb2.ChannelHeader(type=CONFIG_UPDATE, version=0, channel_id=update.channel, epoch=0)
    channel_header.timestamp.GetCurrentTime()
    header = common_pb2.Header(channel_header=channel_header.SerializeToString(),
                                signature_header=new_signature_header(submitter.creator))
    payload: bytes = common_pb2.Payload(header=header, data=update.envelope()).SerializeToString()
    envelope: bytes = common_pb2.Envelope(payload=payload, signature=submitter.sign(payload)).SerializeToString()
    return envelope


class ChannelConfigs:
    """One channel's configuration through one office: its admin reads, its orderer takes updates."""

    def __init__(self, admin: OfficeAdmin) -> None:
        self.admin = admin
        self.translator = Configtxlator(admin.toolchain.fabric("configtxlator"))

    @property
    def channel(self) -> str:
        return self.admin.plan.channel

    def current(self) -> ChannelConfig:
        """The latest configuration block's config (``peer channel fetch config``)."""
        with tempfile.TemporaryDirectory(prefix="ipledger-config-") as tmp:
            block_file = Path(tmp) / "config.block"
            self.admin.peer("channel", "fetch", "config", str(block_file), "-c", self.channel,
                            *self.admin.orderer_args(), timeout=60)
            block = self.translator.decode("common.Block", block_file.read_bytes())
        try:
            config = block["data"]["data"][0]["payload"]["data"]["config"]
            number = int(block["header"].get("number") or 0)
        except (KeyError, IndexError, TypeError) as exc:
            raise OperatorError(f"the config block of {self.channel} has no configuration: {exc}") from exc
        return ChannelConfig(self.channel, number, config)

    def prepare(self, modified: JSON, *, base: ChannelConfig | None = None, note: str = "") -> ConfigUpdate:
        """The update from the current configuration (or ``base``) to ``modified``, with no signature yet."""
        original = base or self.current()
        return ConfigUpdate.prepare(self.channel, original.config, modified, self.translator, note)

    def load(self, path: Path) -> ConfigUpdate:
        return ConfigUpdate.load(path, self.translator)

    def submit(self, update: ConfigUpdate, *, submitter: Signatory | None = None, check_policies: bool = True,
               wait: float = 60.0) -> ChannelConfig:
        """Check the policies against the current configuration, broadcast, and wait for the new config block
        on the office's orderer and its own peers (:meth:`enforced`).

        Raises PolicyNotSatisfiedError (naming whose signatures are missing) or StaleConfigUpdateError before
        anything is sent, and ConfigUpdateRefusedError when the orderer refuses; in every case the channel's
        configuration is unchanged. ``check_policies=False`` leaves the judgement to the orderer.
        """
        if update.channel != self.channel:
            raise ConfigUpdateError(f"the update is for channel {update.channel}, not {self.channel}")
        before = self.current()
        if check_policies:
            missing = update.missing_signers(before.config)
            if missing:
                raise PolicyNotSatisfiedError(missing)
        envelope = config_update_envelope(update, submitter or admin_signatory(self.admin))
        plan, own = self.admin.plan, self.admin.office
        leader = leader_other_than_own(self.admin)
        if leader is not None:  # the shortcut (see ipledger.operator.leader); its own orderer if not taken
            ordered: ChannelConfig | None = None
            try:
                if broadcast(plan, leader, envelope, client_tls=self._client_tls(),
                             tls_root_file=plan.tls_root_file(leader.slug)).accepted:
                    ordered = self.wait_for_sequence(before.sequence + 1, min(wait, LEADER_WAIT))
            except OperatorError:
                ordered = None
            if ordered is not None:
                return self.enforced(ordered, wait)
        result = broadcast(plan, own, envelope, client_tls=self._client_tls())
        if not result.accepted:
            if leader is not None and (latest := self.current()).sequence > before.sequence:
                return self.enforced(latest, wait)  # the leader ordered it after all: the same update is stale
            raise ConfigUpdateRefusedError(own.orderer.host, result.status, result.info)
        return self.enforced(self.wait_for_sequence(before.sequence + 1, wait), wait)

    def enforced(self, config: ChannelConfig, wait: float) -> ChannelConfig:
        """``config`` once the office's own peers have committed its block: from then on they enforce it (a
        revoked user is refused by them, not only by the orderers). A peer that does not answer is not waited
        for: it applies the block when it is back, before it serves anything newer."""
        deadline = Deadline(wait, pause=0.3)
        for peer in self.admin.office.peers:
            try:
                height = deadline.until(lambda: self.admin.peer_height(peer), lambda h: h > config.block_number,
                                        retry_on=())
            except OperatorError:
                continue
            if height <= config.block_number:
                raise OperatorError(f"{peer.host} has not committed config block {config.block_number} of "
                                    f"{self.channel} after {wait:.0f}s (its height: {height})")
        return config

    def wait_for_sequence(self, sequence: int, wait: float) -> ChannelConfig:
        latest = Deadline(wait, pause=0.5).until(self.current, lambda c: c.sequence >= sequence, retry_on=())
        if latest.sequence < sequence:
            raise OperatorError(f"the orderer accepted the update but channel {self.channel}'s configuration "
                                f"is still at sequence {latest.sequence} after {wait:.0f}s")
        return latest

    def _client_tls(self) -> tuple[bytes, bytes] | None:
        if not self.admin.plan.spec.mutual_tls:
            return None
        tls = self.admin.admin_dir / "tls"
        return (tls / "client.key").read_bytes(), (tls / "client.crt").read_bytes()
