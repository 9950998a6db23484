"""Docker objects of the consortium: compose services, chaincode servers, and what is left after a failure.

Every object a consortium creates carries the label ``io.ipledger.project=<its project>``, so tear-down
finds all of them (including chaincode containers, which compose does not know about) and nothing of another
consortium on the same engine (the demo network beside the test suite's).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Mapping

from ipledger.consortium.plan import CHAINCODE_PORT, ConsortiumPlan, OfficePlan
from ipledger.operator.engine import Engine
from ipledger.operator.run import run

IMAGE_LABEL = "io.ipledger.chaincode-image"


@dataclass(frozen=True)
class ContainerState:
    name: str
    status: str  # running, exited, ...
    health: str  # healthy, unhealthy, starting, or "" without a healthcheck
    labels: dict[str, str]


def compose(engine: Engine, plan: ConsortiumPlan, *args: str, env: Mapping[str, str] | None = None) -> str:
    return run([*engine.compose_argv(plan.compose_file, plan.project, plan.root), *args], cwd=plan.root, env=env)


def containers(engine: Engine, plan: ConsortiumPlan, *extra: str, all_states: bool = True) -> list[ContainerState]:
    """The consortium's containers (with every one of the ``extra`` labels too, when given)."""
    argv = [engine.docker, "ps", "--format", "{{.Names}}"]
    for label in (plan.project_label, *extra):
        argv[2:2] = ["--filter", f"label={label}"]
    if all_states:
        argv.insert(2, "-a")
    names = [n for n in run(argv).split() if n]
    if not names:
        return []
    raw = json.loads(run([engine.docker, "inspect", *names]))
    states = []
    for item in raw:
        state = item.get("State", {})
        health = (state.get("Health") or {}).get("Status", "")
        labels = (item.get("Config") or {}).get("Labels") or {}
        states.append(ContainerState(name=item["Name"].lstrip("/"), status=state.get("Status", "?"), health=health,
                                     labels=dict(labels)))
    return sorted(states, key=lambda s: s.name)


def published_ports(engine: Engine, plan: ConsortiumPlan) -> set[int]:
    """Host ports published by this consortium's running containers."""
    out = run([engine.docker, "ps", "--filter", f"label={plan.project_label}", "--format", "{{.Ports}}"])
    ports: set[int] = set()
    for mapping in out.replace("\n", ",").split(","):
        host_side = mapping.strip().split("->")[0]
        if ":" in host_side:
            first, _, last = host_side.rsplit(":", 1)[1].partition("-")  # docker folds ranges: 8052-8053
            ports.update(range(int(first), int(last or first) + 1))
    return ports


def logs_tail(engine: Engine, name: str, lines: int = 20) -> str:
    return run([engine.docker, "logs", "--tail", str(lines), name], check=False)


def remove_containers(engine: Engine, names: list[str]) -> None:
    if names:
        # -v: also the anonymous volumes of the images' VOLUME lines, which would otherwise be left behind
        run([engine.docker, "rm", "-f", "-v", *names], check=False)


def chaincode_container_name(plan: ConsortiumPlan, office: OfficePlan, label: str) -> str:
    return office.chaincode_host(plan.spec.chaincode.name, label)


def start_chaincode(engine: Engine, plan: ConsortiumPlan, office: OfficePlan, label: str, package_id: str,
                    image: str) -> str:
    """Run the office's chaincode server for one package (idempotent); returns the container name."""
    name = chaincode_container_name(plan, office, label)
    existing = {c.name: c for c in containers(engine, plan, f"io.ipledger.chaincode-label={label}")}
    current = existing.get(name)
    # A CCaaS package ID names only the connection, not the code: a server running another image (the
    # chaincode was rebuilt) is replaced, or the old code would go on answering.
    if current is not None and current.status == "running" and current.labels.get(IMAGE_LABEL) == image:
        return name
    remove_containers(engine, [name] if current is not None else [])
    tls_dir = plan.crypto_dir(office) / "chaincode-server"
    run([
        engine.docker, "run", "-d", "--name", name, "--hostname", name,
        "--network", plan.docker_network, "--network-alias", name,
        "--restart", "unless-stopped",
        "--label", plan.project_label, "--label", f"io.ipledger.office={office.code}",
        "--label", "io.ipledger.role=chaincode", "--label", f"io.ipledger.chaincode-label={label}",
        "--label", f"{IMAGE_LABEL}={image}",
        "-v", f"{tls_dir}:/etc/ipledger/tls:ro",
        "-e", f"CHAINCODE_SERVER_ADDRESS=0.0.0.0:{CHAINCODE_PORT}",
        "-e", f"CHAINCODE_ID={package_id}",
        "-e", "CHAINCODE_TLS_KEY_FILE=/etc/ipledger/tls/server.key",
        "-e", "CHAINCODE_TLS_CERT_FILE=/etc/ipledger/tls/server.crt",
        "-e", "CHAINCODE_CLIENT_CA_FILE=/etc/ipledger/tls/ca.crt",
        # The server serves this office's peer only; founding needs to know whose (CONTRACT.md §1, §8).
        "-e", f"CORE_PEER_LOCALMSPID={office.msp_id}",
        image,
    ])
    return name


def stop_chaincode_except(engine: Engine, plan: ConsortiumPlan, keep_label: str) -> list[str]:
    """Remove chaincode containers of other package labels (after an upgrade committed)."""
    old = [c.name for c in containers(engine, plan, "io.ipledger.role=chaincode")
           if c.labels.get("io.ipledger.chaincode-label") != keep_label]
    remove_containers(engine, old)
    return old


def volumes(engine: Engine, plan: ConsortiumPlan) -> list[str]:
    return [v for v in run([engine.docker, "volume", "ls", "-q", "--filter", f"label={plan.project_label}"]).split()
            if v]


def networks(engine: Engine, plan: ConsortiumPlan) -> list[str]:
    return [n for n in run([engine.docker, "network", "ls", "-q", "--filter", f"label={plan.project_label}"]).split()
            if n]


def remove_everything(engine: Engine, plan: ConsortiumPlan, keep_volumes: bool) -> None:
    remove_containers(engine, [c.name for c in containers(engine, plan)])
    if not keep_volumes:
        for vol in volumes(engine, plan):
            run([engine.docker, "volume", "rm", "-f", vol], check=False)
    for net in networks(engine, plan):
        run([engine.docker, "network", "rm", net], check=False)
