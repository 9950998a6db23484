"""The resolved consortium: every host name, port and path, derived from a :class:`ConsortiumSpec`.

The spec is what the operator wrote; the plan is what the generators and the operator commands use, so that
no generator recomputes a name or a port on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ipledger.consortium.definition import ConsortiumSpec, OfficeSpec
from ipledger.consortium.ports import office_ports

FABRIC_VERSION = "3.1.1"
FABRIC_CA_VERSION = "1.5.21"
# Inside the compose network every node listens on the port it is published on, so in-network and host
# addresses differ only by host name (the TLS certificates name both).
CHAINCODE_PORT = 9999
DEFAULT_SOURCE = "network/consortium.yaml"
# The local images `ipledger network up` builds (FROM scratch, out of the cached binaries).
PEER_IMAGE = f"ipledger/fabric-peer:{FABRIC_VERSION}"
ORDERER_IMAGE = f"ipledger/fabric-orderer:{FABRIC_VERSION}"
CA_IMAGE = f"ipledger/fabric-ca:{FABRIC_CA_VERSION}"
# The office's digital library (network/tools/library): versioned with the API it serves.
LIBRARY_API_VERSION = "1"
LIBRARY_IMAGE = f"ipledger/library:{LIBRARY_API_VERSION}"
# Largest document a library accepts; the oversized-upload refusal is tested against it.
MAX_DOCUMENT_BYTES = 4 * 1024**3


class Addressed:
    """A node reached as ``host:port``, ``host`` being its TLS name: how Fabric spells an endpoint."""

    host: str
    port: int

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class PeerPlan(Addressed):
    office: str
    index: int
    host: str  # TLS host name and container name
    port: int
    operations_port: int
    # Where the peer is published: its office's host, or another host of the office's own (peerHosts).
    host_ip: str = "127.0.0.1"

    @property
    def name(self) -> str:
        return self.host


@dataclass(frozen=True)
class OrdererPlan(Addressed):
    office: str
    # Its BFT consenter ID: definition order (the founders come first; an office that joins later takes the
    # next free ID in the channel's configuration, which is this one when offices join in definition order).
    consenter_id: int
    host: str
    port: int
    admin_port: int
    operations_port: int


@dataclass(frozen=True)
class CAPlan:
    office: str
    name: str
    host: str
    port: int
    operations_port: int


@dataclass(frozen=True)
class LibraryPlan(Addressed):
    """The office's digital library: its documents, served over mutual TLS under the ledger's rules."""

    office: str
    host: str
    port: int


@dataclass(frozen=True)
class OfficePlan:
    spec: OfficeSpec
    domain: str
    port_base: int
    peers: tuple[PeerPlan, ...]
    orderer: OrdererPlan
    ca: CAPlan
    library: LibraryPlan
    # Where the office's nodes are published: its own host's address, or the consortium's loopback address.
    host_ip: str = "127.0.0.1"

    @property
    def code(self) -> str:
        return self.spec.code

    @property
    def msp_id(self) -> str:
        return self.spec.msp_id

    @property
    def slug(self) -> str:
        return self.spec.code.lower()

    def chaincode_host(self, chaincode: str, label: str) -> str:
        """Container/TLS name of this office's chaincode server for one package label."""
        return f"{chaincode}-{label_slug(label)}.cc.{self.domain}"


def project_name(consortium: str) -> str:
    """A compose project name (lowercase letters, digits, - and _) for a consortium name."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in consortium.lower()).strip("-_") or "ipledger"


def generated_dir(root: Path, source: str, consortium: str) -> Path:
    """network/generated for the default definition; another consortium's files go beside it, so a test or
    trial consortium never overwrites (or removes) the running one's keys and profiles."""
    if source == DEFAULT_SOURCE:
        return root / "network" / "generated"
    return root / "network" / f"generated-{project_name(consortium)}"


def label_slug(label: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in label.lower()).strip("-")


@dataclass(frozen=True)
class ConsortiumPlan:
    spec: ConsortiumSpec
    offices: tuple[OfficePlan, ...]  # the channel's members now: the founders, then offices that joined
    root: Path  # repository root: compose paths are relative to it
    generated: Path  # network/generated
    source: str = "network/consortium.yaml"  # the definition, as named in generated files
    defined: tuple[OfficePlan, ...] = ()  # every office of the definition, members or not

    @property
    def founding(self) -> tuple[OfficePlan, ...]:
        """The offices in the genesis block."""
        return tuple(o for o in self.defined if o.spec.founding)

    @property
    def members_file(self) -> Path:
        """Who is in the channel now, kept by `office join` / `office leave` (absent: the founders)."""
        return self.channel_dir / "members.json"

    @property
    def channel(self) -> str:
        return self.spec.channel

    @property
    def host_ip(self) -> str:
        return self.spec.ports.host

    @property
    def project(self) -> str:
        """Compose project name, from the consortium's name: the prefix of every Docker object it creates, and
        the value of the label that finds them, so two consortia on one engine never touch each other's."""
        return project_name(self.spec.name)

    @property
    def labels(self) -> dict[str, str]:
        """Labels of every Docker object of this consortium."""
        return {"io.ipledger.project": self.project}

    @property
    def project_label(self) -> str:
        return f"io.ipledger.project={self.project}"

    @property
    def docker_network(self) -> str:
        return f"{self.project}_fabric"

    def host_ports(self) -> dict[int, str]:
        """Every port the consortium publishes on the host, with the node (and endpoint) behind it."""
        ports: dict[int, str] = {}
        for office in self.offices:
            ports[office.ca.port] = office.ca.host
            ports[office.ca.operations_port] = f"{office.ca.host} (operations)"
            ports[office.orderer.port] = office.orderer.host
            ports[office.orderer.admin_port] = f"{office.orderer.host} (admin)"
            ports[office.orderer.operations_port] = f"{office.orderer.host} (operations)"
            ports[office.library.port] = office.library.host
            for p in office.peers:
                ports[p.port] = p.host
                ports[p.operations_port] = f"{p.host} (operations)"
        return ports

    def office(self, code: str) -> OfficePlan:
        """An office of the definition (a member, or one that has yet to join)."""
        for office in self.defined:
            if office.code == code.upper():
                return office
        known = ", ".join(o.code for o in self.defined)
        from ipledger.consortium.definition import DefinitionError

        raise DefinitionError("consortium", [f"unknown office {code!r} (this consortium has: {known})"])

    # Generated paths -------------------------------------------------------------------------------------
    def crypto_dir(self, office: OfficePlan) -> Path:
        """The office's own directory: its keys, certificates, CA secret and compose file (mode 0700)."""
        return self.generated / "offices" / office.slug

    def office_compose_file(self, office: OfficePlan) -> Path:
        """The compose file of the office's own nodes: each office starts only these."""
        return self.crypto_dir(office) / "docker-compose.yaml"

    @property
    def bundles_dir(self) -> Path:
        """The offices' public bundles, as collected by the consortium's members."""
        return self.generated / "bundles"

    def bundle_path(self, code: str) -> Path:
        return self.bundles_dir / f"{code.lower()}.json"

    @property
    def channel_dir(self) -> Path:
        """What the channel is made of: its configtx, the MSPs and consenters materialised from bundles, and
        the genesis block."""
        return self.generated / "channel"

    @property
    def channel_block(self) -> Path:
        return self.channel_dir / f"{self.channel}.block"

    @property
    def configtx_dir(self) -> Path:
        return self.channel_dir

    @property
    def tls_roots_dir(self) -> Path:
        """Every office's TLS root certificate (``<office>.pem``), written from the bundles."""
        return self.generated / "tlsca"

    def tls_root_file(self, slug: str) -> Path:
        """One office's TLS root certificate among :attr:`tls_roots_dir`'s."""
        return self.tls_roots_dir / f"{slug}.pem"

    @property
    def profiles_dir(self) -> Path:
        return self.generated / "profiles"

    def wallet_dir(self, office: OfficePlan) -> Path:
        """The office's file wallet of enrolled identities (their keys): in the office's own directory."""
        return self.crypto_dir(office) / "wallet"

    @property
    def packages_dir(self) -> Path:
        return self.generated / "chaincode"

    @property
    def state_file(self) -> Path:
        return self.generated / "state.json"

    @property
    def compose_file(self) -> Path:
        """The committed root file for the default definition; any other definition's goes to generated/,
        so trying another topology never rewrites a committed file."""
        if self.source == DEFAULT_SOURCE:
            return self.root / "docker-compose-fabric.yaml"
        return self.generated / "docker-compose-fabric.yaml"


def source_name(definition: Path, root: Path) -> str:
    """How generated files name their definition: relative to the repository when it lies inside it."""
    try:
        return definition.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(definition)


def build_plan(spec: ConsortiumSpec, root: Path, source: str = "network/consortium.yaml",
               members: Sequence[str] | None = None) -> ConsortiumPlan:
    """The plan of a definition; ``members`` (office codes) when the channel's membership changed since its
    founding, else the founding offices are the members."""
    offices = []
    for i, office in enumerate(spec.offices):
        base = office.port_base if office.port_base is not None else spec.ports.base + i * spec.ports.stride
        ports = office_ports(base, office.peers)
        domain = f"{office.code.lower()}.{spec.domain}"
        peers = tuple(
            PeerPlan(office=office.code, index=k, host=f"peer{k}.{domain}", port=ports[f"peer{k}"],
                     operations_port=ports[f"peer{k}-operations"],
                     host_ip=office.peer_host(k) or office.host or spec.ports.host)
            for k in range(office.peers)
        )
        orderer = OrdererPlan(office=office.code, consenter_id=i + 1, host=f"orderer0.{domain}",
                              port=ports["orderer"], admin_port=ports["orderer-admin"],
                              operations_port=ports["orderer-operations"])
        ca = CAPlan(office=office.code, name=f"ca-{office.code.lower()}", host=f"ca.{domain}", port=ports["ca"],
                    operations_port=ports["ca-operations"])
        library = LibraryPlan(office=office.code, host=f"library.{domain}", port=ports["library"])
        offices.append(OfficePlan(spec=office, domain=domain, port_base=base, peers=peers, orderer=orderer, ca=ca,
                                  library=library, host_ip=office.host or spec.ports.host))
    current = [o for o in offices if (o.code in members if members is not None else o.spec.founding)]
    return ConsortiumPlan(spec=spec, offices=tuple(current), root=root,
                          generated=generated_dir(root, source, spec.name), source=source, defined=tuple(offices))
