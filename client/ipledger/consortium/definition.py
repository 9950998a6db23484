"""The consortium definition as written in ``network/consortium.yaml``, and its validation.

Validation collects *every* problem before anything is generated or started, so an operator fixes a
definition in one pass. Each problem names the path of the offending value and the rule it breaks.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

from ipledger.errors import IpledgerError

ST3_CODE = re.compile(r"^[A-Z]{2}$")
MSP_ID = re.compile(r"^[A-Za-z][A-Za-z0-9.-]{0,63}$")
DNS_LABELS = re.compile(r"^(?=.{1,200}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")
CHANNEL_NAME = re.compile(r"^[a-z][a-z0-9.-]{0,248}$")
CHAINCODE_NAME = re.compile(r"^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$")
VERSION = re.compile(r"^[A-Za-z0-9_.+-]{1,64}$")
DURATION = re.compile(r"^[0-9]+(ms|s|m)$")
POLICY_KEYWORDS = ("MAJORITY", "ANY", "ALL")

ORDERING_TYPES = ("BFT", "RAFT")
# Port offsets inside an office's block of ports (see docs in network/consortium.yaml).
PORT_BLOCK = 100
MAX_PEERS_PER_OFFICE = 3


class DefinitionError(IpledgerError):
    """The consortium definition is invalid; ``problems`` lists every problem found."""

    code = "DEFINITION_INVALID"

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source}: {len(problems)} problem(s) in the consortium definition:\n{lines}")


@dataclass(frozen=True)
class OfficeSpec:
    code: str
    msp_id: str
    name: str
    peers: int = 1
    port_base: int | None = None
    # False: not in the genesis block; the office joins the running channel (`ipledger network office join`).
    founding: bool = True
    # The address its nodes are published on when the office runs on a host of its own (the others reach it
    # there, under names that match its TLS certificates); None: the consortium's loopback address.
    host: str | None = None
    # Peers on another host of the office's own (``peerHosts: {peer1: 10.77.0.15}``): (peer name, address).
    peer_hosts: tuple[tuple[str, str], ...] = ()

    def peer_host(self, index: int) -> str | None:
        """The address peer ``index`` is published on when it runs on a host of its own."""
        return dict(self.peer_hosts).get(f"peer{index}")


@dataclass(frozen=True)
class OrderingSpec:
    type: str = "BFT"
    batch_timeout: str = "50ms"
    max_message_count: int = 100


@dataclass(frozen=True)
class ChaincodeSpec:
    name: str = "ipledger"
    version: str = "1.0"
    sequence: int = 1
    endorsement_policy: str = "MAJORITY"


@dataclass(frozen=True)
class PolicySpec:
    endorsement: str = "MAJORITY"
    lifecycle_endorsement: str = "MAJORITY"
    admins: str = "MAJORITY"


@dataclass(frozen=True)
class PortSpec:
    base: int = 7000
    stride: int = 1000
    host: str = "127.0.0.1"


@dataclass(frozen=True)
class ConsortiumSpec:
    name: str
    domain: str
    channel: str
    offices: tuple[OfficeSpec, ...]
    ordering: OrderingSpec = field(default_factory=OrderingSpec)
    chaincode: ChaincodeSpec = field(default_factory=ChaincodeSpec)
    policies: PolicySpec = field(default_factory=PolicySpec)
    ports: PortSpec = field(default_factory=PortSpec)
    mutual_tls: bool = False


_TOP_KEYS = ("consortium", "domain", "channel", "offices", "ordering", "chaincode", "policies", "ports", "tls")
_OFFICE_KEYS = ("code", "mspId", "name", "peers", "portBase", "founding", "host", "peerHosts")
_ORDERING_KEYS = ("type", "batchTimeout", "maxMessageCount")
_CHAINCODE_KEYS = ("name", "version", "sequence", "endorsementPolicy")
_POLICY_KEYS = ("endorsement", "lifecycleEndorsement", "admins")
_PORT_KEYS = ("base", "stride", "host")
_TLS_KEYS = ("mutual",)


class _Checker:
    """Accumulates problems while reading a raw mapping."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def mapping(self, value: Any, path: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(path, f"must be a mapping, got {type(value).__name__}")
            return {}
        for key in value:
            if key not in allowed:
                self.problem(f"{path}.{key}" if path else str(key), f"unknown key (expected one of: {', '.join(allowed)})")
        return value

    def string(self, raw: Mapping[str, Any], key: str, path: str, pattern: re.Pattern[str] | None,
               rule: str, default: str | None = None) -> str:
        value = raw.get(key, default)
        where = f"{path}.{key}" if path else key
        if value is None:
            self.problem(where, "is required")
            return ""
        if not isinstance(value, str):
            self.problem(where, f"must be a string, got {type(value).__name__} {value!r}")
            return ""
        if pattern is not None and not pattern.match(value):
            self.problem(where, f"{value!r} {rule}")
        return value

    def integer(self, raw: Mapping[str, Any], key: str, path: str, default: int | None,
                low: int, high: int) -> int:
        value = raw.get(key, default)
        where = f"{path}.{key}" if path else key
        if value is None:
            self.problem(where, "is required")
            return low
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(where, f"must be an integer, got {value!r}")
            return low
        if not low <= value <= high:
            self.problem(where, f"{value} is out of range ({low}..{high})")
        return value

    def policy(self, raw: Mapping[str, Any], key: str, path: str, default: str) -> str:
        value = self.string(raw, key, path, None, "", default)
        if value and value not in POLICY_KEYWORDS:
            self.problem(f"{path}.{key}", f"{value!r} must be one of {', '.join(POLICY_KEYWORDS)}")
        return value


def parse_definition(raw: Any, source: str = "<definition>") -> ConsortiumSpec:
    """Turn a raw YAML document into a validated :class:`ConsortiumSpec` or raise :class:`DefinitionError`."""
    c = _Checker()
    top = c.mapping(raw, "", _TOP_KEYS)
    if raw is None or not isinstance(raw, dict):
        raise DefinitionError(source, c.problems or ["the document is empty"])

    name = c.string(top, "consortium", "", VERSION, "must be 1-64 letters, digits or _.+-")
    domain = c.string(top, "domain", "", DNS_LABELS, "must be a lowercase DNS name with at least two labels",
                      "ipledger.test")
    channel = c.string(top, "channel", "", CHANNEL_NAME,
                       "must start with a lowercase letter and contain only a-z, 0-9, '.' and '-'", "priority")

    ordering_raw = c.mapping(top.get("ordering"), "ordering", _ORDERING_KEYS)
    ordering_type = c.string(ordering_raw, "type", "ordering", None, "", "BFT").upper()
    if ordering_type not in ORDERING_TYPES:
        c.problem("ordering.type", f"{ordering_type!r} must be one of {', '.join(ORDERING_TYPES)}")
    ordering = OrderingSpec(
        type=ordering_type,
        batch_timeout=c.string(ordering_raw, "batchTimeout", "ordering", DURATION,
                               "must be a duration such as 250ms or 2s", OrderingSpec.batch_timeout),
        max_message_count=c.integer(ordering_raw, "maxMessageCount", "ordering", 100, 1, 10000),
    )

    cc_raw = c.mapping(top.get("chaincode"), "chaincode", _CHAINCODE_KEYS)
    version = cc_raw.get("version", "1.0")
    if isinstance(version, bool) or not isinstance(version, (str, int, float)):
        # A number is taken as its text (YAML reads 1.0 as a float); true/false or a list is a mistake.
        c.problem("chaincode.version", f"must be a string or a number, got {version!r}")
        version = "1.0"
    chaincode = ChaincodeSpec(
        name=c.string(cc_raw, "name", "chaincode", CHAINCODE_NAME,
                      "must be letters and digits, optionally joined by '-' or '_'", "ipledger"),
        version=str(version),
        sequence=c.integer(cc_raw, "sequence", "chaincode", 1, 1, 1_000_000),
        endorsement_policy=c.policy(cc_raw, "endorsementPolicy", "chaincode", "MAJORITY"),
    )
    if not VERSION.match(chaincode.version):
        c.problem("chaincode.version", f"{chaincode.version!r} must be 1-64 letters, digits or _.+-")

    pol_raw = c.mapping(top.get("policies"), "policies", _POLICY_KEYS)
    policies = PolicySpec(
        endorsement=c.policy(pol_raw, "endorsement", "policies", "MAJORITY"),
        lifecycle_endorsement=c.policy(pol_raw, "lifecycleEndorsement", "policies", "MAJORITY"),
        admins=c.policy(pol_raw, "admins", "policies", "MAJORITY"),
    )

    port_raw = c.mapping(top.get("ports"), "ports", _PORT_KEYS)
    ports = PortSpec(
        base=c.integer(port_raw, "base", "ports", 7000, 1024, 60000),
        stride=c.integer(port_raw, "stride", "ports", 1000, PORT_BLOCK, 10000),
        host=c.string(port_raw, "host", "ports", re.compile(r"^127\.\d+\.\d+\.\d+$"),
                      "must be a loopback address (127.x.y.z): the network is only published on loopback",
                      "127.0.0.1"),
    )
    tls_raw = c.mapping(top.get("tls"), "tls", _TLS_KEYS)
    mutual = tls_raw.get("mutual", False)
    if not isinstance(mutual, bool):
        c.problem("tls.mutual", f"must be true or false, got {mutual!r}")
        mutual = False

    offices = _parse_offices(c, top.get("offices"))
    _check_topology(c, offices, ordering, ports)

    if c.problems:
        raise DefinitionError(source, c.problems)
    return ConsortiumSpec(name=name, domain=domain, channel=channel, offices=tuple(offices), ordering=ordering,
                          chaincode=chaincode, policies=policies, ports=ports, mutual_tls=mutual)


def _parse_offices(c: _Checker, raw: Any) -> list[OfficeSpec]:
    if not isinstance(raw, list) or not raw:
        c.problem("offices", "must be a non-empty list of offices")
        return []
    offices: list[OfficeSpec] = []
    for i, item in enumerate(raw):
        path = f"offices[{i}]"
        o = c.mapping(item, path, _OFFICE_KEYS)
        code = c.string(o, "code", path, ST3_CODE, "is not a WIPO ST.3 office code (two capital letters)")
        if code == "XX":
            c.problem(f"{path}.code", "'XX' is the ST.3 code for an unknown office and cannot identify a member")
        msp_default = f"{code}MSP" if code else None
        msp_id = c.string(o, "mspId", path, MSP_ID, "is not a valid MSP ID (letters, digits, '.', '-')", msp_default)
        name = c.string(o, "name", path, None, "", code)
        peers = c.integer(o, "peers", path, 1, 1, MAX_PEERS_PER_OFFICE)
        port_base = o.get("portBase")
        if port_base is not None and (isinstance(port_base, bool) or not isinstance(port_base, int)
                                      or not 1024 <= port_base <= 65400):
            c.problem(f"{path}.portBase", f"{port_base!r} must be an integer port between 1024 and 65400")
            port_base = None
        founding = o.get("founding", True)
        if not isinstance(founding, bool):
            c.problem(f"{path}.founding", f"must be true or false, got {founding!r}")
            founding = True
        host = _office_host(c, o.get("host"), f"{path}.host")
        peer_hosts = _peer_hosts(c, o.get("peerHosts"), f"{path}.peerHosts", peers, host)
        offices.append(OfficeSpec(code=code, msp_id=msp_id, name=name, peers=peers, port_base=port_base,
                                  founding=founding, host=host, peer_hosts=peer_hosts))
    return offices


def _office_host(c: _Checker, raw: Any, path: str) -> str | None:
    """An office's own host address: an IPv4 address its nodes can be published on (not 0.0.0.0)."""
    if raw is None:
        return None
    try:
        address = ipaddress.IPv4Address(str(raw))
    except ValueError:
        c.problem(path, f"{raw!r} must be an IPv4 address (the address of the office's own host)")
        return None
    if address.is_unspecified or address.is_multicast:
        c.problem(path, f"{raw!r} cannot be a host address")
        return None
    return str(address)


def _peer_hosts(c: _Checker, raw: Any, path: str, peers: int, host: str | None) -> tuple[tuple[str, str], ...]:
    """``{peer1: 10.77.0.15}``: peers of the office published on another host of its own."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        c.problem(path, f"must map peer names (peer1, ...) to host addresses, got {raw!r}")
        return ()
    if host is None:
        c.problem(path, "needs the office's own host (host:) as well: its other nodes run there")
        return ()
    out = []
    for name, value in raw.items():
        index = str(name).removeprefix("peer")
        if not str(name).startswith("peer") or not index.isdigit() or int(index) >= peers:
            c.problem(f"{path}.{name}", f"is not one of the office's peers (peer0..peer{peers - 1})")
            continue
        address = _office_host(c, value, f"{path}.{name}")
        if address is not None:
            out.append((str(name), address))
    return tuple(sorted(out))


def _check_topology(c: _Checker, offices: list[OfficeSpec], ordering: OrderingSpec, ports: PortSpec) -> None:
    for attr, label in (("code", "office code"), ("msp_id", "MSP ID")):
        seen: dict[str, int] = {}
        for i, office in enumerate(offices):
            value = getattr(office, attr)
            if value and value in seen:
                c.problem(f"offices[{i}].{'code' if attr == 'code' else 'mspId'}",
                          f"duplicate {label} {value!r} (already used by offices[{seen[value]}])")
            elif value:
                seen[value] = i
    founders = [o for o in offices if o.founding]
    joining = [i for i, o in enumerate(offices) if not o.founding]
    if joining and any(o.founding for o in offices[joining[0]:]):
        c.problem(f"offices[{joining[0]}]", "list the founding offices first, then those that join later "
                                            "(consenter IDs follow the order of the definition)")
    if offices and not founders:
        c.problem("offices", "at least one office must found the channel (founding: true, the default)")
    if ordering.type == "BFT" and offices and len(founders) < 4:
        c.problem("ordering.type", f"BFT needs at least 4 orderers (one per office) to tolerate a fault; "
                                   f"this consortium has {len(founders)} founding office(s) - add offices or use RAFT")
    # Every published port must be unique and inside the TCP range.
    from ipledger.consortium.ports import office_ports  # local import: ports depends on this module

    owners: dict[int, str] = {}
    for i, office in enumerate(offices):
        base = office.port_base if office.port_base is not None else ports.base + i * ports.stride
        for role, port in office_ports(base, office.peers).items():
            label = f"offices[{i}] ({office.code}) {role}"
            if port > 65535:
                c.problem(f"offices[{i}]", f"{role} port {port} is above 65535 (lower ports.base or ports.stride)")
            if port in owners:
                c.problem(f"offices[{i}]", f"port clash: {label} uses port {port}, already used by {owners[port]}")
            else:
                owners[port] = label


def load_definition(path: str | Path) -> ConsortiumSpec:
    """Read and validate a consortium definition file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DefinitionError(str(p), [f"file not found: {p}"]) from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DefinitionError(str(p), [f"not valid YAML: {exc}"]) from None
    return parse_definition(raw, str(p))
