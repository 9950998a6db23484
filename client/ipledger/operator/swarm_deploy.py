"""Deploy an office's Swarm stack (:mod:`ipledger.operator.swarm_stack`) on the office's own swarm, through
the Docker SDK: ``swarm.init`` on the office's host, secrets and configs from its directory, one service per
node. Everything is labelled with the consortium's project, so ``remove_stack`` finds it all.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import docker
from docker.types import (
    ConfigReference,
    EndpointSpec,
    Healthcheck,
    Mount,
    Placement,
    RestartPolicy,
    SecretReference,
    ServiceMode,
    UpdateConfig,
)

from ipledger.consortium.plan import ConsortiumPlan
from ipledger.operator.engine import Engine
from ipledger.operator.engine_errors import engine_call
from ipledger.operator.errors import NodeUnhealthyError, OperatorError
from ipledger.operator.swarm_stack import ADDRESS_LABEL, FileReference, SwarmService

#: Updates replace one task at a time, the old one stopped first: a node's ports are published in host mode,
#: so its new task cannot bind them while the old one still holds them (start-first would never start).
UPDATE_ORDER: Literal["stop-first"] = "stop-first"


def ensure_swarm(engine: Engine, advertise_addr: str) -> str:
    """The engine's swarm (one per office): initialised on ``advertise_addr`` unless it already manages one.
    Returns the swarm's ID."""
    client = engine.client
    with engine_call(engine.base_url, "read swarm state"):
        state = client.info().get("Swarm", {})
    if state.get("LocalNodeState") != "active":
        with engine_call(engine.base_url, f"swarm init on {advertise_addr}"):
            client.swarm.init(advertise_addr=advertise_addr, listen_addr=f"{advertise_addr}:2377")
    with engine_call(engine.base_url, "inspect swarm"):
        client.swarm.reload()
        return str(client.swarm.attrs["ID"])


def join_host(manager: Engine, worker: Engine, manager_addr: str, worker_addr: str) -> None:
    """Another host of the office joins the office's swarm as a worker (the manager's join token), unless it
    is in a swarm already."""
    with engine_call(worker.base_url, "read swarm state"):
        state = worker.client.info().get("Swarm", {})
    if state.get("LocalNodeState") == "active":
        return
    with engine_call(manager.base_url, "read the swarm's join token"):
        manager.client.swarm.reload()
        token = str(manager.client.swarm.attrs["JoinTokens"]["Worker"])
    with engine_call(worker.base_url, f"join the swarm of {manager_addr}"):
        worker.client.swarm.join(remote_addrs=[f"{manager_addr}:2377"], join_token=token,
                                 advertise_addr=worker_addr, listen_addr=f"{worker_addr}:2377")


def label_nodes(manager: Engine, addresses: Iterable[str], timeout: float = 60) -> dict[str, str]:
    """Label each node of the office's swarm with the address it advertises (``ADDRESS_LABEL``), once every
    address in ``addresses`` is a ready node; services are placed by that label. Returns address -> node ID."""
    wanted, deadline = set(addresses), time.monotonic() + timeout
    client = manager.client
    while True:
        with engine_call(manager.base_url, "list swarm nodes"):
            nodes = client.nodes.list()
        ready = {str(n.attrs["Status"].get("Addr")): n for n in nodes if n.attrs["Status"].get("State") == "ready"}
        missing = wanted - set(ready)
        if not missing:
            break
        if time.monotonic() > deadline:
            raise OperatorError(f"hosts {', '.join(sorted(missing))} are not ready nodes of the swarm on "
                                f"{manager.base_url}: join them first")
        time.sleep(1)
    for address, node in ready.items():
        spec = dict(node.attrs["Spec"])
        if spec.get("Labels", {}).get(ADDRESS_LABEL) == address:
            continue
        spec["Labels"] = {**spec.get("Labels", {}), ADDRESS_LABEL: address}
        with engine_call(manager.base_url, f"label node {address}"):
            node.update(spec)
    return {address: str(node.id) for address, node in ready.items()}


def _ensure_objects(engine: Engine, files: Iterable[FileReference], labels: dict[str, str]) -> dict[str, str]:
    """Create the secrets and configs that are missing (their names are content-addressed); name -> ID."""
    client = engine.client
    ids: dict[str, str] = {}
    with engine_call(engine.base_url, "list secrets and configs"):
        existing = {str(s.name): str(s.id) for s in client.secrets.list()}
        existing.update({str(c.name): str(c.id) for c in client.configs.list()})
    for ref in files:
        if ref.name in ids:
            continue
        if ref.name in existing:
            ids[ref.name] = existing[ref.name]
            continue
        data = ref.source.read_bytes()
        with engine_call(ref.name, "create secret" if ref.secret else "create config"):
            if ref.secret:
                ids[ref.name] = str(client.secrets.create(name=ref.name, data=data, labels=labels).id)
            else:
                config = client.configs.create(name=ref.name, data=data, labels=labels)
                ids[ref.name] = str(config.id)
    return ids


def create_service(engine: Engine, service: SwarmService, project_labels: dict[str, str]) -> None:
    """Create the service unless one of its name exists (an office's nodes keep their tasks on re-deploy)."""
    client = engine.client
    with engine_call(service.name, "look up service"):
        # The name filter matches prefixes: compare exactly.
        if any(s.name == service.name for s in client.services.list(filters={"name": service.name})):
            return
    ids = _ensure_objects(engine, service.files, project_labels)
    secrets = [SecretReference(ids[f.name], f.name, filename=f.target, mode=0o400) for f in service.files if f.secret]
    configs = [ConfigReference(ids[f.name], f.name, filename=f.target, mode=0o444)
               for f in service.files if not f.secret]
    mounts = [Mount(target=target, source=name, type="volume", labels=project_labels)
              for name, target in service.volumes.items()]
    ports: Any = [{"Protocol": "tcp", "PublishedPort": p, "TargetPort": p, "PublishMode": "host"}
                  for p in service.ports]  # the stubs know only the short form; the API takes this one
    healthcheck = Healthcheck(**service.healthcheck) if service.healthcheck else None
    with engine_call(service.name, f"create service from {service.image}"):
        client.services.create(  # type: ignore[no-untyped-call]
            service.image, command=service.command, name=service.name, hostname=service.node,
            env=[f"{k}={v}" for k, v in service.env.items()], labels=service.labels,
            container_labels=service.labels, secrets=secrets, configs=configs, mounts=mounts,
            endpoint_spec=EndpointSpec(mode="dnsrr", ports=ports), hosts=service.hosts,
            healthcheck=healthcheck, restart_policy=RestartPolicy(condition="any", delay=2 * 10**9),
            constraints=service.constraints, update_config=update_config(), mode=ServiceMode(service.mode),
        )


def update_config() -> UpdateConfig:
    """One task at a time, the old one stopped first; a new task that fails is rolled back."""
    return UpdateConfig(parallelism=1, order=UPDATE_ORDER, failure_action="rollback", monitor=5 * 10**9)


@dataclass(frozen=True)
class ServiceUpdate:
    """What ``update_service`` changed: the service's tasks before and after, and how long it took."""

    service: str
    image: str
    old_tasks: tuple[str, ...]
    new_tasks: tuple[str, ...]
    state: str
    seconds: float


def _running_tasks(service: Any) -> tuple[str, ...]:
    return tuple(sorted(str(t["ID"]) for t in service.tasks(filters={"desired-state": "running"})
                        if t.get("Status", {}).get("State") == "running"))


def update_service(engine: Engine, name: str, image: str | None = None, timeout: float = 180) -> ServiceUpdate:
    """Update a service in place (``docker service update``): a new image, or else a rolling restart (its tasks
    replaced by new ones from the same specification); waits until Swarm reports the update completed and a
    new task runs. Secrets, configs, volumes and the published ports are kept."""
    client, began = engine.client, time.monotonic()
    with engine_call(name, "look up service"):
        try:
            service = client.services.get(name)  # type: ignore[no-untyped-call]
        except docker.errors.NotFound:
            raise OperatorError(f"no service {name} on {engine.base_url}") from None
    old = _running_tasks(service)
    changes: dict[str, Any] = {"update_config": update_config()}
    if image:
        changes["image"] = image
    else:
        changes["force_update"] = True
    with engine_call(name, "update service"):
        service.update(**changes)
    state, new = "", tuple[str, ...]()
    while time.monotonic() - began < timeout:
        with engine_call(name, "inspect service"):
            service.reload()
            state = str(service.attrs.get("UpdateStatus", {}).get("State", ""))
            new = tuple(t for t in _running_tasks(service) if t not in old)
        if state in ("rollback_completed", "rollback_paused", "paused"):
            message = service.attrs.get("UpdateStatus", {}).get("Message", "")
            raise OperatorError(f"update of {name} did not complete: {state} ({message})")
        if state == "completed" and new:
            break
        time.sleep(1)
    else:
        raise OperatorError(f"update of {name} not completed after {timeout:.0f}s (state {state or 'unknown'})")
    current = str(service.attrs["Spec"]["TaskTemplate"]["ContainerSpec"]["Image"])
    return ServiceUpdate(service=name, image=current, old_tasks=old, new_tasks=new, state=state,
                         seconds=time.monotonic() - began)


def deploy(engine: Engine, plan: ConsortiumPlan, services: Iterable[SwarmService]) -> list[str]:
    names = []
    for service in services:
        create_service(engine, service, plan.labels)
        names.append(service.name)
    return names


def task_states(engine: Engine, names: Iterable[str]) -> dict[str, str]:
    """The newest task's state of each service (running, starting, failed: message, ...)."""
    out = {}
    for name in names:
        with engine_call(name, "list tasks"):
            try:
                tasks = engine.client.services.get(name).tasks()  # type: ignore[no-untyped-call]
            except docker.errors.NotFound:
                out[name] = "missing"
                continue
        if not tasks:
            out[name] = "no task"
            continue
        newest = max(tasks, key=lambda t: str(t.get("CreatedAt", "")))
        status = newest.get("Status", {})
        err = status.get("Err")
        out[name] = str(status.get("State")) + (f": {err}" if err else "")
    return out


def wait_running(engine: Engine, names: list[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    states: dict[str, str] = {}
    while time.monotonic() < deadline:
        states = task_states(engine, names)
        if all(s == "running" for s in states.values()):
            return
        time.sleep(1)
    raise NodeUnhealthyError("services not running on " + engine.base_url + ": " +
                             "; ".join(f"{n}: {s}" for n, s in sorted(states.items()) if s != "running"))


def remove_stack(engine: Engine, plan: ConsortiumPlan, volumes: bool = True) -> list[str]:
    """Remove the consortium's services, secrets and configs (and volumes) from the engine."""
    client, removed = engine.client, []
    label: dict[str, str | list[str] | bool] = {"label": plan.project_label}
    with engine_call(engine.base_url, "remove services"):
        for service in client.services.list(filters=label):
            removed.append(service.name)
            service.remove()  # type: ignore[no-untyped-call]
    # Tasks' containers go away asynchronously; secrets in use cannot be removed until they have.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and client.containers.list(all=True, filters=label):
        time.sleep(0.5)
    with engine_call(engine.base_url, "remove secrets and configs"):
        for secret in client.secrets.list(filters=label):
            secret.remove()
        for config in client.configs.list(filters=label):
            config.remove()
    if volumes:
        with engine_call(engine.base_url, "remove volumes"):
            for volume in client.volumes.list(filters=label):
                volume.remove(force=True)
    return removed


def service_logs(engine: Engine, name: str, lines: int = 20) -> str:
    with engine_call(name, "read logs"):
        try:
            service = engine.client.services.get(name)  # type: ignore[no-untyped-call]
            raw = service.logs(stdout=True, stderr=True, tail=lines)
        except docker.errors.NotFound:
            raise OperatorError(f"no service {name} on {engine.base_url}") from None
    return b"".join(raw).decode(errors="replace")
