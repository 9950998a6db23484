"""Which channel policies an update must meet, and whether its signatures meet them: Fabric's rules, evaluated here.

Works on configurations as ``configtxlator proto_decode`` prints them (``common.Config`` /
``common.ConfigUpdate`` JSON). The rules follow Fabric's ``common/configtx`` (delta set, ``policyForItem``) and
``common/cauthdsl`` / ``common/policies`` (signature and implicit-meta policies), so that an update refused here
would be refused by the orderer too, and the error can say whose signature is missing.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

Kind = Literal["group", "value", "policy"]
JSON = dict[str, Any]
ROOT = "Channel"
SIGNATURE_POLICY = 1
IMPLICIT_META_POLICY = 3
_CHILDREN: dict[Kind, str] = {"group": "groups", "value": "values", "policy": "policies"}


# -- the configuration tree ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Element:
    """One group, value or policy of a configuration tree; ``path`` is its parent group's path."""

    kind: Kind
    path: tuple[str, ...]
    name: str
    node: JSON

    @property
    def full_path(self) -> tuple[str, ...]:
        return (*self.path, self.name)

    @property
    def version(self) -> int:
        return int(self.node.get("version") or 0)

    @property
    def mod_policy(self) -> str:
        return str(self.node.get("mod_policy") or "")

    @property
    def label(self) -> str:
        """``Application/JPMSP/MSP``: the path below the channel group, as people name it."""
        return "/".join(self.full_path[1:]) or ROOT


def elements(group: JSON, name: str = ROOT, path: tuple[str, ...] = ()) -> dict[tuple[Kind, tuple[str, ...]], Element]:
    """Every element of a group tree, keyed by (kind, full path): Fabric's ``mapConfig``."""
    out: dict[tuple[Kind, tuple[str, ...]], Element] = {}
    root = Element("group", path, name, group)
    out[("group", root.full_path)] = root
    for kind in ("value", "policy"):
        for child, node in sorted((group.get(_CHILDREN[kind]) or {}).items()):
            element = Element(kind, root.full_path, child, node or {})
            out[(element.kind, element.full_path)] = element
    for child, node in sorted((group.get("groups") or {}).items()):
        out.update(elements(node or {}, child, root.full_path))
    return out


def channel_group(config: JSON) -> JSON:
    group = config.get("channel_group")
    if not isinstance(group, dict):
        raise ValueError("not a channel configuration: it has no channel_group")
    return group


def group_at(config: JSON, path: Sequence[str]) -> JSON | None:
    """The group at ``("Channel", "Application", ...)``, or None."""
    if not path or path[0] != ROOT:
        return None
    group: JSON | None = channel_group(config)
    for name in path[1:]:
        group = (group or {}).get("groups", {}).get(name)
        if group is None:
            return None
    return group


def delta_set(update: JSON) -> list[Element]:
    """What an update changes: write-set elements whose version differs from the read set (``computeDeltaSet``)."""
    read = elements(update.get("read_set") or {})
    write = elements(update.get("write_set") or {})
    changed = []
    for key, element in write.items():
        before = read.get(key)
        if before is not None and before.version == element.version:
            continue
        changed.append(element)
    return changed


@dataclass(frozen=True)
class PolicyRef:
    """A policy by absolute path: the group holding it and its name."""

    group: tuple[str, ...]
    name: str

    def __str__(self) -> str:
        return "/" + "/".join((*self.group, self.name))


def mod_policy_of(existing: Element) -> PolicyRef:
    """The policy that guards changes to ``existing`` (Fabric's ``policyForItem``).

    A relative ``mod_policy`` is found in the element's parent group, or in the group itself for a group; an
    absolute one (``/Channel/...``) from the root.
    """
    name = existing.mod_policy
    if name.startswith("/"):
        parts = tuple(name[1:].split("/"))
        return PolicyRef(parts[:-1], parts[-1])
    if existing.kind == "group":
        return PolicyRef(existing.full_path, name)
    return PolicyRef(existing.path, name)


class StaleUpdate(Exception):
    """The update was computed against other versions than the configuration at hand."""


def required_policies(config: JSON, update: JSON) -> list[tuple[PolicyRef, list[Element]]]:
    """Each policy the update must satisfy against ``config``, with the elements that need it.

    New elements need no policy of their own: adding them bumps their parent group, whose policy applies.
    Raises StaleUpdate when the update does not apply to ``config`` (read set or versions differ).
    """
    current = elements(channel_group(config))
    for key, element in elements(update.get("read_set") or {}).items():
        existing = current.get(key)
        if existing is None:
            raise StaleUpdate(f"{element.label} is in the update's read set but not in the configuration")
        if existing.version != element.version:
            raise StaleUpdate(f"the update expects {element.label} at version {element.version}, "
                              f"the configuration has version {existing.version}")
    by_policy: dict[PolicyRef, list[Element]] = {}
    for element in delta_set(update):
        existing = current.get((element.kind, element.full_path))
        if existing is None:
            if element.version != 0:
                raise StaleUpdate(f"the update sets new {element.label} to version {element.version}")
            continue
        if element.version != existing.version + 1:
            raise StaleUpdate(f"the update sets {element.label} to version {element.version}, "
                              f"the configuration has version {existing.version}")
        by_policy.setdefault(mod_policy_of(existing), []).append(element)
    return sorted(by_policy.items(), key=lambda item: str(item[0]))


# -- who signed ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignerIdentity:
    """A signer as a policy sees it: MSP, certificate, and whether its signature verified."""

    msp_id: str
    certificate: bytes
    signature_valid: bool

    @property
    def x509(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.certificate)

    @property
    def subject(self) -> str:
        names = self.x509.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return str(names[0].value) if names else self.x509.subject.rfc4514_string()

    @property
    def units(self) -> tuple[str, ...]:
        return tuple(str(a.value) for a in self.x509.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME))


def signature_verifies(certificate: bytes, data: bytes, signature: bytes) -> bool:
    """ECDSA-SHA256 over ``data`` with the certificate's key, as Fabric's BCCSP verifies config signatures."""
    key = x509.load_pem_x509_certificate(certificate).public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return False
    try:
        key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


@dataclass(frozen=True)
class MspView:
    """The parts of a channel MSP definition a policy check needs."""

    msp_id: str
    roots: tuple[x509.Certificate, ...]
    admins: tuple[bytes, ...]
    crls: tuple[x509.CertificateRevocationList, ...]
    node_ous: bool
    ou_of_role: Mapping[str, str]

    def validate(self, signer: SignerIdentity) -> str | None:
        """Why ``signer`` is not a valid identity of this MSP, or None when it is."""
        if signer.msp_id != self.msp_id:
            return f"belongs to {signer.msp_id}, not {self.msp_id}"
        cert = signer.x509
        if not any(_issued_by(cert, root) for root in self.roots):
            return f"its certificate was not issued by a CA of {self.msp_id}"
        for crl in self.crls:
            if crl.issuer == cert.issuer and crl.get_revoked_certificate_by_serial_number(cert.serial_number):
                return "its certificate is revoked"
        return None

    def has_role(self, signer: SignerIdentity, role: str) -> bool:
        if self.validate(signer) is not None:
            return False
        if role == "MEMBER":
            return True
        if role == "ADMIN" and _pem_key(signer.certificate) in {_pem_key(a) for a in self.admins}:
            return True
        unit = self.ou_of_role.get(role)
        return self.node_ous and unit is not None and unit in signer.units


def _pem_key(pem: bytes) -> bytes:
    return pem.strip().replace(b"\r\n", b"\n")


def _issued_by(cert: x509.Certificate, ca: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _b64_list(values: Iterable[str] | None) -> list[bytes]:
    return [base64.b64decode(v) for v in values or ()]


def msp_views(config: JSON) -> dict[str, MspView]:
    """Every organisation MSP of the channel (application and orderer groups), by MSP ID."""
    views: dict[str, MspView] = {}
    for key, element in elements(channel_group(config)).items():
        if element.kind != "value" or element.name != "MSP":
            continue
        msp = (element.node.get("value") or {}).get("config") or {}
        msp_id = str(msp.get("name", ""))
        ous = msp.get("fabric_node_ous") or {}
        roles = {}
        for role, field_name in (("ADMIN", "admin_ou_identifier"), ("CLIENT", "client_ou_identifier"),
                                 ("PEER", "peer_ou_identifier"), ("ORDERER", "orderer_ou_identifier")):
            unit = (ous.get(field_name) or {}).get("organizational_unit_identifier")
            if unit:
                roles[role] = str(unit)
        views[msp_id] = MspView(
            msp_id=msp_id,
            roots=tuple(x509.load_pem_x509_certificate(pem)
                        for pem in _b64_list(msp.get("root_certs")) + _b64_list(msp.get("intermediate_certs"))),
            admins=tuple(_b64_list(msp.get("admins"))),
            crls=tuple(x509.load_pem_x509_crl(pem) for pem in _b64_list(msp.get("revocation_list"))),
            node_ous=bool(ous.get("enable")),
            ou_of_role=roles,
        )
    return views


# -- evaluating policies ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyResult:
    """How one policy fared: its rule, whether met, and (for implicit-meta policies) which sub-policies were."""

    ref: PolicyRef
    rule: str
    satisfied: bool
    needed: int
    of: int
    met_by: tuple[str, ...] = ()
    unmet: tuple[str, ...] = ()
    children: tuple[PolicyResult, ...] = field(default=(), repr=False)
    guards: tuple[str, ...] = ()

    def shortfall(self) -> str:
        """One line for people, e.g. ``/Channel/Orderer/Admins (MAJORITY Admins) for Orderer/BatchTimeout: needs
        3 of 4 organisations; signed: JPMSP, USMSP; missing: one of EPMSP, KRMSP``."""
        what = f" for {', '.join(self.guards)}" if self.guards else ""
        return f"{self.ref} ({self.rule}){what}: {self.detail()}"

    def detail(self) -> str:
        signed = ", ".join(self.met_by) or "none"
        lacking = self.needed - len(self.met_by)
        if lacking >= len(self.unmet):
            missing = ", ".join(self.unmet)
        else:
            missing = f"{_count_word(lacking)} of {', '.join(self.unmet)}"
        return f"needs {self.needed} of {self.of}; signed: {signed}; missing: {missing or 'none'}"


def _count_word(n: int) -> str:
    return {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}.get(n, str(n))


def _principal_label(identity: JSON) -> str:
    principal = identity.get("principal") or {}
    if identity.get("principal_classification", "ROLE") == "ROLE":
        return f"{principal.get('msp_identifier', '?')}.{str(principal.get('role', 'MEMBER')).lower()}"
    return str(identity.get("principal_classification"))


def render_policy(policy: JSON) -> str:
    """A policy as people write it: ``MAJORITY Admins`` or ``OR('JPMSP.admin')``."""
    value = policy.get("value") or {}
    if int(policy.get("type") or 0) == IMPLICIT_META_POLICY:
        return f"{value.get('rule', 'ANY')} {value.get('sub_policy', '')}"
    if int(policy.get("type") or 0) == SIGNATURE_POLICY:
        labels = [_principal_label(i) for i in value.get("identities") or []]
        return _render_rule(value.get("rule") or {}, labels)
    return f"policy type {policy.get('type')}"


def _render_rule(rule: JSON, labels: Sequence[str]) -> str:
    if "n_out_of" in rule:
        inner = rule["n_out_of"] or {}
        parts = [_render_rule(r or {}, labels) for r in inner.get("rules") or []]
        n = int(inner.get("n") or 0)
        name = "OR" if n == 1 else "AND" if n == len(parts) else f"OutOf({n}"
        return f"{name}({', '.join(parts)})" if not name.startswith("OutOf") else f"{name}, {', '.join(parts)})"
    index = int(rule.get("signed_by") or 0)
    return f"'{labels[index]}'" if index < len(labels) else f"signed_by({index})"


class PolicyEvaluator:
    """Evaluates the policies of one configuration against a set of signers, as the orderer would."""

    def __init__(self, config: JSON, signers: Sequence[SignerIdentity]) -> None:
        self.config = config
        self.msps = msp_views(config)
        # One vote per identity (Fabric drops duplicate signers) and only verified signatures count.
        seen: set[bytes] = set()
        self.signers: list[SignerIdentity] = []
        for signer in signers:
            if signer.signature_valid and _pem_key(signer.certificate) not in seen:
                seen.add(_pem_key(signer.certificate))
                self.signers.append(signer)

    def evaluate(self, ref: PolicyRef) -> PolicyResult:
        group = group_at(self.config, ref.group)
        node = ((group or {}).get("policies") or {}).get(ref.name)
        if node is None:
            return PolicyResult(ref, "no such policy", False, 1, 0)
        policy = node.get("policy") or {}
        kind = int(policy.get("type") or 0)
        if kind == IMPLICIT_META_POLICY:
            return self._implicit_meta(ref, group or {}, policy.get("value") or {})
        if kind == SIGNATURE_POLICY:
            return self._signature(ref, policy.get("value") or {})
        return PolicyResult(ref, render_policy(policy), False, 1, 0)

    def _implicit_meta(self, ref: PolicyRef, group: JSON, value: JSON) -> PolicyResult:
        sub_policy = str(value.get("sub_policy", ""))
        rule = str(value.get("rule") or "ANY")
        children = tuple(self.evaluate(PolicyRef((*ref.group, name), sub_policy))
                         for name in sorted(group.get("groups") or {}))
        total = len(children)
        needed = {"ANY": 1, "ALL": total, "MAJORITY": total // 2 + 1}.get(rule, total)
        met = tuple(c.ref.group[-1] for c in children if c.satisfied)
        unmet = tuple(c.ref.group[-1] for c in children if not c.satisfied)
        return PolicyResult(ref, f"{rule} {sub_policy}", len(met) >= needed, needed, total, met, unmet, children)

    def _signature(self, ref: PolicyRef, envelope: JSON) -> PolicyResult:
        identities = list(envelope.get("identities") or [])
        labels = [_principal_label(i) for i in identities]
        used = [False] * len(self.signers)
        satisfied = self._rule(envelope.get("rule") or {}, identities, used)
        rule = envelope.get("rule") or {}
        needed = int((rule.get("n_out_of") or {}).get("n") or 1) if "n_out_of" in rule else 1
        signed_labels = tuple(sorted({f"{s.msp_id}" for s, u in zip(self.signers, used) if u}))
        return PolicyResult(ref, _render_rule(rule, labels), satisfied, needed, len(labels),
                            signed_labels if satisfied else (), () if satisfied else tuple(labels))

    def _rule(self, rule: JSON, identities: Sequence[JSON], used: list[bool]) -> bool:
        # Fabric's cauthdsl: each signer can satisfy one principal; an n-out-of commits its choices only if met.
        if "n_out_of" in rule:
            inner = rule["n_out_of"] or {}
            trial = list(used)
            met = sum(1 for sub in inner.get("rules") or [] if self._rule(sub or {}, identities, trial))
            if met >= int(inner.get("n") or 0):
                used[:] = trial
                return True
            return False
        index = int(rule.get("signed_by") or 0)
        if index >= len(identities):
            return False
        for i, signer in enumerate(self.signers):
            if not used[i] and self._satisfies(signer, identities[index]):
                used[i] = True
                return True
        return False

    def _satisfies(self, signer: SignerIdentity, identity: JSON) -> bool:
        if identity.get("principal_classification", "ROLE") != "ROLE":
            return False  # ipledger's channel uses role principals only
        principal = identity.get("principal") or {}
        msp = self.msps.get(str(principal.get("msp_identifier", "")))
        return msp is not None and msp.has_role(signer, str(principal.get("role") or "MEMBER"))


def evaluate_update(config: JSON, update: JSON, signers: Sequence[SignerIdentity]) -> list[PolicyResult]:
    """Every policy the update needs against ``config``, evaluated; raises StaleUpdate when it does not apply."""
    evaluator = PolicyEvaluator(config, signers)
    results = []
    for ref, guarded in required_policies(config, update):
        result = evaluator.evaluate(ref)
        results.append(PolicyResult(result.ref, result.rule, result.satisfied, result.needed, result.of,
                                    result.met_by, result.unmet, result.children,
                                    tuple(e.label for e in guarded)))
    return results
