"""An office's nodes as a Docker Swarm stack, generated from the office's own material.

The same services as the office's compose file (``consortium.compose.office_services``), turned into Swarm
services for the office's own swarm (a swarm never spans offices: its managers control every node):

- files of the office's directory reach the containers as Swarm **secrets** (keys, the CA's configuration with
  its registrar secret: the 0600 files) and **configs** (certificates), never as bind mounts;
- each node is one service with ``endpoint_mode: dnsrr`` (no virtual IP: the kernel may lack IP_VS, and BFT
  orderers are addressed one by one) and its ports published in ``host`` mode, so other offices reach it at
  the office host's address;
- Swarm service names cannot contain dots, so the service is ``<project>_<node>`` with dashes, while the
  container's host name stays the node's TLS name; every node of every office resolves, through the
  containers' hosts file, to the address of the host that publishes it (``offices[].host``).

``stack_services`` is pure (unit-tested); :mod:`ipledger.operator.swarm_deploy` creates the objects.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ipledger.consortium import compose
from ipledger.consortium.plan import CHAINCODE_PORT, ConsortiumPlan, OfficePlan

_ENV_DEFAULT = re.compile(r"^\$\{([A-Z0-9_]+):-([^}]+)\}$")
# Baked into the project's images; the compose file mounts them only so that official images work too.
_TOOL_TARGETS = (compose.PROBE, "/opt/hyperledger/ccaas_builder/bin/")
_DURATION = re.compile(r"^(\d+)(ms|s|m)$")
SECRET_NAME_LIMIT = 64
PEER_CHAINCODE_PORT = 7052  # Fabric's default; chaincode-as-a-service dials out, so it is not published

SWARM_CHECK_NS = 2 * 10**9  # Swarm health-check interval, as the testbed was measured with
#: The label every node of an office's swarm carries with the address it publishes on; services are placed by it.
ADDRESS_LABEL = "io.ipledger.address"


@dataclass(frozen=True)
class FileReference:
    """One file of the office's directory, as a secret or config mounted at ``target`` in the container."""

    name: str  # the Swarm object's name: content-addressed, so an unchanged file is never re-created
    source: Path
    target: str
    secret: bool


@dataclass(frozen=True)
class SwarmService:
    name: str
    node: str  # the node's TLS host name (container host name)
    image: str
    command: list[str] | None
    env: dict[str, str]
    files: tuple[FileReference, ...]
    volumes: dict[str, str]  # volume name -> target
    ports: tuple[int, ...]
    healthcheck: dict[str, Any] | None
    labels: dict[str, str]
    hosts: dict[str, str] = field(default_factory=dict)  # node name -> address (extra hosts)
    address: str = ""  # the host address it is published on: the swarm node it is placed on
    mode: Literal["replicated", "global"] = "replicated"  # or "global": one task on every node of the office's swarm

    @property
    def constraints(self) -> list[str]:
        """Placement: on the swarm node of the office that carries its publishing address (ADDRESS_LABEL)."""
        return [f"node.labels.{ADDRESS_LABEL}=={self.address}"] if self.address else []


def service_name(plan: ConsortiumPlan, node: str) -> str:
    """``peer0.jp.ipledger.test`` -> ``<project>_peer0-jp`` (dots are not allowed in service names)."""
    short = node.removesuffix(f".{plan.spec.domain}")
    return f"{plan.project}_{re.sub(r'[^a-zA-Z0-9-]', '-', short)}"


def duration_ns(text: str) -> int:
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"unsupported duration {text!r}")
    value, unit = int(match.group(1)), match.group(2)
    return value * {"ms": 10**6, "s": 10**9, "m": 60 * 10**9}[unit]


def resolve_image(reference: str, env: Mapping[str, str]) -> str:
    """``${IPLEDGER_PEER_IMAGE:-ipledger/fabric-peer:3.1.1}`` -> the variable's value, else the default."""
    match = _ENV_DEFAULT.match(reference)
    if not match:
        return reference
    return env.get(match.group(1)) or match.group(2)


def node_addresses(plan: ConsortiumPlan, chaincode_label: str | None = None) -> dict[str, str]:
    """Every node name of every office of the definition -> the address of the host that publishes it."""
    out: dict[str, str] = {}
    for office in plan.defined:
        names = [office.ca.host, office.orderer.host, office.library.host]
        if chaincode_label:
            names.append(office.chaincode_host(plan.spec.chaincode.name, chaincode_label))
        for name in names:
            out[name] = office.host_ip
        for peer in office.peers:
            out[peer.host] = peer.host_ip
    return out


def _object_name(plan: ConsortiumPlan, office: OfficePlan, source: Path, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()[:12]
    stem = re.sub(r"[^a-zA-Z0-9_.-]", "-", source.name)
    prefix = f"{plan.project}_{office.slug}_"
    return prefix + stem[: SECRET_NAME_LIMIT - len(prefix) - len(digest) - 1] + "-" + digest


def _is_secret(path: Path) -> bool:
    # The office's generator writes every key and secret 0600 (``_files.write_atomically``), the rest 0644.
    return path.stat().st_mode & 0o077 == 0


def file_references(plan: ConsortiumPlan, office: OfficePlan, source: Path, target: str) -> list[FileReference]:
    """A bind mount's files as secret/config references (a directory: every file below it)."""
    files = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else [source]
    out = []
    for path in files:
        relative = path.relative_to(source).as_posix() if source.is_dir() else ""
        data = path.read_bytes()
        out.append(FileReference(name=_object_name(plan, office, path, data), source=path,
                                 target=f"{target.rstrip('/')}/{relative}" if relative else target,
                                 secret=_is_secret(path)))
    return out


def _split_volume(spec: str) -> tuple[str, str]:
    parts = spec.split(":")
    if len(parts) < 2:
        raise ValueError(f"unsupported volume {spec!r}")
    return parts[0], parts[1]


def node_address(office: OfficePlan, node: str) -> str:
    """The address a node of the office is published on: its peer's own host, else the office's host."""
    return next((p.host_ip for p in office.peers if p.host == node), office.host_ip)


def office_addresses(office: OfficePlan) -> list[str]:
    """The hosts of the office's own swarm: its host first (the manager), then its peers' other hosts."""
    return list(dict.fromkeys([office.host_ip, *(p.host_ip for p in office.peers)]))


def from_compose(plan: ConsortiumPlan, office: OfficePlan, compose_service: Mapping[str, Any],
                 env: Mapping[str, str], hosts: Mapping[str, str]) -> SwarmService:
    """One compose service of the office -> its Swarm service."""
    node = str(compose_service["hostname"])
    files: list[FileReference] = []
    volumes: dict[str, str] = {}
    for spec in compose_service.get("volumes", []):
        source, target = _split_volume(str(spec))
        if source.startswith("${") or target.startswith(_TOOL_TARGETS):
            continue
        if source.startswith("./"):
            files += file_references(plan, office, plan.root / source[2:], target)
        else:
            volumes[f"{plan.project}_{source}"] = target
    ports = tuple(int(str(p).rsplit(":", 1)[1]) for p in compose_service.get("ports", []))
    check = compose_service.get("healthcheck")
    healthcheck = None
    if check:
        # A Swarm task counts as running only once its first check passed, so the deployment waits one
        # interval per service: Swarm checks more often than the single-host engine (compose._healthcheck).
        healthcheck = {"test": list(check["test"]), "interval": min(duration_ns(check["interval"]), SWARM_CHECK_NS),
                       "timeout": duration_ns(check["timeout"]), "retries": int(check["retries"]),
                       "start_period": duration_ns(check["start_period"])}
    command = compose_service.get("command")
    env_vars = {str(k): str(v) for k, v in (compose_service.get("environment") or {}).items()}
    if "CORE_PEER_ADDRESS" in env_vars:
        # The peer's name resolves to its host's address, which is not inside its container: without this the
        # peer would try to listen for chaincode there.
        env_vars["CORE_PEER_CHAINCODELISTENADDRESS"] = f"0.0.0.0:{PEER_CHAINCODE_PORT}"
    return SwarmService(
        name=service_name(plan, node), node=node, image=resolve_image(str(compose_service["image"]), env),
        command=[str(c) for c in command] if command else None,
        env=env_vars, files=tuple(files), volumes=volumes, ports=ports, healthcheck=healthcheck,
        labels={str(k): str(v) for k, v in compose_service.get("labels", {}).items()}, hosts=dict(hosts),
        address=node_address(office, node))


def stack_services(plan: ConsortiumPlan, office: OfficePlan, env: Mapping[str, str],
                   chaincode_label: str | None = None) -> list[SwarmService]:
    """The office's CA, orderer, peers and library as Swarm services."""
    services, _ = compose.office_services(plan, office)
    hosts = node_addresses(plan, chaincode_label)
    out = []
    for svc in services.values():
        own = dict(hosts)
        peer = next((p for p in office.peers if p.host == svc["hostname"]), None)
        if peer is not None and chaincode_label:
            # Every host of the office runs a chaincode server (chaincode_service): a peer reaches its own.
            own[office.chaincode_host(plan.spec.chaincode.name, chaincode_label)] = peer.host_ip
        out.append(from_compose(plan, office, svc, env, own))
    return out


def chaincode_service(plan: ConsortiumPlan, office: OfficePlan, label: str, package_id: str,
                      image: str) -> SwarmService:
    """The office's chaincode server for one package: one task on every host of the office's swarm, published
    there for the peers of that host (a peer on another host keeps endorsing when the office's host is down)."""
    node = office.chaincode_host(plan.spec.chaincode.name, label)
    tls_dir = plan.crypto_dir(office) / "chaincode-server"
    key, _, value = plan.project_label.partition("=")
    return SwarmService(
        name=service_name(plan, node), node=node, image=image, command=None,
        env={"CHAINCODE_SERVER_ADDRESS": f"0.0.0.0:{CHAINCODE_PORT}", "CHAINCODE_ID": package_id,
             "CHAINCODE_TLS_KEY_FILE": "/etc/ipledger/tls/server.key",
             "CHAINCODE_TLS_CERT_FILE": "/etc/ipledger/tls/server.crt",
             "CHAINCODE_CLIENT_CA_FILE": "/etc/ipledger/tls/ca.crt",
             "CORE_PEER_LOCALMSPID": office.msp_id},
        files=tuple(file_references(plan, office, tls_dir, "/etc/ipledger/tls")), volumes={},
        ports=(CHAINCODE_PORT,), healthcheck=None,
        labels={key: value, "io.ipledger.office": office.code, "io.ipledger.role": "chaincode",
                "io.ipledger.chaincode-label": label},
        hosts=node_addresses(plan, label), mode="global")
