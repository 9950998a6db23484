"""A channel configuration update as a file that travels between office admins: prepared once, inspected and
signed offline by each admin with its own key, submitted by anyone once the channel's policies are met.

The file is JSON: the ``common.ConfigUpdate`` bytes every admin signs (base64, never re-encoded), the signatures
collected so far (``common.ConfigSignature``: signature header + ECDSA signature over header || update, as
``peer channel signconfigtx`` makes them), and the configuration the update was computed from, which lets an
admin see old and new content side by side without network access.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ipledger._files import write_atomically
from ipledger.credentials.hashing import Hash
from ipledger.credentials.identity import Identity, load_msp_directory
from ipledger.credentials.signing import Signer
from ipledger.operator._config_protos import common_pb2, configtx_pb2, identities_pb2
from ipledger.operator.config_diff import Change, describe_changes
from ipledger.operator.config_errors import ConfigUpdateError, StaleConfigUpdateError
from ipledger.operator.config_policy import (
    JSON,
    PolicyResult,
    SignerIdentity,
    StaleUpdate,
    delta_set,
    evaluate_update,
    msp_views,
    signature_verifies,
)
from ipledger.operator.configtxlator import Configtxlator

FORMAT = "ipledger.config-update/1"
NONCE_LENGTH = 24  # as Fabric's crypto.GetRandomNonce


@dataclass(frozen=True)
class Signatory:
    """An admin who signs: its identity (MSP ID + certificate) and its signer (the private key stays with it)."""

    identity: Identity
    signer: Signer = field(repr=False)

    @classmethod
    def from_msp_directory(cls, msp_id: str, directory: Path) -> Signatory:
        """The admin of an MSP folder (``signcerts/`` + ``keystore/``), e.g. ``OfficeAdmin.admin_dir / "msp"``."""
        identity, signer = load_msp_directory(msp_id, directory)
        return cls(identity, signer)

    @property
    def creator(self) -> bytes:
        """``msp.SerializedIdentity`` bytes, as Fabric puts into signature headers."""
        message = identities_pb2.SerializedIdentity(mspid=self.identity.msp_id, id_bytes=self.identity.certificate)
        data: bytes = message.SerializeToString()
        return data

    def sign(self, message: bytes) -> bytes:
        """ECDSA over SHA-256 of ``message`` (low-S DER), as Fabric's signers do."""
        return self.signer(Hash.SHA256.digest(message))


def new_signature_header(creator: bytes, nonce: bytes | None = None) -> bytes:
    """``common.SignatureHeader{creator, nonce}`` bytes."""
    header = common_pb2.SignatureHeader(creator=creator, nonce=nonce if nonce is not None else os.urandom(NONCE_LENGTH))
    data: bytes = header.SerializeToString()
    return data


def signing_payload(signature_header: bytes, config_update: bytes) -> bytes:
    """What a config signature signs: the header bytes then the update bytes (``ConfigUpdateEnvelopeAsSignedData``)."""
    return signature_header + config_update


@dataclass(frozen=True)
class ConfigSignature:
    """One admin's ``common.ConfigSignature`` over the update."""

    signature_header: bytes
    signature: bytes

    @classmethod
    def create(cls, config_update: bytes, signatory: Signatory, nonce: bytes | None = None) -> ConfigSignature:
        header = new_signature_header(signatory.creator, nonce)
        return cls(header, signatory.sign(signing_payload(header, config_update)))

    def signer(self, config_update: bytes) -> SignerIdentity:
        """Who made this signature, and whether it verifies over ``config_update``."""
        try:
            creator = common_pb2.SignatureHeader.FromString(self.signature_header).creator
            identity = identities_pb2.SerializedIdentity.FromString(creator)
            certificate = bytes(identity.id_bytes)
            valid = signature_verifies(certificate, signing_payload(self.signature_header, config_update),
                                       self.signature)
        except Exception as exc:  # a garbled signature from someone else's file: say so, do not crash
            raise ConfigUpdateError(f"a signature in the update is unreadable: {exc}") from exc
        return SignerIdentity(str(identity.mspid), certificate, valid)

    def to_proto(self) -> Any:
        return configtx_pb2.ConfigSignature(signature_header=self.signature_header, signature=self.signature)


@dataclass(frozen=True)
class SignatureSummary:
    msp_id: str
    subject: str
    valid: bool
    problem: str | None

    def __str__(self) -> str:
        state = "valid" if self.valid else f"NOT VALID: {self.problem}"
        return f"{self.msp_id} {self.subject} ({state})"


@dataclass(frozen=True)
class UpdateDescription:
    """What ``inspect`` shows: the changes, the signatures, and each required policy's state."""

    channel: str
    base_sequence: int
    note: str
    changes: tuple[Change, ...]
    signatures: tuple[SignatureSummary, ...]
    policies: tuple[PolicyResult, ...]

    @property
    def ready(self) -> bool:
        return all(p.satisfied for p in self.policies)

    def render(self) -> str:
        lines = [f"configuration update for channel {self.channel} (from config sequence {self.base_sequence})"]
        if self.note:
            lines.append(f"note: {self.note}")
        lines.append(f"changes ({len(self.changes)}):")
        lines += [f"  {c}" for c in self.changes]
        lines.append(f"signatures ({len(self.signatures)}):")
        lines += [f"  {s}" for s in self.signatures] or ["  none"]
        lines.append("policies to satisfy:")
        for p in self.policies:
            state = "satisfied" if p.satisfied else "NOT satisfied: " + p.detail()
            lines.append(f"  {p.ref} ({p.rule}) for {', '.join(p.guards)}: {state}")
        lines.append("ready to submit" if self.ready else "not ready: more signatures needed")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "channel": self.channel, "base_sequence": self.base_sequence, "note": self.note, "ready": self.ready,
            "changes": [c.as_dict() for c in self.changes],
            "signatures": [{"msp_id": s.msp_id, "subject": s.subject, "valid": s.valid, "problem": s.problem}
                           for s in self.signatures],
            "policies": [{"policy": str(p.ref), "rule": p.rule, "satisfied": p.satisfied, "needed": p.needed,
                          "of": p.of, "signed": list(p.met_by), "missing": list(p.unmet), "guards": list(p.guards),
                          "shortfall": None if p.satisfied else p.shortfall()} for p in self.policies],
        }


@dataclass(frozen=True)
class ConfigUpdate:
    """A prepared update: the exact bytes to sign, their decoded form, the base configuration, the signatures."""

    channel: str
    config_update: bytes
    update: JSON = field(repr=False)
    base_config: JSON = field(repr=False)
    signatures: tuple[ConfigSignature, ...] = ()
    note: str = ""

    @classmethod
    def prepare(cls, channel: str, original_config: JSON, modified_config: JSON, translator: Configtxlator,
                note: str = "") -> ConfigUpdate:
        """The update from ``original_config`` to ``modified_config`` (both ``common.Config`` JSON)."""
        raw = translator.compute_update(channel, translator.encode("common.Config", original_config),
                                        translator.encode("common.Config", modified_config))
        return cls(channel, raw, translator.decode("common.ConfigUpdate", raw), original_config, (), note)

    @property
    def base_sequence(self) -> int:
        return int(self.base_config.get("sequence") or 0)

    # -- signatures -----------------------------------------------------------------------------------------
    def sign(self, signatory: Signatory) -> ConfigUpdate:
        """A copy with ``signatory``'s signature added (offline: only the private key is used).

        Signing twice with one certificate replaces the earlier signature; Fabric would count it once anyway.
        """
        signature = ConfigSignature.create(self.config_update, signatory)
        kept = tuple(s for s in self.signatures
                     if s.signer(self.config_update).certificate.strip() != signatory.identity.certificate.strip())
        return replace(self, signatures=(*kept, signature))

    def signers(self) -> list[SignerIdentity]:
        return [s.signer(self.config_update) for s in self.signatures]

    # -- what it does and what it needs ---------------------------------------------------------------------
    def changes(self) -> list[Change]:
        return describe_changes(self.base_config, self.update)

    def policies(self, config: JSON | None = None) -> list[PolicyResult]:
        """Every policy the update needs, evaluated against ``config`` (default: its base configuration).

        Raises StaleConfigUpdateError when the update does not apply to ``config``.
        """
        try:
            return evaluate_update(config if config is not None else self.base_config, self.update, self.signers())
        except StaleUpdate as exc:
            raise StaleConfigUpdateError(
                f"the update no longer applies to channel {self.channel}'s configuration ({exc}): the "
                "configuration changed since it was prepared; prepare it again from the current one") from exc

    def missing_signers(self, config: JSON | None = None) -> list[PolicyResult]:
        """The policies not yet satisfied (empty when the update is ready to submit)."""
        return [p for p in self.policies(config) if not p.satisfied]

    def describe(self, config: JSON | None = None) -> UpdateDescription:
        views = msp_views(config if config is not None else self.base_config)
        summaries = []
        for signer in self.signers():
            view = views.get(signer.msp_id)
            problem = None if signer.signature_valid else "the signature does not verify over this update"
            if problem is None:
                problem = view.validate(signer) if view else f"{signer.msp_id} is not an organisation of the channel"
            summaries.append(SignatureSummary(signer.msp_id, signer.subject, problem is None, problem))
        return UpdateDescription(self.channel, self.base_sequence, self.note, tuple(self.changes()),
                                 tuple(summaries), tuple(self.policies(config)))

    # -- wire and file forms --------------------------------------------------------------------------------
    def envelope(self) -> bytes:
        """``common.ConfigUpdateEnvelope`` bytes: the update and its signatures, as the orderer takes them."""
        message = configtx_pb2.ConfigUpdateEnvelope(config_update=self.config_update,
                                                    signatures=[s.to_proto() for s in self.signatures])
        data: bytes = message.SerializeToString()
        return data

    def to_document(self) -> dict[str, Any]:
        signers = self.signers()
        return {
            "format": FORMAT,
            "channel": self.channel,
            "note": self.note,
            "base_sequence": self.base_sequence,
            "config_update": _b64(self.config_update),
            # msp_id and subject are for people reading the file; the header is what counts.
            "signatures": [{"msp_id": who.msp_id, "subject": who.subject,
                            "signature_header": _b64(s.signature_header), "signature": _b64(s.signature)}
                           for s, who in zip(self.signatures, signers)],
            "base_config": self.base_config,
        }

    def save(self, path: Path) -> Path:
        write_atomically(path, (json.dumps(self.to_document(), indent=1) + "\n").encode(), private=False)
        return path

    @classmethod
    def from_document(cls, document: dict[str, Any], translator: Configtxlator) -> ConfigUpdate:
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ConfigUpdateError(f"not an ipledger configuration update file (format {FORMAT!r} expected)")
        try:
            raw = base64.b64decode(document["config_update"], validate=True)
            signatures = tuple(ConfigSignature(base64.b64decode(s["signature_header"], validate=True),
                                               base64.b64decode(s["signature"], validate=True))
                               for s in document.get("signatures") or [])
            channel, base = str(document["channel"]), document["base_config"]
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigUpdateError(f"the update file is damaged: {exc}") from exc
        update = translator.decode("common.ConfigUpdate", raw)
        if update.get("channel_id") != channel:
            raise ConfigUpdateError(f"the update is for channel {update.get('channel_id')!r}, "
                                    f"the file says {channel!r}")
        if not delta_set(update):
            raise ConfigUpdateError("the update changes nothing")
        return cls(channel, raw, update, base, signatures, str(document.get("note") or ""))

    @classmethod
    def load(cls, path: Path, translator: Configtxlator) -> ConfigUpdate:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigUpdateError(f"cannot read the update file {path}: {exc}") from exc
        return cls.from_document(document, translator)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
