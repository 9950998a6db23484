"""A per-node view of the running consortium: container, health, block height, ordering role, chaincode."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ipledger.operator import containers, health, lifecycle
from ipledger.operator.admin import OfficeAdmin
from ipledger.operator.bringup import Context
from ipledger.operator.errors import OperatorError


@dataclass(frozen=True)
class NodeStatus:
    office: str
    node: str
    role: str  # ca, orderer, peer, library, chaincode
    container: str  # running, exited, missing
    healthy: bool | None
    height: int | None = None
    ordering_role: str | None = None  # consenter / follower, with the channel status
    chaincode: str | None = None  # committed "name version (sequence N)" as this peer sees it
    ports: list[int] = field(default_factory=list)  # host ports the container publishes

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _container_map(ctx: Context) -> dict[str, containers.ContainerState]:
    return {c.name: c for c in containers.containers(ctx.need_engine(install=False), ctx.plan)}


def engine_health(state: containers.ContainerState | None) -> bool | None:
    """The engine's verdict from the container's healthcheck; None while starting, without one, or missing."""
    if state is None or state.status != "running":
        return None if state is None else False
    return {"healthy": True, "unhealthy": False}.get(state.health)


def collect(ctx: Context) -> list[NodeStatus]:
    plan = ctx.plan
    states = _container_map(ctx)
    rows: list[NodeStatus] = []
    admins = {a.office.code: a for a in ctx.admins()}
    for office in plan.offices:
        admin: OfficeAdmin = admins[office.code]
        ca_file = plan.crypto_dir(office) / "tlsca" / "tlsca-cert.pem"

        def probe(name: str, port: int) -> bool | None:
            # The engine runs the node's healthcheck; ask the node from the host only when it has none.
            verdict = engine_health(states.get(name))
            if verdict is not None or (name in states and states[name].health) or not ca_file.exists():
                return verdict
            ok, _ = health.check(health.Endpoint("", f"https://{office.host_ip}:{port}/healthz", ca_file))
            return ok

        def state(name: str) -> str:
            return states[name].status if name in states else "missing"

        def ports(name: str) -> list[int]:
            return sorted(states[name].ports) if name in states else []

        rows.append(NodeStatus(office.code, office.ca.host, "ca", state(office.ca.host),
                               probe(office.ca.host, office.ca.operations_port), ports=ports(office.ca.host)))
        o = office.orderer
        height = relation = None
        if state(o.host) == "running":
            try:
                info = admin.orderer_channel_info()
                if info is not None:
                    height = int(str(info.get("height", 0)))
                    relation = f"{info.get('consensusRelation')} ({info.get('status')})"
            except OperatorError as exc:
                relation = f"unreachable: {str(exc).splitlines()[-1][:80]}"
        rows.append(NodeStatus(office.code, o.host, "orderer", state(o.host), probe(o.host, o.operations_port),
                               height=height, ordering_role=relation, ports=ports(o.host)))
        for p in office.peers:
            height = None
            cc = None
            if state(p.host) == "running":
                try:
                    height = admin.peer_height(p)
                    committed = lifecycle.committed(admin, plan.spec.chaincode.name)
                    if committed:
                        cc = f"{plan.spec.chaincode.name} {committed.get('version')} (sequence {committed.get('sequence')})"
                except OperatorError as exc:
                    cc = f"unreachable: {str(exc).splitlines()[-1][:80]}"
            rows.append(NodeStatus(office.code, p.host, "peer", state(p.host), probe(p.host, p.operations_port),
                                   height=height, chaincode=cc, ports=ports(p.host)))
        lib = office.library
        rows.append(NodeStatus(office.code, lib.host, "library", state(lib.host), probe(lib.host, lib.port),
                               ports=ports(lib.host)))
    for name, st in sorted(states.items()):
        if st.labels.get("io.ipledger.role") == "chaincode":
            rows.append(NodeStatus(st.labels.get("io.ipledger.office", "?"), name, "chaincode", st.status,
                                   engine_health(st), chaincode=st.labels.get("io.ipledger.chaincode-label"),
                                   ports=sorted(st.ports)))
    return rows
